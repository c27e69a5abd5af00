"""Which gunicorn worker class and count: measured on real pages (deploy/README.md, "Workers: the measurement").

    .venv/bin/python deploy/measure_workers.py --database portal_bench_county \
        [--configs sync:5 sync:3 gthread:2x4 gthread:4x4] [--connections 8 32] [--duration 20] [--rounds 2] \
        [--redis-url redis://127.0.0.1:6379/15]

For each configuration it starts gunicorn with deploy/gunicorn.conf.py and the production settings
(config.settings.prod: DEBUG off, hashed static files, the access log on) on 127.0.0.1, checks that every page
answers 200 with its text, warms each worker up, and loads it with wrk: every connection cycles through the
pages below, each requested with its own demo user's session cookie, ``X-Forwarded-Proto: https`` and
``Connection: close`` (as nginx talks to gunicorn: one connection per request). It prints requests per second,
latency p50 / p90 / p99, errors and the workers' memory (PSS, summed over the master and its workers). The
configurations are run in turn, ``--rounds`` times, so that other load on the machine falls on all of them alike.

Needs wrk (``apt-get install wrk``) and a PostgreSQL database loaded with ``manage.py load_demo --scale county``
and ``manage.py demo_campaign`` (bench/bench_pages.py builds ``portal_bench_county``; this script only reads it,
apart from one session row per demo user and what the pages themselves write). ``collectstatic`` is run into
STATIC_ROOT first (the manifest the production settings need).
"""

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")

# (user or None for anonymous, path, text the page must contain); the accounts are load_demo's.
PAGES = [
    ("shuji", "/workbench/130123100001/", "塔元庄村党支部"),  # a branch secretary's workbench
    ("dangyuan", "/me/", "我的创先争优"),  # a member's own page
    ("zhengding_zzb", "/orgs/130123/", "正定镇党委"),  # the county 组织部: its county
    ("zhengding_zzb", "/members/", "党员"),  # … its members, first page of 25,000
    ("zhengding_zzb", "/campaign/plans/", "实施方案"),  # … the plans to approve
    ("sheng_ldxz", "/dashboards/130123/", "正定县"),  # the leading group's dashboard of the county
    (None, "/awards/public/demo-zhengding/", "公示"),  # the public 公示 page, no account
]

LUA = r"""
local pages = PAGES_HERE
local i = 0
request = function()
  i = i % #pages + 1
  local page = pages[i]
  local headers = {["X-Forwarded-Proto"] = "https", ["Connection"] = "close"}
  if page[2] ~= "" then headers["Cookie"] = "sessionid=" .. page[2] end
  return wrk.format("GET", page[1], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %f, "p50": %f, "p90": %f, "p99": %f, "max": %f, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def settings_env(args, port, worker_class, workers, threads):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": "measure-workers-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{PG}/{args.database}",
        # Redis as cache and broker, as in production; no worker is needed for these pages.
        "REDIS_URL": args.redis_url,
        "TRUSTED_PROXY_COUNT": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKER_CLASS": worker_class,
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        "LOG_LEVEL": "WARNING",
    }


def manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True, **kwargs
    )


SESSIONS = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from orgs.models import User
import json, sys
keys = {}
for name in sys.argv[1:]:
    user = User.objects.get(username=name)
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    keys[name] = s.session_key
print("SESSIONS " + json.dumps(keys))
"""


def make_sessions(env, args):
    users = sorted({user for user, _, _ in PAGES if user} | ({args.slow[0]} if args.slow else set()))
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + SESSIONS, *users],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("SESSIONS "))
    return json.loads(line.removeprefix("SESSIONS "))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port, path, session):
    headers = {"X-Forwarded-Proto": "https"}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310  (our own local server)
        return response.status, response.read().decode(errors="replace")


def _family(pid):
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [pid, *(int(p) for p in children.split())]


