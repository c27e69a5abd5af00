"""Load benchmark: 200 users on real journeys (locust) against gunicorn with production settings.

    .venv/bin/python bench/bench_load.py [--users 200] [--duration 60s] [--floor-duration 30s] [--think 2-8]
                                         [--workers N] [--rebuild] [--keep-db] [--redis-db 4]

1. ``portal_bench_load_base`` (a county-scale set, marked as the bench's own: bench/benchdb.py) is built once per
   day: ``migrate``, ``load_demo --scale county`` (1,196 organizations, 25,000 members), ``manage.py demo_campaign``
   (the demo made lived-in for today), then the load's accounts and work through the services
   (``prepare_fixture``): branch secretaries with a returned plan to revise, county 组织部 accounts with submitted
   plans to approve, provincial leading-group accounts, one-time mass-evaluation tokens made by the service.
   What the locust users need (usernames, plan ids, tokens) goes to ``bench/out/load_fixture.json``.
2. Every run copies it into ``portal_bench_load`` (``CREATE DATABASE … TEMPLATE``), so each run starts from the
   same state; ``collectstatic`` fills STATIC_ROOT (``staticfiles/``) as a deployment does.
3. gunicorn (``config.settings.prod``, DEBUG off, whitenoise; ``deploy/gunicorn.conf.py`` when it exists), a
   Celery worker, Redis db ``--redis-db`` (4, flushed at the start), each started here and stopped at the end.
   The locust users talk to gunicorn as nginx would forward them: ``X-Forwarded-Proto: https`` and a distinct
   ``X-Forwarded-For`` per person (``TRUSTED_PROXY_COUNT=1``).
4. Three locust phases (bench/locustfile.py), with the same think time before every request: the floor —
   ``--users`` on ``/healthz``, a bare Django view (middleware, no database) —, the login storm — every account
   logs in through the login form at the same moment —, and ``--users`` on the mixed journeys for ``--duration``,
   with the deadline surge inside it: every secretary revises and submits the returned plan within the first
   minute.
5. A table: per journey and per request p50 / p95 ms, requests, errors, req/s and the ratio to the floor.

Goal (issue 12): 0 errors, p95 < 300 ms at 200 users on a county-scale set, throughput ≥ 0.5 × the bare view.
"""

import argparse
import contextlib
import datetime
import json
import os
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import benchdb  # noqa: E402  (bench/ is not a package: scripts run by path)
from figures import percentile  # noqa: E402

BASE = "portal_bench_load_base"
DATABASE = "portal_bench_load"
OUT = ROOT / "bench" / "out"
FIXTURE = OUT / "load_fixture.json"
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
TIME_ZONE = "Asia/Shanghai"  # settings.TIME_ZONE: demo_campaign builds the demo for this local day
TARGET_P95_MS = 300
TARGET_THROUGHPUT_RATIO = 0.5

# Who the users are (shares of --users): branch secretaries, county 组织部, the provincial leading group and the
# masses answering a mass-evaluation token on their phone.
MIX = {"secretary": 0.55, "county": 0.10, "province": 0.05, "mass": 0.30}
PLANS_PER_COUNTY_USER = 15
PASSWORD = "Load-2010-bench"  # every load account's (hashed once with the production hasher)


def mix(users: int) -> dict[str, int]:
    """The number of users of each kind for ``users`` in all (at least one of each)."""
    counts = {kind: max(1, int(users * share)) for kind, share in MIX.items()}
    counts["secretary"] += users - sum(counts.values())
    return counts


# ---- the fixture: accounts and work, through the services ----------------------------------------------------


