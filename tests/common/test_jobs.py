"""Background jobs (common.jobs): the state machine, the claim, redelivery, the outbox, the sweeper, retry.

SQLite and eager Celery: a probe kind stands for any job; the web-facing behaviour (messages, retry buttons,
the domain rows of imports, decisions, tiers, sheets, dashboards, reminders) is in test_jobs_web.py, and real
workers, a real Redis that is stopped and a worker killed with SIGKILL in test_jobs_faults.py.
"""

import datetime
import logging

import kombu.exceptions
import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError, transaction
from django.utils import timezone

from common import jobs
from common.jobs import job_task
from common.models import Job
from common.tasks import sweep_jobs

pytestmark = pytest.mark.django_db

RAN: list[int] = []
HOOKS: dict[str, list] = {"failed": [], "retry": []}
RETRY_ANSWER = {"value": True}


def _probe_failed(job):
    HOOKS["failed"].append((job.pk, job.failure_reason))


def _probe_again(job):
    HOOKS["retry"].append((job.pk, job.attempt))
    return RETRY_ANSWER["value"]


@job_task("common.test_probe", on_failed=_probe_failed, on_retry=_probe_again, failure_reason="探针处理失败")
def probe(*, n: int, error: str = "") -> int:
    """A job that records that it ran, or fails the way it is told to."""
    RAN.append(n)
    if error == "boom":
        raise RuntimeError("internal detail: /srv/portal/secret.py line 3")
    if error == "timeout":
        raise SoftTimeLimitExceeded()
    if error == "database":
        raise OperationalError("server closed the connection unexpectedly")
    return n * 2


@pytest.fixture(autouse=True)
def _reset():
    RAN.clear()
    HOOKS["failed"].clear()
    HOOKS["retry"].clear()
    RETRY_ANSWER["value"] = True


@pytest.fixture
def broker_down(monkeypatch):
    """Publishing fails as it does when Redis is stopped (kombu wraps the connection refusal)."""
    attempts = []

    def refuse(spec, job):
        attempts.append(job.pk)
        raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr(jobs, "_send", refuse)
    return attempts


def later(seconds):
    return timezone.now() + datetime.timedelta(seconds=seconds)


def enqueue_probe(capture, **ids):
    with capture(execute=True):
        with transaction.atomic():
            job = jobs.enqueue("common.test_probe", target="tests.thing:1", **ids)
    job.refresh_from_db()
    return job


# --- enqueue, claim, run ---------------------------------------------------------------------------


def test_a_job_is_written_in_the_transaction_and_runs_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            job = jobs.enqueue("common.test_probe", target="tests.thing:1", n=7)
            assert Job.objects.get(pk=job.pk).state == Job.State.PENDING
    assert RAN == [] and len(callbacks) == 1  # nothing is published before the commit
    callbacks[0]()
    job.refresh_from_db()
    assert RAN == [7]
    assert (job.state, job.attempt, job.kwargs, job.target) == ("done", 1, {"n": 7}, "tests.thing:1")
    assert job.published_at and job.started_at and job.finished_at and job.publish_failed_at is None
    assert job.get_state_display() == "已完成"


def test_a_rolled_back_transaction_leaves_no_job_and_publishes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            jobs.enqueue("common.test_probe", n=1)
            raise RuntimeError("the caller's write failed")
    assert callbacks == [] and RAN == [] and not Job.objects.exists()


def test_a_redelivered_message_does_nothing(django_capture_on_commit_callbacks):
    job = enqueue_probe(django_capture_on_commit_callbacks, n=3)
    finished = job.finished_at
    probe.delay(job=job.pk, attempt=1)  # the same message again (Redis redelivers after a worker died)
    probe.delay(job=job.pk, attempt=1)
    job.refresh_from_db()
    assert RAN == [3] and job.state == "done" and job.finished_at == finished


def test_only_the_current_attempt_may_claim(django_capture_on_commit_callbacks):
    job = Job.objects.create(kind="common.test_probe", kwargs={"n": 5}, attempt=2)
    assert jobs.execute(job.pk, 1, heartbeat=False) is None  # an older attempt's message
    assert jobs.execute(job.pk, 3, heartbeat=False) is None  # nonsense
    assert Job.objects.get(pk=job.pk).state == "pending" and RAN == []
    assert jobs.execute(job.pk, 2, heartbeat=False) == 10
    assert jobs.execute(job.pk, 2, heartbeat=False) is None  # taken
    assert RAN == [5]


