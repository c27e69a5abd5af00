"""The importers' bulk writes (orgs.io.base): on PostgreSQL members and their history rows go in with COPY,
elsewhere through simple_history's ORM helpers. Both must leave the same rows, and a failure part-way leaves
nothing. Run on both databases (DATABASE_URL for PostgreSQL)."""

import datetime
import io

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from simple_history.utils import bulk_create_with_history as orm_bulk_create

from common.sql import copy_value
from orgs.io import base
from orgs.io.columns import MEMBER_COLUMNS
from orgs.models import ImportJob, Member
from orgs.validators import id_check_char
from tests.factories import MemberFactory, user_with_role
from tests.orgs.test_import import member_row, upload, xlsx_bytes

COMPARED = ["org_id", "org_path", "org_sector", "org_kind", "name", "gender", "ethnicity", "birth_date", "mobile"]
COMPARED += ["join_date", "status", "category", "post", "duties", "badge_demo_household", "college_official"]
HISTORY = ["name", "gender", "birth_date", "mobile", "join_date", "status", "category", "post", "org_id"]
HISTORY += ["history_type", "history_change_reason", "history_user_id"]


@pytest.fixture
def manager(world):
    return user_with_role(world.county_a, "org_department", full_name="正定县委组织部")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def id_number(serial, birth=datetime.date(1985, 3, 12)):
    first17 = f"110101{birth:%Y%m%d}{serial * 2 + 1:03d}"  # odd sequence: 男
    return first17 + id_check_char(first17)


def new_members(org, serials):
    """Unsaved members, with text that COPY must escape (tab, line break, backslash) and an empty mobile;
    serials with the same last digit differ only in their ID number."""
    return [
        Member(
            org=org,
            org_path=org.path,
            org_sector=org.sector,
            org_kind=org.kind,
            name=f"王\\{n % 10}",
            gender="m",
            ethnicity="汉族",
            birth_date=datetime.date(1985, 3, 12),
            id_number=id_number(n),
            mobile="" if n % 2 else f"147{n % 10:08d}",
            join_date=datetime.date(2010, 7, 1),
            status="full",
            category="farmer",
            post="村委\t委员\n兼\r文书",
            duties="" if n % 10 % 3 else "设岗定责\\说明",
            badge_demo_household=bool(n % 2),
        )
        for n in serials
    ]


def rows(members):
    return [tuple(getattr(m, f) for f in COMPARED) for m in members]


def history_rows(members):
    found = Member.history.filter(id__in=[m.pk for m in members]).order_by("id")
    return [tuple(getattr(h, f) for f in HISTORY) for h in found]


def test_copy_value_is_copys_text_format():
    assert [copy_value(v) for v in (None, True, False, 7, 2.5, "")] == ["\\N", "t", "f", "7", "2.5", ""]
    assert copy_value("a\\b\tc\nd\re") == "a\\\\b\\tc\\nd\\re"
    assert copy_value(datetime.date(2010, 7, 1)) == "2010-07-01"
    with pytest.raises(TypeError):
        copy_value(object())


def test_bulk_create_writes_what_simple_history_writes(world):
    """The importer's path (COPY on PostgreSQL) and simple_history's ORM path: the same members, the same
    history rows (type "+", the user, the reason), primary keys set, the member's times its history's."""
    user = user_with_role(world.county_a, "org_department")
    by_orm = orm_bulk_create(
        new_members(world.branch_a, range(1, 7)),
        Member,
        batch_size=4,
        default_user=user,
        default_change_reason="批量导入",
    )
    ours = new_members(world.branch_a, range(11, 17))
    written = base.bulk_create_with_history(ours, Member, user=user, reason="批量导入", batch_size=1)

    assert all(m.pk for m in written)
    saved = list(Member.objects.filter(pk__in=[m.pk for m in written]).order_by("id"))
    assert rows(saved) == rows(Member.objects.filter(pk__in=[m.pk for m in by_orm]).order_by("id"))
    assert saved[0].post == "村委\t委员\n兼\r文书" and saved[0].name == "王\\1"
    assert [m.id_number for m in saved] == [id_number(n) for n in range(11, 17)]
    assert history_rows(saved) == history_rows(by_orm)
    assert history_rows(saved)[0][-3:] == ("+", "批量导入", user.pk)
    for member in saved:
        record = member.history.get()
        assert abs(member.updated_at - member.created_at) < datetime.timedelta(seconds=5)
        assert abs(record.history_date - member.created_at) < datetime.timedelta(seconds=5)
        assert record.instance.post == member.post


