"""Reminder benchmark: the daily reminder job over the province-scale data set (170,000 organizations).

    .venv/bin/python bench/bench_reminders.py [--database portal_bench_province] [--all-phase-one]
                                              [--secretaries basic|none] [--broker memory://]

Uses a database built by bench/bench_pages.py (``load_demo --scale province`` → portal_bench_province;
``--database portal_bench_county`` for the small one). Inside ONE transaction that is rolled back at the end
(nothing stays behind), it

1. copies the seed campaign so that it runs today and its milestone 'plan' (制定方案, every basic organization)
   is due in exactly 7 days; by default the other milestones of that day get ``reminders=False`` so that the
   figure is one milestone over every organization (``--all-phase-one`` keeps 动员部署/组织学习/报省委组织部 too);
2. gives every basic organization a secretary account (mobile number; every 10th also an e-mail address) with
   two set-based INSERT … SELECT statements, so that each reminder really produces an inbox message and an SMS
   (``--secretaries none``: the demo accounts only);
3. times ``run_daily_reminders(today)`` — decide (INSERT … SELECT … ON CONFLICT DO NOTHING), claim and notify
   (inbox rows, OutgoingMessage rows) — then the enqueueing of the send tasks (the on-commit callbacks, run by
   hand before the rollback) on the broker given by ``--broker`` (default ``memory://``: the cost of building
   and publishing the task messages without touching the shared Redis; pass ``redis://127.0.0.1:6379/15`` to
   publish to Redis — the bench's queue is purged afterwards), counting SQL statements;
4. runs the job a second time (idempotency at scale: nothing new is decided or sent) and times it.

Target (issue 3): decide and enqueue all reminders in under 60 s, set-based (not one query per organization).
"""

import argparse
import datetime
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
TARGET_SECONDS = 60
QUEUE = "bench-reminders"


class Rollback(Exception):
    pass


def setup_django(database: str, broker: str):
    os.environ["DATABASE_URL"] = f"{PG}/{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from config.celery import app

    app.conf.update(task_always_eager=False, broker_url=broker, task_default_queue=QUEUE)
    return app


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counting():
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


def add_secretaries(every_email: int = 10) -> int:
    """One secretary account per basic organization, set-based (the demo data has only a few accounts)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO orgs_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                   is_active, date_joined, full_name, mobile)
            SELECT '!', false, 'bench-sec-' || o.code, '', '',
                   CASE WHEN o.id %% %s = 0 THEN 'sec' || o.id || '@example.org' ELSE '' END,
                   false, true, now(), '书记' || right(o.code, 6), '139' || lpad((o.id %% 100000000)::text, 8, '0')
            FROM orgs_org o WHERE o.level = 'basic' AND o.active
            """,
            [every_email],
        )
        cursor.execute(
            """
            INSERT INTO orgs_roleassignment (user_id, org_id, role, sector, created_at)
            SELECT u.id, o.id, 'secretary', '', now()
            FROM orgs_org o JOIN orgs_user u ON u.username = 'bench-sec-' || o.code
            WHERE o.level = 'basic' AND o.active
            """
        )
        return cursor.rowcount


def running_copy(today: datetime.date, keep_phase_one: bool):
    from campaign.models import Campaign
    from campaign.services.timeline import copy_campaign

    source = Campaign.objects.get(code="cxzy-2010")
    plan = source.milestones.get(code="plan")
    start = today + datetime.timedelta(days=7) - (plan.due_date - source.start_date)
    campaign = copy_campaign(source, name="基准测试活动", code=f"bench-{time.time_ns()}", start_date=start)
    due = campaign.milestones.get(code="plan").due_date
    assert due == today + datetime.timedelta(days=7), due
    others = campaign.milestones.exclude(code="plan")
    if keep_phase_one:
        others = others.exclude(due_date=due)
    others.update(reminders=False)
    return campaign


def run_callbacks_now() -> int:
    """Run the on-commit callbacks (the enqueueing) that the outer, never-committed transaction holds."""
    from django.db import connection

    callbacks = list(connection.run_on_commit)
    connection.run_on_commit = []
    for _sids, func, _robust in callbacks:
        func()
    return len(callbacks)


