"""Model field declarations that many models make the same way."""

from django.db import models


def set_null_fk(to, verbose_name, *, blank=True):
    """A reference kept for the record that outlives its target: who recorded, submitted, approved or annulled a
    row; the period or round a snapshot was taken for. Emptied when the target row is deleted (SET_NULL), optional
    in forms unless ``blank=False``, and no reverse accessor on the target (``related_name="+"``)."""
    return models.ForeignKey(
        to, verbose_name=verbose_name, null=True, blank=blank, on_delete=models.SET_NULL, related_name="+"
    )


def score_field(verbose_name, **options):
    """A score, a weight or a percentage of the evaluations: at most 999.99, two decimals (scores are out of 100)."""
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, **options)
