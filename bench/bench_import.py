"""Import benchmark: 100,000 member rows from xlsx into the province-scale database, against a floor.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--source portal_bench_province] [--county 130123]
                                           [--steps validate apply reimport changed export] [--profile]
                                           [--empty] [--keep]

1. The database is this run's own (bench/benchdb.py ``Scratch``): a copy of ``--source`` (default
   portal_bench_province, built by bench/bench_pages.py: 170,000 organizations, 4,200,000 members) made with
   ``CREATE DATABASE … TEMPLATE`` under a unique name, marked with the run's token, migrated, and dropped at
   the end (``--keep`` keeps it). The source is never written. ``--empty`` instead starts from an empty
   database with one county of 20 townships and 500 branches (the old figure: the cost without the
   province's 4.2 million members and their indexes).
2. A ``--rows``-row member xlsx for the branches of ``--county`` (正定县 by default) is written with openpyxl
   (write-only; valid GB 11643 check digits on an address code outside the data set, mobile numbers outside
   it too, so every row is a new member), imported by a new 组织部 account of that county through the web
   import's own background jobs (``orgs.io.jobs``): the upload's job row, ``validate_job``, the user's
   confirmation, ``apply_job``.
3. Timed separately, each with the load average and this process's CPU time (the rest is PostgreSQL or
   waiting): **floor** — openpyxl's read-only parse of the same file (``load_workbook(read_only=True)``,
   every row's values), before the import and again after it, the lower counts; **validate** (upload +
   read + dry run; the parsed rows are kept beside the upload); **apply** (the kept rows, every check again
   in the transaction, members and history written, roll-ups); **reimport** (the same file checked again:
   every row unchanged); **changed** (every member changes post and branch: check + apply of 100,000
   updates + transfers); **export** (the county's members back to xlsx).
4. Checks: the members and the county's roll-up grew by ``--rows``; ``recount_rollups()`` corrects nothing.

``--profile`` runs the apply step under cProfile and prints the 30 most expensive functions (cumulative).

Target (issue 14): validate + apply ≤ 60 s into the province-scale database; the ratio to the floor is printed.
"""

import argparse
import datetime
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))
import benchdb  # noqa: E402  (bench/ is not a package: scripts run by path)

PREFIX = "portal_bench_import"
TARGET_SECONDS = 60
STEPS = ("validate", "apply", "reimport", "changed", "export")
ID_AREA = "110101"  # 北京市东城区: no member of the (Hebei) data sets has it, so every row is a new member
MOBILE_PREFIX = "147"  # not among the demo data's prefixes (orgs/demo/names.py)


def setup_django(database):
    os.environ["DATABASE_URL"] = f"{benchdb.PG}/{database}"
    os.environ.pop("REDIS_URL", None)  # no Celery needed: the importer is called directly
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def build_small_county():
    """--empty: a county with 20 townships and 500 branches in an empty database."""
    from common.actors import SYSTEM
    from orgs import services
    from orgs.enums import OrgKind, OrgLevel
    from orgs.models import Org

    province = Org.objects.add_root(
        instance=Org(code="130000", name="河北省", kind=OrgKind.COMMITTEE, level=OrgLevel.PROVINCE)
    )
    city = services.create_org(province, by=SYSTEM, code="130100", name="石家庄市", kind="dw", level=OrgLevel.CITY)
    county = services.create_org(city, by=SYSTEM, code="130123", name="正定县", kind="dw", level=OrgLevel.COUNTY)
    for t in range(20):
        town = services.create_org(
            county, by=SYSTEM, code=f"130123{t + 100:03d}", name=f"第{t + 1}镇", kind="dw", level=OrgLevel.TOWNSHIP
        )
        for b in range(25):
            services.create_org(
                town,
                by=SYSTEM,
                code=f"{town.code}{b + 200:03d}",
                name=f"第{t + 1}镇第{b + 1}村党支部",
                kind="dzb",
                level=OrgLevel.BASIC,
                sector="rural",
            )
    return county


def importer_account(county):
    from orgs.enums import OrgLevel, Role
    from orgs.models import Org, RoleAssignment, User

    user = User.objects.create(username=f"bench_importer_{benchdb.RUN}", full_name=f"{county.name}委组织部（基准）")
    RoleAssignment.objects.create(user=user, org=county, role=Role.ORG_DEPARTMENT)
    branches = list(
        Org.objects.filter(path__startswith=county.path, level=OrgLevel.BASIC, active=True).order_by("path")
    )
    return user, branches


