"""Are the background tasks CPU-bound? The measurement behind the worker's concurrency (deploy/README.md, "Worker").

    .venv/bin/python deploy/measure_tasks.py --database portal_bench_county

Runs, in this process with the production settings, what the worker spends its time on — the dashboard refresh,
the export of the 25,000 members of the county (xlsx), the dry run of importing that file back, and the
QR sheet of a 群众评议 batch with 200 codes (segno, WeasyPrint) — and splits each one's time with the kernel's
per-thread accounting (/proc/thread-self/schedstat): on a CPU, waiting for a CPU (other load on the machine), and
the rest, waiting for PostgreSQL. The database is only read (the refresh writes a snapshot, the export a file in
a temporary directory); needs ``load_demo --scale county`` and ``demo_campaign`` in it.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def schedstat():
    run, wait, _ = Path("/proc/thread-self/schedstat").read_text().split()
    return int(run) / 1e9, int(wait) / 1e9


def measure(label, work):
    run0, wait0 = schedstat()
    started = time.monotonic()
    work()
    wall = time.monotonic() - started
    run1, wait1 = schedstat()
    cpu, queued = run1 - run0, wait1 - wait0
    db = max(0.0, wall - cpu - queued)
    print(
        f"| {label} | {wall:.1f} | {cpu:.1f} | {queued:.1f} | {db:.1f} | {cpu / max(1e-9, cpu + db):.0%} |",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="portal_bench_county")
    args = parser.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY="measure-tasks-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"{PG}/{args.database}",
        LOG_LEVEL="WARNING",
        ACCESS_LOG="false",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command

    from campaign.models import Campaign
    from dashboards.services import refresh
    from evaluations.models import MassBatch
    from evaluations.services.mass import qr_data_uri, render_sheet

    campaign = Campaign.objects.order_by("-pk").first()
    batch = MassBatch.objects.select_related("org", "criteria_set").order_by("-pk").first()
    print(
        "| task | wall s | on a CPU s | waiting for a CPU s | waiting for PostgreSQL s | CPU share of CPU + database |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "members.xlsx"
        measure("dashboard refresh (county campaign)", lambda: refresh(campaign))
        measure(
            "export 25,000 members (xlsx)",
            lambda: call_command(
                "export_data", "members", str(export), user="zhengding_zzb", stdout=open(os.devnull, "w")
            ),
        )
        measure(
            "import dry run of that file",
            lambda: call_command(
                "import_data",
                "members",
                str(export),
                user="zhengding_zzb",
                stdout=open(os.devnull, "w"),
                stderr=open(os.devnull, "w"),
            ),
        )

        def sheet():
            urls = [f"https://cxzy.example.gov.cn/evaluations/m/{'x' * 40}{n:03d}/" for n in range(200)]
            render_sheet(batch, [{"member": None, "url": url, "qr": qr_data_uri(url)} for url in urls])

        measure("QR sheet, 200 codes (segno + WeasyPrint PDF)", sheet)


if __name__ == "__main__":
    main()