def prepare_fixture(
    *,
    secretaries: int,
    county_users: int,
    province_users: int,
    tokens: int,
    password: str,
    prefix: str = "load",
    plans_per_county_user: int = PLANS_PER_COUNTY_USER,
):
    """Accounts and work for the load users, made through the services; returns what the locustfile reads.

    Runs in a configured Django (the demo loaded and ``demo_campaign`` run for today): ``secretaries`` basic
    organizations of the demo county without a plan get a secretary account each and a plan that the county
    returned (the secretary revises and resubmits it — a returned plan may be submitted in any phase);
    ``county_users`` 组织部 accounts on the county, each with ``plans_per_county_user`` submitted plans of its own
    to approve (the demo's submitted plans first); ``province_users`` 领导小组 accounts on the province; and
    ``tokens`` one-time tokens of mass-evaluation batches (of at most 200) created through the service.
    """
    from unittest import mock

    from django.contrib.auth import base_user
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from awards.enums import CategoryCode
    from awards.models import AwardRound
    from campaign.models import Campaign, Plan
    from campaign.services import plans as plan_services
    from demo import codes
    from demo.people import ensure_people, find_cast
    from evaluations.enums import Target
    from evaluations.models import Period
    from evaluations.services import mass
    from evaluations.services.criteria import applicable_set
    from orgs import services as org_services
    from orgs.enums import MemberStatus, OrgLevel, Role
    from orgs.models import Member, Org

    cast = ensure_people(find_cast())
    campaign = Campaign.objects.get(code=codes.CAMPAIGN)
    writing_day = campaign.phases.get(order=1).end_date  # plans are written and submitted in phase one
    county, department = cast.county, cast.county_department
    hashed = make_password(password)  # one hash for every account: hashing each would take minutes

    def same_hash(raw, *args, **kwargs):
        return hashed if raw == password else make_password(raw, *args, **kwargs)

    with mock.patch.object(base_user, "make_password", same_hash):
        planned = set(Plan.objects.filter(campaign=campaign).values_list("org_id", flat=True))
        free = list(
            Org.objects.filter(path__startswith=county.path, level=OrgLevel.BASIC, active=True)
            .exclude(pk__in=planned)
            .order_by("path")
        )
        approvals = list(
            Plan.objects.filter(campaign=campaign, org__path__startswith=county.path, status=Plan.Status.SUBMITTED)
            .select_related("org")
            .order_by("id")
        )
        wanted = county_users * plans_per_county_user
        if len(free) < secretaries + max(0, wanted - len(approvals)):
            raise SystemExit(f"{county.name}没有足够的未制定方案的基层党组织（{len(free)} 个）")
        mobiles = iter(f"139{n:08d}" for n in range(10_000_000, 20_000_000))

        def account(username, role, org, by, full_name):
            return org_services.create_account(
                by=by,
                username=f"{prefix}_{username}",
                password=password,
                full_name=full_name,
                mobile=next(mobiles),
                role=role,
                org=org,
            )

        def plan_of(org, writer, theme):
            plan = plan_services.create_plan(
                campaign,
                org,
                by=writer,
                today=writing_day,
                fields={
                    "theme": theme,
                    "other_carriers": "党员设岗定责",
                    "goals": "围绕“五个好”目标，建设学习型、服务型、创新型党组织。",
                    "measures": "每月开展一次主题党日活动，党员亮身份、作承诺。",
                    "rectification": "把学习实践活动整改落实后续工作纳入方案。",
                    "commitments": "为群众办实事十件。",
                },
            )
            return plan_services.submit_plan(plan, by=writer, expected_revision=plan.revision, today=writing_day)

        # Branch secretaries: a plan the county returned, to be revised and resubmitted under load.
        round_ = AwardRound.objects.get(code=codes.NOMINATION_ROUND)
        category = round_.categories.get(code=CategoryCode.EXCELLENT_MEMBER)
        secretary_rows = []
        for n, org in enumerate(free[:secretaries], start=1):
            user = account(f"shuji_{n:03d}", Role.SECRETARY, org, department, f"{org.name}书记")
            plan = plan_of(org, user, f"{org.name}创先争优活动实施方案")
            plan_services.return_plan(
                plan, by=department, reason="请补充为群众办实事的具体时限。", expected_revision=plan.revision
            )
            nominee = Member.objects.filter(org=org, status=MemberStatus.FULL).order_by("id").first()
            secretary_rows.append(
                {
                    "username": user.username,
                    "org": org.code,
                    "plan": plan.pk,
                    "nominee": nominee.pk if nominee else None,
                }
            )
        # County 组织部: submitted plans, a disjoint slice for each account (nobody approves the same plan twice).
        for org in free[secretaries : secretaries + max(0, wanted - len(approvals))]:
            writer = account(f"writer_{org.code}", Role.SECRETARY, org, department, f"{org.name}书记")
            approvals.append(plan_of(org, writer, f"{org.name}创先争优活动实施方案"))
        county_rows = []
        for n in range(county_users):
            user = account(f"zzb_{n + 1:02d}", Role.ORG_DEPARTMENT, county, department, f"{county.name}组织部")
            mine = approvals[n * plans_per_county_user : (n + 1) * plans_per_county_user]
            county_rows.append({"username": user.username, "org": county.code, "plans": [p.pk for p in mine]})
        province_rows = [
            {
                "username": account(
                    f"ldxz_{n + 1:02d}", Role.LEADING_GROUP, cast.province, cast.province_department, "领导小组"
                ).username,
                "org": cast.province.code,
            }
            for n in range(province_users)
        ]

    # The masses: batches of 200 tokens on the county's branches, created by the county 组织部 through the service;
    # the tokens are taken from the sheet's cells as the service lays them out (rendering the printed PDF and its
    # QR images, 25 s per 200 tokens, is left out: nobody scans them here).
    period = Period.objects.get(code=codes.PERIOD)
    now = timezone.now()
    printed = []

    def sheet(batch, cells):
        printed.extend(cell["qr"] for cell in cells)  # the QR image left out: its cell holds the address it encodes
        return b"%PDF-1.4\n% bench_load: sheet not rendered\n"

    branches = iter(free[secretaries:] + free[:secretaries])
    with mock.patch.object(mass, "render_sheet", sheet), mock.patch.object(mass, "qr_data_uri", lambda url: url):
        while len(printed) < tokens:
            org = next(branches)
            mass.create_batch(
                org,
                by=department,
                period=period,
                criteria_set=applicable_set(org, period, Target.ORG),
                target=Target.ORG,
                tokens_per_target=min(mass.async_threshold(), tokens - len(printed)),
                opens_at=now - datetime.timedelta(days=1),
                closes_at=now + datetime.timedelta(days=7),
                base_url="",
                title=f"{org.name}群众评议（负载测试）",
            )
    token_list = [url.rstrip("/").rsplit("/", 1)[1] for url in printed]
    return {
        "date": timezone.localdate().isoformat(),
        "password": password,
        "campaign": campaign.code,
        "round": round_.code,
        "category": category.pk,
        "county": county.code,
        "city": cast.city.code,
        "townships": [org.code for org in [cast.township, *cast.other_townships()]],
        "province": cast.province.code,
        "secretaries": secretary_rows,
        "county_users": county_rows,
        "province_users": province_rows,
        "tokens": token_list,
    }


