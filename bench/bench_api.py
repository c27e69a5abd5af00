"""REST API list benchmark: the list endpoints of /api/v1/ at the province root and at a county, on the province set.

    .venv/bin/python bench/bench_api.py [--source portal_bench_province] [--runs 30] [--warmups 3] [--rounds 3]
                                        [--only LABEL …] [--json FILE] [--keep]

1. A database of this run only (bench/benchdb.py ``Scratch``: ``CREATE DATABASE … TEMPLATE portal_bench_province``,
   a unique name, marked with the run's token, dropped at the end unless ``--keep``). The source (170,000
   organizations, 4,200,000 members, built by bench/bench_pages.py) is only read as the template.
2. The copy is migrated; tiers are written for every basic organization in the 2011 period (as
   bench/bench_member_list.py) and the tables analysed.
3. Each case is one GET of a list endpoint (first page, default page size 30; "第2页" follows the first page's
   ``next``), requested in this process with django.test.Client and a personal API token
   (``Authorization: Bearer``): server time through middleware, authentication, throttle (the local-memory cache),
   view and JSON rendering. The root user is ``sheng_zzb`` (组织部 of the province), the county user
   ``zhengding_zzb`` (组织部 of 正定县); ``--runs`` timed requests after ``--warmups``, split into ``--rounds`` that
   alternate root and county.

Target (issue 16): every list ≤ 150 ms p95 at the province root.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import benchdb  # noqa: E402  (bench/ is not a package: scripts run by path)
from bench_member_list import TIER_PERIOD, add_tiers, env_for, measure_in_child  # noqa: E402
from figures import pad, percentile, width  # noqa: E402

TARGET_P95_MS = 150
ROOT_USER, COUNTY_USER = "sheng_zzb", "zhengding_zzb"

# (label, path and query; "{milestone}" / "{period}" / "{node}" filled at run time, "{node}" = the user's node)
CASES = [
    ("组织", "/api/v1/organizations/"),
    ("组织 第2页", "/api/v1/organizations/ next"),
    ("组织 搜索 拼音 zd", "/api/v1/organizations/?search=zd"),
    ("组织 搜索 中文 村", "/api/v1/organizations/?search=%E6%9D%91"),
    ("下级组织", "/api/v1/organizations/{node}/children/"),
    ("党员", "/api/v1/members/"),
    ("党员 第2页", "/api/v1/members/ next"),
    ("党员 姓名 张建", "/api/v1/members/?name=%E5%BC%A0%E5%BB%BA"),
    ("实施方案", "/api/v1/plans/"),
    ("节点任务 未完成的组织", "/api/v1/milestones/{milestone}/orgs/"),
    ("节点任务 已完成", "/api/v1/milestones/{milestone}/orgs/?status=done"),
    ("考核期间", "/api/v1/periods/"),
    ("档次", "/api/v1/periods/{period}/tiers/"),
    ("档次 第2页", "/api/v1/periods/{period}/tiers/ next"),
    ("档次 后进", "/api/v1/periods/{period}/tiers/?tier=backward"),
    ("考核评价", "/api/v1/assessments/"),
    ("表彰轮次", "/api/v1/award-rounds/"),
    ("导入任务", "/api/v1/imports/"),
]


def prepare(target):
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env_for(target), check=True
    )
    print(f"{target}: migrate（{time.monotonic() - started:.0f} 秒）", flush=True)
    started = time.monotonic()
    add_tiers(target)
    for table in ("evaluations_tier", "orgs_org", "orgs_member", "campaign_milestonedone", "api_apitoken"):
        benchdb.query(target, f"VACUUM ANALYZE {table}")  # noqa: S608  (fixed names, not input)
    print(f"{target}: 档次与 VACUUM ANALYZE（{time.monotonic() - started:.0f} 秒）", flush=True)


def measure(args):
    """In this process (DATABASE_URL set): each case at root and county, ``args.runs`` timed requests each."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from api.tokens import create_token
    from campaign.models import Milestone
    from campaign.services.timeline import current_campaign
    from orgs.models import Member, Org, User

    assert not settings.DEBUG, "the benchmark runs with DEBUG off"
    settings.API_THROTTLE_RATE = "1000000/min"
    users = {name: User.objects.get(username=name) for name in (ROOT_USER, COUNTY_USER)}
    clients, nodes = {}, {}
    for name, user in users.items():
        secret = create_token(user, name="bench_api")[1]
        clients[name] = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        nodes[name] = user.assignments.order_by("org__depth").first().org.code
    campaign = current_campaign()
    milestone = Milestone.objects.get(campaign=campaign, code="study")
    values = {"{milestone}": str(milestone.pk), "{period}": TIER_PERIOD}

    cases = CASES
    if args.only:
        cases = [c for c in CASES if any(o in c[0] or o in c[1] for o in args.only)]
    plan = []
    for label, spec in cases:
        for side, who in (("root", ROOT_USER), ("county", COUNTY_USER)):
            url = spec.replace(" next", "").replace("{node}", nodes[who])
            for key, value in values.items():
                url = url.replace(key, value)
            client = clients[who]
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{label} {side}: HTTP {response.status_code} {response.content[:300]!r}")
            if spec.endswith(" next"):
                url = response.json()["next"]
                if not url:
                    raise SystemExit(f"{label} {side}: no second page")
                response = client.get(url)
            for _ in range(args.warmups):
                client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                rows = len(client.get(url).json()["results"])
            plan.append(
                {"label": label, "side": side, "user": who, "url": url, "queries": len(ctx.captured_queries)}
                | {"rows": rows, "times": []}
            )
    per_round = -(-args.runs // args.rounds)
    for _round in range(args.rounds):
        for item in plan:
            client = clients[item["user"]]
            for _ in range(per_round):
                started = time.perf_counter()
                client.get(item["url"])
                item["times"].append((time.perf_counter() - started) * 1000)
    for item in plan:
        times = item.pop("times")
        item.update(runs=len(times), median=statistics.median(times), p95=percentile(times, 0.95))
    return {"orgs": Org.objects.count(), "members": Member.objects.count(), "plan": plan}


def report(result):
    by = {(i["label"], i["side"]): i for i in result["plan"]}
    labels = list(dict.fromkeys(i["label"] for i in result["plan"]))
    head = ["接口", "根 p50", "根 p95", "县 p50", "县 p95", "根/县 p95", "SQL 根/县", "行数 根/县", "达标"]
    rows = [head]
    for label in labels:
        r, c = by[(label, "root")], by[(label, "county")]
        rows.append(
            [
                label,
                f"{r['median']:.1f}",
                f"{r['p95']:.1f}",
                f"{c['median']:.1f}",
                f"{c['p95']:.1f}",
                f"{r['p95'] / c['p95']:.2f}",
                f"{r['queries']}/{c['queries']}",
                f"{r['rows']}/{c['rows']}",
                "是" if r["p95"] <= TARGET_P95_MS else "否",
            ]
        )
    widths = [max(width(row[i]) for row in rows) for i in range(len(head))]
    for n, row in enumerate(rows):
        print("  ".join(pad(cell, widths[i], right=i > 0) for i, cell in enumerate(row)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print("时间单位 ms（服务器端，进程内 django.test.Client，个人 API 令牌）")
    print(f"目标：根 p95 ≤ {TARGET_P95_MS} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default="portal_bench_province")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="only the cases whose label or path contains one of these")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the run's database (drop it yourself)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args), ensure_ascii=False))
        return
    if not benchdb.exists(args.source):
        raise SystemExit(f"{args.source} 不存在：先运行 .venv/bin/python bench/bench_pages.py --scales province")
    started = time.monotonic()
    with benchdb.Scratch(
        "portal_bench_api", purpose=f"bench_api: copy of {args.source}", template=args.source, keep=args.keep
    ) as database:
        print(f"{database}: 复制 {args.source}（{time.monotonic() - started:.0f} 秒）", flush=True)
        prepare(database)
        command = [sys.executable, __file__, "--measure", "--runs", str(args.runs), "--warmups", str(args.warmups)]
        command += ["--rounds", str(args.rounds)]
        if args.only:
            command += ["--only", *args.only]
        result, seconds, load = measure_in_child(command, database)
        print(f"\n{result['orgs']:,} 个组织，{result['members']:,} 名党员；测量 {seconds:.0f} 秒；负载 {load[0]:.1f}")
        report(result)
        if args.json:
            Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
