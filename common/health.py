"""Liveness and readiness probes: /healthz and /readyz, JSON, no login, never cached.

/healthz says the process answers (it touches nothing, so a slow database does not get a healthy web process
restarted). /readyz says whether the portal can do its work: the database, Redis (broker and cache), a Celery
worker, beat's last run and the oldest background job still waiting or running (common.jobs). Reminders and
refreshed dashboards depend on the last three without anybody noticing when they stop, hence a probe a monitor can
poll.

Both answer nothing beyond check names, ok or not, and durations or ages in seconds: the reason for a failure goes
to the log (health_check's logger), never into the answer, which anybody can read.
"""

import asyncio
import dataclasses
import datetime
import typing

from asgiref.sync import sync_to_async
from django.apps import apps
from django.conf import settings
from django.db.models import Max, Min
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from health_check import checks as library_checks
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

# Network probes give up after this long, so /readyz answers within a few seconds when Redis is down.
SOCKET_TIMEOUT = 1.0


def _age_seconds(moment: datetime.datetime) -> int:
    return max(0, int((timezone.now() - moment).total_seconds()))


@require_safe
@never_cache
def healthz(request):
    """Liveness: the process answers. No database, no Redis."""
    return JsonResponse({"status": "ok"})


class _InRequestThread:
    """Run the check's `check()` in the request's own thread.

    health_check runs a synchronous check in a thread pool; a database query there opens a connection in a thread
    that nobody closes (and, in tests, one that cannot see the test's transaction). sync_to_async with its default
    thread_sensitive=True hands the query back to the request thread and its managed connection.
    """

    async def run(self):
        await sync_to_async(self.check)()


@dataclasses.dataclass
class Database(_InRequestThread, library_checks.Database):
    name: typing.ClassVar[str] = "database"

    def check(self):
        library_checks.Database.run(self)


@dataclasses.dataclass
class Redis(HealthCheck):
    """PING the Redis that serves as Celery broker and cache (REDIS_URL); without one there is nothing to reach."""

    name: typing.ClassVar[str] = "redis"
    timeout = datetime.timedelta(seconds=3)

    def run(self):
        if not settings.REDIS_URL:
            self.detail = "not configured"
            return
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=SOCKET_TIMEOUT,
            socket_timeout=SOCKET_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )
        try:
            client.ping()
        except redis.RedisError as exc:
            raise ServiceUnavailable("Redis unreachable") from exc
        finally:
            client.close()


@dataclasses.dataclass
class Worker(HealthCheck):
    """At least one Celery worker answers a ping within a second; with eager tasks the web process is the worker."""

    name: typing.ClassVar[str] = "worker"
    timeout = datetime.timedelta(seconds=4)

    def run(self):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.detail = "eager"
            return
        from config.celery import app

        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=0, timeout=SOCKET_TIMEOUT)
                replies = app.control.ping(timeout=SOCKET_TIMEOUT, limit=1, connection=connection)
        except Exception as exc:  # kombu raises a transport's own errors; any of them means no worker reachable
            raise ServiceUnavailable("broker unreachable") from exc
        if not replies:
            raise ServiceUnavailable("no worker answered")


@dataclasses.dataclass
class Beat(_InRequestThread, HealthCheck):
    """Beat runs when some enabled periodic task ran within READYZ_BEAT_MAX_AGE seconds.

    The dashboards' refresh runs every DASHBOARD_REFRESH_SECONDS (30 s), and django-celery-beat writes a run's time
    at most 3 minutes late, so 10 minutes (the default) without any run means beat is gone. Before its first run
    a freshly started beat counts from when it wrote its schedule (date_changed). Only
    with REDIS_URL: the embedded default runs no beat.
    """

    name: typing.ClassVar[str] = "beat"

    def check(self):
        if not settings.REDIS_URL:
            self.detail = "not configured"
            return
        periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
        latest = periodic_task.objects.filter(enabled=True).aggregate(
            run=Max("last_run_at"), written=Max("date_changed")
        )
        seen = latest["run"] or latest["written"]
        if seen is None:
            raise ServiceUnavailable("no periodic task")
        self.age_seconds = _age_seconds(seen)
        if self.age_seconds > settings.READYZ_BEAT_MAX_AGE:
            raise ServiceUnavailable("beat has not run")


@dataclasses.dataclass
class OldestPendingJob(_InRequestThread, HealthCheck):
    """No background job (common.jobs) has waited (待处理, since it entered that state) or run (处理中, since it
    started) longer than READYZ_JOB_MAX_AGE. Jobs waiting for a broker that is down, or left by a dead worker
    while beat (and so the sweeper) is down, show here."""

    name: typing.ClassVar[str] = "oldest_pending_job"

    def check(self):
        job = apps.get_model("common", "Job")
        waiting = job.objects.filter(state=job.State.PENDING).aggregate(oldest=Min("pending_since"))["oldest"]
        running = job.objects.filter(state=job.State.RUNNING).aggregate(oldest=Min("started_at"))["oldest"]
        self.age_seconds = max((_age_seconds(moment) for moment in (waiting, running) if moment), default=0)
        if self.age_seconds > settings.READYZ_JOB_MAX_AGE:
            raise ServiceUnavailable("background job stuck")


class ReadyView(HealthCheckView):
    """Readiness: 200 when every check passes, 503 otherwise, always JSON (health_check answers 500 and HTML)."""

    checks = (Database, Redis, Worker, Beat, OldestPendingJob)

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            self.results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        return self.render_to_response_json(503 if any(result.error for result in self.results) else 200)

    def render_to_response_json(self, status):
        answers = {}
        for result in self.results:
            answer = {"ok": result.error is None, "seconds": round(result.time_taken, 3)}
            for extra in ("detail", "age_seconds"):
                if hasattr(result.check, extra):
                    answer[extra] = getattr(result.check, extra)
            answers[result.check.name] = answer
        return JsonResponse({"status": "error" if status != 200 else "ok", "checks": answers}, status=status)


readyz = ReadyView.as_view()