def test_a_running_or_superseded_job_is_not_claimed_again():
    running = Job.objects.create(kind="common.test_probe", kwargs={"n": 1}, state=Job.State.RUNNING)
    cancelled = Job.objects.create(kind="common.test_probe", kwargs={"n": 2}, state=Job.State.SUPERSEDED)
    assert jobs.execute(running.pk, 1, heartbeat=False) is None
    assert jobs.execute(cancelled.pk, 1, heartbeat=False) is None
    assert RAN == []


def test_a_message_from_before_jobs_existed_is_ignored(caplog):
    with caplog.at_level(logging.WARNING, logger="common.jobs"):
        assert probe.delay(job_id=12).get() is None
    assert RAN == [] and "without a job id" in caplog.text


def test_a_failure_ends_failed_with_the_kinds_chinese_reason_and_its_hook(django_capture_on_commit_callbacks, caplog):
    with caplog.at_level(logging.ERROR, logger="common.jobs"):
        job = enqueue_probe(django_capture_on_commit_callbacks, n=1, error="boom")
    assert (job.state, job.failure_reason) == ("failed", "探针处理失败")
    assert job.finished_at is not None
    assert HOOKS["failed"] == [(job.pk, "探针处理失败")]
    assert "secret.py" not in job.failure_reason
    assert "RuntimeError: internal detail" in caplog.text  # the traceback is in the log


def test_a_task_past_its_soft_time_limit_ends_failed(django_capture_on_commit_callbacks):
    job = enqueue_probe(django_capture_on_commit_callbacks, n=1, error="timeout")
    assert job.state == "failed" and job.failure_reason.startswith("处理时间超过上限")
    assert len(HOOKS["failed"]) == 1


def test_a_database_outage_leaves_the_job_running_for_the_sweeper(django_capture_on_commit_callbacks):
    job = enqueue_probe(django_capture_on_commit_callbacks, n=1, error="database")
    assert job.state == "running" and HOOKS["failed"] == []
    Job.objects.filter(pk=job.pk).update(kwargs={"n": 1})  # the database is back
    assert jobs.sweep(now=later(settings_stale() + 5)) == {"resumed": 1}
    job.refresh_from_db()
    assert (job.state, job.attempt, RAN) == ("done", 2, [1, 1])


def settings_stale():
    from django.conf import settings

    return settings.JOB_STALE_AFTER


def test_a_hook_that_fails_leaves_the_job_for_the_sweeper(django_capture_on_commit_callbacks, monkeypatch):
    def broken(job):
        raise RuntimeError("hook broken")

    spec = jobs.KINDS["common.test_probe"]
    monkeypatch.setitem(jobs.KINDS, "common.test_probe", jobs.Kind(**{**spec.__dict__, "on_failed": broken}))
    job = enqueue_probe(django_capture_on_commit_callbacks, n=1, error="boom")
    assert job.state == "running"  # not "failed" while the domain row was not updated


def test_run_inline_writes_a_claimed_job_without_an_owner():
    assert jobs.run_inline("common.test_probe", heartbeat=False, n=4) == 8
    job = Job.objects.get()
    assert (job.state, job.owner, job.attempt, job.kwargs) == ("done", None, 1, {"n": 4})
    assert job.published_at and job.started_at and job.heartbeat_at and job.finished_at


def test_supersede_cancels_earlier_jobs_of_the_target(django_capture_on_commit_callbacks, broker_down):
    first = enqueue_probe(django_capture_on_commit_callbacks, n=1)
    assert first.state == "pending"  # the broker was down
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        second = jobs.enqueue("common.test_probe", target="tests.thing:1", supersede=True, n=2)
    first.refresh_from_db()
    assert first.state == "superseded" and first.get_state_display() == "已取消"
    assert Job.objects.get(pk=second.pk).state == "pending"
    assert jobs.execute(first.pk, 1, heartbeat=False) is None and RAN == []


def test_latest_finds_the_newest_job_of_a_target(django_capture_on_commit_callbacks):
    enqueue_probe(django_capture_on_commit_callbacks, n=1)
    newer = enqueue_probe(django_capture_on_commit_callbacks, n=2)
    assert jobs.latest("tests.thing:1") == newer
    assert jobs.latest("tests.thing:1", "common.other") is None
    assert jobs.latest(None) is None


def test_target_label_names_model_and_pk(world):
    assert jobs.target_label(world.branch_a) == f"orgs.org:{world.branch_a.pk}"
    assert jobs.target_label("x:1") == "x:1" and jobs.target_label(None) == ""


# --- the outbox: publishing fails -------------------------------------------------------------------


