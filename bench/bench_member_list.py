"""Member list benchmark: every filter of /members/ at the province root and at a county, on the province set.

    .venv/bin/python bench/bench_member_list.py [--source portal_bench_province] [--database portal_bench_members]
                                                [--rebuild] [--runs 30] [--warmups 3] [--rounds 3]
                                                [--only LABEL …] [--json FILE] [--prepare-only]

1. ``--database`` (default ``portal_bench_members``) is a copy of the province-scale database built by
   bench/bench_pages.py (``CREATE DATABASE … TEMPLATE portal_bench_province``: 170,000 organizations, 4,200,000
   members), marked as the bench's own (bench/benchdb.py) and made once (``--rebuild`` makes it again; a
   database of that name that the benches did not create is never touched). The source stays untouched.
2. The copy is migrated (``manage.py migrate``: among others orgs/0007_member_list_indexes, whose indexes are
   built concurrently), then once per copy: tiers for every basic organization in the 2011 period (先进 18 %,
   中间 72 %, 后进 10 % by a hash of the code, ``INSERT … SELECT``), and ``VACUUM ANALYZE``.
3. Each case is one query string of /members/, requested with django.test.Client (DEBUG off, in-process:
   server time through middleware, view and template) by the province's user (root: ``sheng_ldxz``, 领导小组 at
   the root; ``sheng_zzb`` for an ID-number prefix, which only 组织部 may search) and by the county's user
   (``zhengding_zzb``, 组织部 of 正定县), after ``--warmups``; ``--runs`` timed requests split into ``--rounds``
   that alternate root and county, so that a change in the machine's load falls on both alike.
4. The floor is the same user's unfiltered first page (``/members/``: a page read off the tree index, its size
   from the roll-ups) measured in the same rounds; the ratio root/county is of the p95s.
5. For each case the bench also prints what the page said about the size ("共 N 名" / "约 N 人") and the true
   number (an untimed ``count(*)``), so the estimates can be judged.

Target (issue 14): every case ≤ 150 ms p95 at the root and ≤ 1.5× the county's p95.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import benchdb  # noqa: E402  (bench/ is not a package: scripts run by path)
from figures import pad, percentile, width  # noqa: E402

PG = benchdb.PG
TARGET_P95_MS = 150
TARGET_RATIO = 1.5
ROOT_USER, PREFIX_USER, COUNTY_USER = "sheng_ldxz", "sheng_zzb", "zhengding_zzb"
TIER_PERIOD = "2011-annual"

# (label, query string). "{id}" / "{id10}": a member's ID number / its first 10 digits (from 正定县, found at
# run time; never printed).
CASES = [
    ("组织类别 党支部", "kind=dzb"),
    ("组织类别 党委（本数据集无）", "kind=dw"),
    ("领域 农村", "sector=rural"),
    ("领域 高等学校", "sector=university"),
    ("人员类别 学生", "category=student"),
    ("领域 农村 + 人员类别 农民", "sector=rural&category=farmer"),
    ("党员状态 预备", "status=probationary"),
    ("组织档次 后进", "tier=backward"),
    ("组织档次 先进", "tier=advanced"),
    ("年龄段 35岁及以下", "age=le35"),
    ("年龄段 36至45岁", "age=36-45"),
    ("年龄段 61岁及以上", "age=ge61"),
    ("亮牌 党员先锋岗", "badge=vanguard_post"),
    ("亮牌 党员示范户", "badge=demo_household"),
    ("姓名 张建", "q=%E5%BC%A0%E5%BB%BA"),
    ("姓名 张建国", "q=%E5%BC%A0%E5%BB%BA%E5%9B%BD"),
    ("姓名 秀（一个字）", "q=%E7%A7%80"),
    ("姓名 建业（少见）", "q=%E5%BB%BA%E4%B8%9A"),
    ("身份证号 完整", "q={id}"),
    ("身份证号 前10位（组织部）", "q={id10}"),
    ("预备 + 35岁及以下", "status=probationary&age=le35"),
    ("农民 + 党员示范户", "category=farmer&badge=demo_household"),
    ("农村 + 后进", "sector=rural&tier=backward"),
    ("正式 + 离退休 + 61岁及以上", "status=full&category=retired&age=ge61"),
    ("党支部 + 预备 + 农民", "kind=dzb&status=probationary&category=farmer"),
    ("离退休 + 36至45岁（无人）", "category=retired&age=36-45"),
    ("高等学校 + 农民（无人）", "sector=university&category=farmer"),
    ("农村 + 农民 第2页（after=）", "sector=rural&category=farmer&next=1"),
    ("第50页（?page=50）", "page=50"),
]
FLOOR = ("底线：未筛选第1页", "")


def loaded(dbname) -> bool:
    if not benchdb.exists(dbname):
        return False
    try:
        rows = benchdb.query(dbname, "SELECT count(*) FROM orgs_org WHERE code = '130000'")
    except Exception:  # noqa: BLE001  (no tables yet: not loaded)
        return False
    return bool(rows and rows[0][0])


def env_for(dbname):
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{dbname}",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    return env


def measure_in_child(command, dbname):
    """Run ``command`` (this or another bench script with ``--measure``) against ``dbname`` in a child process and
    return (its result: the JSON of its last output line, the seconds it took, the load average after it)."""
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env_for(dbname), capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr[-5000:])
        raise SystemExit("measuring failed")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result, time.monotonic() - started, os.getloadavg()


def prepare(source, target, rebuild):
    """The bench's own migrated copy of the province set, with tiers; made once."""
    if not loaded(source):
        raise SystemExit(f"{source} 不存在或未加载：先运行 .venv/bin/python bench/bench_pages.py --scales province")
    if benchdb.exists(target) and not rebuild:
        if not benchdb.is_ours(target):
            benchdb._refuse(target)
        print(f"{target}: 已存在，复用（--rebuild 重建）", flush=True)
    else:
        started = time.monotonic()
        benchdb.create(target, purpose=f"copy of {source} for bench_member_list", template=source)
        print(f"{target}: 复制 {source}（{time.monotonic() - started:.0f} 秒）", flush=True)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env_for(target), check=True
    )
    print(f"{target}: migrate（{time.monotonic() - started:.0f} 秒）", flush=True)
    started = time.monotonic()
    if add_tiers(target):
        benchdb.query(target, "VACUUM ANALYZE evaluations_tier")
        benchdb.query(target, "VACUUM ANALYZE orgs_member")
        print(f"{target}: 档次与 VACUUM ANALYZE（{time.monotonic() - started:.0f} 秒）", flush=True)