# ---- building the data set -------------------------------------------------------------------------------------


def seconds(text: str) -> int:
    """'60s', '2m', '90' → seconds."""
    text = str(text).strip().lower()
    factor = {"s": 1, "m": 60, "h": 3600}.get(text[-1:], None)
    return int(float(text[:-1]) * factor) if factor else int(float(text))


def sizes(args) -> dict:
    counts = mix(args.users)
    duration = seconds(args.duration)
    return {
        "secretaries": counts["secretary"],
        "county_users": counts["county"],
        "province_users": counts["province"],
        # a person of the masses answers a token every 2 think times or so: three times that, at least 1,000
        "tokens": max(1000, counts["mass"] * duration // 3),
    }


def environment(database: str, **extra) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": f"{benchdb.PG}/{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(OUT / "load_media"),
        **extra,
    }
    env.pop("REDIS_URL", None)  # building the set: Celery eager, in the command's own process
    return env


def fixture_fits(args) -> bool:
    """The base exists, is ours, was made today for at least this many users."""
    if not (benchdb.exists(BASE) and FIXTURE.exists()):
        return False
    if not benchdb.is_ours(BASE):
        benchdb._refuse(BASE)
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    need = sizes(args)
    return (
        fixture.get("database") == BASE
        and fixture.get("date") == datetime.datetime.now(ZoneInfo(TIME_ZONE)).date().isoformat()
        and len(fixture["secretaries"]) >= need["secretaries"]
        and len(fixture["county_users"]) >= need["county_users"]
        and len(fixture["province_users"]) >= need["province_users"]
        and len(fixture["tokens"]) >= need["tokens"]
    )


def build_base(args):
    """migrate, load_demo --scale county, demo_campaign, prepare_fixture — into a fresh marked database."""
    OUT.mkdir(exist_ok=True)
    FIXTURE.unlink(missing_ok=True)
    benchdb.create(BASE, purpose="bench_load: load_demo --scale county + demo_campaign + load accounts")
    env = environment(BASE)
    python = sys.executable
    steps = [
        ("migrate", [python, "manage.py", "migrate", "--no-input", "-v0"]),
        ("load_demo --scale county", [python, "manage.py", "load_demo", "--scale", "county"]),
        ("demo_campaign", [python, "manage.py", "demo_campaign"]),
        ("prepare_fixture", [python, __file__, "--internal-fixture", json.dumps(sizes(args))]),
    ]
    for label, command in steps:
        started = time.monotonic()
        subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"  {BASE}: {label} {time.monotonic() - started:.0f} 秒", flush=True)


