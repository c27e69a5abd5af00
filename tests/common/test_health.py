"""/healthz and /readyz: JSON for a supervisor or monitor, no login, never cached, 503 naming the failing check."""

import datetime
import os
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from common.models import Job
from orgs.models import ImportJob
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

CHECKS = {"database", "redis", "worker", "beat", "oldest_pending_job"}
needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a real Redis: set REDIS_URL")


def _stale_job(world, seconds, state=Job.State.PENDING):
    """A background job (an import's check, of a file named 党员.csv) waiting or running for ``seconds``."""
    from orgs.enums import Role

    user = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    upload = ImportJob.objects.create(
        kind=ImportJob.Kind.MEMBERS, file="imports/x.csv", original_name="党员.csv", created_by=user
    )
    since = timezone.now() - datetime.timedelta(seconds=seconds)
    return Job.objects.create(
        kind="orgs.validate_import",
        kwargs={"import_job_id": upload.pk},
        owner=user,
        target=f"orgs.importjob:{upload.pk}",
        state=state,
        pending_since=since,
        started_at=since if state == Job.State.RUNNING else None,
        heartbeat_at=timezone.now() if state == Job.State.RUNNING else None,
    )


def test_healthz_answers_without_login_or_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405


def test_readyz_on_the_embedded_default_is_ready(client, settings):
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(reverse("readyz"), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["database"]["seconds"] >= 0
    assert body["checks"]["redis"]["detail"] == "not configured"
    assert body["checks"]["worker"]["detail"] == "eager"
    assert body["checks"]["beat"]["detail"] == "not configured"
    assert body["checks"]["oldest_pending_job"]["age_seconds"] == 0


def test_a_stuck_import_job_makes_readyz_answer_503(client, settings, world):
    settings.REDIS_URL = ""
    settings.READYZ_JOB_MAX_AGE = 1800
    _stale_job(world, 2 * 3600)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["oldest_pending_job"]["ok"] is False
    assert 7190 <= body["checks"]["oldest_pending_job"]["age_seconds"] <= 7300
    assert [name for name, check in body["checks"].items() if not check["ok"]] == ["oldest_pending_job"]
    # nothing of the job itself (its file, its uploader) is in the answer
    assert "党员" not in response.content.decode() and "imports" not in response.content.decode()


def test_a_recent_or_finished_job_is_fine(client, settings, world):
    settings.REDIS_URL = ""
    _stale_job(world, 60)
    Job.objects.filter(pk=_stale_job(world, 9 * 3600).pk).update(state=Job.State.DONE)
    Job.objects.filter(pk=_stale_job(world, 9 * 3600).pk).update(state=Job.State.FAILED)
    body = client.get(reverse("readyz")).json()
    assert body["status"] == "ok"
    assert 55 <= body["checks"]["oldest_pending_job"]["age_seconds"] <= 120


def test_a_job_running_for_too_long_makes_readyz_answer_503(client, settings, world):
    """Its worker died while beat (and so the sweeper) is down, or it outlived every time limit."""
    settings.REDIS_URL = ""
    _stale_job(world, 40 * 60, state=Job.State.RUNNING)
    checks = client.get(reverse("readyz")).json()["checks"]
    assert checks["oldest_pending_job"]["ok"] is False
    assert 40 * 60 - 10 <= checks["oldest_pending_job"]["age_seconds"] <= 40 * 60 + 60


def _periodic_task(name, last_run_seconds_ago, enabled=True):
    schedule, _ = CrontabSchedule.objects.get_or_create(minute="*/30", hour="*", timezone="Asia/Shanghai")
    last_run = (
        None if last_run_seconds_ago is None else timezone.now() - datetime.timedelta(seconds=last_run_seconds_ago)
    )
    return PeriodicTask.objects.create(
        name=name, task="dashboards.refresh_dashboards", crontab=schedule, last_run_at=last_run, enabled=enabled
    )


def test_beat_that_stopped_running_makes_readyz_answer_503(client, settings):
    """With REDIS_URL set beat must run: an enabled task last run hours ago is a stopped beat."""
    settings.REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    settings.READYZ_BEAT_MAX_AGE = 3600
    _periodic_task("dashboards-refresh", 5 * 3600)
    _periodic_task("disabled-recently", 10, enabled=False)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    beat = response.json()["checks"]["beat"]
    assert beat["ok"] is False
    assert 5 * 3600 - 10 <= beat["age_seconds"] <= 5 * 3600 + 60


def test_beat_that_ran_recently_is_fine(settings, client):
    settings.REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    settings.READYZ_BEAT_MAX_AGE = 3600
    _periodic_task("dashboards-refresh", 5 * 3600)
    _periodic_task("campaign-daily-reminders", 120)
    beat = client.get(reverse("readyz")).json()["checks"]["beat"]
    assert beat["ok"] is True
    assert 115 <= beat["age_seconds"] <= 200


def test_a_beat_that_just_wrote_its_schedule_counts_from_then(settings, client):
    """Before the first run of any task, beat's sign of life is the schedule it wrote at start (date_changed)."""
    settings.REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    settings.READYZ_BEAT_MAX_AGE = 3600
    PeriodicTask.objects.all().delete()
    _periodic_task("dashboards-refresh", None)
    beat = client.get(reverse("readyz")).json()["checks"]["beat"]
    assert beat["ok"] is True
    assert beat["age_seconds"] <= 60
    PeriodicTask.objects.update(date_changed=timezone.now() - datetime.timedelta(hours=5))
    assert client.get(reverse("readyz")).json()["checks"]["beat"]["ok"] is False


def test_beat_without_any_periodic_task_is_not_ready(settings, client):
    settings.REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    PeriodicTask.objects.all().delete()
    beat = client.get(reverse("readyz")).json()["checks"]["beat"]
    assert beat["ok"] is False


def test_the_default_beat_threshold_is_ten_minutes():
    """The dashboards' refresh runs every 30 s; django-celery-beat records last_run_at every 3 minutes."""
    from django.conf import settings

    assert settings.READYZ_BEAT_MAX_AGE == 600 > 3 * 60 + settings.DASHBOARD_REFRESH_SECONDS
    assert settings.READYZ_JOB_MAX_AGE == 1800


@needs_redis
def test_reachable_redis_is_ok(client, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    redis = client.get(reverse("readyz")).json()["checks"]["redis"]
    assert redis["ok"] is True
    assert "detail" not in redis


@needs_redis
def test_unreachable_redis_answers_503_quickly(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6390/0"
    started = time.monotonic()
    response = client.get(reverse("readyz"))
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert "6390" not in response.content.decode()


@needs_redis
def test_no_worker_on_the_broker_answers_503(client, settings):
    """Tests run tasks eagerly; with eager off and no worker consuming, the ping finds nobody within a second."""
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    started = time.monotonic()
    response = client.get(reverse("readyz"))
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False