def test_broker_down_commits_the_job_pending_and_tells_the_watch(django_capture_on_commit_callbacks, broker_down):
    with jobs.watch() as watch:
        job = enqueue_probe(django_capture_on_commit_callbacks, n=1)
    assert broker_down == [job.pk]
    assert job.state == "pending" and job.publish_failed_at is not None and job.published_at is None
    assert job.waiting_for_broker
    assert [j.pk for j in watch.deferred] == [job.pk]
    assert RAN == []
    with jobs.watch() as other:  # a later watch knows nothing of it
        pass
    assert other.deferred == []


def test_many_jobs_are_written_at_once_and_each_runs_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            created = jobs.enqueue_many("common.test_probe", [{"n": n} for n in (1, 2, 3)])
            assert Job.objects.filter(pk__in=[j.pk for j in created], state="pending").count() == 3
    assert RAN == [] and len(callbacks) == 1  # one callback publishes them all
    callbacks[0]()
    assert RAN == [1, 2, 3]
    rows = Job.objects.filter(pk__in=[j.pk for j in created])
    assert all(job.state == "done" and job.published_at and job.publish_failed_at is None for job in rows)


def test_many_jobs_with_the_broker_down_wait_for_the_sweeper_after_one_try(
    django_capture_on_commit_callbacks, broker_down
):
    with jobs.watch() as watch, django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            created = jobs.enqueue_many("common.test_probe", [{"n": n} for n in (1, 2, 3)])
    assert broker_down == [created[0].pk]  # one refused try, not one per job
    rows = list(Job.objects.filter(pk__in=[j.pk for j in created]))
    assert all(job.state == "pending" and job.waiting_for_broker and job.published_at is None for job in rows)
    assert sorted(j.pk for j in watch.deferred) == sorted(j.pk for j in created)
    assert RAN == []


def test_the_sweeper_publishes_once_the_broker_is_back(django_capture_on_commit_callbacks, monkeypatch):
    refuse = kombu.exceptions.OperationalError("Connection refused")
    monkeypatch.setattr(jobs, "_send", lambda spec, job: (_ for _ in ()).throw(refuse))
    one = enqueue_probe(django_capture_on_commit_callbacks, n=1)
    two = enqueue_probe(django_capture_on_commit_callbacks, n=2)
    # Still down: the first publish fails and the sweep stops there (no long wait per job).
    assert jobs.sweep(now=later(60)) == {"unpublished": 1}
    monkeypatch.undo()
    assert jobs.sweep(now=timezone.now()) == {}  # within the grace period a fresh job is left to its own publish
    assert jobs.sweep(now=later(60)) == {"published": 2}
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.state, two.state, sorted(RAN)) == ("done", "done", [1, 2])
    assert one.publish_failed_at is None and not one.waiting_for_broker


def test_a_job_published_long_ago_and_never_started_is_published_again(django_capture_on_commit_callbacks):
    job = Job.objects.create(kind="common.test_probe", kwargs={"n": 9}, published_at=timezone.now())
    Job.objects.filter(pk=job.pk).update(pending_since=timezone.now() - datetime.timedelta(minutes=20))
    assert jobs.sweep(now=later(60)) == {}  # published a minute ago: the worker may be busy
    assert jobs.sweep(now=later(16 * 60)) == {"published": 1}  # Redis lost the message
    assert RAN == [9]


def test_publish_errors_cover_what_a_stopped_redis_raises():
    import redis

    assert issubclass(kombu.exceptions.OperationalError, jobs.PUBLISH_ERRORS)
    assert issubclass(redis.exceptions.ConnectionError, jobs.PUBLISH_ERRORS)
    assert issubclass(ConnectionRefusedError, jobs.PUBLISH_ERRORS)
    assert issubclass(TimeoutError, jobs.PUBLISH_ERRORS)


# --- the sweeper: dead workers -----------------------------------------------------------------------


def running_job(n=1, *, attempt=1, max_attempts=3, beat_seconds_ago=0):
    beat = timezone.now() - datetime.timedelta(seconds=beat_seconds_ago)
    return Job.objects.create(
        kind="common.test_probe",
        kwargs={"n": n},
        state=Job.State.RUNNING,
        attempt=attempt,
        max_attempts=max_attempts,
        started_at=beat,
        heartbeat_at=beat,
    )


def test_a_job_with_a_recent_heartbeat_is_left_alone():
    job = running_job()
    assert jobs.sweep(now=later(60)) == {}
    assert Job.objects.get(pk=job.pk).state == "running"


def test_a_job_whose_worker_died_is_resumed_while_attempts_remain():
    job = running_job(5)
    result = sweep_jobs.delay().get()  # the periodic task
    assert result is None or result == {}  # a heartbeat this fresh is fine
    assert jobs.sweep(now=later(settings_stale() + 1)) == {"resumed": 1}
    job.refresh_from_db()
    assert (job.state, job.attempt, RAN) == ("done", 2, [5])
    assert HOOKS["retry"] == [(job.pk, 1)]  # the hook saw the job as it was
    # The dead worker's message, redelivered by Redis later, names attempt 1: nothing happens.
    probe.delay(job=job.pk, attempt=1)
    assert RAN == [5]