def internal_fixture(spec: str):
    """In the subprocess of build_base: Django set up on the base, the fixture written."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    fixture = prepare_fixture(**json.loads(spec), password=PASSWORD)
    fixture["database"] = BASE
    FIXTURE.write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")


# ---- the servers -----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """What this bench starts, each in its own process group; ``stop`` ends them all (and only them)."""

    def __init__(self):
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, label, command, *, env, log):
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.running.append((label, process))
        return process

    def stop(self):
        for _label, process in reversed(self.running):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _label, process in reversed(self.running):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.running.clear()


def server_environment(args) -> dict:
    env = environment(
        DATABASE,
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY="bench-load-not-a-secret-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        TRUSTED_PROXY_COUNT="1",  # the locust users arrive as nginx would forward them
        LOG_LEVEL="INFO",  # as deployed: one access line per request (common/logging.py)
    )
    env.pop("DJANGO_DEBUG")
    env["REDIS_URL"] = f"redis://127.0.0.1:6379/{args.redis_db}"
    return env


def wait_until_up(url: str, process: subprocess.Popen, timeout=60):
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn 未能启动（退出码 {process.returncode}），见 {OUT / 'load_gunicorn.log'}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  (our own http URL)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} 在 {timeout} 秒内没有应答")


GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


def gunicorn_command(args, port: int) -> list[str]:
    """The deployment's gunicorn (deploy/gunicorn.conf.py, when it exists) on a local port; ``--workers``: sync."""
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    if GUNICORN_CONFIG.exists() and not args.workers:
        return [*command, "--config", str(GUNICORN_CONFIG)]
    return [*command, "--workers", str(args.workers or 2 * (os.cpu_count() or 1) + 1), "--worker-class", "sync"]


def gunicorn_settings(args, env) -> str:
    if not GUNICORN_CONFIG.exists() or args.workers:
        return f"sync × {args.workers or 2 * (os.cpu_count() or 1) + 1}"
    import runpy

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        config = runpy.run_path(str(GUNICORN_CONFIG))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return f"{config.get('worker_class', 'sync')} × {config.get('workers')} × {config.get('threads', 1)} threads " + (
        f"({GUNICORN_CONFIG.relative_to(ROOT)})"
    )


# ---- one locust phase ------------------------------------------------------------------------------------------


class CpuMeter:
    """CPU seconds of each thing this bench runs (and of PostgreSQL and the whole machine) over a phase."""

    def __init__(self, processes: Processes):
        self.processes = processes

    def sample(self) -> dict[str, float]:
        import psutil

        def tree(pid):
            try:
                root = psutil.Process(pid)
                members = [root, *root.children(recursive=True)]
            except psutil.Error:
                return 0.0
            total = 0.0
            for p in members:
                try:
                    t = p.cpu_times()
                    total += t.user + t.system
                except psutil.Error:
                    pass
            return total

        out = {label: tree(p.pid) for label, p in self.processes.running}
        postgres = 0.0
        for p in psutil.process_iter(["name"]):
            if p.info["name"] and p.info["name"].startswith("postgres"):
                try:
                    t = p.cpu_times()
                    postgres += t.user + t.system
                except psutil.Error:
                    pass
        out["postgres"] = postgres
        t = psutil.cpu_times()
        out["machine"] = t.user + t.system + getattr(t, "nice", 0) + getattr(t, "irq", 0) + getattr(t, "softirq", 0)
        return out


