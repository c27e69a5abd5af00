"""Import of organizations and members: the dry run lists every bad row, the apply writes all or nothing,
the web flow (upload → job page → confirm), the management command, and permissions."""

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgs import services
from orgs.enums import MemberStatus, OrgKind, OrgLevel, Role
from orgs.io.columns import MEMBER_COLUMNS, ORG_COLUMNS
from orgs.io.jobs import run_file
from orgs.models import ImportJob, Member, Org
from orgs.validators import id_check_char
from tests.factories import MemberFactory, user_with_role

BIRTH = datetime.date(1985, 3, 12)


def new_id(serial, birth=BIRTH, area="130123", gender="男"):
    """A valid ID number unique per ``serial`` whose 17th digit agrees with ``gender`` (odd for 男)."""
    sequence = (serial % 500) * 2 + (0 if gender == "女" else 1)
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def xlsx_bytes(header, rows, *, title="Sheet"):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(header, rows, *, encoding="utf-8-sig"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def member_row(serial=1, **changes):
    values = {
        "姓名": "赵新党",
        "性别": "男",
        "民族": "汉族",
        "出生日期": BIRTH.isoformat(),
        "身份证号": new_id(serial, gender=changes.get("性别", "男")),
        "手机号码": "13800000001",
        "入党日期": "2010-07-01",
        "党员状态(正式/预备)": "正式",
        "人员类别": "在职",
        "所在组织编码": "130123100201",
        "岗位": "村委委员",
    }
    values.update(changes)
    return [values[c] for c in MEMBER_COLUMNS]


def org_row(code, name, parent, kind="党支部", sector="农村", ethnic="否"):
    return [code, name, parent, kind, sector, ethnic]


def run(kind, user, content, name="file.xlsx", *, apply=False):
    return run_file(kind, user, io.BytesIO(content), name, apply=apply)


def issues(outcome):
    return [(e["row"], e["column"], e["message"]) for e in outcome.errors]


def assert_issue(outcome, row, column, text):
    found = [m for r, c, m in issues(outcome) if r == row and c == column]
    assert any(text in m for m in found), f"row {row} [{column}] expected “{text}”, found {found} in {issues(outcome)}"


@pytest.fixture
def manager(world):
    """org_department of 正定县 (city A); 唐山 (city B) is outside the scope."""
    return user_with_role(world.county_a, Role.ORG_DEPARTMENT, full_name="正定县委组织部")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def snapshot_members():
    fields = ["id", "name", "gender", "ethnicity", "birth_date", "id_number", "mobile", "join_date"]
    return list(Member.objects.order_by("id").values_list(*fields, "status", "category", "org_id", "org_path", "post"))


def snapshot_orgs():
    fields = ["id", "code", "name", "kind", "level", "sector", "ethnic_religious", "path", "depth", "numchild"]
    return list(Org.objects.order_by("id").values_list(*fields, "subtree_orgs", "subtree_members"))


# --- members: dry run --------------------------------------------------------------------------


def test_member_dry_run_lists_every_bad_row_and_writes_nothing(world, manager):
    bad_check = new_id(2)[:-1] + ("0" if new_id(2)[-1] != "0" else "1")
    rows = [
        member_row(2, 身份证号=bad_check),  # 2
        member_row(3),  # 3 (fine, but its ID number repeats on row 4)
        member_row(3, 姓名="重复人"),  # 4
        member_row(5, 身份证号=world.member_b.id_number, 出生日期="1980-05-17"),  # 5: 唐山's member
        member_row(6, 入党日期="2010-13-01"),  # 6
        member_row(7, 出生日期="1985-03-13"),  # 7
        member_row(8, 手机号码="1234567"),  # 8
        member_row(9, 性别="未知"),  # 9
        member_row(10, **{"党员状态(正式/预备)": "正常"}),  # 10
        member_row(11, 人员类别="干部"),  # 11
        member_row(12, 姓名=""),  # 12
        member_row(13, 所在组织编码="999999"),  # 13
        member_row(14, 所在组织编码=world.branch_b.code),  # 14
        member_row(15, 所在组织编码=world.town_a.code),  # 15
        member_row(16, 入党日期="2000-01-01"),  # 16: aged 14
        member_row(17, 出生日期="12/03/1985"),  # 17
        member_row(18, 民族=None, 所在组织编码=None),  # 18
        member_row(19),  # 19: fine
    ]
    members_before, orgs_before = snapshot_members(), snapshot_orgs()

    outcome = run("members", manager, xlsx_bytes(MEMBER_COLUMNS, rows))

    assert_issue(outcome, 2, "身份证号", "身份证号校验位错误")
    assert_issue(outcome, 4, "身份证号", "身份证号与第 3 行重复")
    assert_issue(outcome, 5, "身份证号", "该身份证号已登记在您管理范围以外的组织")
    assert_issue(outcome, 6, "入党日期", "2010-13-01 不是有效日期")
    assert_issue(outcome, 7, "出生日期", "出生日期与身份证号不符（身份证号显示为 1985-03-12）")
    assert_issue(outcome, 8, "手机号码", "手机号码“1234567”无效")
    assert_issue(outcome, 9, "性别", "无法识别“未知”，可填写：男、女")
    assert_issue(outcome, 10, "党员状态(正式/预备)", "无法识别“正常”，可填写：正式、预备")
    assert_issue(outcome, 11, "人员类别", "无法识别“干部”")
    assert_issue(outcome, 12, "姓名", "不能为空")
    assert_issue(outcome, 13, "所在组织编码", "找不到组织编码“999999”")
    assert_issue(outcome, 14, "所在组织编码", "组织“130223100201”不在您的管理范围内")
    assert_issue(outcome, 15, "所在组织编码", "“正定镇”（130123100）不是基层党组织，党员只能编入基层党组织")
    assert_issue(outcome, 16, "入党日期", "入党时未满18周岁（18周岁生日为 2003-03-12）")
    assert_issue(outcome, 17, "出生日期", "日期“12/03/1985”无效")
    assert_issue(outcome, 18, "民族", "不能为空")
    assert_issue(outcome, 18, "所在组织编码", "不能为空")
    assert {r for r, _c, _m in issues(outcome)} == set(range(2, 19)) - {3}
    # Nothing was written.
    assert snapshot_members() == members_before
    assert snapshot_orgs() == orgs_before


def test_member_file_with_wrong_header_is_one_clear_error(world, manager):
    header = list(MEMBER_COLUMNS)
    header[7] = "党员状态"
    with pytest.raises(Exception) as caught:
        run("members", manager, xlsx_bytes(header, [member_row(1)]))
    assert "表头第 8 列应为“党员状态(正式/预备)”，文件中为“党员状态”" in caught.value.message


def test_org_header_given_as_members_is_recognised(world, manager):
    with pytest.raises(Exception) as caught:
        run("members", manager, xlsx_bytes(ORG_COLUMNS, [org_row("X1", "X", world.town_a.code)]))
    assert "这是“组织”导入模板，请在导入类型中选择“组织”" in caught.value.message


def test_excel_date_cells_numbers_and_blank_rows_are_read(world, manager):
    rows = [
        member_row(1, 出生日期=BIRTH, 入党日期=datetime.datetime(2010, 7, 1), 手机号码=13800000002),
        [None] * len(MEMBER_COLUMNS),
        member_row(2, 所在组织编码=int(world.branch_a.code)),
    ]
    outcome = run("members", manager, xlsx_bytes(MEMBER_COLUMNS, rows))
    assert outcome.ok, issues(outcome)
    assert outcome.summary == {"created": 2, "updated": 0, "unchanged": 0, "transferred": 0, "rows": 2}


def test_id_number_stored_as_a_number_gets_a_hint(world, manager):
    # Excel keeps 15 significant digits of a number: the ID number's last digits become zeros.
    number = float(new_id(1, birth=datetime.date(1986, 4, 15)))  # 1.30123198604150e+17 once saved
    rows = [member_row(1, 身份证号=number, 出生日期="1986-04-15")]
    outcome = run("members", manager, xlsx_bytes(MEMBER_COLUMNS, rows))
    assert_issue(outcome, 2, "身份证号", "身份证号被保存成了数字")


@pytest.mark.parametrize("write_only", [False, True])
def test_fast_xlsx_reader_reads_what_openpyxl_reads(tmp_path, write_only):
    from openpyxl import Workbook, load_workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    from orgs.io.reader import _fast_rows, open_xlsx

    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("数据") if write_only else workbook.active
    rows = [
        ["文本", 1, 2.5, True, datetime.date(2010, 7, 1), datetime.datetime(2010, 7, 1, 8, 30), None, "末列"],
        [],
        [None, None, "隔行", 130123100201, 1.30123198604150e17, False, "  前后空格  "],
        [None] * 27 + ["第 28 列"],
        [CellRichText(["富", TextBlock(InlineFont(b=True), "文本")])],
    ]
    for row in rows:
        sheet.append(row)
    path = tmp_path / "cells.xlsx"
    workbook.save(path)

    def trimmed(values):
        values = list(values)
        while values and values[-1] is None:
            values.pop()
        return values

    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    sheet.reset_dimensions()
    expected = [trimmed(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    with open(path, "rb") as fileobj:
        parts = open_xlsx(fileobj)
        fast = [trimmed(r) for r in _fast_rows(parts)]
        parts.archive.close()
    assert fast == expected
    assert fast[4] == ["富文本"] and fast[0][4] == datetime.datetime(2010, 7, 1)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_accepted_encoding(world, manager, encoding):
    rows = [member_row(1, 姓名="欧阳旭"), member_row(2, 性别="女", 手机号码="")]
    outcome = run("members", manager, csv_bytes(MEMBER_COLUMNS, rows, encoding=encoding), "名单.csv", apply=True)
    assert outcome.ok, issues(outcome)
    assert outcome.summary["created"] == 2
    created = Member.objects.get(id_number=new_id(1))
    assert (created.name, created.org, created.join_date) == ("欧阳旭", world.branch_a, datetime.date(2010, 7, 1))


def test_csv_errors_use_spreadsheet_row_numbers(world, manager):
    rows = [member_row(1), member_row(2, 手机号码="02112345678")]
    outcome = run("members", manager, csv_bytes(MEMBER_COLUMNS, rows), "名单.csv")
    assert issues(outcome) == [
        (3, "手机号码", "手机号码“02112345678”无效：应为以 1 开头的 11 位数字，第二位为 3—9"),
    ]


def test_a_broken_csv_is_refused_with_the_line_and_no_python_text(world, manager):
    """csv's own error ("field larger than field limit (131072)") is English: the user reads the line and what
    to do; nothing is written."""
    import io

    from orgs.io.reader import ImportFileError, read_csv

    data = ",".join(ORG_COLUMNS) + "\n" + '1,"' + "y" * 140000 + "\n"
    with pytest.raises(ImportFileError) as error:
        read_csv("orgs", io.BytesIO(data.encode()))
    assert error.value.message == (
        "CSV 文件第 2 行格式错误（引号不成对，或单元格内容过长），请在 Excel 中另存为 CSV 后再导入。"
    )
    assert "field" not in error.value.message


# --- members: apply ----------------------------------------------------------------------------


def test_member_apply_creates_updates_transfers_with_history_and_rollups(world, manager):
    a, a2 = world.member_a, world.member_a2
    rows = [
        member_row(1),
        member_row(2, 姓名="孙丽", 性别="女", **{"党员状态(正式/预备)": "预备"}, 所在组织编码=world.branch_a2.code),
        # member_a: new post (update); member_a2: moves to branch_a (transfer)
        member_row(
            0,
            姓名=a.name,
            身份证号=a.id_number,
            出生日期="1980-05-17",
            手机号码=a.mobile,
            入党日期="2005-07-01",
            所在组织编码=world.branch_a.code,
            岗位="村党支部委员",
        ),
        member_row(
            0,
            姓名=a2.name,
            性别="女",
            身份证号=a2.id_number,
            出生日期="1980-05-17",
            手机号码=a2.mobile,
            入党日期="2005-07-01",
            所在组织编码=world.branch_a.code,
            岗位=a2.post,
        ),
    ]
    outcome = run("members", manager, xlsx_bytes(MEMBER_COLUMNS, rows), apply=True)

    assert outcome.ok, issues(outcome)
    assert outcome.summary == {"created": 2, "updated": 2, "unchanged": 0, "transferred": 1, "rows": 4}
    a.refresh_from_db()
    a2.refresh_from_db()
    assert a.post == "村党支部委员"
    assert (a2.org, a2.org_path) == (world.branch_a, world.branch_a.path)
    sun = Member.objects.get(name="孙丽")
    assert (sun.org, sun.status, sun.gender) == (world.branch_a2, MemberStatus.PROBATIONARY, "f")
    # Roll-ups were kept by the import: recounting changes nothing.
    assert services.recount_rollups() == 0
    world.branch_a.refresh_from_db()
    world.county_a.refresh_from_db()
    assert world.branch_a.subtree_members == 3  # 张建国, 赵新党, 李秀英 (transferred in)
    assert world.county_a.subtree_members == 4
    # History names the importing user.
    record = a.history.order_by("-history_date", "-history_id").first()
    assert (record.history_user, record.history_change_reason, record.post) == (manager, "批量导入", "村党支部委员")
    assert sun.history.get().history_user == manager


def test_member_apply_with_one_bad_row_writes_nothing(world, manager):
    a = world.member_a
    rows = [
        member_row(1),
        member_row(0, 姓名=a.name, 身份证号=a.id_number, 出生日期="1980-05-17", 入党日期="2005-07-01", 岗位="新岗位"),
        member_row(3, 手机号码="12345"),
    ]
    before = snapshot_members(), snapshot_orgs()
    outcome = run("members", manager, xlsx_bytes(MEMBER_COLUMNS, rows), apply=True)
    assert issues(outcome) == [(4, "手机号码", "手机号码“12345”无效：应为以 1 开头的 11 位数字，第二位为 3—9")]
    assert (snapshot_members(), snapshot_orgs()) == before
    assert Member.history.filter(history_change_reason="批量导入").count() == 0


def test_unchanged_rows_are_counted_and_not_written(world, manager):
    a = world.member_a
    row = member_row(
        0,
        姓名=a.name,
        身份证号=a.id_number,
        出生日期="1980-05-17",
        手机号码=a.mobile,
        入党日期="2005-07-01",
        岗位=a.post,
    )
    outcome = run("members", manager, xlsx_bytes(MEMBER_COLUMNS, [row]), apply=True)
    assert outcome.summary == {"created": 0, "updated": 0, "unchanged": 1, "transferred": 0, "rows": 1}
    assert a.history.count() == 1


# --- organizations -----------------------------------------------------------------------------


def test_org_dry_run_lists_every_bad_row(world, manager):
    town = world.town_a.code
    rows = [
        org_row("130123100301", "一村党支部", town),  # 2
        org_row("130123100301", "重复编码", town),  # 3
        org_row("130123100302", "二村党支部", "888888"),  # 4
        org_row("130123100303", "三村党支部", world.county_b.code),  # 5
        org_row("130123100304", "四村党支部", town, kind="支部"),  # 6
        org_row("130123100305", "五村党支部", town, sector="林业"),  # 7
        org_row("130123100306", "六村党支部", town, ethnic="可能"),  # 8
        org_row(world.branch_a.code, world.branch_a.name, world.county_a.code),  # 9: parent change
        org_row("130123100307", "", town),  # 10
        org_row(world.branch_b.code, "改名", world.town_b.code),  # 11: someone else's org
        org_row("130123100308", "甲", "130123100309"),  # 12: cycle
        org_row("130123100309", "乙", "130123100308"),  # 13: cycle
        org_row("130123100310", "坏行的下级", "130123100304"),  # 14
        org_row("130123100311", "支部下的支部", world.branch_a.code),  # 15
        org_row("130123100312", "无上级", ""),  # 16
        org_row("", "无编码", town),  # 17
        org_row("130123100313", "好组织", town),  # 18: fine
    ]
    before = snapshot_orgs()
    outcome = run("orgs", manager, xlsx_bytes(ORG_COLUMNS, rows))

    assert_issue(outcome, 3, "组织编码", "组织编码与第 2 行重复")
    assert_issue(outcome, 4, "上级组织编码", "找不到上级组织编码“888888”")
    assert_issue(outcome, 5, "上级组织编码", "上级组织“130223”不在您的管理范围内")
    assert_issue(
        outcome, 6, "组织类别(党委/党工委/党总支/党支部)", "无法识别“支部”，可填写：党委、党工委、党总支、党支部"
    )
    assert_issue(outcome, 7, "所属领域", "无法识别“林业”")
    assert_issue(outcome, 8, "民族宗教聚居(是/否)", "应填写“是”或“否”")
    assert_issue(outcome, 9, "上级组织编码", "不能通过导入调整上级组织")
    assert_issue(outcome, 10, "组织名称", "不能为空")
    assert_issue(outcome, 11, "组织编码", "组织编码“130223100201”已被您管理范围以外的组织使用")
    assert_issue(outcome, 12, "上级组织编码", "上级组织编码形成循环")
    assert_issue(outcome, 13, "上级组织编码", "上级组织编码形成循环")
    assert_issue(outcome, 14, "上级组织编码", "上级组织（第 6 行）有错误")
    assert_issue(outcome, 15, "上级组织编码", "党支部下不能设立组织")
    assert_issue(outcome, 16, "上级组织编码", "不能为空")
    assert_issue(outcome, 17, "组织编码", "不能为空")
    assert {r for r, _c, _m in issues(outcome)} == set(range(3, 18))
    assert snapshot_orgs() == before


def test_org_apply_children_before_parents_levels_paths_and_rollups(world, manager):
    town = world.town_a.code
    rows = [
        org_row("130123100311", "机关一支部", "130123100300", sector="机关"),  # child before its parent
        org_row("130123100300", "正定镇机关党委", town, kind="党委", sector="机关"),
        org_row("130123100312", "机关二支部", "130123100300", sector="机关", ethnic="是"),
        org_row(world.branch_a.code, "塔元庄村党支部（新名）", town, sector="农村"),  # update
        org_row(world.branch_a2.code, world.branch_a2.name, town, sector="中小学"),  # unchanged
    ]
    outcome = run("orgs", manager, xlsx_bytes(ORG_COLUMNS, rows), apply=True)
    assert outcome.ok, issues(outcome)
    assert outcome.summary == {"created": 3, "updated": 1, "unchanged": 1, "rows": 5}

    committee = Org.objects.get(code="130123100300")
    first = Org.objects.get(code="130123100311")
    second = Org.objects.get(code="130123100312")
    assert (committee.level, committee.kind, committee.depth) == (OrgLevel.BASIC, OrgKind.COMMITTEE, 5)
    assert Org.objects.get_parent(committee) == world.town_a
    assert list(Org.objects.get_children(committee)) == [first, second]
    assert (first.level, first.sector, second.ethnic_religious) == (OrgLevel.BASIC, "organ", True)
    assert all(not problems for problems in Org.objects.find_problems())
    assert services.recount_rollups() == 0
    world.town_a.refresh_from_db()
    assert world.town_a.subtree_orgs == 5
    world.branch_a.refresh_from_db()
    assert world.branch_a.name == "塔元庄村党支部（新名）"
    record = world.branch_a.history.order_by("-history_date", "-history_id").first()
    assert (record.history_user, record.name) == (manager, "塔元庄村党支部（新名）")
    assert committee.history.get().history_user == manager
    # A second file adds after the existing last child, keeping paths unique.
    more = run(
        "orgs", manager, xlsx_bytes(ORG_COLUMNS, [org_row("130123100313", "机关三支部", "130123100300")]), apply=True
    )
    assert more.ok
    assert Org.objects.get(code="130123100313").path > second.path
    assert all(not problems for problems in Org.objects.find_problems())


def test_org_apply_with_one_bad_row_writes_nothing(world, manager):
    rows = [
        org_row("130123100300", "正定镇机关党委", world.town_a.code, kind="党委"),
        org_row("130123100311", "机关一支部", "130123100300"),
        org_row("130123100312", "越界支部", world.town_b.code),
    ]
    before = snapshot_orgs()
    outcome = run("orgs", manager, csv_bytes(ORG_COLUMNS, rows), "orgs.csv", apply=True)
    assert issues(outcome) == [(4, "上级组织编码", "上级组织“130223100”不在您的管理范围内")]
    assert snapshot_orgs() == before


# --- the web flow -----------------------------------------------------------------------------


def upload(client, kind, content, name):
    return client.post(reverse("orgs:import_list"), {"kind": kind, "file": io_file(content, name)})


def io_file(content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_web_upload_bad_file_shows_every_error(world, manager, login, django_capture_on_commit_callbacks):
    client = login(manager)
    content = xlsx_bytes(MEMBER_COLUMNS, [member_row(1), member_row(2, 手机号码="1234"), member_row(3, 性别="X")])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "members", content, "正定县党员.xlsx")
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:import_detail", args=[job.pk])
    assert (job.status, job.total_rows, job.original_name) == (ImportJob.Status.INVALID, 3, "正定县党员.xlsx")
    assert job.file.name.endswith(".xlsx") and "正定县" not in job.file.name

    page = client.get(response["Location"]).content.decode()
    assert "校验未通过，共 2 处错误，未写入任何数据" in page
    assert "第 3 行" in page and "手机号码“1234”无效" in page
    assert "第 4 行" in page and "无法识别“X”，可填写：男、女" in page
    assert "确认导入" not in page
    assert Member.objects.count() == 3


def test_web_upload_confirm_apply(world, manager, login, django_capture_on_commit_callbacks):
    client = login(manager)
    content = xlsx_bytes(MEMBER_COLUMNS, [member_row(1), member_row(2, 姓名="钱进")])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "members", content, "新党员.xlsx")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.VALID
    page = client.get(response["Location"]).content.decode()
    assert "校验通过，尚未写入任何数据" in page
    assert "新增 <strong>2</strong>" in page and "确认导入" in page
    assert Member.objects.count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("orgs:import_apply", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.summary["created"] == 2
    assert Member.objects.filter(name="钱进", org=world.branch_a).exists()
    page = client.get(reverse("orgs:import_detail", args=[job.pk])).content.decode()
    assert "导入完成" in page and "新增 <strong>2</strong>" in page

    # A second confirmation (or a re-run task) applies nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orgs:import_apply", args=[job.pk]))
    from common.jobs import latest
    from orgs.tasks import apply_import

    background = latest(job, "orgs.apply_import")
    apply_import(job=background.pk, attempt=background.attempt)  # the same message delivered again
    assert Member.objects.count() == 5


def test_apply_revalidates_and_writes_nothing_when_data_changed(
    world, manager, login, django_capture_on_commit_callbacks
):
    client = login(manager)
    content = xlsx_bytes(MEMBER_COLUMNS, [member_row(1), member_row(2)])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "members", content, "a.xlsx")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.VALID
    # Meanwhile 唐山 registers the same person.
    MemberFactory(org=world.branch_b, id_number=new_id(2), birth_date=BIRTH)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orgs:import_apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert job.errors == [{"row": 3, "column": "身份证号", "message": job.errors[0]["message"]}]
    assert "管理范围以外" in job.errors[0]["message"]
    assert not Member.objects.filter(id_number=new_id(1)).exists()


def test_progress_partial_polls_while_running_and_refreshes_when_done(world, manager, login):
    client = login(manager)
    job = ImportJob.objects.create(
        kind="members",
        file="imports/x.xlsx",
        original_name="x.xlsx",
        created_by=manager,
        status=ImportJob.Status.VALIDATING,
        total_rows=200,
        processed_rows=50,
    )
    response = client.get(reverse("orgs:import_progress", args=[job.pk]), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert '<progress class="w-100" max="100" value="25"' in body
    assert 'hx-trigger="every 1s"' in body
    assert "HX-Refresh" not in response
    page = client.get(reverse("orgs:import_detail", args=[job.pk])).content.decode()
    assert 'hx-get="{}"'.format(reverse("orgs:import_progress", args=[job.pk])) in page

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALID)
    response = client.get(reverse("orgs:import_progress", args=[job.pk]), headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
    assert "hx-trigger" not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名单.txt", b"abc", "只能导入 .xlsx 或 .csv 文件"),
        ("名单.xls", b"\xd0\xcf\x11\xe0", "只能导入 .xlsx 或 .csv 文件"),
        ("名单.xlsx", b"PK\x03\x04 this is not really a zip", "文件已损坏或不是有效的 Excel（.xlsx）文件"),
        ("名单.xlsx", b"", "所提交的是空文件"),
    ],
)
def test_web_upload_rejects_bad_files_with_chinese_errors(world, manager, login, name, content, message):
    response = upload(login(manager), "members", content, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_web_upload_rejects_too_big_file(world, manager, login, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    response = upload(login(manager), "members", b"x" * 2000, "big.csv")
    assert "文件过大" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_damaged_workbook_inside_a_zip_is_a_chinese_error_not_a_500(
    world, manager, login, django_capture_on_commit_callbacks
):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not-a-workbook")
    client = login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "orgs", buffer.getvalue(), "坏文件.xlsx")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    page = client.get(response["Location"]).content.decode()
    assert "文件已损坏或不是有效的 Excel（.xlsx）文件" in page


def test_web_upload_wrong_header_is_one_error(world, manager, login, django_capture_on_commit_callbacks):
    client = login(manager)
    header = list(ORG_COLUMNS)
    header[3] = "组织类别"
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "orgs", csv_bytes(header, [org_row("1", "x", "2")]), "orgs.csv")
    job = ImportJob.objects.get()
    assert job.errors == [
        {
            "row": None,
            "column": "",
            "message": (
                "表头第 4 列应为“组织类别(党委/党工委/党总支/党支部)”，文件中为“组织类别”。"
                "请使用下载的模板，不要修改表头。"
            ),
        }
    ]


def test_many_errors_are_capped_on_the_page_with_a_full_download(world, manager, login):
    errors = [{"row": n, "column": "手机号码", "message": "手机号码无效"} for n in range(2, 703)]
    job = ImportJob.objects.create(
        kind="members",
        file="imports/x.xlsx",
        original_name="x.xlsx",
        created_by=manager,
        status=ImportJob.Status.INVALID,
        errors=errors,
    )
    client = login(manager)
    page = client.get(reverse("orgs:import_detail", args=[job.pk])).content.decode()
    assert "共 701 处错误" in page and "仅显示前 500 处错误" in page
    assert "第 501 行" in page and "第 502 行" not in page
    response = client.get(reverse("orgs:import_detail", args=[job.pk]) + "?format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 702
    assert [c.value for c in sheet[702]] == [702, "手机号码", "手机号码无效"]


# --- permissions and queries --------------------------------------------------------------------


def _import_urls(job):
    return [
        reverse("orgs:import_list"),
        reverse("orgs:import_template", args=["members", "xlsx"]),
        reverse("orgs:import_detail", args=[job.pk]),
        reverse("orgs:import_progress", args=[job.pk]),
        reverse("orgs:export", args=["orgs"]),
        reverse("orgs:export", args=["members"]),
    ]


@pytest.mark.parametrize("role", [Role.LEADING_GROUP, Role.SECTOR_SUPERVISOR, Role.SECRETARY, Role.MEMBER])
def test_other_roles_get_403(world, manager, login, role):
    job = ImportJob.objects.create(kind="members", file="imports/x.xlsx", original_name="x.xlsx", created_by=manager)
    user = user_with_role(
        world.branch_a if role in (Role.SECRETARY, Role.MEMBER) else world.city_a,
        role,
        sector="rural" if role == Role.SECTOR_SUPERVISOR else "",
    )
    client = login(user)
    for url in _import_urls(job):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("orgs:import_apply", args=[job.pk])).status_code == 403


def test_anonymous_goes_to_login(world, manager, client):
    job = ImportJob.objects.create(kind="members", file="imports/x.xlsx", original_name="x.xlsx", created_by=manager)
    for url in [*_import_urls(job), reverse("orgs:import_apply", args=[job.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_another_users_job_is_404(world, manager, login):
    job = ImportJob.objects.create(
        kind="members", file="imports/x.xlsx", original_name="x.xlsx", created_by=manager, status=ImportJob.Status.VALID
    )
    colleague = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    client = login(colleague)
    for url in (
        reverse("orgs:import_detail", args=[job.pk]),
        reverse("orgs:import_progress", args=[job.pk]),
        reverse("orgs:import_detail", args=[job.pk]) + "?format=xlsx",
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("orgs:import_apply", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALID
    assert "x.xlsx" not in client.get(reverse("orgs:import_list")).content.decode()


def test_import_list_query_count_is_constant(world, manager, login):
    client = login(manager)

    def make(n):
        for i in range(n):
            ImportJob.objects.create(
                kind="members",
                file=f"imports/{i}.xlsx",
                original_name=f"文件{i}.xlsx",
                created_by=manager,
                status=ImportJob.Status.INVALID,
                total_rows=i,
            )

    make(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("orgs:import_list")).status_code == 200
    make(29)
    with CaptureQueriesContext(connection) as thirty:
        page = client.get(reverse("orgs:import_list")).content.decode()
    assert "文件28.xlsx" in page
    assert len(thirty) == len(one)


# --- the management command ---------------------------------------------------------------------


def test_import_command_dry_run_prints_every_error(world, manager, tmp_path):
    path = tmp_path / "members.xlsx"
    path.write_bytes(xlsx_bytes(MEMBER_COLUMNS, [member_row(1), member_row(2, 手机号码="1"), member_row(3, 性别="?")]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="校验未通过：共 2 处错误"):
        call_command(
            "import_data", "members", str(path), "--user", manager.username, "--apply", stdout=out, stderr=io.StringIO()
        )
    assert "第 3 行 [手机号码] 手机号码“1”无效" in out.getvalue()
    assert "第 4 行 [性别] 无法识别“?”" in out.getvalue()
    assert Member.objects.count() == 3


def test_import_command_apply(world, manager, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes(ORG_COLUMNS, [org_row("130123100399", "新村党支部", world.town_a.code)]))
    out = io.StringIO()
    call_command("import_data", "orgs", str(path), "--user", manager.username, stdout=out, stderr=io.StringIO())
    assert "校验通过（未写入）：新增 1 / 更新 0 / 未变 0" in out.getvalue()
    assert not Org.objects.filter(code="130123100399").exists()
    call_command(
        "import_data", "orgs", str(path), "--user", manager.username, "--apply", stdout=out, stderr=io.StringIO()
    )
    assert "已导入 1 行：新增 1 / 更新 0 / 未变 0" in out.getvalue()
    assert Org.objects.get_parent(Org.objects.get(code="130123100399")) == world.town_a


def test_import_command_refuses_users_without_the_role(world, tmp_path):
    secretary = user_with_role(world.branch_a, Role.SECRETARY)
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes(ORG_COLUMNS, []))
    with pytest.raises(CommandError, match="没有组织部角色"):
        call_command("import_data", "orgs", str(path), "--user", secretary.username)
