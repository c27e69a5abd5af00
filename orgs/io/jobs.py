"""Running an ``ImportJob``: validate (dry run) after upload, apply after the user confirms.

Both are called by thin Celery tasks (``orgs.tasks``) with the job id, and both are safe to run
twice: validation only ever writes the job row, and an apply takes the job row's lock inside its
transaction and does nothing unless the job is still waiting to be applied; the job is marked done
in the same transaction that writes the data, so a job already done is never applied again.

Progress goes to the cache (Redis in production, shared by web and worker processes), because
during an apply the data transaction is still open and the job row cannot show it; the progress
view reads the cache first and falls back to the job row.
"""

import logging
import time

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ImportJob
from .base import Outcome
from .members_import import MemberImporter
from .orgs_import import OrgImporter
from .reader import ImportFileError, read_table

logger = logging.getLogger(__name__)

IMPORTERS = {ImportJob.Kind.ORGS: OrgImporter, ImportJob.Kind.MEMBERS: MemberImporter}
ACTIVE = (ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATING, ImportJob.Status.APPLYING)
MAX_STORED_ERRORS = 200_000


def progress_key(job_id) -> str:
    # The database name keeps two deployments (or test runs) sharing one Redis apart.
    return f"orgs:import-progress:{connection.settings_dict['NAME']}:{job_id}"


def cached_progress(job_id):
    """The percentage reported by a running validation or apply, or None."""
    return cache.get(progress_key(job_id))


# Where each phase's progress falls on the bar (percent), per run.
SPANS = {
    "validate": {"read": (0, 40), "check": (40, 80), "match": (80, 100)},
    "apply": {"read": (0, 15), "check": (15, 35), "match": (35, 45), "write": (45, 100)},
}


class JobProgress:
    """A progress callback ``(done, total, phase)``: a throttled percentage in the cache and, while
    validating (outside any transaction), the rows checked so far on the job row."""

    def __init__(self, job_id, mode: str, *, interval: float = 0.5):
        self.job_id = job_id
        self.mode = mode
        self.interval = interval
        self.last = 0.0

    def __call__(self, done, total, phase="check"):
        now = time.monotonic()
        if now - self.last < self.interval and done < total:
            return
        self.last = now
        low, high = SPANS[self.mode].get(phase, (0, 100))
        percent = low + (high - low) * min(done, total) / total if total else low
        cache.set(progress_key(self.job_id), int(percent), 3600)
        if self.mode == "validate" and phase == "check":
            ImportJob.objects.filter(pk=self.job_id).update(processed_rows=done)


def _finish(job_id, expected_status, *, status, outcome: Outcome | None = None, errors=None, rows=None):
    errors = outcome.errors if outcome is not None else errors or []
    values = {"status": status, "errors": errors[:MAX_STORED_ERRORS], "updated_at": timezone.now()}
    if outcome is not None:
        values["summary"] = outcome.summary
    if rows is not None:
        values["total_rows"] = values["processed_rows"] = rows
    cache.delete(progress_key(job_id))
    return ImportJob.objects.filter(pk=job_id, status=expected_status).update(**values)


def _file_error(message):
    return [{"row": None, "column": "", "message": str(message)}]


def _read(job, progress):
    with job.file.open("rb") as fileobj:
        return read_table(job.kind, fileobj, job.file.name, progress=progress)


def validate_job(job_id: int) -> None:
    """The dry run: every bad row into ``job.errors``, the counts into ``job.summary``. Writes no data."""
    Status = ImportJob.Status
    claimed = ImportJob.objects.filter(pk=job_id, status__in=(Status.UPLOADED, Status.VALIDATING)).update(
        status=Status.VALIDATING, processed_rows=0, updated_at=timezone.now()
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    progress = JobProgress(job_id, "validate")
    try:
        table = _read(job, progress)
        ImportJob.objects.filter(pk=job_id).update(total_rows=len(table), processed_rows=0)
        outcome = IMPORTERS[job.kind](job.created_by, table, progress=progress).dry_run()
    except ImportFileError as exc:
        _finish(job_id, Status.VALIDATING, status=Status.INVALID, errors=_file_error(exc.message), rows=0)
        return
    except FileNotFoundError:
        _finish(
            job_id, Status.VALIDATING, status=Status.FAILED, errors=_file_error(_("上传的文件已不存在，请重新上传。"))
        )
        return
    except Exception:
        logger.exception("validating import job %s failed", job_id)
        _finish(
            job_id,
            Status.VALIDATING,
            status=Status.FAILED,
            errors=_file_error(_("校验时发生系统错误，请稍后重试或联系管理员。")),
        )
        return
    status = Status.VALID if outcome.ok else Status.INVALID
    _finish(job_id, Status.VALIDATING, status=status, outcome=outcome, rows=len(table))


def confirm_job(job: ImportJob) -> bool:
    """The user confirmed a validated job: mark it to be applied (once). False if it is not waiting."""
    return bool(
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALID).update(
            status=ImportJob.Status.APPLYING, processed_rows=0, updated_at=timezone.now()
        )
    )


def apply_job(job_id: int) -> None:
    """All rows or none, re-validated inside the transaction; marks the job done in the same transaction."""
    Status = ImportJob.Status
    progress = JobProgress(job_id, "apply")
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().select_related("created_by").filter(pk=job_id).first()
            if job is None or job.status != Status.APPLYING:
                return  # gone, not confirmed, or already applied by an earlier run
            table = _read(job, progress)
            outcome = IMPORTERS[job.kind](job.created_by, table, progress=progress).apply()
            job.status = Status.DONE if outcome.ok else Status.INVALID
            job.errors = outcome.errors[:MAX_STORED_ERRORS]
            job.summary = outcome.summary
            job.total_rows = job.processed_rows = len(table)
            job.save(update_fields=["status", "errors", "summary", "total_rows", "processed_rows", "updated_at"])
    except ImportFileError as exc:
        _finish(job_id, Status.APPLYING, status=Status.INVALID, errors=_file_error(exc.message))
    except IntegrityError:
        logger.info("import job %s collided with a concurrent change", job_id, exc_info=True)
        _finish(
            job_id,
            Status.APPLYING,
            status=Status.INVALID,
            errors=_file_error(
                _("导入期间数据被其他操作修改（如同一身份证号或组织编码已被登记），未写入任何数据。请重新上传校验。")
            ),
        )
    except Exception:
        logger.exception("applying import job %s failed", job_id)
        _finish(
            job_id,
            Status.APPLYING,
            status=Status.FAILED,
            errors=_file_error(_("导入时发生系统错误，未写入任何数据。请稍后重试或联系管理员。")),
        )
    finally:
        cache.delete(progress_key(job_id))


def run_file(kind: str, user, fileobj, name: str, *, apply: bool = False, progress=None) -> Outcome:
    """For the management command: dry run (or apply) a file without a job row."""
    table = read_table(kind, fileobj, name, progress=progress)
    importer = IMPORTERS[kind](user, table, progress=progress)
    return importer.apply() if apply else importer.dry_run()