def cpu_seconds(pid):
    """User + system CPU time of the master and its workers so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in _family(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def schedstat(pid):
    """(seconds on a CPU, seconds waiting in the run queue) of all threads of the workers (not the master)."""
    run = wait = 0
    for p in _family(pid)[1:]:
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                fields = (task / "schedstat").read_text().split()
            except OSError:
                continue
            run += int(fields[0])
            wait += int(fields[1])
    return run / 1e9, wait / 1e9


def pss_kb(pid):
    """Proportional memory of the master and its workers (shared pages counted once overall)."""
    total = 0
    for p in _family(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def wrk(args, port, lua_path, connections, duration):
    done = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "30s",
            "-s",
            str(lua_path),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def profile_run(args, port, server, lua_path):
    """One sync worker, one connection: where a request's time goes. The kernel's per-thread accounting
    (/proc/…/schedstat) separates time on a CPU from time waiting for one (other load on the machine); the rest
    of the busy time the worker waited for PostgreSQL and Redis. Independent of how loaded the machine is."""
    run0, wait0 = schedstat(server.pid)
    result = wrk(args, port, lua_path, 1, args.duration)
    run1, wait1 = schedstat(server.pid)
    seconds = result["seconds"]
    cpu, queued = run1 - run0, wait1 - wait0
    io = max(0.0, seconds - cpu - queued)
    profile = {
        "requests": result["requests"],
        "wall_ms": 1000 * seconds / max(1, result["requests"]),
        "cpu_ms": 1000 * cpu / max(1, result["requests"]),
        "queued_ms": 1000 * queued / max(1, result["requests"]),
        "io_ms": 1000 * io / max(1, result["requests"]),
        "io_share_of_service": io / max(1e-9, io + cpu),
    }
    print(
        f"  profile: {profile['requests']} requests one at a time, {profile['wall_ms']:.0f} ms each: "
        f"{profile['cpu_ms']:.0f} ms on a CPU, {profile['queued_ms']:.0f} ms waiting for a CPU (other load), "
        f"{profile['io_ms']:.0f} ms waiting for PostgreSQL/Redis — {profile['io_share_of_service']:.0%} of the "
        f"service time (CPU + database) is waiting",
        flush=True,
    )
    return {"config": "profile", **profile}


class SlowLoad:
    """``count`` clients requesting a slow page over and over while wrk runs (e.g. the xlsx export of 25,000
    members, which is built inside the request): how do the other pages fare beside it?"""

    def __init__(self, port, path, session, count):
        self.port, self.path, self.session, self.count = port, path, session, count
        self.stop = threading.Event()
        self.times = []
        self.threads = [threading.Thread(target=self.loop, daemon=True) for _ in range(count)]

    def loop(self):
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                status, _ = fetch(self.port, self.path, self.session)
            except OSError:
                continue
            if status == 200:
                self.times.append(time.monotonic() - started)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)


def run_config(args, config, sessions, lua_path, log):
    profile = config == "profile"
    if profile:
        config = "sync:1"
    worker_class, _, count = config.partition(":")
    workers, _, threads = count.partition("x")
    workers, threads = int(workers), int(threads or 1)
    port = free_port()
    env = settings_env(args, port, worker_class, workers, threads)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(port, "/healthz", None)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"{config}: gunicorn did not start (see {log.name})") from None
                time.sleep(0.5)
        for _ in range(workers * 2):  # every worker process has most likely served each page once
            for user, path, expect in PAGES:
                status, body = fetch(port, path, sessions.get(user))
                if status != 200 or expect not in body:
                    raise SystemExit(f"{config}: {path} as {user}: status {status}, expected text missing")
        if profile:
            return [profile_run(args, port, server, lua_path)]
        results = []
        for connections in args.connections:
            cpu_before, load_before = cpu_seconds(server.pid), os.getloadavg()[0]
            if args.slow:
                user, path, count = args.slow
                with SlowLoad(port, path, sessions.get(user), count) as slow:
                    result = wrk(args, port, lua_path, connections, args.duration)
                result["slow_done"] = len(slow.times)
                result["slow_seconds"] = statistics.median(slow.times) if slow.times else None
            else:
                result = wrk(args, port, lua_path, connections, args.duration)
            cpu = cpu_seconds(server.pid) - cpu_before
            result.update(config=config, connections=connections, pss_mb=pss_kb(server.pid) / 1024)
            result["rps"] = result["requests"] / result["seconds"]
            result["cpu_ms"] = 1000 * cpu / max(1, result["requests"])
            result["cpu_share"] = cpu / result["seconds"] / (os.cpu_count() or 1)
            result["load"] = (load_before + os.getloadavg()[0]) / 2
            result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
            results.append(result)
            print(
                f"  {config:<12} c={connections:<3} {result['rps']:6.1f} req/s  p50 {result['p50']:6.0f} ms  "
                f"p90 {result['p90']:6.0f} ms  p99 {result['p99']:6.0f} ms  errors {result['errors']}  "
                f"CPU {result['cpu_ms']:.0f} ms/req ({result['cpu_share']:.0%} of the machine)  "
                f"PSS {result['pss_mb']:.0f} MB  (load {result['load']:.1f})"
                + (f"  slow page: {result['slow_done']} done" if args.slow else ""),
                flush=True,
            )
        return results
    finally:
        stop(server)


def stop(server):
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def report(all_results, args):
    """Medians over the rounds (errors: the sum)."""
    print()
    profiles = [r for r in all_results if r["config"] == "profile"]
    if profiles:
        print(
            "| one request at a time (sync:1, c=1) | ms per request | on a CPU | waiting for a CPU | waiting for "
            "PostgreSQL/Redis | waiting share of CPU + database |"
        )
        print("|---|---:|---:|---:|---:|---:|")
        med = {k: statistics.median(p[k] for p in profiles) for k in profiles[0] if k != "config"}
        print(
            f"| median of {len(profiles)} | {med['wall_ms']:.0f} | {med['cpu_ms']:.0f} | {med['queued_ms']:.0f} | "
            f"{med['io_ms']:.0f} | {med['io_share_of_service']:.0%} |"
        )
        print()
    print(
        "| configuration | connections | req/s | p50 ms | p90 ms | p99 ms | errors | gunicorn CPU ms/request "
        "| gunicorn CPU share | PSS MB | load average |" + (" slow page done (all rounds) |" if args.slow else "")
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if args.slow else ""))
    for config in args.configs:
        if config == "profile":
            continue
        for connections in args.connections:
            rows = [r for r in all_results if r["config"] == config and r["connections"] == connections]

            def med(key, rows=rows):
                return statistics.median(r[key] for r in rows)

            print(
                f"| {config} | {connections} | {med('rps'):.1f} | {med('p50'):.0f} | {med('p90'):.0f} | "
                f"{med('p99'):.0f} | {sum(r['errors'] for r in rows)} | {med('cpu_ms'):.0f} | {med('cpu_share'):.0%} | "
                f"{med('pss_mb'):.0f} | {med('load'):.1f} |"
                + (f" {sum(r['slow_done'] for r in rows)} |" if args.slow else "")
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="portal_bench_county")
    parser.add_argument("--configs", nargs="+", default=["profile", "sync:5", "sync:3", "gthread:2x4", "gthread:4x4"])
    parser.add_argument("--connections", nargs="+", type=int, default=[8, 32])
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument(
        "--slow",
        nargs=3,
        metavar=("USER", "PATH", "CLIENTS"),
        help="meanwhile CLIENTS clients request PATH as USER over and over, e.g. zhengding_zzb /export/members.xlsx 3",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15", help="cache (and broker) of the portal")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", help="write every run's figures to this file")
    parser.add_argument("--log", default=str(Path(tempfile.gettempdir()) / "measure_workers.gunicorn.log"))
    args = parser.parse_args()
    if args.slow:
        args.slow = (args.slow[0], args.slow[1], int(args.slow[2]))

    env = settings_env(args, 0, "sync", 1, 1)
    manage(env, "collectstatic", "--no-input", "-v0")
    sessions = make_sessions(env, args)
    table = "{" + ", ".join(f'{{"{path}", "{sessions.get(user, "")}"}}' for user, path, _ in PAGES) + "}"
    with tempfile.TemporaryDirectory() as tmp:
        lua_path = Path(tmp) / "pages.lua"
        lua_path.write_text(LUA.replace("PAGES_HERE", table))
        print(f"{os.cpu_count()} CPUs, {args.duration} s per run, pages: {', '.join(p for _, p, _ in PAGES)}")
        all_results = []
        print(f"gunicorn's output: {args.log}")
        with open(args.log, "w") as log:
            for n in range(args.rounds):
                print(f"round {n + 1}/{args.rounds}")
                for config in args.configs:
                    all_results += run_config(args, config, sessions, lua_path, log)
    report(all_results, args)
    if args.json:
        Path(args.json).write_text(json.dumps(all_results, indent=1))


if __name__ == "__main__":
    main()
