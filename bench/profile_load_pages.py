"""The load bench's pages one at a time: server CPU, SQL count and time, size — and, on request, a profile.

    .venv/bin/python bench/profile_load_pages.py [--database portal_bench_load] [--runs 20] [--warmups 3]
                                                 [--only LABEL ...] [--profile N] [--sort KEY]

Reads the load fixture (bench/out/load_fixture.json, written by bench/bench_load.py) and requests each page of
the locust journeys (bench/locustfile.py) as its user with django.test.Client in this one process (DEBUG off,
the production middleware): GET only, so the database (a copy: ``bench_load.py --keep-db`` leaves
``portal_bench_load``) is not changed. CPU is this process's CPU time per request (``time.process_time``), so
other load on the machine weighs little on it; SQL is counted with Django's query capture. ``--profile N``
prints the N costliest functions (cumulative) of each page under cProfile.

This is the per-page breakdown behind the load table of bench/README.md: with a few hundred people stepping
every few seconds on 2 CPUs, the sum of these CPU times sets the queueing, and so the p95.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
import benchdb  # noqa: E402  (bench/ is not a package: scripts run by path)

FIXTURE = ROOT / "bench" / "out" / "load_fixture.json"


def pages(fx: dict) -> list[tuple[str, str, str]]:
    """(label, username, path) of every GET the journeys make, in the locustfile's words."""
    sec = fx["secretaries"][0]
    county = fx["county_users"][0]
    province = fx["province_users"][0]
    org = sec["org"]
    token = fx["tokens"][-1]
    return [
        ("书记 工作台", sec["username"], f"/workbench/{org}/"),
        ("书记 实施方案", sec["username"], f"/campaign/plans/{sec['plan']}/"),
        ("书记 方案 修改页", sec["username"], f"/campaign/plans/{sec['plan']}/edit/"),
        ("书记 站内信", sec["username"], "/campaign/inbox/"),
        ("书记 活动记录列表", sec["username"], "/campaign/activities/"),
        ("书记 活动记录 填写页", sec["username"], f"/campaign/activities/new/?org={org}"),
        ("书记 承诺 填写页", sec["username"], f"/campaign/commitments/new/?org={org}"),
        ("书记 推荐 填写页", sec["username"],
         f"/awards/rounds/{fx['round']}/nominate/?category={fx['category']}&org={org}"),
        ("书记 推荐名单", sec["username"], f"/awards/rounds/{fx['round']}/nominations/"),
        ("组织部 待我审批", county["username"], "/campaign/plans/?pending=on"),
        ("组织部 方案 筛选", county["username"], "/campaign/plans/?status=submitted&q=支部"),
        ("组织部 方案 审阅", county["username"], f"/campaign/plans/{county['plans'][0]}/"),
        ("组织部 党员 列表", county["username"], "/members/?q=张"),
        ("组织部 下级组织", county["username"], f"/orgs/{fx['county']}/children/"),
        ("组织部 党性分析报告", county["username"], "/evaluations/reports/"),
        ("领导小组 看板 全省", province["username"], "/dashboards/"),
        ("领导小组 看板 县", province["username"], f"/dashboards/{fx['county']}/"),
        ("领导小组 看板 乡镇", province["username"], f"/dashboards/{fx['townships'][0]}/"),
        ("群众 评议页", None, f"/evaluations/m/{token}/"),
        ("基准 /healthz", None, "/healthz"),
    ]  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="portal_bench_load")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="labels containing any of these words")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--sort", default="cumulative", help="--profile: pstats sort key (cumulative, tottime …)")
    args = parser.parse_args()
    if not benchdb.exists(args.database):
        raise SystemExit(f"{args.database} 不存在：先运行 bench/bench_load.py --keep-db")
    os.environ.update(
        DATABASE_URL=f"{benchdb.PG}/{args.database}",
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    fx = json.loads(FIXTURE.read_text(encoding="utf-8"))
    clients = {}
    print(f"{'page':<22} {'CPU ms':>7} {'wall ms':>8} {'SQL':>4} {'SQL ms':>7} {'KB':>5}  path")
    for label, username, path in pages(fx):
        if args.only and not any(word in label for word in args.only):
            continue
        if username not in clients:
            client = Client(HTTP_X_FORWARDED_PROTO="https")
            if username:
                client.force_login(get_user_model().objects.get(username=username))
            clients[username] = client
        client = clients[username]
        for _ in range(args.warmups):
            response = client.get(path, secure=True)
        if response.status_code != 200:
            print(f"{label:<22} HTTP {response.status_code}  {path}")
            continue
        cpu, wall, sql = [], [], []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                c0, w0 = time.process_time(), time.perf_counter()
                response = client.get(path, secure=True)
                cpu.append((time.process_time() - c0) * 1000)
                wall.append((time.perf_counter() - w0) * 1000)
            sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        print(
            f"{label:<22} {statistics.median(cpu):7.1f} {statistics.median(wall):8.1f} "
            f"{len(captured.captured_queries):4d} {statistics.median(sql):7.1f} "
            f"{len(response.content) / 1024:5.0f}  {path}",
            flush=True,
        )
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(5):
                client.get(path, secure=True)
            profile.disable()
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out).sort_stats(args.sort)
            stats.print_stats(args.profile)
            print(out.getvalue())


if __name__ == "__main__":
    main()