def run_phase(name, classes, *, users, run_time, args, host, processes, counts, sessions) -> dict:
    results = OUT / f"load_{name}.json"
    results.unlink(missing_ok=True)
    env = {
        **os.environ,
        "LOAD_FIXTURE": str(FIXTURE),
        "LOAD_USERS": str(users),
        "LOAD_COUNTS": json.dumps(counts),
        "LOAD_THINK": args.think,
        "LOAD_SURGE": str(min(60, max(5, seconds(args.duration) - 10))),
        "LOAD_SESSIONS": str(sessions),
        "LOAD_RESULTS": str(results),
        "LOAD_CONNECTION": "close",  # as nginx forwards a request to gunicorn (bench/locustfile.py)
    }
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", host,
        "-u", str(users), "-r", str(users), "--run-time", f"{run_time}s", "--stop-timeout", "30",
        "--only-summary", "--loglevel", "WARNING", *classes,
    ]  # fmt: skip
    meter = CpuMeter(processes)
    before, load_before = meter.sample(), os.getloadavg()[0]
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(OUT / f"load_locust_{name}.log", "w") as log:
        locust = processes.start(f"locust {name}", command, env=env, log=log)
        locust.wait(timeout=run_time + 120)
    after = meter.sample()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the only child reaped meanwhile: locust
    after["locust"] = children.ru_utime + children.ru_stime - children_before.ru_utime - children_before.ru_stime
    before["locust"] = 0.0
    data = json.loads(results.read_text(encoding="utf-8"))
    elapsed = (data["stop"] or time.time()) - data["start"]
    data["elapsed"] = elapsed
    data["cpu"] = {
        label: (after[label] - before.get(label, 0.0)) / elapsed for label in after if not label.startswith("locust ")
    }
    data["load"] = (load_before, os.getloadavg()[0])
    data["steady"] = name != "storm"  # the storm is all ramp: its rate is over the whole phase
    processes.running = [(label, p) for label, p in processes.running if label != f"locust {name}"]
    return data


# ---- the table -------------------------------------------------------------------------------------------------


def rate(data, names, *, steady=True) -> float:
    """Requests per second of ``names``; ``steady``: once every user has taken its first step (the users start
    spread over one think time), so that a short phase is not diluted by its ramp."""
    start = data["start"] + (data.get("ramp", 0.0) if steady else 0.0)
    end = data.get("stopping") or data["stop"]  # the run time's end; tasks still running then finish after it
    if end <= start:
        return 0.0
    done = sum(1 for name in names for moment in data["finished"].get(name, []) if start <= moment <= end)
    return done / (end - start)


def row(label, times, errors, rps):
    return {
        "label": label,
        "requests": len(times),
        "errors": errors,
        "p50": statistics.median(times) if times else 0.0,
        "p95": percentile(times, 0.95) if times else 0.0,
        "rps": rps,
    }


def journey_rows(data, *, detail: bool):
    """One row per journey (the part of a request's name before '｜'), then, with ``detail``, per request."""
    by_journey: dict[str, list] = {}
    for name in data["times"]:
        by_journey.setdefault(name.split("｜")[0], []).append(name)
    order = ["登录风暴", "登录", "书记", "截止高峰", "组织部", "领导小组", "群众评议"]
    by_journey = dict(sorted(by_journey.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99))
    rows = []
    steady = data.get("steady", True)
    for journey, names in by_journey.items():
        times = [t for name in names for t in data["times"][name]]
        errors = sum(data["errors"].get(name, 0) for name in names)
        rows.append(row(journey, times, errors, rate(data, names, steady=steady)))
        if detail:
            for name in sorted(names):
                rows.append(
                    row(
                        "  " + name.split("｜", 1)[1],
                        data["times"][name],
                        data["errors"].get(name, 0),
                        rate(data, [name], steady=steady),
                    )
                )
    return rows


def server_times(log: Path, data: dict) -> dict:
    """The server's own time for the requests of a phase, from the access log gunicorn wrote (common/logging.py:
    from the first middleware to the response, inside the worker, and the serving thread's CPU time): beside
    what locust measured it says how much of a person's wait was the page and how much the wait for a worker
    and a CPU."""
    start, end = data["start"], data.get("stopping") or data["stop"]
    by_path: dict[str, list[float]] = {}
    cpu: list[float] = []
    if not log.exists():
        return {}
    with open(log, encoding="utf-8") as f:
        for line in f:
            if '"portal.access"' not in line:
                continue
            try:
                entry = json.loads(line)
                moment = datetime.datetime.fromisoformat(entry["time"]).timestamp()
            except (ValueError, KeyError):
                continue
            if start <= moment <= end:
                path = re.sub(r"/\d+(?=/)", "/N", entry["path"])
                by_path.setdefault(f"{entry['method']} {path}", []).append(entry["duration_ms"])
                if entry.get("cpu_ms") is not None:
                    cpu.append(entry["cpu_ms"])
    every = [t for times in by_path.values() for t in times]
    if not every:
        return {}
    slowest = sorted(by_path.items(), key=lambda item: -percentile(item[1], 0.95) if len(item[1]) >= 10 else 0)
    return {
        "requests": len(every),
        "p50": statistics.median(every),
        "p95": percentile(every, 0.95),
        "cpu_p50": statistics.median(cpu) if cpu else None,
        "cpu_p95": percentile(cpu, 0.95) if cpu else None,
        "slowest": [(path, len(t), statistics.median(t), percentile(t, 0.95)) for path, t in slowest[:6]],
    }


