"""Celery tasks of the awards app: jobs (common.jobs) with keyword-only ids, safe to run twice."""

from django.utils import timezone

from common.jobs import job_task


def _decision_rows(job):
    from .models import Decision

    return Decision.objects.filter(pk=job.kwargs["decision_id"], generation=job.kwargs["generation"])


def _generation_failed(job) -> None:
    """The job ended 失败 (its worker died, or it failed outside the body's own error handling): the decision
    shows 生成失败 and its 生成文件 button again."""
    from .models import DecisionStatus

    _decision_rows(job).filter(status__in=[DecisionStatus.QUEUED, DecisionStatus.GENERATING]).update(
        status=DecisionStatus.FAILED, error=str(job.failure_reason), updated_at=timezone.now()
    )


def _generate_again(job) -> bool:
    """Before a resume: this generation goes back to 排队中 unless an edit or a newer request replaced it."""
    from .models import DecisionStatus

    return bool(
        _decision_rows(job)
        .filter(status__in=[DecisionStatus.QUEUED, DecisionStatus.GENERATING, DecisionStatus.FAILED])
        .update(status=DecisionStatus.QUEUED, progress=0, error="", started_at=None, updated_at=timezone.now())
    )


@job_task("awards.generate_decision_documents", on_failed=_generation_failed, on_retry=_generate_again)
def generate_decision_documents(*, decision_id: int, generation: int | None = None) -> None:
    """Render a decision's PDF, its certificates and the list's xlsx; a finished or superseded
    generation is left alone (see awards.services.documents.generate_documents)."""
    from .services.documents import generate_documents

    generate_documents(decision_id, generation)
