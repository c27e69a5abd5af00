"""Running an ``ImportJob``: validate (dry run) after upload, apply after the user confirms.

Both run as background jobs (``common.jobs``; the kinds are declared in ``orgs.tasks``) with the import
job's id, and both are safe to run twice: validation only ever writes the job row, and an apply takes the
job row's lock inside its transaction and does nothing unless the job is still waiting to be applied; the
job is marked done in the same transaction that writes the data, so a job already done is never applied
again. A clean check keeps the rows it parsed beside the upload (``reader.dump_rows``, deleted after the
apply), so the sheet is parsed once per import; the apply still checks every row again. An unexpected
error, or a worker that died, ends the background job 失败; its hooks here (``validation_failed``,
``apply_failed``) mark the import job 导入失败 with the reason, and the owner's 重试 puts it back
(``validate_again``, ``apply_again``). A worker killed during an apply leaves nothing
written: the data transaction dies with it.

Progress goes to the cache (Redis in production, shared by web and worker processes), because
during an apply the data transaction is still open and the job row cannot show it; the progress
view reads the cache first and falls back to the job row. Progress is decoration: with Redis down
the cache calls fail quietly and the page shows the job row's figures.
"""

import logging
import time
from functools import partial

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import jobs as background

from ..models import ImportJob
from .base import Outcome
from .members_import import MemberImporter
from .orgs_import import OrgImporter
from .reader import ImportFileError, dump_rows, load_rows, read_table

logger = logging.getLogger(__name__)

IMPORTERS = {ImportJob.Kind.ORGS: OrgImporter, ImportJob.Kind.MEMBERS: MemberImporter}
ACTIVE = (ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATING, ImportJob.Status.APPLYING)
MAX_STORED_ERRORS = 200_000
VALIDATE_FAILED = gettext_lazy("校验时发生系统错误，请重试；仍然失败的，请联系管理员。")
APPLY_FAILED = gettext_lazy("导入时发生系统错误，未写入任何数据。请重试；仍然失败的，请联系管理员。")


def progress_key(job_id) -> str:
    # The database name keeps two deployments (or test runs) sharing one Redis apart.
    return f"orgs:import-progress:{connection.settings_dict['NAME']}:{job_id}"


def cached_progress(job_id):
    """The percentage reported by a running validation or apply, or None (also when the cache is down)."""
    try:
        return cache.get(progress_key(job_id))
    except Exception:  # noqa: BLE001  (Redis down: the page falls back to the job row)
        logger.debug("import progress of %s unavailable", job_id, exc_info=True)
        return None


def progress_percent(job) -> int:
    """The job's progress bar: the cache while it runs (the page and the API poll it), else the job row."""
    if job.status not in ACTIVE:
        return 100 if job.status == ImportJob.Status.DONE else job.progress_percent
    cached = cached_progress(job.pk)
    return cached if cached is not None else job.progress_percent


def _forget_progress(job_id) -> None:
    try:
        cache.delete(progress_key(job_id))
    except Exception:  # noqa: BLE001  (Redis down: the entry expires on its own)
        logger.debug("import progress of %s not deleted", job_id, exc_info=True)


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
        try:
            cache.set(progress_key(self.job_id), int(percent), 3600)
        except Exception:  # noqa: BLE001  (Redis down: the import goes on without a progress bar)
            logger.debug("import progress of %s not stored", self.job_id, exc_info=True)
        if self.mode == "validate" and phase == "check":
            ImportJob.objects.filter(pk=self.job_id).update(processed_rows=done)


def _finish(job_id, expected_status, *, status, outcome: Outcome | None = None, errors=None, rows=None):
    errors = outcome.errors if outcome is not None else errors or []
    values = {"status": status, "errors": errors[:MAX_STORED_ERRORS], "updated_at": timezone.now()}
    if outcome is not None:
        values["summary"] = outcome.summary
    if rows is not None:
        values["total_rows"] = values["processed_rows"] = rows
    _forget_progress(job_id)
    return ImportJob.objects.filter(pk=job_id, status=expected_status).update(**values)


def _file_error(message):
    return [{"row": None, "column": "", "message": str(message)}]


def _read(job, progress):
    with job.file.open("rb") as fileobj:
        return read_table(job.kind, fileobj, job.file.name, progress=progress)


def _parsed_name(job) -> str:
    return f"{job.file.name}.rows.json"


def _keep_parsed(job, table) -> None:
    """After a clean check: the parsed rows beside the upload (``reader.dump_rows``), for the apply."""
    storage, name = job.file.storage, _parsed_name(job)
    try:
        storage.delete(name)  # a re-check replaces it (save would pick another name)
        storage.save(name, ContentFile(dump_rows(table)))
    except OSError:  # the apply will parse the upload again
        logger.warning("parsed rows of import job %s not kept", job.pk, exc_info=True)


