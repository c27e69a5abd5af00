"""Background jobs that always end: an outbox in the database, claimed by attempt, watched by a heartbeat.

Every piece of background work (an import's check and write, a decision's documents, a tier computation, a QR
sheet, a dashboard refresh, the daily reminders, outgoing e-mail/SMS) is a ``common.models.Job`` row:

- ``enqueue(kind, owner=…, target=…, **ids)`` writes the row in the caller's transaction and publishes the Celery
  message after the commit. When the broker cannot be reached the error is logged, the row stays 待处理 and the
  request goes on (an **outbox**): the user reads ``DEFERRED_MESSAGE``, never a 500, and the sweeper publishes the
  job once the broker is back.
- The message carries only ``job`` and ``attempt``. A worker *claims* the job with one conditional UPDATE
  (待处理 and the same attempt → 处理中); a message for a job already finished, superseded, running or of an older
  attempt does nothing, so a redelivered or duplicated message is harmless.
- While the body runs, a thread with its own database connection writes ``heartbeat_at`` every
  ``JOB_HEARTBEAT_SECONDS``. The body ends 已完成, or 失败 with the kind's Chinese reason (the traceback goes to
  the log, never to the user) and the kind's ``on_failed`` hook, which puts the domain row (the import, the
  decision …) into its own failed state.
- ``sweep()`` runs every minute (CELERY_BEAT_SCHEDULE): it publishes jobs that were never published (or long ago
  and never started), and a job whose heartbeat is older than ``JOB_STALE_AFTER`` — its worker died — is resumed
  (a new attempt, published again) while attempts remain, otherwise it ends 失败 "处理进程意外中断，请重试".
- The owner retries a failed job from the page that shows it (``retry``: a new attempt, published).

A kind is declared in its app's tasks.py with ``@job_task(name, on_failed=…, on_retry=…)``; the decorated
function is the body and receives the job's ids as keyword arguments. ``on_retry(job)`` puts the domain row back
where the body picks it up (before a resume or a retry) and answers False when there is nothing left to redo.
"""

import contextlib
import copy
import dataclasses
import datetime
import importlib
import logging
import threading
from collections import Counter
from collections.abc import Callable
from functools import partial

import kombu.exceptions
import redis.exceptions
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Job

logger = logging.getLogger(__name__)

State = Job.State
# What publishing raises when the broker is unreachable: kombu wraps most transport errors in its own
# OperationalError; redis-py and the socket layer raise theirs when they escape the wrapping.
PUBLISH_ERRORS = (kombu.exceptions.KombuError, redis.exceptions.RedisError, OSError)

DEFERRED_MESSAGE = _("已提交；后台服务暂不可用，恢复后将自动处理")
INTERRUPTED = _("处理进程意外中断，请重试")
TIMED_OUT = _("处理时间超过上限，已停止。请重试；仍然超时的，请联系系统管理员")
DEFAULT_FAILURE = _("处理时发生系统错误，请重试；仍然失败的，请联系系统管理员")
# Jobs handled per sweep and per question (the rest wait for the next minute).
SWEEP_BATCH = 500


@dataclasses.dataclass(frozen=True)
class Kind:
    name: str
    task: object
    body: Callable
    on_failed: Callable[[Job], None] | None
    on_retry: Callable[[Job], bool] | None
    failure_reason: str
    max_attempts: int


KINDS: dict[str, Kind] = {}
# Callables run by every sweep after the jobs (e.g. campaign's rescue of outgoing messages): ``hook(now)``
# returns counts for the sweep's log line.
SWEEP_HOOKS: list[Callable[[datetime.datetime], dict]] = []


def job_task(
    name: str,
    *,
    on_failed: Callable[[Job], None] | None = None,
    on_retry: Callable[[Job], bool] | None = None,
    failure_reason=DEFAULT_FAILURE,
    max_attempts: int | None = None,
):
    """Declare a job kind: the decorated function is its body; the Celery task of the same name runs it."""

    def decorate(body):
        def run(self, job: int | None = None, attempt: int | None = None, **legacy):
            if job is None:
                # A message in the format of the tasks before jobs existed: nothing refers to it any more.
                logger.warning("ignoring a %s message without a job id (%s)", name, ", ".join(sorted(legacy)))
                return None
            return execute(job, attempt, heartbeat=not self.request.is_eager)

        run.__doc__ = body.__doc__
        run.__name__ = body.__name__
        run.__module__ = body.__module__
        # The job row keeps the result; no result backend is touched (a Redis result backend that is down would
        # hold the request for its 20 reconnection retries).
        task = shared_task(name=name, bind=True, ignore_result=True)(run)
        KINDS[name] = Kind(
            name=name,
            task=task,
            body=body,
            on_failed=on_failed,
            on_retry=on_retry,
            failure_reason=failure_reason,
            max_attempts=max_attempts or settings.JOB_MAX_ATTEMPTS,
        )
        return task

    return decorate