def test_bulk_update_writes_the_history_of_each_change(world):
    user = user_with_role(world.county_a, "org_department")
    members = [MemberFactory(org=world.branch_a, post="旧岗位") for _ in range(3)]
    for member in members:
        member.post = "新\t岗位"
    base.bulk_update_with_history(members, Member, ["post"], user=user, reason="批量导入", batch_size=2)
    for member in members:
        member.refresh_from_db()
        latest = member.history.order_by("-history_id").first()
        assert member.post == latest.post == "新\t岗位"
        assert (latest.history_type, latest.history_user, latest.history_change_reason) == ("~", user, "批量导入")


def test_a_failure_part_way_leaves_nothing(world):
    """The third COPY batch (PostgreSQL; an INSERT batch on SQLite) meets an ID number registered meanwhile:
    Django's IntegrityError (what the import job turns into its Chinese message), and the batches written
    before it are gone with the transaction."""
    user = user_with_role(world.county_a, "org_department")
    taken = MemberFactory(org=world.branch_b, birth_date=datetime.date(1985, 3, 12), id_number=id_number(25))
    members_before = Member.objects.count()
    history_before = Member.history.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        base.bulk_create_with_history(
            new_members(world.branch_a, range(1, 31)), Member, user=user, reason="批量导入", batch_size=1
        )
    assert Member.objects.count() == members_before
    assert Member.history.count() == history_before
    assert list(Member.objects.filter(id_number=taken.id_number)) == [taken]


# --- the sheet parsed once: the check keeps the rows, the apply reads them ---------------------------------------


def test_parsed_rows_come_back_value_for_value(tmp_path):
    """Every kind of cell value the reader gives (text, numbers, booleans, dates and times, empty cells)."""
    from openpyxl import Workbook

    from orgs.io.reader import dump_rows, load_rows, read_table

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(MEMBER_COLUMNS))
    sheet.append(["王\t新", 1, 2.5, datetime.date(1985, 3, 12), 130123198503120011, None, True, "正式", "在职"])
    sheet.append([None, None, None, datetime.datetime(2010, 7, 1, 8, 30), 1.30123198604150e17, "", False])
    sheet.append(["时刻", datetime.time(8, 30), datetime.timedelta(days=1, seconds=5)])
    path = tmp_path / "cells.xlsx"
    workbook.save(path)
    with open(path, "rb") as fileobj:
        table = read_table("members", fileobj, "cells.xlsx")
    again = load_rows("members", io.BytesIO(dump_rows(table)))
    assert again.rows == table.rows
    assert [type(v) for v in again.rows[1][1][3:5]] == [datetime.datetime, float]
    with pytest.raises(ValueError):
        load_rows("orgs", io.BytesIO(dump_rows(table)))


def test_the_apply_uses_the_rows_the_check_parsed(world, manager, login, django_capture_on_commit_callbacks):
    """After a clean check the parsed rows lie beside the upload; the apply reads them (the upload itself is
    not parsed again: here it is even gone), checks every row again, and deletes them once it is done."""
    client = login(manager)
    content = xlsx_bytes(MEMBER_COLUMNS, [member_row(1), member_row(2, 姓名="钱进")])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "members", content, "新党员.xlsx")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.VALID
    storage, parsed = job.file.storage, f"{job.file.name}.rows.json"
    assert storage.exists(parsed)
    storage.delete(job.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orgs:import_apply", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.summary["created"]) == (ImportJob.Status.DONE, 2)
    assert Member.objects.get(name="钱进").org == world.branch_a
    assert not storage.exists(parsed)


def test_without_the_parsed_rows_the_apply_reads_the_upload(world, manager, login, django_capture_on_commit_callbacks):
    client = login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "members", xlsx_bytes(MEMBER_COLUMNS, [member_row(1, 姓名="钱进")]), "a.xlsx")
    job = ImportJob.objects.get()
    job.file.storage.delete(f"{job.file.name}.rows.json")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orgs:import_apply", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.summary["created"]) == (ImportJob.Status.DONE, 1)
    assert Member.objects.filter(name="钱进").exists()


def test_a_failed_check_keeps_no_rows(world, manager, login, django_capture_on_commit_callbacks):
    client = login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "members", xlsx_bytes(MEMBER_COLUMNS, [member_row(1, 手机号码="123")]), "a.xlsx")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    assert not job.file.storage.exists(f"{job.file.name}.rows.json")
