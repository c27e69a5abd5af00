"""Celery tasks of the organizations app: thin, keyword-only ids, safe to run twice.

"全省所有基层党组织和党员都要积极投身创先争优活动，实现组织和党员全覆盖。" (seed, part 三):
a county's whole roster arrives as one file; checking and writing it runs in the background with
a progress bar on the job page.
"""

from celery import shared_task

from .io import jobs


@shared_task(name="orgs.validate_import", ignore_result=True)
def validate_import(*, job_id: int) -> None:
    """Dry run of an uploaded file: every bad row is stored on the job; no data is written."""
    jobs.validate_job(job_id)


@shared_task(name="orgs.apply_import", ignore_result=True)
def apply_import(*, job_id: int) -> None:
    """Write a confirmed job, all rows or none; a job already applied is left alone."""
    jobs.apply_job(job_id)