def on_sweep(hook):
    """Run ``hook(now)`` in every sweep (once per registration)."""
    if hook not in SWEEP_HOOKS:
        SWEEP_HOOKS.append(hook)
    return hook


def kind_of(name: str) -> Kind:
    if name not in KINDS:
        # Kinds register when their app's tasks module is imported; a web process may not have imported it yet.
        importlib.import_module(f"{name.split('.', 1)[0]}.tasks")
    return KINDS[name]


def known(name: str) -> bool:
    try:
        kind_of(name)
    except (ImportError, KeyError):
        return False
    return True


def target_label(target) -> str:
    """ "orgs.importjob:12" for a model instance; a string is taken as it is."""
    if target is None:
        return ""
    if isinstance(target, str):
        return target
    return f"{target._meta.label_lower}:{target.pk}"


def latest(target, kind: str | None = None) -> Job | None:
    """The newest job of ``target`` (of ``kind``), for the page that shows it."""
    label = target_label(target)
    if not label:
        return None
    jobs = Job.objects.filter(target=label)
    if kind:
        jobs = jobs.filter(kind=kind)
    return jobs.order_by("-id").first()


# --- enqueue and publish ---------------------------------------------------------------------------


class Watch:
    """Collects the jobs whose publishing failed while it is open (``with watch() as w: …; w.deferred``)."""

    def __init__(self):
        self.deferred: list[Job] = []


_local = threading.local()


@contextlib.contextmanager
def watch():
    """Let a view learn whether the work it just committed is waiting for the broker.

    The publish happens when the outermost transaction commits; open the watch around that transaction (the
    view's service call), then tell the user ``DEFERRED_MESSAGE`` when ``deferred`` is not empty.
    """
    watcher = Watch()
    stack = _local.__dict__.setdefault("watchers", [])
    stack.append(watcher)
    try:
        yield watcher
    finally:
        stack.remove(watcher)


def enqueue(kind: str, *, owner=None, target=None, supersede: bool = False, **ids) -> Job:
    """Write the job in the caller's transaction; publish it after the commit.

    ``ids`` are the body's keyword arguments (JSON: ids, dates as strings). ``supersede``: earlier jobs of the
    same kind and target that have not finished well are cancelled (已取消) — their messages then do nothing.
    """
    spec = kind_of(kind)
    label = target_label(target)
    now = timezone.now()
    if supersede and label:
        Job.objects.filter(kind=kind, target=label, state__in=[State.PENDING, State.RUNNING, State.FAILED]).update(
            state=State.SUPERSEDED, finished_at=now
        )
    job = Job.objects.create(
        kind=kind,
        kwargs=ids,
        owner=owner,
        target=label,
        max_attempts=spec.max_attempts,
        pending_since=now,
    )
    transaction.on_commit(partial(publish, job))
    return job


def enqueue_many(kind: str, bodies: list[dict]) -> list[Job]:
    """``enqueue`` for many jobs of one kind at once (no owner, no target): one INSERT for the rows, one
    callback after the commit that publishes them and marks the published ones with one UPDATE. The daily
    reminders queue thousands of send jobs this way (bench/README.md 提醒)."""
    if not bodies:
        return []
    spec = kind_of(kind)
    now = timezone.now()
    created = Job.objects.bulk_create(
        [Job(kind=kind, kwargs=ids, max_attempts=spec.max_attempts, pending_since=now) for ids in bodies],
        batch_size=1000,
    )
    transaction.on_commit(partial(_publish_many, spec, created))
    return created


def _publish_many(spec: Kind, created: list[Job]) -> None:
    """Publish in order; at the first broker error the rest are marked as waiting for the broker (one UPDATE, no
    attempt per job: the sweeper publishes them once it is back)."""
    published = []
    for position, job in enumerate(created):
        try:
            _send(spec, job)
        except PUBLISH_ERRORS as exc:
            rest = created[position:]
            logger.warning(
                "%d %s jobs not published, broker unreachable (%r): the sweeper will", len(rest), spec.name, exc
            )
            now = timezone.now()
            with contextlib.suppress(DatabaseError):
                Job.objects.filter(pk__in=[j.pk for j in rest], attempt=1, state=State.PENDING).update(
                    publish_failed_at=now
                )
            for waiting in rest:
                waiting.publish_failed_at = now
                for watcher in getattr(_local, "watchers", []):
                    watcher.deferred.append(waiting)
            break
        published.append(job.pk)
    if published:
        # No state condition: with eager tasks the jobs have already run by now (as in ``publish``).
        Job.objects.filter(pk__in=published, attempt=1).update(published_at=timezone.now(), publish_failed_at=None)