def print_table(floor, storm, mixed, args, workers_note):
    floor_row = row("基准 /healthz（bare view）", [t for v in floor["times"].values() for t in v],
                    sum(floor["errors"].values()), rate(floor, list(floor["times"])))  # fmt: skip
    all_mixed = [t for v in mixed["times"].values() for t in v]
    total = row("混合负载 合计", all_mixed, sum(mixed["errors"].values()), rate(mixed, list(mixed["times"])))
    lines = []
    header = "| journey / request | requests | errors | p50 ms | p95 ms | req/s | p95 / floor p95 | goal |"
    lines += [header, "|---|---:|---:|---:|---:|---:|---:|---|"]

    def emit(r, goal=True):
        ratio = r["p95"] / floor_row["p95"] if floor_row["p95"] else 0.0
        ok = ""
        if goal:
            ok = "met" if r["errors"] == 0 and r["p95"] < TARGET_P95_MS else "**missed**"
        lines.append(
            f"| {r['label']} | {r['requests']:,} | {r['errors']} | {r['p50']:.0f} | {r['p95']:.0f} | "
            f"{r['rps']:.1f} | {ratio:.1f} | {ok} |"
        )

    emit(floor_row, goal=False)
    for r in journey_rows(storm, detail=True):
        emit(r, goal=not r["label"].startswith("  "))
    for r in journey_rows(mixed, detail=True):
        emit(r, goal=not r["label"].startswith("  "))
    emit(total)
    ratio = total["rps"] / floor_row["rps"] if floor_row["rps"] else 0.0
    print("\n".join(lines))
    print()
    print(
        f"throughput: mixed {total['rps']:.1f} req/s, bare view {floor_row['rps']:.1f} req/s with the same "
        f"{args.users} users and think time {args.think} s → ratio {ratio:.2f} (goal ≥ {TARGET_THROUGHPUT_RATIO})"
    )
    logins = len(storm["times"].get("登录风暴｜提交用户名密码", []))
    if logins:
        per_login = storm["cpu"].get("gunicorn", 0.0) * storm["elapsed"] / logins
        print(f"login storm: {logins} logins at once, all answered after {storm['elapsed']:.1f} s; "
              f"gunicorn CPU per login (form, password check, landing page) {per_login:.2f} s")  # fmt: skip
    for label, data in (("floor", floor), ("storm", storm), ("mixed", mixed)):
        cpu = ", ".join(f"{k} {v:.2f}" for k, v in sorted(data["cpu"].items()) if v > 0.005)
        requests = sum(len(v) for v in data["times"].values())
        per_request = data["cpu"].get("gunicorn", 0.0) * data["elapsed"] / requests * 1000 if requests else 0.0
        print(f"CPU (cores busy on average) during {label}: {cpu}; load average {data['load'][0]:.1f} → "
              f"{data['load'][1]:.1f}; gunicorn CPU per request {per_request:.0f} ms")  # fmt: skip
        for what, n in sorted(data["notes"].items()):
            print(f"  note ({label}): {what} × {n}")
        for name, messages in data["messages"].items():
            for message in messages[:2]:
                print(f"  error ({label}) {name}: {message}")
    server = server_times(OUT / "load_gunicorn.log", mixed)
    if server:
        print(
            f"server time during mixed (gunicorn's access log, first middleware to response, {server['requests']:,} "
            f"requests, redirects counted apart): p50 {server['p50']:.0f} ms, p95 {server['p95']:.0f} ms — against "
            f"the people's p50 {total['p50']:.0f} / p95 {total['p95']:.0f} ms"
        )
        if server["cpu_p50"] is not None:
            print(
                f"  CPU time of those requests (the serving thread's): p50 {server['cpu_p50']:.0f} ms, p95 "
                f"{server['cpu_p95']:.0f} ms — the rest of the server time is database waits and the wait for a CPU"
            )
        for path, n, p50, p95 in server["slowest"]:
            print(f"  server p50 / p95 {p50:.0f} / {p95:.0f} ms: {path} × {n}")
    print(f"server: {workers_note}")
    return {"floor": floor_row, "total": total, "ratio": ratio, "table": lines, "server": server}


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import psutil

    return f"{os.cpu_count()} cores ({model or 'unknown CPU'}), {psutil.virtual_memory().total / 2**30:.0f} GB RAM"


