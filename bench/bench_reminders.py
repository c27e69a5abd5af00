"""Reminder benchmark: the daily reminder job over every milestone of a campaign on the province-scale set.

    .venv/bin/python bench/bench_reminders.py [--source portal_bench_province] [--keep]
                                              [--inside DATABASE [--allow-unmarked]]
                                              [--milestones all|plan|phase-one] [--secretaries basic|none]
                                              [--broker memory://]

1. The database: by default this run's own copy of ``--source`` (bench/benchdb.py ``Scratch``: a unique name,
   ``CREATE DATABASE … TEMPLATE``, marked, migrated, dropped at the end unless ``--keep``); the source is never
   written. ``--inside DATABASE`` works inside an existing database instead (everything is rolled back); a
   database without the bench mark is refused unless ``--allow-unmarked``.
2. Inside ONE transaction that is rolled back at the end it copies the seed campaign so that it runs today,
   and with ``--milestones all`` (the default) moves **every milestone of the campaign** to be due in exactly
   7 days — the heaviest day the job can meet: every milestone reminded at once over every organization it
   applies to (``plan``: only 制定方案, the old figure; ``phase-one``: the milestones due with it).
3. Gives every basic organization a secretary account (mobile number; every 10th also an e-mail address) with
   two set-based INSERT … SELECT statements, so that each reminder really produces an inbox message and an
   SMS (``--secretaries none``: the demo accounts only).
4. Times ``run_daily_reminders(today)`` — on PostgreSQL one statement for the whole day that decides every
   (milestone, offset) due (INSERT … SELECT … UNION ALL … ON CONFLICT DO NOTHING) and notifies: one digest per
   recipient (an inbox row, an e-mail and/or an SMS row listing that recipient's reminders) — then the enqueueing
   of the send tasks (the on-commit callbacks, run by hand before the rollback) on the broker given by
   ``--broker`` (default ``memory://``: the cost of building and publishing the task messages without touching
   the shared Redis; ``redis://127.0.0.1:6379/9`` publishes to Redis — the bench's queue is purged afterwards),
   then the deferred foreign-key checks a commit would run (``SET CONSTRAINTS ALL IMMEDIATE``; the rollback at
   the end would skip them), counting SQL statements and the PostgreSQL backend's CPU seconds;
5. runs the job a second time the same day and counts what it added: reminders, inbox messages and e-mail/SMS
   rows (duplicates: must be 0), and checks that no (milestone, organization, offset) was decided twice.

Target (issue 14): every milestone of a campaign on the full tree ≤ 60 s, 0 duplicates on a second run.
"""

import argparse
import datetime
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import benchdb  # noqa: E402  (bench/ is not a package: scripts run by path)

PG = benchdb.PG
PREFIX = "portal_bench_reminders"
TARGET_SECONDS = 60
QUEUE = "bench-reminders"


class Rollback(Exception):
    pass