def _send(spec: Kind, job: Job) -> None:
    spec.task.apply_async(kwargs={"job": job.pk, "attempt": job.attempt})


def publish(job: Job) -> bool:
    """Hand the job's current attempt to the broker. False (logged, recorded) when the broker is unreachable."""
    spec = kind_of(job.kind)
    try:
        _send(spec, job)
    except PUBLISH_ERRORS as exc:
        logger.warning("job %s (%s) not published, broker unreachable (%r): the sweeper will", job.pk, job.kind, exc)
        job.publish_failed_at = timezone.now()
        with contextlib.suppress(DatabaseError):
            Job.objects.filter(pk=job.pk, attempt=job.attempt, state=State.PENDING).update(
                publish_failed_at=job.publish_failed_at
            )
        for watcher in getattr(_local, "watchers", []):
            watcher.deferred.append(job)
        return False
    job.published_at = timezone.now()
    job.publish_failed_at = None
    # No state condition: with eager tasks (tests, the embedded default) the job has already run by now.
    Job.objects.filter(pk=job.pk, attempt=job.attempt).update(published_at=job.published_at, publish_failed_at=None)
    return True


# --- running ---------------------------------------------------------------------------------------


class _Heartbeat:
    """A daemon thread that writes ``heartbeat_at`` while the body runs, on its own database connection."""

    def __init__(self, job_id: int, attempt: int):
        self.job_id, self.attempt = job_id, attempt
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)
        self.thread.start()

    def _beat(self):
        try:
            while not self.stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=self.job_id, attempt=self.attempt, state=State.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    logger.warning("heartbeat of job %s not written", self.job_id, exc_info=True)
                    connections.close_all()  # reconnect at the next beat
        finally:
            connections.close_all()  # this thread's connection only (connections are per thread)

    def stop(self):
        self.stopped.set()
        self.thread.join(timeout=10)


