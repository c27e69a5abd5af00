"""Member checks against the ID number, the Party constitution and the calendar: gender and birth date as
the ID number says (18 and 15 digits), joined at 18 or older, a 15-digit number and its 18-digit form are
one person, days that do not exist. The import's dry run, the CLI, the member form and the services all
give the same Chinese reason at the same field, and nothing is written."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from common.actors import SYSTEM
from orgs import services
from orgs.enums import Gender
from orgs.io.columns import MEMBER_COLUMNS
from orgs.models import Member
from orgs.validators import (
    eighteenth_birthday,
    id_check_char,
    id_number_18,
    id_number_error,
    id_number_facts,
    id_number_forms,
    member_facts_errors,
)
from tests.factories import MemberFactory, make_id_number
from tests.orgs import test_import
from tests.orgs.test_import import BIRTH, issues, member_row, new_id, run, xlsx_bytes

# The importer's fixtures: 正定县's org_department (唐山 is outside the scope), uploads in a temporary MEDIA_ROOT.
manager = test_import.manager
media = test_import.media

ID15 = "130123850312905"  # 1985-03-12, a man (last digit odd)


def fifteen(id18: str) -> str:
    """The legacy 15-digit form of an 18-digit number of somebody born in the 1900s."""
    return id18[:6] + id18[8:17]


def with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


def snapshot_members():
    return list(Member.objects.order_by("id").values_list("id", "name", "gender", "birth_date", "id_number", "post"))


BAD_ROWS = [
    member_row(1, 性别="女", 身份证号=new_id(1)),  # 2
    member_row(2, 出生日期="1985-03-13"),  # 3
    member_row(3, 性别="女", 身份证号="130123850312901"),  # 4: 15 digits, a man
    member_row(4, 身份证号="130123850312903", 出生日期="1985-03-11"),  # 5: 15 digits, born 1985-03-12
    member_row(5, 入党日期="2003-03-11"),  # 6: one day short of 18
    member_row(6, 身份证号=ID15),  # 7: fine
    member_row(7, 身份证号=id_number_18(ID15), 姓名="同一人"),  # 8: row 7's 18-digit form
    member_row(8, 出生日期="1999-02-30"),  # 9
    member_row(9, 入党日期="2010-13-01"),  # 10
    member_row(10, 身份证号=with_check("13012319990230001")),  # 11
    member_row(11, 身份证号="130123990230001"),  # 12: 15 digits
    member_row(12),  # 13: fine
]
EXPECTED = [
    (2, "性别", "性别与身份证号不符（身份证号显示为男）"),
    (3, "出生日期", "出生日期与身份证号不符（身份证号显示为 1985-03-12）"),
    (4, "性别", "性别与身份证号不符（身份证号显示为男）"),
    (5, "出生日期", "出生日期与身份证号不符（身份证号显示为 1985-03-12）"),
    (6, "入党日期", "入党时未满18周岁（18周岁生日为 2003-03-12）"),
    (8, "身份证号", "身份证号与第 7 行重复（15 位与 18 位身份证号为同一人）"),
    (9, "出生日期", "1999-02-30 不是有效日期"),
    (10, "入党日期", "2010-13-01 不是有效日期"),
    (11, "身份证号", "身份证号中的出生日期 1999-02-30 不是有效日期"),
    (12, "身份证号", "身份证号中的出生日期 1999-02-30 不是有效日期"),
]


# --- the rules ---------------------------------------------------------------------------------


def test_id_number_facts_for_18_and_15_digits():
    assert id_number_facts(new_id(1)) == (BIRTH, Gender.MALE)
    assert id_number_facts(new_id(1, gender="女")) == (BIRTH, Gender.FEMALE)
    assert id_number_facts("130123850312004") == (BIRTH, Gender.FEMALE)
    assert id_number_facts(ID15) == (BIRTH, Gender.MALE)
    assert id_number_facts("130123850312") == (None, None)


def test_15_digit_number_and_its_18_digit_form_are_one_person():
    id18 = id_number_18(ID15)
    assert id18 == with_check("13012319850312905")
    assert id_number_error(id18) is None
    assert id_number_forms(ID15) == id_number_forms(id18) == {ID15, id18}
    assert id_number_18(id18) == id18


def test_eighteenth_birthday_of_a_leap_day_is_the_first_of_march():
    assert eighteenth_birthday(datetime.date(1988, 2, 29)) == datetime.date(2006, 3, 1)
    assert member_facts_errors(birth_date=datetime.date(1988, 2, 29), join_date=datetime.date(2006, 2, 28)) == {
        "join_date": "入党时未满18周岁（18周岁生日为 2006-03-01）"
    }
    assert member_facts_errors(birth_date=datetime.date(1988, 2, 29), join_date=datetime.date(2006, 3, 1)) == {}


# --- import: dry run, apply, CLI ---------------------------------------------------------------


def test_dry_run_reports_each_new_kind_of_bad_row_and_writes_nothing(world, manager):
    before = snapshot_members()
    outcome = run("members", manager, xlsx_bytes(MEMBER_COLUMNS, BAD_ROWS))
    assert issues(outcome) == EXPECTED
    assert outcome.summary["created"] == 2  # rows 7 and 13
    assert snapshot_members() == before


def test_apply_with_these_rows_writes_nothing(world, manager):
    before = snapshot_members()
    outcome = run("members", manager, xlsx_bytes(MEMBER_COLUMNS, BAD_ROWS), apply=True)
    assert issues(outcome) == EXPECTED
    assert snapshot_members() == before


def test_cli_prints_the_same_rows(world, manager, tmp_path):
    path = tmp_path / "members.xlsx"
    path.write_bytes(xlsx_bytes(MEMBER_COLUMNS, BAD_ROWS))
    out = io.StringIO()
    with pytest.raises(CommandError, match=f"校验未通过：共 {len(EXPECTED)} 处错误"):
        call_command("import_data", "members", str(path), "--user", manager.username, stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    for row, column, message in EXPECTED:
        assert f"第 {row} 行 [{column}] {message}" in lines
    assert Member.objects.count() == 3


def _row_for(member, id_number, **changes):
    values = {
        "姓名": member.name,
        "性别": "男",
        "出生日期": member.birth_date.isoformat(),
        "身份证号": id_number,
        "手机号码": member.mobile,
        "入党日期": member.join_date.isoformat(),
        "所在组织编码": member.org.code,
        "岗位": "新岗位",
        **changes,
    }
    return member_row(1, **values)


def test_15_digit_form_of_a_registered_18_digit_number_updates_that_member(world, manager):
    member = world.member_a
    content = xlsx_bytes(MEMBER_COLUMNS, [_row_for(member, fifteen(member.id_number))])
    dry = run("members", manager, content)
    assert dry.ok and (dry.summary["created"], dry.summary["updated"]) == (0, 1)
    outcome = run("members", manager, content, apply=True)
    assert outcome.ok
    member.refresh_from_db()
    assert member.post == "新岗位" and len(member.id_number) == 18
    assert Member.objects.count() == 3


def test_18_digit_form_of_a_registered_15_digit_number_updates_that_member(world, manager):
    member = MemberFactory(org=world.branch_a, id_number=ID15, birth_date=BIRTH)
    outcome = run("members", manager, xlsx_bytes(MEMBER_COLUMNS, [_row_for(member, id_number_18(ID15))]), apply=True)
    assert outcome.ok and (outcome.summary["created"], outcome.summary["updated"]) == (0, 1)
    member.refresh_from_db()
    assert member.post == "新岗位" and member.id_number == ID15
    assert Member.objects.filter(id_number=id_number_18(ID15)).count() == 0


def test_15_digit_form_of_a_member_outside_the_scope_is_refused(world, manager):
    other = world.member_b
    row = _row_for(other, fifteen(other.id_number), 所在组织编码=world.branch_a.code)
    outcome = run("members", manager, xlsx_bytes(MEMBER_COLUMNS, [row]))
    assert issues(outcome) == [(2, "身份证号", "该身份证号已登记在您管理范围以外的组织，请由对方办理组织关系转出")]


# --- the member form ---------------------------------------------------------------------------

FEMALE_ID = make_id_number(902, birth=datetime.date(1985, 3, 8), area="130123", gender=Gender.FEMALE)


def _post(org, **overrides):
    return {
        "org_code": org.code,
        "name": "赵红梅",
        "gender": "f",
        "ethnicity": "回族",
        "birth_date": "1985-03-08",
        "id_number": FEMALE_ID,
        "mobile": "13633330000",
        "join_date": "2008-07-01",
        "status": "full",
        "category": "in_service",
        "post": "村妇女主任",
        **overrides,
    }


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"gender": "m"}, "gender", "性别与身份证号不符（身份证号显示为女）"),
        ({"gender": "m", "id_number": "130123850308002"}, "gender", "性别与身份证号不符（身份证号显示为女）"),
        ({"birth_date": "1985-03-09"}, "birth_date", "出生日期与身份证号不符（身份证号显示为 1985-03-08）"),
        (
            {"birth_date": "1985-03-09", "id_number": "130123850308002"},
            "birth_date",
            "出生日期与身份证号不符（身份证号显示为 1985-03-08）",
        ),
        ({"join_date": "2003-03-07"}, "join_date", "入党时未满18周岁（18周岁生日为 2003-03-08）"),
        ({"birth_date": "1999-02-30"}, "birth_date", "1999-02-30 不是有效日期"),
        ({"join_date": "2010-13-01"}, "join_date", "2010-13-01 不是有效日期"),
        ({"id_number": "130123990230002"}, "id_number", "身份证号中的出生日期 1999-02-30 不是有效日期"),
        ("member_a_15", "id_number", "该身份证号已登记，不能重复录入"),
    ],
)
def test_member_form_shows_the_reason_at_the_field_and_writes_nothing(world, manager, login, overrides, field, message):
    if overrides == "member_a_15":
        member = world.member_a
        overrides = {"id_number": fifteen(member.id_number), "gender": "m", "birth_date": "1980-05-17"}
    before = snapshot_members()
    response = login(manager).post(reverse("orgs:member_create"), _post(world.branch_a, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert snapshot_members() == before


def test_member_form_accepts_a_matching_15_digit_number(world, manager, login):
    response = login(manager).post(reverse("orgs:member_create"), _post(world.branch_a, id_number="130123850308002"))
    assert response.status_code == 302
    assert Member.objects.get(name="赵红梅").id_number == "130123850308002"


def test_edit_form_checks_gender_against_the_id_number(world, manager, login):
    member = world.member_a
    client = login(manager)
    url = reverse("orgs:member_edit", args=[member.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update({"gender": "f", "birth_date": "1980-05-17", "join_date": "2005-07-01"})
    response = client.post(url, data)
    assert response.context["form"].errors["gender"] == ["性别与身份证号不符（身份证号显示为男）"]
    member.refresh_from_db()
    assert member.gender == Gender.MALE


# --- the services ------------------------------------------------------------------------------


def test_create_member_refuses_what_the_form_refuses(world):
    fields = {
        "name": "钱进",
        "gender": Gender.FEMALE,
        "ethnicity": "汉族",
        "birth_date": BIRTH,
        "id_number": new_id(40),
        "join_date": datetime.date(2003, 3, 11),
        "status": "full",
        "category": "in_service",
    }
    with pytest.raises(ValidationError) as exc:
        services.create_member(world.branch_a, by=SYSTEM, **fields)
    assert exc.value.message_dict == {
        "gender": ["性别与身份证号不符（身份证号显示为男）"],
        "join_date": ["入党时未满18周岁（18周岁生日为 2003-03-12）"],
    }
    same_person = {**fields, "gender": Gender.MALE, "birth_date": datetime.date(1980, 5, 17)}
    same_person.update(id_number=fifteen(world.member_a.id_number), join_date=datetime.date(2005, 7, 1))
    with pytest.raises(ValidationError) as exc:
        services.create_member(world.branch_a, by=SYSTEM, **same_person)
    assert exc.value.message_dict == {"id_number": ["该身份证号已登记，不能重复录入"]}
    assert not Member.objects.filter(name="钱进").exists()


def test_update_member_checks_only_when_those_fields_change(world):
    member = world.member_a
    with pytest.raises(ValidationError) as exc:
        services.update_member(member, by=SYSTEM, fields={"gender": Gender.FEMALE})
    assert exc.value.message_dict == {"gender": ["性别与身份证号不符（身份证号显示为男）"]}
    # A record that disagrees already (entered before these checks) still takes a badge or a post.
    Member.objects.filter(pk=member.pk).update(gender=Gender.FEMALE)
    member.refresh_from_db()
    services.update_member(member, by=SYSTEM, fields={"post": "村党支部书记"})
    member.refresh_from_db()
    assert member.post == "村党支部书记"
