"""Import benchmark: 100,000 member rows from xlsx, validated and applied on PostgreSQL.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--keep]

Creates a throwaway database (``portal_bench_import`` on the server of ``BENCH_PG``, default
postgres://postgres@127.0.0.1:5432; marked as the bench scripts' own, see bench/benchdb.py), migrates it,
builds a county with 20 townships and 500 branches, writes an xlsx of valid members (GB 11643 check digits),
and times separately:

* validate: read the file and the dry run (every check, nothing written),
* apply: read again, re-validate inside the transaction, write members and history, roll-ups,
* re-import: the same file again (every row found unchanged),
* update: a file in which every member changed post and organization (100,000 transfers),
* export: the 100,000 members back to xlsx.

Target (issue 2): validate + apply under 60 s. The database is dropped at the end unless --keep.
"""

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))
import benchdb  # noqa: E402  (bench/ is not a package: scripts run by path)

DB_NAME = "portal_bench_import"


def recreate_database(url, *, drop_only=False):
    """Our own throwaway database (bench/benchdb.py: never one that somebody else created)."""
    if drop_only:
        benchdb.drop(DB_NAME)
    else:
        benchdb.create(DB_NAME, purpose="bench_import")


def setup_django(url):
    parts = urlsplit(url)
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{DB_NAME}"))
    os.environ.pop("REDIS_URL", None)  # no Celery needed: the importer is called directly
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def build_orgs():
    from orgs import services
    from orgs.enums import OrgKind, OrgLevel, Role
    from orgs.models import Org, RoleAssignment, User

    province = Org.objects.add_root(
        instance=Org(code="130000", name="河北省", kind=OrgKind.COMMITTEE, level=OrgLevel.PROVINCE)
    )
    city = services.create_org(province, by=None, code="130100", name="石家庄市", kind="dw", level=OrgLevel.CITY)
    county = services.create_org(city, by=None, code="130123", name="正定县", kind="dw", level=OrgLevel.COUNTY)
    branches = []
    for t in range(20):
        town = services.create_org(
            county, by=None, code=f"130123{t + 100:03d}", name=f"第{t + 1}镇", kind="dw", level=OrgLevel.TOWNSHIP
        )
        for b in range(25):
            branches.append(
                services.create_org(
                    town,
                    by=None,
                    code=f"{town.code}{b + 200:03d}",
                    name=f"第{t + 1}镇第{b + 1}村党支部",
                    kind="dzb",
                    level=OrgLevel.BASIC,
                    sector="rural",
                )
            )
    user = User.objects.create(username="bench_importer", full_name="正定县委组织部")
    RoleAssignment.objects.create(user=user, org=county, role=Role.ORG_DEPARTMENT)
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
        first17 = f"130123{birth:%Y%m%d}{i % 1000:03d}"
        joined = birth.replace(year=birth.year + 25) if not (birth.month == 2 and birth.day == 29) else birth
        sheet.append(
            [
                surnames[i % len(surnames)] + given[(i * 7) % len(given)] + given[(i * 3) % len(given)],
                "男" if i % 3 else "女",
                "汉族" if i % 10 else "回族",
                birth.isoformat(),
                first17 + id_check_char(first17),
                f"139{i:08d}",
                joined.isoformat(),
                "正式" if i % 20 else "预备",
                ("在职", "离退休", "农民", "学生", "流动", "其他")[i % 6],
                branches[i % len(branches)].code,
                post if i % 4 else "",
            ]
        )
    workbook.save(path)


def timed(label, func, results):
    started = time.perf_counter()
    value = func()
    results[label] = time.perf_counter() - started
    print(f"{label:<34} {results[label]:7.1f} s", flush=True)
    return value


def run_import(user, path, *, apply):
    from orgs.io.members_import import MemberImporter
    from orgs.io.reader import read_table

    with open(path, "rb") as fileobj:
        table = read_table("members", fileobj, str(path))
    importer = MemberImporter(user, table)
    return importer.apply() if apply else importer.dry_run()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DB_NAME}")
    args = parser.parse_args()
    url = f"{benchdb.PG}/postgres"

    recreate_database(url)
    try:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        results = {}
        user, branches = timed("setup: 520 organizations", build_orgs, results)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "members.xlsx"
            timed(f"write {args.rows:,}-row xlsx", lambda: write_members_xlsx(path, args.rows, branches), results)
            print(f"file size: {path.stat().st_size / 1e6:.1f} MB")
            outcome = timed("validate (read + dry run)", lambda: run_import(user, path, apply=False), results)
            assert outcome.ok, outcome.errors[:5]
            outcome = timed("apply (read + re-validate + write)", lambda: run_import(user, path, apply=True), results)
            assert outcome.ok and outcome.summary["created"] == args.rows, outcome.summary
            again = timed("re-import same file (all unchanged)", lambda: run_import(user, path, apply=False), results)
            assert again.summary["unchanged"] == args.rows, again.summary
            changed = Path(tmp) / "changed.xlsx"
            write_members_xlsx(changed, args.rows, branches[1:] + branches[:1], post="支部委员")
            moved = timed("apply with every row changed", lambda: run_import(user, changed, apply=True), results)
            assert moved.summary["updated"] == moved.summary["transferred"] == args.rows, moved.summary

            from orgs import exporters

            export_path = Path(tmp) / "export.xlsx"

            def export():
                with open(export_path, "wb") as fileobj:
                    return exporters.export_members(user, fileobj)

            count = timed("export members to xlsx", export, results)
            assert count == args.rows

        from orgs import services
        from orgs.models import Member, Org

        county = Org.objects.get(code="130123")
        assert county.subtree_members == Member.objects.count() == args.rows
        assert services.recount_rollups() == 0  # the import kept every roll-up right
        total = results["validate (read + dry run)"] + results["apply (read + re-validate + write)"]
        print(f"{'validate + apply':<34} {total:7.1f} s  (target < 60 s: {'met' if total < 60 else 'MISSED'})")
        print(f"PostgreSQL {connection.pg_version // 10000}, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
        connection.close()
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            recreate_database(url, drop_only=True)


if __name__ == "__main__":
    main()