def execute(job_id: int, attempt: int | None, *, heartbeat: bool = True):
    """The task: claim the job for this attempt, run the body, record how it ended."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, attempt=attempt, state=State.PENDING).update(
        state=State.RUNNING, started_at=now, heartbeat_at=now, finished_at=None
    )
    if not claimed:
        logger.info("job %s attempt %s: finished, superseded, taken or replaced; message ignored", job_id, attempt)
        return None
    return _run(Job.objects.get(pk=job_id), heartbeat=heartbeat)


def run_inline(kind: str, *, heartbeat: bool = True, **ids):
    """Run a job here and now (beat's scheduled work): the row is written already claimed, so a run that dies
    is seen and resumed by the sweeper like any other."""
    spec = kind_of(kind)
    now = timezone.now()
    job = Job.objects.create(
        kind=kind,
        kwargs=ids,
        state=State.RUNNING,
        max_attempts=spec.max_attempts,
        pending_since=now,
        published_at=now,
        started_at=now,
        heartbeat_at=now,
    )
    return _run(job, heartbeat=heartbeat)


def _run(job: Job, *, heartbeat: bool):
    spec = kind_of(job.kind)
    # Not with eager tasks: the body then runs inside a web request or a test, whose process is not a worker
    # that can die on its own (and SQLite in tests cannot share the row with another connection).
    beat = _Heartbeat(job.pk, job.attempt) if heartbeat else None
    try:
        result = spec.body(**job.kwargs)
    except (OperationalError, InterfaceError):
        # The database went away (a restart, a failover): nothing can be recorded now. The job stays 处理中 with
        # a heartbeat that stops, and the sweeper resumes it once the database is back.
        logger.exception("job %s (%s): database unavailable, left for the sweeper", job.pk, job.kind)
        return None
    except SoftTimeLimitExceeded:
        logger.exception("job %s (%s) ran past its time limit", job.pk, job.kind)
        fail(job, TIMED_OUT)
        return None
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        fail(job, spec.failure_reason)
        return None
    finally:
        if beat is not None:
            beat.stop()
    now = timezone.now()
    Job.objects.filter(pk=job.pk, attempt=job.attempt, state=State.RUNNING).update(
        state=State.DONE, finished_at=now, heartbeat_at=now
    )
    return result


def fail(job: Job, reason) -> bool:
    """处理中 → 失败 with ``reason`` (Chinese, shown to the owner), and the kind's hook in the same transaction.

    If the hook fails the job stays 处理中 and the sweeper tries again: the domain row never stays stuck while
    the job says it failed."""
    spec = KINDS.get(job.kind)
    reason = str(reason)[:200]
    try:
        with transaction.atomic():
            ended = Job.objects.filter(pk=job.pk, attempt=job.attempt, state=State.RUNNING).update(
                state=State.FAILED, failure_reason=reason, finished_at=timezone.now()
            )
            if ended:
                job.state, job.failure_reason = State.FAILED, reason
                if spec is not None and spec.on_failed is not None:
                    spec.on_failed(job)
    except Exception:
        logger.exception("job %s (%s): recording the failure failed; the sweeper will retry", job.pk, job.kind)
        return False
    return bool(ended)


# --- retry, resume, sweep ---------------------------------------------------------------------------


def _again(job: Job, *, now, fresh_budget: bool) -> Job | None:
    """Within a transaction: the next attempt of ``job`` (locked, 失败 or 处理中), or None when its domain row
    wants nothing more (the job is then cancelled)."""
    spec = kind_of(job.kind)
    before = copy.copy(job)  # as it was: a hook may look at when it started
    job.state = State.PENDING
    job.attempt += 1
    if fresh_budget:
        job.max_attempts = job.attempt + spec.max_attempts - 1
    job.pending_since = now
    job.published_at = job.publish_failed_at = job.started_at = job.heartbeat_at = job.finished_at = None
    job.failure_reason = ""
    if spec.on_retry is not None and not spec.on_retry(before):
        job.attempt -= 1
        job.state, job.finished_at = State.SUPERSEDED, now
        job.save()
        return None
    job.save()
    return job


def retry(job: Job) -> str:
    """The owner's 重试 of a failed job: "retried", "superseded" (nothing left to redo) or "not_failed"."""
    now = timezone.now()
    with transaction.atomic():
        locked = Job.objects.select_for_update().filter(pk=job.pk).first()
        if locked is None or locked.state != State.FAILED:
            return "not_failed"
        again = _again(locked, now=now, fresh_budget=True)
        if again is None:
            return "superseded"
        transaction.on_commit(partial(publish, again))
    return "retried"


def _recover(job: Job, now) -> str:
    """A running job whose heartbeat stopped: resume it while attempts remain, else end it failed."""
    with transaction.atomic():
        locked = (
            Job.objects.select_for_update()
            .filter(pk=job.pk, state=State.RUNNING, attempt=job.attempt, heartbeat_at=job.heartbeat_at)
            .first()
        )
        if locked is None:
            return "raced"  # it beat, finished or was handled by another sweep meanwhile
        again = None
        if locked.attempt < locked.max_attempts and known(locked.kind):
            again = _again(locked, now=now, fresh_budget=False)
            if again is None:
                return "superseded"
    if again is not None:
        publish(again)  # committed: the sweep runs outside any other transaction
        return "resumed"
    logger.warning("job %s (%s) interrupted %s times: failed", job.pk, job.kind, job.attempt)
    return "failed" if fail(job, INTERRUPTED) else "raced"


def _import_all_tasks() -> None:
    """Every app's tasks module, so that every kind and sweep hook is registered (a worker has them already)."""
    for app_config in apps.get_app_configs():
        name = f"{app_config.name}.tasks"
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def sweep(now: datetime.datetime | None = None) -> dict:
    """Every minute: resume or fail what dead workers left running, publish what waits, drop old rows."""
    now = now or timezone.now()
    stats = Counter()
    _import_all_tasks()
    stale = now - datetime.timedelta(seconds=settings.JOB_STALE_AFTER)
    for job in Job.objects.filter(state=State.RUNNING, heartbeat_at__lt=stale).order_by("heartbeat_at")[:SWEEP_BATCH]:
        stats[_recover(job, now)] += 1
    grace = now - datetime.timedelta(seconds=settings.JOB_PUBLISH_GRACE)
    republish = now - datetime.timedelta(seconds=settings.JOB_REPUBLISH_AFTER)
    waiting = Job.objects.filter(state=State.PENDING, pending_since__lt=grace).filter(
        Q(published_at__isnull=True) | Q(published_at__lt=republish)
    )
    for job in waiting.order_by("pending_since")[:SWEEP_BATCH]:
        if not publish(job):
            stats["unpublished"] += 1
            break  # the broker is down: the next sweep tries again
        stats["published"] += 1
    for hook in SWEEP_HOOKS:
        stats.update(hook(now))
    keep = now - datetime.timedelta(days=settings.JOB_KEEP_DAYS)
    stats["deleted"] = (
        Job.objects.filter(finished_at__lt=keep).exclude(state__in=[State.PENDING, State.RUNNING]).delete()[0]
    )
    result = {key: value for key, value in stats.items() if value}
    if result:
        logger.info("job sweep: %s", result)
    return result