def backend_cpu() -> float | None:
    """CPU seconds (user + system) the PostgreSQL backend of this connection has used so far (local server:
    /proc/<pid>/stat), or None when it cannot be read."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def running_copy(today: datetime.date, milestones: str):
    from campaign.models import Campaign
    from campaign.services.timeline import copy_campaign
    from common.actors import SYSTEM

    source = Campaign.objects.get(code="cxzy-2010")
    plan = source.milestones.get(code="plan")
    start = today + datetime.timedelta(days=7) - (plan.due_date - source.start_date)
    campaign = copy_campaign(source, name="基准测试活动", code=f"bench-{time.time_ns()}", start_date=start, by=SYSTEM)
    due = today + datetime.timedelta(days=7)
    assert campaign.milestones.get(code="plan").due_date == due
    if milestones == "all":
        # Every milestone due the same day: the job's heaviest day (the campaign's end moves along if needed).
        campaign.milestones.update(due_date=due, reminders=True)
        if campaign.end_date < due:
            type(campaign).objects.filter(pk=campaign.pk).update(end_date=due)
    else:
        others = campaign.milestones.exclude(code="plan")
        if milestones == "phase-one":
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


def run(database, args, *, migrate: bool) -> int:
    app = setup_django(database, args.broker)

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from campaign.models import Notification, OutgoingMessage, ReminderDelivery

    if migrate:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrate (pending migrations of the copy): {time.perf_counter() - started:.0f} s", flush=True)
    from campaign.services import reminders
    from orgs.models import Org

    today = timezone.localdate()
    orgs = Org.objects.filter(active=True).count()
    result = {}
    try:
        with transaction.atomic():
            t = time.perf_counter()
            secretaries = add_secretaries() if args.secretaries == "basic" else 0
            campaign = running_copy(today, args.milestones)
            result["setup_s"] = time.perf_counter() - t
            result["campaign_milestones"] = campaign.milestones.filter(reminders=True).count()
            result["load_before"] = os.getloadavg()
            cpu_before = backend_cpu()

            with counting() as queries:
                start = time.perf_counter()
                stats = reminders.run_daily_reminders(today)
                run_s = time.perf_counter() - start
                start = time.perf_counter()
                enqueued = run_callbacks_now()
                enqueue_s = time.perf_counter() - start
            # What a commit would check: the deferred foreign keys of every row written (the rollback at the
            # end would skip them, so they are run here and timed).
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            checks_s = time.perf_counter() - start
            cpu_after = backend_cpu()
            result["backend_cpu_s"] = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
            result["load_after"] = os.getloadavg()
            rows_before = (
                ReminderDelivery.objects.count(),
                Notification.objects.count(),
                OutgoingMessage.objects.count(),
            )
            with counting() as queries2:
                start = time.perf_counter()
                stats2 = reminders.run_daily_reminders(today)
                run_callbacks_now()
                rerun_s = time.perf_counter() - start
            rows_after = (
                ReminderDelivery.objects.count(),
                Notification.objects.count(),
                OutgoingMessage.objects.count(),
            )
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
                run_s=run_s,
                enqueue_s=enqueue_s,
                checks_s=checks_s,
                total_s=run_s + enqueue_s + checks_s,
                queries=queries.count,
                rerun_s=rerun_s,
                rerun_queries=queries2.count,
                rerun_new=stats2.get("deliveries_created", 0)
                + stats2.get("notifications", 0)
                + stats2.get("messages", 0),
                rerun_rows=[after - before for before, after in zip(rows_before, rows_after, strict=True)],
                rows_check=ReminderDelivery.objects.filter(milestone__campaign=campaign).count(),
            )
            raise Rollback
    except Rollback:
        pass
    finally:
        purge(app)
        connection.close()

    ok = result["total_s"] <= TARGET_SECONDS and result["rerun_new"] == 0 and not any(result["rerun_rows"])
    print(f"database {database}: {result['orgs']:,} organizations, {result['secretaries']:,} secretaries added")
    print(
        f"campaign: {result['campaign_milestones']} milestones with reminders ({args.milestones}); "
        f"decided {result['deliveries']:,} reminders for {result['milestones']} milestone(s) due in 7 days; "
        f"{result['notifications']:,} inbox messages, {result['messages']:,} e-mail/SMS rows, "
        f"{result['enqueue_batches']:,} send tasks"
    )
    print(
        f"job (decide + notify) {result['run_s']:.1f} s + enqueue {result['enqueue_s']:.1f} s "
        f"+ deferred foreign-key checks {result['checks_s']:.1f} s "
        f"= {result['total_s']:.1f} s, {result['queries']} SQL statements "
        f"(target ≤ {TARGET_SECONDS} s) {'OK' if ok else 'MISSED'}"
    )
    deliveries, notes, messages = result["rerun_rows"]
    print(
        f"second run the same day: {result['rerun_s']:.1f} s, {result['rerun_queries']} SQL statements; "
        f"duplicates: {deliveries} reminders, {notes} inbox messages, {messages} e-mail/SMS rows "
        f"(counted in the tables); broker {args.broker}; everything rolled back"
    )
    load = lambda loads: " / ".join(f"{x:.1f}" for x in loads)  # noqa: E731
    cpu = result["backend_cpu_s"]
    print(
        f"machine: {os.cpu_count()} cores; load average before {load(result['load_before'])}, "
        f"after {load(result['load_after'])}; PostgreSQL backend CPU for the job, enqueue and checks: "
        + ("not readable" if cpu is None else f"{cpu:.1f} s")
    )
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="portal_bench_province", help="template database (never written)")
    parser.add_argument("--inside", metavar="DATABASE", help="run inside this existing database (rolled back)")
    parser.add_argument("--allow-unmarked", action="store_true", help="--inside a database without the bench mark")
    parser.add_argument("--keep", action="store_true", help="keep this run's copy (its name is printed)")
    parser.add_argument("--milestones", choices=["all", "plan", "phase-one"], default="all")
    parser.add_argument("--secretaries", choices=["basic", "none"], default="basic")
    parser.add_argument("--broker", default="memory://")
    args = parser.parse_args()
    if args.inside:
        benchdb.require_existing(args.inside, allow=args.allow_unmarked, flag="--allow-unmarked")
        return run(args.inside, args, migrate=False)
    if not benchdb.exists(args.source):
        raise SystemExit(f"{args.source} 不存在：请先运行 bench/bench_pages.py --scales province 构建省级数据集")
    started = time.perf_counter()
    purpose = f"bench_reminders, copy of {args.source}"
    with benchdb.Scratch(PREFIX, purpose=purpose, template=args.source, keep=args.keep) as name:
        print(f"{name}: copy of {args.source} made in {time.perf_counter() - started:.0f} s", flush=True)
        return run(name, args, migrate=True)


if __name__ == "__main__":
    sys.exit(main())
