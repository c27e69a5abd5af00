"""Page benchmark: the same pages on a county-scale and on the province-scale data set, and every list and
dashboard at the province root against a county of the same set.

    .venv/bin/python bench/bench_pages.py [--rebuild] [--runs 30] [--warmups 3] [--rounds 3] [--extra]
                                          [--scales county province] [--json FILE]
    .venv/bin/python bench/bench_pages.py --root-vs-county [--source portal_bench_province] [--keep] [--rows]
                                          [--inside DATABASE [--allow-unmarked]] [--only LABEL …] [--runs 30]
                                          [--json FILE]

Builds two PostgreSQL databases when they are missing — portal_bench_county (``load_demo --scale county``)
and portal_bench_province (``load_demo --scale province``) — by running ``migrate`` and ``load_demo`` in a
subprocess with DATABASE_URL set. A database of that name that exists is used as it is; ``--rebuild``
replaces it, and only if it carries the bench mark (bench/benchdb.py; somebody else's is never touched).

``--root-vs-county`` requests every list page and every dashboard twice on the province-scale set: at the
province root (省委组织部 ``sheng_zzb`` for the lists, 领导小组 ``sheng_ldxz`` for the dashboards) and at
正定县 (县委组织部 ``zhengding_zzb``; the dashboards of 130123 as ``sheng_ldxz``), in rounds that alternate
root and county, and prints the ratio root / county. It runs in this run's own copy of ``--source``
(``CREATE DATABASE … TEMPLATE`` under a unique name, marked, migrated, dropped at the end unless ``--keep``:
logging in writes sessions, so the source is never used directly), or ``--inside`` an existing database
(refused without the bench mark unless ``--allow-unmarked``). A page that does not answer 200 for both users
is listed as skipped. The source's campaign lists are nearly empty; ``--rows`` first fills the copy with what the
two largest lists read (``generate_rows``: 803,293 党性分析报告, 420,000 recorded participations, 150,934 述职 of
this year) and refreshes the dashboards' figures, once per copy. ``--only`` measures the pages whose label holds
one of the words given.

The county-vs-province comparison: for each
database in its own process (settings are read once per process), it requests each page with
django.test.Client, logged in with force_login, DEBUG off, and reports the median and p95 server
time over ``--runs`` requests (after ``--warmups`` each time) and the number of SQL queries of one
request. The runs are split into ``--rounds`` that alternate between the two databases, so that a
change in the machine's load (other processes) falls on both alike.

Target (issue 2): p95 under 150 ms on the province set, and within 1.5x of the county set.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import benchdb  # noqa: E402  (bench/ is not a package: scripts run by path)
from figures import pad, width  # noqa: E402

PG = benchdb.PG
DATABASES = {"county": "portal_bench_county", "province": "portal_bench_province"}
TARGET_P95_MS = 150
TARGET_RATIO = 1.5

# (label, username, url, text the page must contain); the users are load_demo's demo accounts.
PAGES = [
    ("树 /orgs/", "sheng_ldxz", "/orgs/", "河北省委"),
    ("省 详情", "sheng_ldxz", "/orgs/130000/", "石家庄市委"),
    ("省 下级", "sheng_ldxz", "/orgs/130000/children/", "石家庄市委"),
    ("县 详情", "sheng_ldxz", "/orgs/130123/", "正定镇党委"),
    ("县 下级", "sheng_ldxz", "/orgs/130123/children/", "正定镇党委"),
    ("乡镇 详情", "sheng_ldxz", "/orgs/130123100/", "塔元庄村党支部"),
    ("乡镇 下级", "sheng_ldxz", "/orgs/130123100/children/", "塔元庄村党支部"),
    ("党员 第1页", "sheng_ldxz", "/members/", "党员"),
    ("党员 第50页", "sheng_ldxz", "/members/?page=50", "党员"),
    ("党员 县组织部", "zhengding_zzb", "/members/", "党员"),
    ("党员 县组织部 第50页", "zhengding_zzb", "/members/?page=50", "党员"),
]
# Informative only (--extra; not part of the target): a name search and filters.
EXTRA_PAGES = [
    ("(附) 党员 姓名检索", "sheng_ldxz", "/members/?q=%E5%BC%A0%E5%BB%BA", "党员"),  # q=张建
    ("(附) 党员 领域=高等学校", "sheng_ldxz", "/members/?sector=university", "党员"),
    ("(附) 党员 领域=农村", "sheng_ldxz", "/members/?sector=rural", "党员"),
    ("(附) 党员 类别=学生", "sheng_ldxz", "/members/?category=student", "党员"),
    ("(附) 党员 高校行业主管", "gaoxiao_hy", "/members/", "党员"),
]


# --root-vs-county: (label, url name, root user, county user); node pages take the code as argument.
ROOT_CODE, COUNTY_CODE = "130000", "130123"
SCOPE_LISTS = [
    ("党员", "orgs:member_list"),
    ("用户", "orgs:user_list"),
    ("实施方案", "campaign:plan_list"),
    ("承诺", "campaign:commitment_list"),
    ("活动记录", "campaign:activity_list"),
    ("工作报告", "campaign:report_list"),
    ("亮牌", "campaign:badge_list"),
    ("指导", "campaign:guidance_list"),
    ("联系户", "masswork:household_list"),
    ("恳谈会", "masswork:meeting_list"),
    ("矛盾纠纷", "masswork:dispute_list"),
    ("指导员", "campaign:instructor_list"),
    ("大学生村官", "campaign:college_official_list"),
    ("简报", "campaign:bulletin_list"),
    ("事迹", "campaign:story_list"),
    ("督查", "campaign:supervision_inspection_list"),
    ("整改通知", "campaign:supervision_order_list"),
    ("群众评议批次", "evaluations:mass_batch_list"),
    ("党性分析报告", "evaluations:report_list"),
    ("档次", "evaluations:scoring_tiers"),
    ("档次统计", "evaluations:scoring_tier_stats"),
    ("表彰轮次", "awards:round_list"),
    ("服务站", "masswork:station_list"),
    ("走访", "masswork:visit_list"),
    ("责任清单", "accountability:duty_list"),
    ("承诺事项", "accountability:item_list"),
]
SCOPE_NODES = [  # (label, url name): reversed with the node's code
    ("组织 详情", "orgs:org_detail"),
    ("组织 下级", "orgs:org_children"),
    ("看板", "dashboards:node"),
    ("看板 分领域", "dashboards:sectors"),
    ("看板 后进", "dashboards:lagging"),
]


def loaded(dbname) -> bool:
    if not benchdb.exists(dbname):
        return False
    try:
        rows = benchdb.query(dbname, "SELECT count(*) FROM orgs_org WHERE code = '130000'")
    except Exception:  # noqa: BLE001  (no tables yet: not loaded)
        return False
    return bool(rows and rows[0][0])


def build(scale, dbname):
    """Fresh database (ours, see bench/benchdb.py), migrate, load_demo --scale; returns load_demo's seconds."""
    benchdb.create(dbname, purpose=f"load_demo --scale {scale}")
    env = {**os.environ, "DATABASE_URL": f"{PG}/{dbname}", "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    subprocess.run([python, "manage.py", "load_demo", "--scale", scale], cwd=ROOT, env=env, check=True)
    return time.monotonic() - started


def measure(runs, warmups, extra):
    """In this process (DATABASE_URL already set): every page, timed and query-counted."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from orgs.models import Member, Org, User

    assert not settings.DEBUG, "the benchmark runs with DEBUG off"
    clients = {}
    results = []
    for label, username, url, expect in PAGES + (EXTRA_PAGES if extra else []):
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            client.force_login(User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend")
        for _ in range(warmups):
            response = client.get(url)
            if response.status_code != 200 or expect not in response.content.decode():
                raise SystemExit(f"{url} as {username}: status {response.status_code}, expected text missing")
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        queries = len(ctx.captured_queries)  # now: the next request clears the log
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        results.append(
            {
                "label": label,
                "url": url,
                "user": username,
                "times": times,
                "queries": queries,
                "extra": (label, username, url, expect) in EXTRA_PAGES,
            }
        )
    return {"orgs": Org.objects.count(), "members": Member.objects.count(), "pages": results}


def generate_rows():
    """In this process (DATABASE_URL set): the rows the two largest lists of --root-vs-county read, set-based, once
    per copy — the 党性分析 reports and recorded participations of the current campaign (half the 在职 members wrote,
    in every state; 1 in 20 farmers wrote without having to; 1 in 10 members took part without writing) and this
    year's 述职 of 9 in 10 basic organizations (draft, submitted, rated with every rating) — then a full refresh of
    the dashboards' figures (the 党性分析 list reads its province-wide figures from them). Prints the counts."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from campaign.services.timeline import current_campaign
    from dashboards.services import refresh

    campaign = current_campaign()
    year = timezone.localdate().year
    counts = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM evaluations_partyanalysisreport WHERE campaign_id = %s LIMIT 1", [campaign.pk])
        if cursor.fetchone() is None:
            cursor.execute(
                """INSERT INTO evaluations_partyanalysisreport (campaign_id, member_id, org_id, org_path, content,
                       status, review_comment, created_at, updated_at)
                   SELECT %s, m.id, m.org_id, m.org_path, '党性分析',
                       (ARRAY['submitted','accepted','accepted','draft','returned'])[1 + m.id %% 5], '', now(), now()
                   FROM orgs_member m
                   WHERE (m.category = 'in_service' AND m.id %% 2 = 0) OR (m.category = 'farmer' AND m.id %% 20 = 0)""",
                [campaign.pk],
            )
            counts["党性分析报告"] = cursor.rowcount
            cursor.execute(
                """INSERT INTO evaluations_partyanalysisparticipation (campaign_id, member_id, org_id, org_path,
                       took_part_on, note, created_at)
                   SELECT %s, m.id, m.org_id, m.org_path, %s, '', now() FROM orgs_member m
                   WHERE m.id %% 10 = 1 AND NOT EXISTS (SELECT 1 FROM evaluations_partyanalysisreport r
                       WHERE r.campaign_id = %s AND r.member_id = m.id)""",
                [campaign.pk, campaign.start_date, campaign.pk],
            )
            counts["党性分析参加登记"] = cursor.rowcount
        cursor.execute("SELECT 1 FROM accountability_dutyreport WHERE year = %s LIMIT 1", [year])
        if cursor.fetchone() is None:
            cursor.execute(
                """INSERT INTO accountability_dutyreport (org_id, year, report, status, submitted_at, rating, comments,
                       created_at, updated_at)
                   SELECT o.id, %s, '述职', (ARRAY['draft','submitted','rated','rated','rated'])[1 + o.id %% 5],
                       CASE WHEN o.id %% 5 = 0 THEN NULL ELSE now() END,
                       CASE WHEN o.id %% 5 >= 2 THEN (ARRAY['good','fair','average','poor'])[1 + o.id %% 4] ELSE '' END,
                       '', now(), now()
                   FROM orgs_org o WHERE o.active AND o.level = 'basic' AND o.id %% 10 <> 0""",
                [year],
            )
            counts["述职"] = cursor.rowcount
    if counts:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE evaluations_partyanalysisreport")
            cursor.execute("ANALYZE evaluations_partyanalysisparticipation")
            cursor.execute("ANALYZE accountability_dutyreport")
    started = time.monotonic()
    refresh(campaign, full=True, force=True)
    counts["看板全量刷新（秒）"] = round(time.monotonic() - started)
    return counts


def scope_pairs():
    from django.urls import NoReverseMatch, reverse

    pairs = []
    for label, name in SCOPE_LISTS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        pairs.append((f"列表 {label}", ("sheng_zzb", url), ("zhengding_zzb", url)))
    for label, name in SCOPE_NODES:
        user = "sheng_ldxz" if name.startswith("dashboards:") else "sheng_zzb"
        county_user = "sheng_ldxz" if name.startswith("dashboards:") else "zhengding_zzb"
        try:
            pairs.append(
                (label, (user, reverse(name, args=[ROOT_CODE])), (county_user, reverse(name, args=[COUNTY_CODE])))
            )
        except NoReverseMatch:
            continue
    return pairs


def measure_scopes(runs, warmups, rounds, only=None):
    """In this process (DATABASE_URL set): each pair root / county, rounds alternating between the two."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from orgs.models import Member, Org, User

    assert not settings.DEBUG, "the benchmark runs with DEBUG off"
    clients = {}

    def client_for(username):
        if username not in clients:
            clients[username] = Client()
            user = User.objects.get(username=username)
            clients[username].force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return clients[username]

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = Path(f"/proc/{cursor.fetchone()[0]}/stat")

    def backend_cpu() -> float:
        """CPU seconds of this connection's PostgreSQL backend (the server runs on this machine), from /proc."""
        try:
            fields = backend.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    results, skipped = [], []
    per_round = -(-runs // rounds)
    for label, root, county in scope_pairs():
        if only and not any(word in label for word in only):
            continue
        statuses = {}
        for side in (root, county):
            client = client_for(side[0])
            for _ in range(warmups):
                statuses[side] = client.get(side[1]).status_code
        if any(code != 200 for code in statuses.values()):
            skipped.append({"label": label, "root": root, "county": county, "status": list(statuses.values())})
            continue
        entry = {"label": label, "root": root, "county": county}
        for key, side in (("root", root), ("county", county)):
            with CaptureQueriesContext(connection) as ctx:
                client_for(side[0]).get(side[1])
            entry[f"{key}_sql"] = len(ctx.captured_queries)
            entry[f"{key}_times"] = []
            entry[f"{key}_db_cpu"] = 0.0
        for _ in range(rounds):
            for key, side in (("root", root), ("county", county)):
                client = client_for(side[0])
                cpu = backend_cpu()
                for _ in range(per_round):
                    started = time.perf_counter()
                    client.get(side[1])
                    entry[f"{key}_times"].append((time.perf_counter() - started) * 1000)
                entry[f"{key}_db_cpu"] += backend_cpu() - cpu
        for key in ("root", "county"):
            # the backend's CPU per request, ms (the clock ticks are 10 ms: an average over the runs)
            entry[f"{key}_db_cpu"] = entry[f"{key}_db_cpu"] * 1000 / len(entry[f"{key}_times"])
            times = sorted(entry.pop(f"{key}_times"))
            entry[f"{key}_median"] = statistics.median(times)
            entry[f"{key}_p95"] = times[max(0, int(round(0.95 * len(times))) - 1)]
        entry["ratio_p95"] = entry["root_p95"] / entry["county_p95"]
        results.append(entry)
    return {"orgs": Org.objects.count(), "members": Member.objects.count(), "pages": results, "skipped": skipped}


def report_scopes(data, loads):
    print(f"{data['orgs']:,} 个组织, {data['members']:,} 名党员; load average {loads}")
    head = [
        "页面",
        "root 中位",
        "root p95",
        "root SQL",
        "root 库CPU",
        "县 中位",
        "县 p95",
        "县 SQL",
        "县 库CPU",
        "比值 p95",
    ]
    rows = [head]
    for p in data["pages"]:
        rows.append(
            [
                p["label"],
                f"{p['root_median']:.1f}",
                f"{p['root_p95']:.1f}",
                str(p["root_sql"]),
                f"{p.get('root_db_cpu', float('nan')):.1f}",
                f"{p['county_median']:.1f}",
                f"{p['county_p95']:.1f}",
                str(p["county_sql"]),
                f"{p.get('county_db_cpu', float('nan')):.1f}",
                f"{p['ratio_p95']:.2f}",
            ]
        )
    widths = [max(width(r[i]) for r in rows) for i in range(len(head))]
    for n, row in enumerate(rows):
        print("  ".join(pad(cell, widths[i], right=i > 0) for i, cell in enumerate(row)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for p in data["skipped"]:
        print(f"跳过 {p['label']}: {p['root'][0]} {p['root'][1]} / {p['county'][0]} {p['county'][1]} → {p['status']}")
    print("时间单位 ms（服务器端，进程内 django.test.Client；root = 省, 县 = 正定县 130123）")
    print("库CPU：PostgreSQL 后端每次请求的 CPU 时间（ms，/proc 的 10 ms 时钟计数的平均）")


def run_scopes(database, args):
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    if args.migrate:
        started = time.monotonic()
        subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
        print(f"{database}: migrate 用时 {time.monotonic() - started:.0f} 秒", flush=True)
    if args.rows:
        done = subprocess.run(
            [sys.executable, __file__, "--generate-rows"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode:
            sys.stderr.write(done.stderr)
            raise SystemExit(f"{database}: generating rows failed")
        print(f"{database}: {done.stdout.strip().splitlines()[-1]}", flush=True)
    loads = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    command = [sys.executable, __file__, "--measure-scopes", "--runs", str(args.runs), "--warmups", str(args.warmups)]
    command += ["--rounds", str(args.rounds)] + (["--only", *args.only] if args.only else [])
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{database}: measuring failed")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    loads += " → " + " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print()
    report_scopes(data, loads)
    if args.json:
        Path(args.json).write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def merge(rounds):
    """One result per page from several rounds: all timings pooled, then median and p95."""
    first = rounds[0]
    pages = []
    for n, page in enumerate(first["pages"]):
        times = sorted(t for r in rounds for t in r["pages"][n]["times"])
        pages.append(
            {
                **{k: v for k, v in page.items() if k != "times"},
                "runs": len(times),
                "median": statistics.median(times),
                "p95": times[max(0, int(round(0.95 * len(times))) - 1)],
            }
        )
    return {"orgs": first["orgs"], "members": first["members"], "pages": pages}


def run_measure(scale, dbname, args):
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{dbname}",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    runs = -(-args.runs // args.rounds)
    command = [sys.executable, __file__, "--measure", "--runs", str(runs), "--warmups", str(args.warmups)]
    if args.extra:
        command.append("--extra")
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{dbname}: measuring failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(results):
    scales = list(results)
    for scale in scales:
        r = results[scale]
        print(f"{scale}: {r['orgs']:,} 个组织, {r['members']:,} 名党员")
    head = ["页面"]
    for scale in scales:
        head += [f"{scale} 中位", f"{scale} p95", f"{scale} SQL"]
    if len(scales) == 2:
        head += ["比值 中位", "比值 p95", "达标"]
    rows = [head]
    by_label = {scale: {p["label"]: p for p in results[scale]["pages"]} for scale in scales}
    for page in results[scales[0]]["pages"]:
        label = page["label"]
        row = [label]
        for scale in scales:
            p = by_label[scale][label]
            row += [f"{p['median']:.1f}", f"{p['p95']:.1f}", str(p["queries"])]
        if len(scales) == 2:
            small, big = by_label[scales[0]][label], by_label[scales[1]][label]
            ratio_median = big["median"] / small["median"]
            ratio_p95 = big["p95"] / small["p95"]
            ok = big["p95"] < TARGET_P95_MS and ratio_p95 <= TARGET_RATIO
            row += [f"{ratio_median:.2f}", f"{ratio_p95:.2f}", "—" if page["extra"] else ("是" if ok else "否")]
        rows.append(row)
    widths = [max(width(r[i]) for r in rows) for i in range(len(head))]
    for n, row in enumerate(rows):
        print("  ".join(pad(cell, widths[i], right=i > 0) for i, cell in enumerate(row)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print("时间单位 ms（服务器端，进程内 django.test.Client）")
    print(f"目标：province p95 < {TARGET_P95_MS} ms，且 ≤ {TARGET_RATIO}× county")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)  # the default now
    parser.add_argument("--rebuild", action="store_true", help="replace the data sets (only bench-made ones)")
    parser.add_argument("--root-vs-county", action="store_true", help="every list and dashboard: root / county")
    parser.add_argument("--source", default=DATABASES["province"], help="--root-vs-county: template database")
    parser.add_argument("--inside", metavar="DATABASE", help="--root-vs-county inside this existing database")
    parser.add_argument("--allow-unmarked", action="store_true", help="--inside a database without the bench mark")
    parser.add_argument("--keep", action="store_true", help="--root-vs-county: keep this run's copy")
    parser.add_argument(
        "--rows",
        action="store_true",
        help="--root-vs-county: first fill the copy with 党性分析 reports and 述职 (generate_rows; once per copy)",
    )
    parser.add_argument("--only", nargs="+", metavar="LABEL", help="--root-vs-county: only these pages (labels)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="split the runs into rounds that alternate between the data sets, so that a change in the "
        "machine's load hits both alike (default 3)",
    )
    parser.add_argument("--scales", nargs="+", choices=list(DATABASES), default=list(DATABASES))
    parser.add_argument("--extra", action="store_true", help="also a name search and a sector filter (informative)")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure-scopes", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--generate-rows", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.runs, args.warmups, args.extra)))
        return
    if args.measure_scopes:
        print(json.dumps(measure_scopes(args.runs, args.warmups, args.rounds, args.only)))
        return
    if args.generate_rows:
        print(json.dumps(generate_rows(), ensure_ascii=False))
        return
    if args.root_vs_county:
        if args.inside:
            benchdb.require_existing(args.inside, allow=args.allow_unmarked, flag="--allow-unmarked")
            args.migrate = False
            run_scopes(args.inside, args)
            return
        if not loaded(args.source):
            raise SystemExit(f"{args.source} 不存在或未加载：请先运行 bench/bench_pages.py --scales province")
        args.migrate = True
        started = time.monotonic()
        purpose = f"bench_pages --root-vs-county, copy of {args.source}"
        with benchdb.Scratch("portal_bench_pages", purpose=purpose, template=args.source, keep=args.keep) as name:
            print(f"{name}: 复制 {args.source} 用时 {time.monotonic() - started:.0f} 秒", flush=True)
            run_scopes(name, args)
        return
    for scale in args.scales:
        dbname = DATABASES[scale]
        if benchdb.exists(dbname) and not args.rebuild:
            if not loaded(dbname):
                raise SystemExit(f"{dbname} 已存在但未加载（或正在构建）：确认是基准数据库后用 --rebuild 重建")
            print(f"{dbname}: 已存在，复用（--rebuild 重建）", flush=True)
        else:
            print(f"{dbname}: 构建中（migrate + load_demo --scale {scale}）…", flush=True)
            seconds = build(scale, dbname)
            print(f"{dbname}: load_demo 用时 {seconds:.0f} 秒", flush=True)
    rounds = {scale: [] for scale in args.scales}
    for n in range(args.rounds):
        for scale in args.scales:
            print(f"{DATABASES[scale]}: 测量第 {n + 1}/{args.rounds} 轮…", flush=True)
            rounds[scale].append(run_measure(scale, DATABASES[scale], args))
    results = {scale: merge(rounds[scale]) for scale in args.scales}
    print()
    report(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
