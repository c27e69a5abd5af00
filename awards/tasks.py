"""Celery tasks of the awards app: thin, keyword-only ids, safe to run twice."""

from celery import shared_task


@shared_task(name="awards.generate_decision_documents", ignore_result=True)
def generate_decision_documents(*, decision_id: int, generation: int | None = None) -> None:
    """Render a decision's PDF, its certificates and the list's xlsx; a finished or superseded
    generation is left alone (see awards.services.documents.generate_documents)."""
    from .services.documents import generate_documents

    generate_documents(decision_id, generation)