def test_a_job_whose_worker_died_too_often_ends_failed_with_the_reason():
    job = running_job(attempt=3, max_attempts=3)
    assert jobs.sweep(now=later(settings_stale() + 1)) == {"failed": 1}
    job.refresh_from_db()
    assert (job.state, job.failure_reason) == ("failed", "处理进程意外中断，请重试")
    assert HOOKS["failed"] == [(job.pk, "处理进程意外中断，请重试")]
    assert jobs.sweep(now=later(settings_stale() + 1)) == {}  # ended: never swept again
    assert RAN == []


def test_a_resume_that_finds_nothing_to_redo_cancels_the_job():
    RETRY_ANSWER["value"] = False
    job = running_job()
    assert jobs.sweep(now=later(settings_stale() + 1)) == {"superseded": 1}
    job.refresh_from_db()
    assert (job.state, job.attempt) == ("superseded", 1) and RAN == []


def test_a_job_of_an_unknown_kind_ends_failed():
    job = running_job()
    Job.objects.filter(pk=job.pk).update(kind="gone.removed_kind")
    assert jobs.sweep(now=later(settings_stale() + 1)) == {"failed": 1}
    assert Job.objects.get(pk=job.pk).failure_reason == "处理进程意外中断，请重试"


def test_old_finished_jobs_are_deleted():
    old = timezone.now() - datetime.timedelta(days=40)
    for state in ("done", "failed", "superseded"):
        Job.objects.create(kind="common.test_probe", state=state, finished_at=old)
    kept = Job.objects.create(kind="common.test_probe", state="done", finished_at=timezone.now())
    waiting = Job.objects.create(kind="common.test_probe", kwargs={"n": 1}, published_at=timezone.now())
    assert jobs.sweep(now=later(60))["deleted"] == 3
    assert set(Job.objects.values_list("pk", flat=True)) == {kept.pk, waiting.pk}


# --- retry -----------------------------------------------------------------------------------------


def test_retry_is_a_new_attempt_with_a_fresh_budget(django_capture_on_commit_callbacks):
    job = enqueue_probe(django_capture_on_commit_callbacks, n=1, error="boom")
    Job.objects.filter(pk=job.pk).update(kwargs={"n": 1})  # whatever broke is fixed
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.retry(job) == "retried"
    job.refresh_from_db()
    assert (job.state, job.attempt, job.max_attempts, job.failure_reason) == ("done", 2, 4, "")
    assert HOOKS["retry"] == [(job.pk, 1)]
    assert jobs.retry(job) == "not_failed"


def test_retry_when_nothing_is_left_to_redo(django_capture_on_commit_callbacks):
    job = enqueue_probe(django_capture_on_commit_callbacks, n=1, error="boom")
    RETRY_ANSWER["value"] = False
    assert jobs.retry(job) == "superseded"
    assert Job.objects.get(pk=job.pk).state == "superseded"


def test_retry_with_the_broker_down_waits_in_the_outbox(django_capture_on_commit_callbacks, monkeypatch):
    job = enqueue_probe(django_capture_on_commit_callbacks, n=1, error="boom")
    monkeypatch.setattr(jobs, "_send", lambda spec, job: (_ for _ in ()).throw(ConnectionRefusedError()))
    with jobs.watch() as watch, django_capture_on_commit_callbacks(execute=True):
        assert jobs.retry(job) == "retried"
    job.refresh_from_db()
    assert job.waiting_for_broker and job.attempt == 2 and [j.pk for j in watch.deferred] == [job.pk]


# --- the settings that keep the promises ---------------------------------------------------------------


def test_broker_settings_fail_fast_and_outlast_the_time_limit(settings):
    from config.celery import app

    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is False
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT
    assert options["socket_connect_timeout"] <= 3 and settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] <= 1
    assert settings.JOB_STALE_AFTER >= 3 * settings.JOB_HEARTBEAT_SECONDS
    assert settings.CELERY_BEAT_SCHEDULE["common-sweep-jobs"]["task"] == "common.sweep_jobs"
    assert app.conf.broker_transport_options["visibility_timeout"] == options["visibility_timeout"]
    for name in ("orgs.validate_import", "orgs.apply_import", "dashboards.refresh", "campaign.send_messages"):
        assert jobs.kind_of(name).task.ignore_result is True  # publishing never touches the result backend
