"""Celery tasks of the organizations app: jobs (common.jobs) with keyword-only ids, safe to run twice.

"全省所有基层党组织和党员都要积极投身创先争优活动，实现组织和党员全覆盖。" (seed, part 三):
a county's whole roster arrives as one file; checking and writing it runs in the background with
a progress bar on the job page.
"""

from common.jobs import job_task

from .io import jobs


@job_task(
    "orgs.validate_import",
    on_failed=jobs.validation_failed,
    on_retry=jobs.validate_again,
    failure_reason=jobs.VALIDATE_FAILED,
)
def validate_import(*, import_job_id: int) -> None:
    """Dry run of an uploaded file: every bad row is stored on the job; no data is written."""
    jobs.validate_job(import_job_id)


@job_task(
    "orgs.apply_import",
    on_failed=jobs.apply_failed,
    on_retry=jobs.apply_again,
    failure_reason=jobs.APPLY_FAILED,
)
def apply_import(*, import_job_id: int) -> None:
    """Write a confirmed job, all rows or none; a job already applied is left alone."""
    jobs.apply_job(import_job_id)
