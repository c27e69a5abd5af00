"""Correlated subqueries several apps' list queries annotate with."""

from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_per_row(rows: QuerySet, by: str):
    """How many of ``rows`` belong to each row of the outer query, 0 when none: ``rows`` is filtered on the outer
    row already (``by=OuterRef("pk")``), ``by`` names that field. One correlated count, no join, no per-row query."""
    counted = rows.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