def _read_parsed(job, progress):
    """The rows the check parsed, so the sheet is parsed once per import; the upload again if they are gone
    or unreadable. Either way the apply checks every row again."""
    try:
        with job.file.storage.open(_parsed_name(job), "rb") as fileobj:
            table = load_rows(job.kind, fileobj)
    except (OSError, ValueError):
        return _read(job, progress)
    progress(1, 1, "read")
    return table


def _forget_parsed(job) -> None:
    try:
        job.file.storage.delete(_parsed_name(job))
    except OSError:  # the copy stays; it is read only by this job's apply, which is over
        logger.warning("parsed rows of import job %s not deleted", job.pk, exc_info=True)


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
    # Any other error ends the background job 失败 (common.jobs), and validation_failed marks this job.
    status = Status.VALID if outcome.ok else Status.INVALID
    if outcome.ok:
        _keep_parsed(job, table)
    _finish(job_id, Status.VALIDATING, status=status, outcome=outcome, rows=len(table))


def queue_validation(job: ImportJob) -> None:
    """After an upload (in its transaction): the dry run as a background job of the uploader."""
    background.enqueue("orgs.validate_import", owner=job.created_by, target=job, import_job_id=job.pk)


@transaction.atomic
def start_import(user, *, kind: str, upload, stored_name: str) -> ImportJob:
    """An upload checked by ``ImportUploadForm`` (the page and the API): the job row, the file under a random
    name (the original name is kept on the row, never used as a path) and its dry run queued."""
    original_name = upload.name[:255]
    upload.name = stored_name
    job = ImportJob.objects.create(kind=kind, file=upload, original_name=original_name, created_by=user)
    queue_validation(job)
    return job


def confirm_job(job: ImportJob) -> bool:
    """The user confirmed a validated job: mark it to be applied (once) and queue the apply after the commit.
    False if it is not waiting."""
    with transaction.atomic():
        confirmed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALID).update(
            status=ImportJob.Status.APPLYING, processed_rows=0, updated_at=timezone.now()
        )
        if confirmed:
            background.enqueue("orgs.apply_import", owner=job.created_by, target=job, import_job_id=job.pk)
    return bool(confirmed)


def apply_job(job_id: int) -> None:
    """All rows or none, re-validated inside the transaction; marks the job done in the same transaction."""
    Status = ImportJob.Status
    progress = JobProgress(job_id, "apply")
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().select_related("created_by").filter(pk=job_id).first()
            if job is None or job.status != Status.APPLYING:
                return  # gone, not confirmed, or already applied by an earlier run
            table = _read_parsed(job, progress)
            outcome = IMPORTERS[job.kind](job.created_by, table, progress=progress).apply()
            transaction.on_commit(partial(_forget_parsed, job))
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
    # Any other error ends the background job 失败 (common.jobs), and apply_failed marks this job.
    finally:
        _forget_progress(job_id)


# --- hooks of the background jobs (orgs.tasks) ------------------------------------------------------


def _import_job_id(job) -> int:
    return job.kwargs["import_job_id"]


def validation_failed(job) -> None:
    """The dry run ended 失败 (an error, or its worker died): the import job says so, with the reason."""
    Status = ImportJob.Status
    _finish(_import_job_id(job), Status.UPLOADED, status=Status.FAILED, errors=_file_error(job.failure_reason))
    _finish(_import_job_id(job), Status.VALIDATING, status=Status.FAILED, errors=_file_error(job.failure_reason))


def validate_again(job) -> bool:
    """Before a resume or a retry: a job still waiting for (or failed in) its check is checked from the start."""
    Status = ImportJob.Status
    return bool(
        ImportJob.objects.filter(
            pk=_import_job_id(job), status__in=[Status.UPLOADED, Status.VALIDATING, Status.FAILED]
        ).update(status=Status.UPLOADED, errors=[], summary={}, processed_rows=0, updated_at=timezone.now())
    )


def apply_failed(job) -> None:
    """The apply ended 失败: nothing was written (one transaction); the import job says so, with the reason."""
    Status = ImportJob.Status
    _finish(_import_job_id(job), Status.APPLYING, status=Status.FAILED, errors=_file_error(job.failure_reason))


def apply_again(job) -> bool:
    """Before a resume or a retry: a failed or interrupted apply is applied again (re-validated inside)."""
    Status = ImportJob.Status
    return bool(
        ImportJob.objects.filter(pk=_import_job_id(job), status__in=[Status.APPLYING, Status.FAILED]).update(
            status=Status.APPLYING, errors=[], processed_rows=0, updated_at=timezone.now()
        )
    )


def run_file(kind: str, user, fileobj, name: str, *, apply: bool = False, progress=None) -> Outcome:
    """For the management command: dry run (or apply) a file without a job row."""
    table = read_table(kind, fileobj, name, progress=progress)
    importer = IMPORTERS[kind](user, table, progress=progress)
    return importer.apply() if apply else importer.dry_run()
