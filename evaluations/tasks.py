"""Celery tasks of the evaluations app: jobs (common.jobs) with keyword-only ids, safe to run twice."""

from common.jobs import job_task


def _run_failed(job) -> None:
    from .services.tiers import run_failed

    run_failed(job)


def _run_again(job) -> bool:
    from .services.tiers import run_again

    return run_again(job)


@job_task("evaluations.compute_tiers", on_failed=_run_failed, on_retry=_run_again)
def compute_tiers_task(*, run_id: int) -> None:
    """Compute the tiers of a subtree for a period (a TierRun); a finished run is left alone."""
    from .services.tiers import run_computation

    run_computation(run_id)


def _sheet_failed(job) -> None:
    """The QR sheet's job ended 失败 (an error, or its worker died): the batch shows 生成失败."""
    from .models import MassBatch, MassBatchStatus

    MassBatch.objects.filter(pk=job.kwargs["batch_id"], status=MassBatchStatus.GENERATING).update(
        status=MassBatchStatus.FAILED
    )


def _sheet_again(job) -> bool:
    """Before a resume or a retry: a batch without its sheet is generated again (a ready one is left alone)."""
    from .models import MassBatch, MassBatchStatus

    return bool(
        MassBatch.objects.filter(
            pk=job.kwargs["batch_id"], status__in=[MassBatchStatus.GENERATING, MassBatchStatus.FAILED]
        ).update(status=MassBatchStatus.GENERATING)
    )


@job_task("evaluations.generate_mass_sheet", on_failed=_sheet_failed, on_retry=_sheet_again)
def generate_mass_sheet(*, batch_id: int) -> None:
    """Create a 群众评议 batch's tokens and render its QR sheet; a ready batch is left alone."""
    from .services.mass import generate_sheet

    generate_sheet(batch_id)
