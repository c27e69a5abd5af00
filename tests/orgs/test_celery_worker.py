"""An import run by a real Celery worker over Redis (skipped without REDIS_URL).

The rest of the suite runs tasks eagerly; this checks that the upload enqueues after commit, that
the worker (another thread with its own database connection) validates and applies the job from
its id, and that the job page's progress endpoint answers meanwhile.
"""

import os
import threading
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse

from orgs.enums import Role
from orgs.io.columns import MEMBER_COLUMNS
from orgs.models import ImportJob, Member
from tests.factories import user_with_role

from .test_import import member_row, xlsx_bytes

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="a real worker needs Redis: set REDIS_URL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(settings, tmp_path):
    """A Celery worker thread on a queue of its own (so no other worker on this Redis takes the tasks)."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun, task_prerun

    from config.celery import app

    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queue = f"test-import-{uuid.uuid4().hex}"
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")}
    app.conf.update(task_always_eager=False, broker_url=os.environ["REDIS_URL"], task_default_queue=queue)
    app.amqp.__dict__.pop("queues", None)
    app.amqp.__dict__.pop("router", None)

    ran_in = []

    def record_thread(**kwargs):
        ran_in.append(threading.get_ident())

    def close_connections(**kwargs):
        connections.close_all()  # the worker thread's own connection: never left open at teardown

    task_prerun.connect(record_thread, weak=False)
    task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(app, pool="solo", queues=[queue], perform_ping_check=False, shutdown_timeout=30):
            yield ran_in
    finally:
        task_prerun.disconnect(record_thread)
        task_postrun.disconnect(close_connections)
        app.conf.update(saved)
        app.amqp.__dict__.pop("queues", None)
        app.amqp.__dict__.pop("router", None)


def wait_for(job, statuses, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job stayed {job.status}")


def test_worker_validates_and_applies_an_import(world, login, worker):
    manager = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    client = login(manager)
    rows = [member_row(n, 姓名=f"党员{n}") for n in range(1, 41)]
    response = client.post(
        reverse("orgs:import_list"),
        {"kind": "members", "file": SimpleUploadedFile("名单.xlsx", xlsx_bytes(MEMBER_COLUMNS, rows))},
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("orgs:import_detail", args=[job.pk])
    progress = client.get(reverse("orgs:import_progress", args=[job.pk]), headers={"HX-Request": "true"})
    assert progress.status_code == 200 and b"<progress" in progress.content

    job = wait_for(job, {ImportJob.Status.VALID, ImportJob.Status.INVALID, ImportJob.Status.FAILED})
    assert (job.status, job.errors, job.summary["created"]) == (ImportJob.Status.VALID, [], 40)
    assert Member.objects.count() == 3

    client.post(reverse("orgs:import_apply", args=[job.pk]))
    job = wait_for(job, {ImportJob.Status.DONE, ImportJob.Status.INVALID, ImportJob.Status.FAILED})
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Member.objects.filter(org=world.branch_a).count() == 41
    page = client.get(reverse("orgs:import_detail", args=[job.pk])).content.decode()
    assert "导入完成" in page
    # Both tasks ran in the worker's thread, not eagerly in the request.
    assert len(worker) == 2 and threading.get_ident() not in worker