# ---- main ------------------------------------------------------------------------------------------------------


def flush_redis(db: int):
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", default="60s", help="the mixed phase (default 60s)")
    parser.add_argument("--floor-duration", default="30s", help="the bare-view phase (default 30s)")
    parser.add_argument("--think", default="2-8", help="seconds between a person's steps, LOW-HIGH (default 2-8)")
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn sync workers (default: deploy/gunicorn.conf.py)"
    )
    parser.add_argument("--redis-db", type=int, default=4)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the base data set even if it fits")
    parser.add_argument("--keep-db", action="store_true", help=f"leave {DATABASE} after the run")
    parser.add_argument("--internal-fixture", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.internal_fixture:
        return internal_fixture(args.internal_fixture)

    # A SIGTERM ends the run like Ctrl-C does: through the finally below, which stops what was started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    OUT.mkdir(exist_ok=True)
    if args.rebuild or not fixture_fits(args):
        print(f"{BASE}: 构建县级数据集（约 4 分钟，每天一次）", flush=True)
        build_base(args)
    else:
        print(f"{BASE}: 今天已构建，复用（--rebuild 重建）", flush=True)
    benchdb.create(DATABASE, purpose=f"bench_load run: copy of {BASE}", template=BASE)
    processes = Processes()
    try:
        env = server_environment(args)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
        )
        flush_redis(args.redis_db)
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        # the worker as deploy/systemd/portal-worker.service runs it, one process per CPU
        worker = [sys.executable, "-m", "celery", "--app", "config", "--quiet", "worker", "--loglevel", "WARNING",
                  "-O", "fair", "--concurrency", str(os.cpu_count() or 1)]  # fmt: skip
        with open(OUT / "load_worker.log", "w") as log:
            processes.start("celery worker", worker, env=env, log=log)
        with open(OUT / "load_gunicorn.log", "w") as log:
            gunicorn = processes.start(
                "gunicorn", gunicorn_command(args, port), env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}, log=log
            )
        wait_until_up(f"{host}/healthz", gunicorn)
        import psutil

        workers = len(psutil.Process(gunicorn.pid).children())
        workers_note = f"gunicorn {gunicorn_settings(args, env)}: {workers} worker processes; {machine()}"
        print(f"gunicorn {host}: {workers} workers; Celery worker; Redis db {args.redis_db}", flush=True)
        counts = mix(args.users)
        accounts = counts["secretary"] + counts["county"] + counts["province"]
        sessions = OUT / "load_sessions.json"
        sessions.unlink(missing_ok=True)
        common = {"args": args, "host": host, "processes": processes, "counts": counts, "sessions": sessions}
        floor_time, mixed_time = seconds(args.floor_duration), seconds(args.duration)
        print(f"1/3 基准页 /healthz：{args.users} 个用户，{floor_time} 秒", flush=True)
        floor = run_phase("floor", ["FloorUser"], users=args.users, run_time=floor_time, **common)
        print(f"2/3 登录风暴：{accounts} 个账号同时登录", flush=True)
        storm = run_phase("storm", ["LoginStormUser"], users=accounts, run_time=300, **common)
        print(f"3/3 混合负载：{args.users} 个用户（{counts}），{mixed_time} 秒，其中截止高峰", flush=True)
        mixed = run_phase(
            "mixed",
            ["SecretaryUser", "CountyUser", "ProvinceUser", "MassUser"],
            users=args.users,
            run_time=mixed_time,
            **common,
        )
    finally:
        processes.stop()
        with contextlib.suppress(Exception):  # Redis gone: nothing left to clean
            flush_redis(args.redis_db)
    print()
    summary = print_table(floor, storm, mixed, args, workers_note)
    (OUT / "load_summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.keep_db:
        benchdb.drop(DATABASE)
    print(f"\n总用时 {time.monotonic() - started:.0f} 秒（{machine()}）")


if __name__ == "__main__":
    main()
