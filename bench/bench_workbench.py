"""Workbench benchmark: a branch secretary's workbench and a member's page on the province-scale set.

    .venv/bin/python bench/bench_workbench.py [--source portal_bench_province] [--database portal_bench_workbench]
                                              [--rebuild] [--runs 60] [--warmups 5]

1. ``--database`` (default ``portal_bench_workbench``) is a copy of the province-scale database built by
   bench/bench_pages.py (``CREATE DATABASE … TEMPLATE``: 170,000 organizations, 4,200,000 members), made and
   marked as the bench scripts' own (bench/benchdb.py); with ``--rebuild`` an earlier copy (ours) is replaced.
2. ``manage.py demo_campaign`` runs in it, exactly as ``./start.sh`` does on the demo (the campaign shifted so that
   today is in step two, plans, reports, a member batch with answers, today's reminders over the whole province,
   a 公示, the dashboards refreshed): its time is printed.
3. Then, in one process with DEBUG off, each page is requested ``--runs`` times after ``--warmups`` with
   django.test.Client (server time: middleware, views, templates, SQL), and its median, p95 and SQL count are
   printed beside the floor: the same user's plainest page through the same stack (the password-change form:
   session, role look-up, navigation and inbox count, the base layout, no data of its own). The ratio says what
   the page's own work costs on top of what every page costs.

Target (issue 11): the secretary's workbench p95 ≤ 150 ms on the province-scale set.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import benchdb  # noqa: E402  (bench/ is not a package: scripts run by path)

TARGET_P95_MS = 150
PAGES = [
    # (label, username, url name, args, text the page must contain)
    ("书记工作台", "shuji", "workbench:index", [], "节点任务"),
    ("我的创先争优", "dangyuan", "workbench:me", [], "我的党员档案"),
]
FLOOR = ("修改密码（基准页）", "password_change", [])


def environment(database):
    env = {
        **os.environ,
        "DATABASE_URL": f"{benchdb.PG}/{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)  # Celery eager: demo_campaign's tasks run in its own process
    return env


def prepare(args):
    if not benchdb.exists(args.source):
        raise SystemExit(f"{args.source} 不存在：请先运行 bench/bench_pages.py --scales province 构建省级数据集")
    if benchdb.exists(args.database) and not args.rebuild:
        if not benchdb.is_ours(args.database):
            benchdb._refuse(args.database)
        print(f"{args.database}: 已存在，复用（--rebuild 重建）", flush=True)
        return
    started = time.monotonic()
    benchdb.create(args.database, purpose=f"copy of {args.source} for bench_workbench", template=args.source)
    print(f"{args.database}: 复制 {args.source} 用时 {time.monotonic() - started:.0f} 秒", flush=True)
    env = environment(args.database)
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    subprocess.run([sys.executable, "manage.py", "demo_campaign"], cwd=ROOT, env=env, check=True)
    print(f"demo_campaign（全省）用时 {time.monotonic() - started:.0f} 秒", flush=True)


def timed(client, url, runs, warmups, expect=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmups):
        response = client.get(url)
        if response.status_code != 200 or (expect and expect not in response.content.decode()):
            raise SystemExit(f"{url}: status {response.status_code}, expected text missing")
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    queries = len(ctx.captured_queries)  # now: the next request clears the log
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[max(0, int(round(0.95 * len(times))) - 1)],
        "queries": queries,
    }


def measure(args):
    os.environ.update(environment(args.database))
    sys.path.insert(0, str(ROOT))
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic for a bench
    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from orgs.models import Member, Org, User

    assert not settings.DEBUG
    print(f"{args.database}: {Org.objects.count():,} 个组织, {Member.objects.count():,} 名党员", flush=True)
    print(f"每页 {args.runs} 次（先预热 {args.warmups} 次），服务端时间（毫秒）", flush=True)
    rows = []
    for label, username, name, url_args, expect in PAGES:
        client = Client()
        client.force_login(User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend")
        url = reverse(name, args=url_args)
        landing = client.get(url)
        if landing.status_code == 302:  # one organization: the index sends the secretary straight to it
            url = landing["Location"]
        page = timed(client, url, args.runs, args.warmups, expect)
        floor = timed(client, reverse(FLOOR[1], args=FLOOR[2]), args.runs, args.warmups)
        rows.append((label, username, page, floor))
    print("页面 / 用户 / 中位 / p95 / SQL | 基准页 中位 / p95 | p95 比值 / 达标（p95 ≤ 150 ms）")
    for label, username, page, floor in rows:
        ratio = page["p95"] / floor["p95"]
        ok = "是" if page["p95"] <= TARGET_P95_MS else "否"
        print(
            f"{label:<10} {username:<9} {page['median']:7.1f} {page['p95']:7.1f} {page['queries']:4d} | "
            f"{floor['median']:9.1f} {floor['p95']:9.1f} | {ratio:7.2f} {ok}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="portal_bench_province")
    parser.add_argument("--database", default="portal_bench_workbench")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--warmups", type=int, default=5)
    args = parser.parse_args()
    prepare(args)
    measure(args)


if __name__ == "__main__":
    main()
