"""Member.org_sector: the copy of the organization's sector kept by every write, and what reads it."""

import pytest
from django.db.models import F
from django.urls import reverse

from common.actors import SYSTEM
from orgs import queries, services
from orgs.enums import Role, Sector
from orgs.io.columns import MEMBER_COLUMNS, ORG_COLUMNS
from orgs.models import Member
from tests.factories import MemberFactory, user_with_role
from tests.orgs.test_import import issues, member_row, org_row, run, xlsx_bytes


@pytest.fixture
def manager(world):
    return user_with_role(world.county_a, Role.ORG_DEPARTMENT, full_name="正定县委组织部")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def sectors():
    return dict(Member.objects.values_list("name", "org_sector"))


def assert_copies_match():
    assert not Member.objects.exclude(org_sector=F("org__sector")).exists()


def test_create_member_copies_the_sector(world):
    assert (world.member_a.org_sector, world.member_a2.org_sector) == (Sector.RURAL, Sector.SCHOOL)
    member = MemberFactory(org=world.branch_a2, name="周敏")
    member.refresh_from_db()
    assert member.org_sector == Sector.SCHOOL


def test_transfer_member_takes_the_new_sector(world):
    services.transfer_member(world.member_a2, world.branch_a, by=SYSTEM)
    world.member_a2.refresh_from_db()
    assert world.member_a2.org_sector == Sector.RURAL
    assert_copies_match()


def test_editing_a_member_cannot_change_the_copy(world):
    services.update_member(world.member_a, by=SYSTEM, fields={"org_sector": Sector.HEALTH, "post": "会计"})
    world.member_a.refresh_from_db()
    assert (world.member_a.post, world.member_a.org_sector) == ("会计", Sector.RURAL)


def test_changing_an_orgs_sector_updates_its_members(world):
    services.update_org(world.branch_a2, by=SYSTEM, fields={"sector": Sector.HEALTH})
    assert sectors() == {"张建国": Sector.RURAL, "李秀英": Sector.HEALTH, "王志强": Sector.RURAL}
    services.update_org(world.branch_a2, by=SYSTEM, fields={"name": "正定镇卫生院党支部"})
    assert sectors()["李秀英"] == Sector.HEALTH


def test_member_import_creates_and_transfers_with_the_sector(world, manager):
    a2 = world.member_a2
    rows = [
        member_row(1, 姓名="孙丽", 性别="女", 所在组织编码=world.branch_a2.code),
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
    assert outcome.summary["transferred"] == 1
    assert sectors()["孙丽"] == Sector.SCHOOL
    assert sectors()["李秀英"] == Sector.RURAL
    assert_copies_match()


def test_org_import_changing_a_sector_updates_its_members(world, manager):
    rows = [org_row(world.branch_a2.code, world.branch_a2.name, world.town_a.code, sector="卫生")]
    outcome = run("orgs", manager, xlsx_bytes(ORG_COLUMNS, rows), apply=True)
    assert outcome.ok, issues(outcome)
    assert outcome.summary["updated"] == 1
    assert sectors()["李秀英"] == Sector.HEALTH
    assert_copies_match()


def test_sector_scope_follows_the_copy(world, login):
    supervisor = user_with_role(world.city_a, Role.SECTOR_SUPERVISOR, sector=Sector.RURAL)
    assert list(queries.members_for(supervisor).values_list("name", flat=True)) == ["张建国"]
    services.update_org(world.branch_a2, by=SYSTEM, fields={"sector": Sector.RURAL})
    html = login(supervisor).get(reverse("orgs:member_list")).content.decode()
    assert "张建国" in html and "李秀英" in html and "王志强" not in html


def test_sector_and_category_filters_on_the_list(world, manager, login):
    client = login(manager)
    html = client.get(reverse("orgs:member_list"), {"sector": Sector.SCHOOL}).content.decode()
    assert "李秀英" in html and "张建国" not in html
    html = client.get(reverse("orgs:member_list"), {"sector": Sector.RURAL}).content.decode()
    assert "张建国" in html and "李秀英" not in html
    services.update_member(world.member_a, by=SYSTEM, fields={"category": "student"})
    html = client.get(reverse("orgs:member_list"), {"category": "student"}).content.decode()
    assert "张建国" in html and "李秀英" not in html