def add_tiers(target) -> bool:
    """Every basic organization a tier in 2011年度 (先进 18 %, 中间 72 %, 后进 10 % by a hash of the code), once per
    copy (bench_api.py too). False if the copy had them already."""
    period = benchdb.query(target, "SELECT id FROM evaluations_period WHERE code = %s", [TIER_PERIOD])[0][0]
    if benchdb.query(target, "SELECT 1 FROM evaluations_tier WHERE period_id = %s LIMIT 1", [period]):
        return False
    benchdb.query(
        target,
        """INSERT INTO evaluations_tier (org_id, period_id, computed, override_reason, computed_at)
           SELECT o.id, %s, CASE WHEN abs(hashtext(o.code)) %% 100 < 18 THEN 'advanced'
                                 WHEN abs(hashtext(o.code)) %% 100 < 90 THEN 'middle' ELSE 'backward' END,
                  '', now()
           FROM orgs_org o WHERE o.level = 'basic'""",
        [period],
    )
    return True


def shown_count(html):
    """What the page says about the list's size: "共 N 名", "约 N 人" or "N 人以上"."""
    text = re.sub(r"<[^>]+>", "", re.search(r'id="member-count">(.*?)</p>', html, re.S)[1])
    number = int(re.search(r"[\d,]+", text)[0].replace(",", ""))
    kind = "estimated" if "约" in text else ("at_least" if "以上" in text else "exact")
    return {"value": number, "kind": kind}


