"""Background jobs against the real services: a Celery worker process killed with SIGKILL in the middle of an
import, and a Redis of our own stopped while users upload, confirm and refresh (and /readyz watching).

Needs PostgreSQL (DATABASE_URL: the worker process shares the test database) and REDIS_URL (CI sets both), and
redis-server on the PATH: the tests start their own Redis on a free port (never the machine's) as broker and
cache, so that they may stop it. Marked slow (about a minute together).
"""

import contextlib
import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from common import jobs
from common.models import Job
from orgs.enums import Role
from orgs.io import jobs as import_jobs
from orgs.io.columns import MEMBER_COLUMNS
from orgs.models import ImportJob, Member
from tests.factories import user_with_role
from tests.orgs.test_import import BIRTH, member_row, new_id, xlsx_bytes

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"] or not os.environ.get("REDIS_URL"),
        reason="needs the real services: DATABASE_URL (PostgreSQL, shared with a worker process) and REDIS_URL",
    ),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server to start a Redis it may stop"),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
DEFERRED = "已提交；后台服务暂不可用，恢复后将自动处理"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, timeout=30.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


class RedisServer:
    """A redis-server of this test on a free port, without persistence: stopping it loses what it held."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=10, what="redis-server")

    def _answers(self):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
        return False

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def queued(self) -> int:
        """Messages waiting in the default queue or taken and not yet acknowledged."""
        import redis

        client = redis.Redis.from_url(self.url)
        try:
            return client.llen("celery") + client.hlen("unacked")
        finally:
            client.close()

    def redeliver_unacknowledged(self) -> None:
        """What Redis does with a dead worker's messages once the visibility timeout has passed, done now."""
        from kombu import Connection

        with Connection(self.url, transport_options={"visibility_timeout": 0}) as conn:
            conn.default_channel.qos.restore_visible(num=100)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def _reset_pools(app):
    """Forget the broker connections made for the previous broker URL (kombu keeps them in global pools)."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(settings, redis_server):
    """This process publishes to (and caches in) the test's own Redis, for real (no eager tasks)."""
    from config.celery import app

    # Read before the settings change: Celery loads its configuration from the settings on first use.
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    settings.REDIS_URL = redis_server.url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_server.url}
    settings.CACHES = {"default": cache}
    app.conf.update(task_always_eager=False, broker_url=redis_server.url, result_backend=redis_server.url)
    _reset_pools(app)
    yield redis_server
    app.conf.update(saved)
    _reset_pools(app)


