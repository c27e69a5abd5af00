"""The job sweeper (common.jobs.sweep), run every minute by beat (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task


@shared_task(name="common.sweep_jobs", ignore_result=True)
def sweep_jobs() -> dict:
    """Publish jobs waiting for the broker; resume or fail jobs whose worker died; rescue stuck outgoing messages."""
    from . import jobs

    return jobs.sweep()