def measure(args):
    """In this process (DATABASE_URL set): each case at root and county, ``args.runs`` timed requests each."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from orgs.filters import MemberFilter
    from orgs.models import Member, User
    from orgs.queries import members_for

    assert not settings.DEBUG, "the benchmark runs with DEBUG off"
    users = {name: User.objects.get(username=name) for name in (ROOT_USER, PREFIX_USER, COUNTY_USER)}
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    sample = Member.objects.filter(org_path__startswith=users[COUNTY_USER].assignments.get().org.path).order_by("id")
    id_number = sample.values_list("id_number", flat=True)[100]

    def url_of(query, who):
        query = query.replace("{id10}", id_number[:10]).replace("{id}", id_number)
        return "/members/" + (f"?{query}" if query else "")

    def truth(query, who):
        from django.http import QueryDict

        params = QueryDict(query.replace("{id10}", id_number[:10]).replace("{id}", id_number), mutable=True)
        for key in ("page", "next"):
            params.pop(key, None)
        base = members_for(users[who])
        if not params:
            return base.count()
        return MemberFilter(params, queryset=base, user=users[who]).qs.count()

    cases = [FLOOR, *CASES]
    if args.only:
        cases = [FLOOR, *[c for c in CASES if any(o in c[0] or o in c[1] for o in args.only)]]
    plan = []
    for label, query in cases:
        root_user = PREFIX_USER if "{id10}" in query else ROOT_USER
        for side, who in (("root", root_user), ("county", COUNTY_USER)):
            url = url_of(query.replace("&next=1", ""), who)
            client = clients[who]
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{label} {side}: HTTP {response.status_code}")
            if "next=1" in query:
                url += "&after=" + re.search(r'rel="next" href="[^"]*after=([^"&]+)"', response.content.decode())[1]
                response = client.get(url)
            html = response.content.decode()
            for _ in range(args.warmups):
                client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            plan.append(
                {
                    "label": label,
                    "side": side,
                    "user": who,
                    "url": url if "{id" not in query else "/members/?q=<身份证号>",  # never a full ID number
                    "_url": url,
                    "queries": len(ctx.captured_queries),
                    "shown": shown_count(html),
                    "rows": len(re.findall(r'href="/members/\d+/"', html)),
                    "truth": truth(query.replace("&next=1", ""), who),
                    "times": [],
                }
            )
    per_round = -(-args.runs // args.rounds)
    for _round in range(args.rounds):
        for item in plan:  # root and county of a case one after the other, round after round
            client = clients[item["user"]]
            for _ in range(per_round):
                started = time.perf_counter()
                client.get(item["_url"])
                item["times"].append((time.perf_counter() - started) * 1000)
    for item in plan:
        times = item.pop("times")
        item.pop("_url")
        item.update(runs=len(times), median=statistics.median(times), p95=percentile(times, 0.95))
    return {"orgs": None, "members": Member.objects.count(), "plan": plan}


def shown(item):
    value = f"{item['shown']['value']:,}"
    return {"exact": f"共 {value}", "estimated": f"约 {value}", "at_least": f"{value} 以上"}[item["shown"]["kind"]]


def report(result):
    by = {(i["label"], i["side"]): i for i in result["plan"]}
    labels = list(dict.fromkeys(i["label"] for i in result["plan"]))
    floor_root, floor_county = by[(FLOOR[0], "root")], by[(FLOOR[0], "county")]
    head = [
        "列表",
        "根 p50",
        "根 p95",
        "县 p50",
        "县 p95",
        "根/县 p95",
        "根/底线 p95",
        "SQL 根/县",
        "根 显示",
        "根 实际",
        "县 显示",
        "县 实际",
        "达标",
    ]
    rows = [head]
    for label in labels:
        r, c = by[(label, "root")], by[(label, "county")]
        ratio = r["p95"] / c["p95"]
        ok = r["p95"] <= TARGET_P95_MS and ratio <= TARGET_RATIO
        rows.append(
            [
                label,
                f"{r['median']:.1f}",
                f"{r['p95']:.1f}",
                f"{c['median']:.1f}",
                f"{c['p95']:.1f}",
                f"{ratio:.2f}",
                f"{r['p95'] / floor_root['p95']:.2f}",
                f"{r['queries']}/{c['queries']}",
                shown(r),
                f"{r['truth']:,}",
                shown(c),
                f"{c['truth']:,}",
                "是" if ok else "否",
            ]
        )
    widths = [max(width(row[i]) for row in rows) for i in range(len(head))]
    for n, row in enumerate(rows):
        print("  ".join(pad(cell, widths[i], right=i > 0) for i, cell in enumerate(row)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print("时间单位 ms（服务器端，进程内 django.test.Client）")
    print(f"底线（未筛选第1页）：根 p95 {floor_root['p95']:.1f}，县 p95 {floor_county['p95']:.1f}")
    print(f"目标：根 p95 ≤ {TARGET_P95_MS} ms，且 ≤ {TARGET_RATIO}× 县")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default="portal_bench_province")
    parser.add_argument("--database", default="portal_bench_members")
    parser.add_argument("--rebuild", action="store_true", help="make the copy again")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="only the cases whose label or query contains one of these")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--prepare-only", action="store_true", help="make and migrate the copy, measure nothing")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args), ensure_ascii=False))
        return
    prepare(args.source, args.database, args.rebuild)
    if args.prepare_only:
        return
    command = [sys.executable, __file__, "--measure", "--runs", str(args.runs), "--warmups", str(args.warmups)]
    command += ["--rounds", str(args.rounds)]
    if args.only:
        command += ["--only", *args.only]
    result, seconds, load = measure_in_child(command, args.database)
    print(f"\n{args.database}: {result['members']:,} 名党员；测量 {seconds:.0f} 秒；负载 {load[0]:.1f}")
    report(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
