"""Exports and templates: exactly the import template's columns, the user's scope only, the member
list's filters honoured, one audit row per member export, and export → import unchanged."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from orgs.enums import MemberStatus, OrgKind, OrgLevel, Role
from orgs.io.columns import MEMBER_COLUMNS, ORG_COLUMNS
from orgs.models import IdNumberView, Member, Org
from tests.factories import MemberFactory, make_org, user_with_role

from .test_import import csv_bytes, run, snapshot_members, snapshot_orgs


@pytest.fixture
def manager(world):
    return user_with_role(world.county_a, Role.ORG_DEPARTMENT)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def workbook_of(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_of(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_member_export_is_the_template_in_scope_with_full_ids_and_one_audit_row(world, manager, login):
    response = login(manager).get(reverse("orgs:export", args=["members"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = rows_of(workbook_of(response).active)
    assert rows[0] == list(MEMBER_COLUMNS)
    a = world.member_a
    assert rows[1] == [
        "张建国",
        "男",
        "汉族",
        "1980-05-17",
        a.id_number,
        "13911110001",
        "2005-07-01",
        "正式",
        "在职",
        "130123100201",
        "村民小组长",
    ]
    assert [r[0] for r in rows[1:]] == ["张建国", "李秀英"]  # 唐山's 王志强 is outside the scope
    audit = IdNumberView.objects.get()
    assert (audit.user, audit.purpose, audit.count, audit.member) == (manager, "export", 2, None)


def test_member_export_honours_the_member_list_filters(world, manager, login):
    MemberFactory(org=world.branch_a2, name="周预备", status=MemberStatus.PROBATIONARY)
    client = login(manager)
    response = client.get(reverse("orgs:export", args=["members"]), {"status": "probationary"})
    rows = rows_of(workbook_of(response).active)
    assert [r[0] for r in rows[1:]] == ["周预备"]
    response = client.get(reverse("orgs:export", args=["members"]), {"org": world.branch_a.code})
    assert [r[0] for r in rows_of(workbook_of(response).active)[1:]] == ["张建国"]
    response = client.get(reverse("orgs:export", args=["members"]), {"q": "李"})
    assert [r[0] for r in rows_of(workbook_of(response).active)[1:]] == ["李秀英"]
    assert list(IdNumberView.objects.order_by("at", "id").values_list("count", flat=True)) == [1, 1, 1]


def test_org_export_is_the_template_in_tree_order(world, manager, login):
    rows = rows_of(workbook_of(login(manager).get(reverse("orgs:export", args=["orgs"]))).active)
    assert rows == [
        list(ORG_COLUMNS),
        ["130123", "正定县", "130100", "党委", None, "否"],
        ["130123100", "正定镇", "130123", "党委", None, "否"],
        ["130123100201", "塔元庄村党支部", "130123100", "党支部", "农村", "否"],
        ["130123100202", "正定镇中学党支部", "130123100", "党支部", "中小学", "否"],
    ]


def test_unknown_export_or_template_is_404(world, manager, login):
    client = login(manager)
    assert client.get(reverse("orgs:export", args=["users"])).status_code == 404
    assert client.get(reverse("orgs:import_template", args=["users", "xlsx"])).status_code == 404
    assert client.get(reverse("orgs:import_template", args=["orgs", "xls"])).status_code == 404


def test_round_trip_export_then_import_is_unchanged(world, manager, login):
    # Some variety: a probationary retired member without mobile, a nested basic org with a flag.
    committee = make_org(world.town_a, kind=OrgKind.COMMITTEE, sector="organ", code="130123100300", name="机关党委")
    branch = make_org(committee, sector="organ", code="130123100301", name="机关支部", ethnic_religious=True)
    MemberFactory(org=branch, name="吴退休", status=MemberStatus.PROBATIONARY, category="retired", mobile="", post="")
    client = login(manager)
    orgs_file = b"".join(client.get(reverse("orgs:export", args=["orgs"])).streaming_content)
    members_file = b"".join(client.get(reverse("orgs:export", args=["members"])).streaming_content)
    orgs_before, members_before = snapshot_orgs(), snapshot_members()

    for kind, content, count in (("orgs", orgs_file, 6), ("members", members_file, 3)):
        outcome = run(kind, manager, content, f"{kind}.xlsx", apply=True)
        assert outcome.ok, outcome.errors
        assert outcome.summary["unchanged"] == count
        assert (outcome.summary["created"], outcome.summary["updated"]) == (0, 0)

    assert snapshot_orgs() == orgs_before
    assert snapshot_members() == members_before
    assert Org.objects.get(code=branch.code).level == OrgLevel.BASIC


def test_round_trip_through_csv(world, manager, login):
    client = login(manager)
    sheet = workbook_of(client.get(reverse("orgs:export", args=["members"]))).active
    rows = rows_of(sheet)
    content = csv_bytes(rows[0], rows[1:], encoding="gb18030")
    outcome = run("members", manager, content, "党员.csv")
    assert outcome.ok and outcome.summary["unchanged"] == 2


@pytest.mark.parametrize(("kind", "columns"), [("orgs", ORG_COLUMNS), ("members", MEMBER_COLUMNS)])
def test_xlsx_template_has_exact_headers_no_data_and_instructions(world, manager, login, kind, columns):
    response = login(manager).get(reverse("orgs:import_template", args=[kind, "xlsx"]))
    workbook = workbook_of(response)
    assert workbook.sheetnames[1] == "填写说明"
    data = rows_of(workbook.worksheets[0])
    assert data == [list(columns)]
    notes = rows_of(workbook["填写说明"])
    assert [r[0] for r in notes[1 : len(columns) + 1]] == list(columns)
    text = " ".join(str(v) for r in notes for v in r if v)
    assert ("党委、党工委、党总支、党支部" if kind == "orgs" else "正式、预备") in text
    # The blank template imports as "no data rows", never as garbage.
    content = b"".join(login(manager).get(reverse("orgs:import_template", args=[kind, "xlsx"])).streaming_content)
    outcome = run(kind, manager, content)
    assert [e["message"] for e in outcome.errors] == ["文件中没有数据行：请从第 2 行起填写数据。"]


@pytest.mark.parametrize(("kind", "columns"), [("orgs", ORG_COLUMNS), ("members", MEMBER_COLUMNS)])
def test_csv_template_is_the_header_in_utf8_with_bom(world, manager, login, kind, columns):
    response = login(manager).get(reverse("orgs:import_template", args=[kind, "csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == [list(columns)]


def test_formula_like_values_stay_text(world, manager, login):
    MemberFactory(org=world.branch_a, name="=HYPERLINK(1)", post="=1+1")
    rows = rows_of(workbook_of(login(manager).get(reverse("orgs:export", args=["members"]))).active)
    assert ["=HYPERLINK(1)", "=1+1"] in [[r[0], r[10]] for r in rows]


def test_export_command_writes_the_scope(world, manager, tmp_path):
    path = tmp_path / "members.xlsx"
    out = io.StringIO()
    call_command("export_data", "members", str(path), "--user", manager.username, stdout=out)
    assert "已导出 2 行" in out.getvalue()
    rows = rows_of(load_workbook(path).active)
    assert [r[4] for r in rows[1:]] == [world.member_a.id_number, world.member_a2.id_number]
    assert IdNumberView.objects.get().count == 2
    assert Member.objects.count() == 3