def purge(app):
    if app.conf.broker_url.startswith("memory"):
        return
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="portal_bench_province")
    parser.add_argument("--all-phase-one", action="store_true", help="remind every milestone due that day")
    parser.add_argument("--secretaries", choices=["basic", "none"], default="basic")
    parser.add_argument("--broker", default="memory://")
    args = parser.parse_args()
    app = setup_django(args.database, args.broker)

    from django.db import connection, transaction
    from django.utils import timezone

    from campaign.models import ReminderDelivery
    from campaign.services import reminders
    from orgs.models import Org

    today = timezone.localdate()
    orgs = Org.objects.filter(active=True).count()
    result = {}
    try:
        with transaction.atomic():
            t = time.perf_counter()
            secretaries = add_secretaries() if args.secretaries == "basic" else 0
            campaign = running_copy(today, args.all_phase_one)
            result["setup_s"] = time.perf_counter() - t

            timings = {"decide": 0.0, "notify": 0.0}
            real_decide, real_notify = reminders.decide, reminders.notify_pending

            def timed(name, func):
                def wrapper(*a, **kw):
                    start = time.perf_counter()
                    try:
                        return func(*a, **kw)
                    finally:
                        timings[name] += time.perf_counter() - start

                return wrapper

            reminders.decide = timed("decide", real_decide)
            reminders.notify_pending = timed("notify", real_notify)
            try:
                with counting() as queries:
                    start = time.perf_counter()
                    stats = reminders.run_daily_reminders(today)
                    run_s = time.perf_counter() - start
                    start = time.perf_counter()
                    enqueued = run_callbacks_now()
                    enqueue_s = time.perf_counter() - start
                with counting() as queries2:
                    start = time.perf_counter()
                    stats2 = reminders.run_daily_reminders(today)
                    run_callbacks_now()
                    rerun_s = time.perf_counter() - start
            finally:
                reminders.decide, reminders.notify_pending = real_decide, real_notify
            result.update(
                orgs=orgs,
                secretaries=secretaries,
                milestones=stats.get("milestones", 0),
                deliveries=stats.get("deliveries_created", 0),
                notified=stats.get("deliveries_notified", 0),
                notifications=stats.get("notifications", 0),
                messages=stats.get("messages", 0),
                enqueue_batches=enqueued
                and (stats.get("messages", 0) + reminders.ENQUEUE_BATCH - 1) // reminders.ENQUEUE_BATCH,
                decide_s=timings["decide"],
                notify_s=timings["notify"],
                enqueue_s=enqueue_s,
                total_s=run_s + enqueue_s,
                queries=queries.count,
                rerun_s=rerun_s,
                rerun_queries=queries2.count,
                rerun_new=stats2.get("deliveries_created", 0) + stats2.get("notifications", 0),
                rows_check=ReminderDelivery.objects.filter(milestone__campaign=campaign).count(),
            )
            raise Rollback
    except Rollback:
        pass
    finally:
        purge(app)
        connection.close()

    ok = result["total_s"] < TARGET_SECONDS and result["rerun_new"] == 0
    print(f"database {args.database}: {result['orgs']:,} organizations, {result['secretaries']:,} secretaries added")
    print(
        f"decided {result['deliveries']:,} reminders for {result['milestones']} milestone(s); "
        f"{result['notifications']:,} inbox messages, {result['messages']:,} e-mail/SMS rows, "
        f"{result['enqueue_batches']:,} send tasks"
    )
    print(
        f"decide {result['decide_s']:.1f} s + notify {result['notify_s']:.1f} s + enqueue {result['enqueue_s']:.1f} s "
        f"= {result['total_s']:.1f} s, {result['queries']} SQL statements "
        f"(target < {TARGET_SECONDS} s) {'OK' if ok else 'MISSED'}"
    )
    print(
        f"second run the same day: {result['rerun_s']:.1f} s, {result['rerun_queries']} SQL statements, "
        f"{result['rerun_new']} new rows; broker {args.broker}; everything rolled back"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