def write_members_xlsx(path, rows, branches, *, post="党员"):
    from openpyxl import Workbook

    from orgs.io.columns import MEMBER_COLUMNS
    from orgs.validators import id_check_char

    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    given = "建国秀英志强丽娟海军红梅国庆春华文明玉兰晓东"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("党员")
    sheet.append(list(MEMBER_COLUMNS))
    start = datetime.date(1950, 1, 1)
    for i in range(rows):
        birth = start + datetime.timedelta(days=i // 1000 * 7)
        first17 = f"{ID_AREA}{birth:%Y%m%d}{i % 1000:03d}"
        joined = birth.replace(year=birth.year + 25) if not (birth.month == 2 and birth.day == 29) else birth
        sheet.append(
            [
                surnames[i % len(surnames)] + given[(i * 7) % len(given)] + given[(i * 3) % len(given)],
                "男" if i % 2 else "女",  # the sequence's parity: odd for men (GB 11643)
                "汉族" if i % 10 else "回族",
                birth.isoformat(),
                first17 + id_check_char(first17),
                f"{MOBILE_PREFIX}{i:08d}",
                joined.isoformat(),
                "正式" if i % 20 else "预备",
                ("在职", "离退休", "农民", "学生", "流动", "其他")[i % 6],
                branches[i % len(branches)].code,
                post if i % 4 else "",
            ]
        )
    workbook.save(path)


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(label, func, results):
    load = os.getloadavg()[0]
    cpu, started = cpu_seconds(), time.perf_counter()
    value = func()
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    results[label] = {"s": wall, "cpu": cpu, "load": load, "load_after": os.getloadavg()[0]}
    print(
        f"{label:<40} {wall:7.1f} s   (CPU of this process {cpu:6.1f} s; load average {load:.1f} → "
        f"{results[label]['load_after']:.1f})",
        flush=True,
    )
    return value


def openpyxl_parse(path):
    """The floor: openpyxl's read-only reader, every row's values, nothing else."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    rows = 0
    for _values in workbook.worksheets[0].iter_rows(values_only=True):
        rows += 1
    workbook.close()
    return rows - 1


def check(user, path):
    """The upload and its check, as the web import runs them (``orgs.io.jobs``): the job row with the file,
    then ``validate_job`` (read + dry run; after a clean check the parsed rows are kept for the apply)."""
    from django.core.files import File

    from orgs.io import jobs
    from orgs.models import ImportJob

    with open(path, "rb") as fileobj:
        job = ImportJob.objects.create(
            kind="members", file=File(fileobj, name=path.name), original_name=path.name, created_by=user
        )
    jobs.validate_job(job.pk)
    job.refresh_from_db()
    return job


def confirm_and_apply(job):
    """The user's 确认导入 (the job marked to be applied) and ``apply_job``: the rows again, every check again
    inside the transaction, the writes, the roll-ups."""
    from orgs.io import jobs
    from orgs.models import ImportJob

    assert job.status == ImportJob.Status.VALID, (job.status, job.errors[:5])
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.APPLYING)
    jobs.apply_job(job.pk)
    job.refresh_from_db()
    return job


def outcome_of(job):
    from orgs.io.base import Outcome

    return Outcome(errors=job.errors, summary=job.summary)


def profiled(func):
    import cProfile
    import pstats

    def wrapper():
        profile = cProfile.Profile()
        try:
            return profile.runcall(func)
        finally:
            stats = pstats.Stats(profile)
            stats.sort_stats("cumulative").print_stats(30)

    return wrapper


def bench(args, database):
    setup_django(database)
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    from orgs import services
    from orgs.models import Member, Org

    results = {}
    timed("migrate (pending migrations of the copy)", lambda: call_command("migrate", verbosity=0), results)
    county = timed("setup: small county (--empty)", build_small_county, results) if args.empty else None
    county = county or Org.objects.get(code=args.county)
    user, branches = importer_account(county)
    members_before = Member.objects.count()
    county_before = county.subtree_members
    print(
        f"database {database}: {Org.objects.count():,} organizations, {members_before:,} members; "
        f"{county.name} ({county.code}): {len(branches):,} basic organizations, {county_before:,} members",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp, override_settings(MEDIA_ROOT=Path(tmp) / "media"):
        path = Path(tmp) / "members.xlsx"
        write = lambda: write_members_xlsx(path, args.rows, branches)  # noqa: E731
        timed(f"write {args.rows:,}-row xlsx (not timed)", write, results)
        print(f"file size: {path.stat().st_size / 1e6:.1f} MB", flush=True)
        parsed = timed("floor: openpyxl read-only parse (1)", lambda: openpyxl_parse(path), results)
        assert parsed == args.rows, parsed
        job = timed("validate (upload + read + dry run)", lambda: check(user, path), results)
        assert outcome_of(job).ok, job.errors[:5]
        apply = lambda: confirm_and_apply(job)  # noqa: E731
        job = timed("apply (re-validate + write)", profiled(apply) if args.profile else apply, results)
        outcome = outcome_of(job)
        assert outcome.ok and outcome.summary["created"] == args.rows, (outcome.summary, outcome.errors[:5])
        timed("floor: openpyxl read-only parse (2)", lambda: openpyxl_parse(path), results)
        if "reimport" in args.steps:
            again = timed("re-import same file: check (all unchanged)", lambda: check(user, path), results)
            assert again.summary["unchanged"] == args.rows, again.summary
        if "changed" in args.steps:
            changed = Path(tmp) / "changed.xlsx"
            write_members_xlsx(changed, args.rows, branches[1:] + branches[:1], post="支部委员")
            moved = timed("every row changed: check", lambda: check(user, changed), results)
            moved = timed("every row changed: apply", lambda: confirm_and_apply(moved), results)
            assert moved.summary["updated"] == moved.summary["transferred"] == args.rows, moved.summary
        if "export" in args.steps:
            from orgs import exporters

            export_path = Path(tmp) / "export.xlsx"

            def export():
                with open(export_path, "wb") as fileobj:
                    return exporters.export_members(user, fileobj)

            count = timed(f"export {county.name} to xlsx", export, results)
            assert count == county_before + args.rows, count

    county.refresh_from_db()
    assert Member.objects.count() == members_before + args.rows
    assert county.subtree_members == county_before + args.rows, (county.subtree_members, county_before)
    corrected = timed("check: recount_rollups() (not part of the figure)", services.recount_rollups, results)
    assert corrected == 0, f"recount_rollups corrected {corrected} organizations"

    floor = min(results[f"floor: openpyxl read-only parse ({n})"]["s"] for n in (1, 2))
    apply_s = results["apply (re-validate + write)"]["s"]
    validate_s = results["validate (upload + read + dry run)"]["s"]
    total = validate_s + apply_s
    print()
    print(f"floor (openpyxl read-only parse, lower of 2): {floor:.1f} s")
    print(f"validate: {validate_s:.1f} s = {validate_s / floor:.2f} × floor")
    print(f"apply:    {apply_s:.1f} s = {apply_s / floor:.2f} × floor")
    verdict = "met" if total <= TARGET_SECONDS else "MISSED"
    print(f"validate + apply: {total:.1f} s = {total / floor:.2f} × floor (target ≤ {TARGET_SECONDS} s: {verdict})")
    print(
        f"machine: {os.cpu_count()} cores, load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}; "
        f"PostgreSQL {connection.pg_version // 10000}, Python {sys.version.split()[0]}"
    )
    connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--source", default="portal_bench_province", help="template database (never written)")
    parser.add_argument("--county", default="130123", help="the county whose branches receive the members")
    parser.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS), help="validate and apply always run")
    parser.add_argument("--empty", action="store_true", help="an empty database with one small county instead")
    parser.add_argument("--profile", action="store_true", help="cProfile the apply step")
    parser.add_argument("--keep", action="store_true", help="keep this run's database (its name is printed)")
    args = parser.parse_args()
    template = None if args.empty else args.source
    if template and not benchdb.exists(template):
        raise SystemExit(f"{template} 不存在：请先运行 bench/bench_pages.py --scales province 构建省级数据集")
    purpose = "bench_import, empty" if args.empty else f"bench_import, copy of {template}"
    started = time.perf_counter()
    with benchdb.Scratch(PREFIX, purpose=purpose, template=template, keep=args.keep) as database:
        print(
            f"{database}: created ({'empty' if args.empty else f'copy of {template}'}) "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        bench(args, database)


if __name__ == "__main__":
    main()
