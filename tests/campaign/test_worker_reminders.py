"""A real Celery worker against the real Redis broker delivers a reminder (runs when REDIS_URL is set)."""

import datetime
import os
import time
import uuid

import pytest

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real broker)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(settings):
    """An in-process worker on a queue of its own, so that no other worker on the same Redis takes our tasks."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    from config.celery import app

    queue = f"test-reminders-{uuid.uuid4().hex[:8]}"
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "result_backend", "task_default_queue")}
    app.conf.update(
        task_always_eager=False,
        broker_url=os.environ["REDIS_URL"],
        result_backend=os.environ["REDIS_URL"],
        task_default_queue=queue,
    )
    for cached in ("queues", "router"):
        app.amqp.__dict__.pop(cached, None)

    def close_worker_connections(**kwargs):
        connections.close_all()  # the worker thread's own connections, so the test database can be dropped

    task_postrun.connect(close_worker_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=20):
            yield app
    finally:
        task_postrun.disconnect(close_worker_connections)
        app.conf.update(saved)
        for cached in ("queues", "router"):
            app.amqp.__dict__.pop(cached, None)


def test_worker_delivers_a_reminder(world, campaign, settings, worker):
    from campaign import sms
    from campaign.models import Notification, OutgoingMessage, ReminderDelivery
    from campaign.tasks import daily_reminders
    from orgs.enums import Role
    from tests.factories import user_with_role

    settings.SMS_BACKEND = "campaign.sms.LocmemBackend"
    sms.outbox.clear()
    secretary = user_with_role(world.branch_a, Role.SECRETARY, email="shuji@example.org", mobile="13900000001")
    plan = campaign.milestones.get(code="plan")
    day = plan.due_date - datetime.timedelta(days=7)

    stats = daily_reminders.apply_async(kwargs={"day": day.isoformat()}).get(timeout=60)
    assert stats["deliveries_created"] > 0

    assert ReminderDelivery.objects.filter(milestone=plan, org=world.branch_a, offset=7, sent_at__isnull=False).exists()
    # one digest: 制定方案 and 组织学习
    note = Notification.objects.get(user=secretary, title="提醒：“制定方案”等2项节点任务待办理")
    assert note.body.startswith("塔元庄村党支部：")
    messages = OutgoingMessage.objects.filter(user=secretary, subject=note.title)
    deadline = time.monotonic() + 60
    while messages.exclude(status="sent").exists() or messages.count() < 2:
        assert time.monotonic() < deadline, list(messages.values_list("channel", "status", "last_error"))
        time.sleep(0.2)
    assert sorted(messages.values_list("channel", "recipient")) == [
        ("email", "shuji@example.org"),
        ("sms", "13900000001"),
    ]
    assert any(s.mobile == "13900000001" and "制定方案" in s.text for s in sms.outbox)

    # a second run through the worker sends nothing again
    again = daily_reminders.apply_async(kwargs={"day": day.isoformat()}).get(timeout=60)
    assert again["deliveries_created"] == 0 and again.get("notifications", 0) == 0
    assert Notification.objects.filter(user=secretary, title=note.title).count() == 1