class Worker:
    """``celery worker`` in its own process group (prefork, one child, as in production but smaller)."""

    def __init__(self, redis_url: str, log: Path):
        self.redis_url = redis_url
        self.log = log
        self.process = None

    def start(self):
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": self.redis_url,
            "JOB_HEARTBEAT_SECONDS": "1",
        }
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.log, "a"),  # noqa: SIM115  (kept open by the worker; read when a test fails)
            start_new_session=True,
        )
        wait_until(lambda: "ready." in self.log.read_text(), timeout=40, interval=0.2, what="the worker to start")

    def kill(self):
        """kill -9 of the whole worker (main process and its pool child), as an operator or the OOM killer."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self):
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def worker_factory(broker, tmp_path):
    workers = []

    def make():
        worker = Worker(broker.url, tmp_path / f"worker-{len(workers)}.log")
        workers.append(worker)
        worker.start()
        return worker

    yield make
    for worker in workers:
        worker.stop()


def many_member_row(n):
    """Distinct people beyond new_id's 500 serials: a birthday per block of 500."""
    birth = BIRTH + datetime.timedelta(days=n // 500)
    return member_row(n, 姓名=f"党员{n}", 出生日期=birth.isoformat(), 身份证号=new_id(n, birth=birth))


@pytest.fixture(autouse=True)
def _remove_uploads(transactional_db):
    """The uploads live in the shared test media folder (the worker process reads them there)."""
    yield
    for upload in ImportJob.objects.all():
        upload.file.delete(save=False)


def validated_import(user, rows) -> ImportJob:
    """An uploaded members file, checked here (in this process) and waiting for the user's confirmation."""
    job = ImportJob(kind=ImportJob.Kind.MEMBERS, original_name="党员名单.xlsx", created_by=user)
    job.file.save("jobs-faults.xlsx", ContentFile(xlsx_bytes(MEMBER_COLUMNS, rows)), save=False)
    job.save()
    import_jobs.validate_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALID, job.errors[:3]
    return job


def later(seconds):
    return timezone.now() + datetime.timedelta(seconds=seconds)


def test_a_worker_killed_in_the_middle_of_an_import(world, login, worker_factory, broker):
    manager = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    rows = [many_member_row(n) for n in range(1, 801)]
    upload = validated_import(manager, rows)
    members_before = Member.objects.count()
    worker = worker_factory()
    client = login(manager)
    assert client.post(reverse("orgs:import_apply", args=[upload.pk])).status_code == 302
    background = jobs.latest(upload, "orgs.apply_import")
    wait_until(lambda: Job.objects.get(pk=background.pk).state != "pending", what="the worker to claim the job")
    first_beat = Job.objects.get(pk=background.pk).heartbeat_at

    def beating_or_finished():
        now = Job.objects.get(pk=background.pk)
        return now.state != "running" or now.heartbeat_at > first_beat

    wait_until(beating_or_finished, what="a heartbeat while it writes")
    worker.kill()

    upload.refresh_from_db()
    background.refresh_from_db()
    if upload.status == ImportJob.Status.DONE:  # the write committed before the kill: it completed, once
        jobs.sweep(now=later(django_settings.JOB_STALE_AFTER + 5))
        background.refresh_from_db()
        assert background.state in ("done", "superseded")  # killed between the commit and "已完成": nothing to redo
        assert Member.objects.count() == members_before + len(rows)
        return
    # Killed mid-write: nothing of the file is in, the job is still 处理中 / 导入中 — until the sweeper looks.
    assert (background.state, upload.status) == ("running", ImportJob.Status.APPLYING)
    assert Member.objects.count() == members_before
    assert jobs.sweep(now=later(5)) == {}  # a heartbeat seconds old: alive as far as anybody can tell
    assert jobs.sweep(now=later(django_settings.JOB_STALE_AFTER + 5)) == {"resumed": 1}
    background.refresh_from_db()
    assert (background.state, background.attempt) == ("pending", 2) and background.published_at

    worker_factory()  # the operator (or systemd) starts a worker again
    wait_until(lambda: Job.objects.get(pk=background.pk).state == "done", timeout=60, what="the resumed import")
    upload.refresh_from_db()
    assert upload.status == ImportJob.Status.DONE
    assert Member.objects.count() == members_before + len(rows)
    finished = Job.objects.get(pk=background.pk).finished_at

    # The killed worker's own message comes back (Redis redelivers it once the visibility timeout has passed), and
    # a duplicate of the new one arrives too: neither changes anything.
    from orgs.tasks import apply_import

    assert broker.queued() == 1  # the killed worker's, taken and never acknowledged
    broker.redeliver_unacknowledged()
    apply_import.apply_async(kwargs={"job": background.pk, "attempt": 2})
    wait_until(lambda: broker.queued() == 0, what="the worker to take both messages")
    again = Job.objects.get(pk=background.pk)
    assert (again.state, again.attempt, again.finished_at) == ("done", 2, finished)
    assert Member.objects.count() == members_before + len(rows)
    assert ImportJob.objects.get(pk=upload.pk).status == ImportJob.Status.DONE


def _off_the_event_loop(call, *args):
    """Run a request in a fresh thread: /readyz runs its checks through asgiref's AsyncToSync, which refuses a
    thread with a running event loop — and Playwright's sync API leaves one in the main thread once a browser
    test ran earlier in the same session."""
    import concurrent.futures

    from django.db import connections

    def run():
        try:
            return call(*args)
        finally:
            connections.close_all()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_redis_stopped_during_upload_confirm_and_refresh(world, campaign, login, worker_factory, broker, client):
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    from dashboards.models import Snapshot

    manager = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    leader = user_with_role(world.province, Role.LEADING_GROUP)
    confirmed = validated_import(manager, [member_row(1), member_row(2, 姓名="钱进")])
    schedule, _ = CrontabSchedule.objects.get_or_create(minute="*", hour="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.create(name="sweep", task="common.sweep_jobs", crontab=schedule, last_run_at=timezone.now())

    broker.stop()
    started = time.monotonic()
    ready = _off_the_event_loop(client.get, reverse("readyz"))
    assert ready.status_code == 503 and time.monotonic() - started < 6
    assert ready.json()["checks"]["redis"]["ok"] is False and ready.json()["checks"]["database"]["ok"] is True

    login(manager)
    started = time.monotonic()
    content = xlsx_bytes(MEMBER_COLUMNS, [member_row(5, 姓名="孙立")])
    response = client.post(
        reverse("orgs:import_list"),
        {"kind": "members", "file": SimpleUploadedFile("新名单.xlsx", content)},
        follow=True,
    )
    assert response.status_code == 200 and DEFERRED in response.content.decode()
    uploaded = ImportJob.objects.exclude(pk=confirmed.pk).get()
    response = client.post(reverse("orgs:import_apply", args=[confirmed.pk]), follow=True)
    assert response.status_code == 200 and DEFERRED in response.content.decode()
    login(leader)
    node = reverse("dashboards:node", args=[world.province.code])
    response = client.post(reverse("dashboards:refresh"), {"next": node}, follow=True)
    assert response.status_code == 200 and DEFERRED in response.content.decode()
    assert time.monotonic() - started < 20  # three actions, each giving up on Redis within seconds
    waiting = Job.objects.filter(state="pending")
    assert waiting.count() == 3 and all(job.waiting_for_broker for job in waiting)
    assert jobs.sweep(now=later(60)) == {"unpublished": 1}  # still down: the sweeper stops at the first

    broker.start()  # Redis is back (empty: it kept nothing)
    assert jobs.sweep(now=later(60)) == {"published": 3}
    assert broker.queued() == 3
    worker_factory()
    wait_until(lambda: not Job.objects.exclude(state="done").exists(), timeout=60, what="the three jobs")
    assert ImportJob.objects.get(pk=uploaded.pk).status == ImportJob.Status.VALID
    assert ImportJob.objects.get(pk=confirmed.pk).status == ImportJob.Status.DONE
    assert Snapshot.objects.filter(status="done").exists()
    ready = _off_the_event_loop(client.get, reverse("readyz"))
    assert ready.status_code == 200, ready.json()
