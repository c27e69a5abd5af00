"""Celery tasks of the evaluations app: thin, keyword-only ids, safe to run twice."""

from celery import shared_task


@shared_task(name="evaluations.compute_tiers", ignore_result=True)
def compute_tiers_task(*, run_id: int) -> None:
    """Compute the tiers of a subtree for a period (a TierRun); a finished run is left alone."""
    from .services.tiers import run_computation

    run_computation(run_id)


@shared_task(name="evaluations.generate_mass_sheet", ignore_result=True)
def generate_mass_sheet(*, batch_id: int) -> None:
    """Create a 群众评议 batch's tokens and render its QR sheet; a ready batch is left alone."""
    from .services.mass import generate_sheet

    generate_sheet(batch_id)
