"""亮牌示范 register: entries, the members' badge flags, 佩戴党徽, the scope of reads and the dashboard counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaign.models import BadgeEntry, BadgeKind, BadgeWearing
from campaign.queries import badges as qb
from campaign.services import badges as services
from campaign.tasks import sync_badge_flags as sync_task
from common.actors import SYSTEM
from orgs import services as org_services
from orgs.enums import Role, Sector
from orgs.models import Member
from tests.factories import MemberFactory, user_with_role
from tests.factories.campaign_masses import People

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def people(world):
    return People(world)


def entry(org, by, *, kind=BadgeKind.VANGUARD_POST, member=None, start=None, end=None, **fields):
    return services.create_entry(
        org,
        by=by,
        kind=kind,
        member=member,
        place=fields.pop("place", "村委会便民服务窗口"),
        start_date=start or TODAY - 30 * DAY,
        end_date=end,
        **fields,
    )


def flags(member: Member) -> dict:
    member.refresh_from_db()
    return {
        "demo_household": member.badge_demo_household,
        "vanguard_post": member.badge_vanguard_post,
        "responsibility_area": member.badge_responsibility_area,
    }


def errors_of(excinfo) -> dict:
    return {field: [str(m) for m in messages] for field, messages in excinfo.value.message_dict.items()}


# --- entries and the member's flags -------------------------------------------------------------------


def test_register_a_vanguard_post_sets_the_members_flag_with_history(world, people):
    e = entry(world.branch_a, people.secretary_a, member=world.member_a, description="带头服务群众")
    assert (e.org, e.org_path, e.org_sector) == (world.branch_a, world.branch_a.path, "rural")
    assert e.created_by == people.secretary_a and e.is_current and str(e.state_label) == "示范中"
    assert flags(world.member_a) == {"demo_household": False, "vanguard_post": True, "responsibility_area": False}
    assert e.history.count() == 1 and e.history.first().history_user == people.secretary_a
    last = world.member_a.history.order_by("-history_id").first()
    assert last.history_change_reason == "亮牌示范登记" and last.badge_vanguard_post is True
    assert last.history_user == people.secretary_a


def test_a_county_registers_a_member_at_the_members_own_branch(world, people):
    e = entry(world.county_a, people.county_od, kind=BadgeKind.DEMO_HOUSEHOLD, member=world.member_a)
    assert e.org == world.branch_a and e.org_path == world.branch_a.path
    assert flags(world.member_a)["demo_household"] is True


def test_ending_today_keeps_the_flag_until_the_end_date_has_passed(world, people):
    e = entry(world.branch_a, people.secretary_a, member=world.member_a)
    services.end_entry(e, by=people.secretary_a)
    e.refresh_from_db()
    assert e.end_date == TODAY and e.is_current  # the end date is the last day in force
    assert flags(world.member_a)["vanguard_post"] is True
    assert services.sync_badge_flags(today=TODAY + DAY) == 1
    assert flags(world.member_a)["vanguard_post"] is False
    assert services.sync_badge_flags(today=TODAY + DAY) == 0  # a second run changes nothing


def test_ending_yesterday_clears_the_flag_at_once(world, people):
    e = entry(world.branch_a, people.secretary_a, member=world.member_a)
    services.end_entry(e, by=people.secretary_a, end_date=TODAY - DAY)
    e.refresh_from_db()
    assert str(e.state_label) == "已结束"
    assert flags(world.member_a)["vanguard_post"] is False
    assert e.history.first().history_change_reason == "结束示范"
    with pytest.raises(ValidationError) as excinfo:
        services.end_entry(e, by=people.secretary_a)
    assert "已于" in errors_of(excinfo)["end_date"][0]


def test_a_future_entry_sets_the_flag_on_its_start_day(world, people):
    entry(
        world.branch_a,
        people.secretary_a,
        kind=BadgeKind.RESPONSIBILITY_AREA,
        member=world.member_a,
        start=TODAY + 3 * DAY,
        end=TODAY + 10 * DAY,
    )
    assert flags(world.member_a)["responsibility_area"] is False
    assert sync_task.delay(day=(TODAY + 3 * DAY).isoformat()).get() == 1
    assert flags(world.member_a)["responsibility_area"] is True
    assert services.sync_badge_flags(today=TODAY + 11 * DAY) == 1
    assert flags(world.member_a)["responsibility_area"] is False


def test_the_flag_stays_while_another_entry_of_the_kind_is_current(world, people):
    first = entry(world.branch_a, people.secretary_a, member=world.member_a)
    entry(world.branch_a, people.secretary_a, member=world.member_a, place="农机合作社")
    services.end_entry(first, by=people.secretary_a, end_date=TODAY - DAY)
    assert flags(world.member_a)["vanguard_post"] is True


def test_members_never_registered_keep_their_recorded_flags(world, people):
    org_services.update_member(world.member_b, by=SYSTEM, fields={"badge_demo_household": True})
    assert services.sync_badge_flags() == 0
    assert flags(world.member_b)["demo_household"] is True


def test_changing_kind_and_member_moves_the_flags(world, people):
    other = MemberFactory(org=world.branch_a, name="李长顺")
    e = entry(world.branch_a, people.secretary_a, kind=BadgeKind.DEMO_HOUSEHOLD, member=world.member_a)
    services.update_entry(e, by=people.secretary_a, fields={"kind": BadgeKind.VANGUARD_POST})
    assert flags(world.member_a) == {"demo_household": False, "vanguard_post": True, "responsibility_area": False}
    services.update_entry(e, by=people.secretary_a, fields={"member": other, "place": "  养殖小区  "})
    e.refresh_from_db()
    assert e.place == "养殖小区" and e.member == other
    assert flags(world.member_a)["vanguard_post"] is False and flags(other)["vanguard_post"] is True
    assert e.history.count() == 3


def test_a_model_post_may_name_only_the_post_and_sets_no_flag(world, people):
    post = entry(world.county_a, people.county_od, kind=BadgeKind.MODEL_POST, post_name="县医院党员示范岗")
    assert post.org == world.county_a and post.holder == "县医院党员示范岗" and post.member is None
    staffed = entry(world.county_a, people.county_od, kind=BadgeKind.MODEL_POST, member=world.member_a)
    assert staffed.org == world.county_a  # the organization that set the post
    assert flags(world.member_a) == {"demo_household": False, "vanguard_post": False, "responsibility_area": False}


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"start": TODAY, "end": TODAY - DAY}, "end_date", f"结束日期不能早于开始日期（{TODAY.isoformat()}）"),
        ({"kind": BadgeKind.DEMO_HOUSEHOLD}, "member", "党员示范户须落实到党员，请选择党员"),
        ({"kind": BadgeKind.MODEL_POST}, "post_name", "示范岗位须选择担任的党员或填写岗位名称"),
        ({"kind": "flag"}, "kind", "请选择类别"),
        ({"place": " "}, "place", "请填写地点：示范户的住址、所在岗位或责任区的范围"),
        ({"place": "住址 130102198005170011"}, "place", "请勿填写身份证号码"),
    ],
)
def test_refusals_land_on_the_field_in_chinese(world, people, fields, field, message):
    with pytest.raises(ValidationError) as excinfo:
        entry(world.branch_a, people.secretary_a, **fields)
    assert any(message in m for m in errors_of(excinfo)[field])
    assert not BadgeEntry.objects.exists()


def test_a_member_outside_the_subtree_is_refused(world, people):
    with pytest.raises(ValidationError) as excinfo:
        entry(world.branch_a, people.county_od, member=world.member_a2)
    assert errors_of(excinfo)["member"] == ["李秀英不是“塔元庄村党支部”（含下级组织）的党员"]
    e = entry(world.branch_a, people.secretary_a, member=world.member_a)
    with pytest.raises(ValidationError) as excinfo:
        services.update_entry(e, by=people.secretary_a, fields={"member": world.member_a2})
    assert errors_of(excinfo)["member"] == ["李秀英不是“塔元庄村党支部”（含下级组织）的党员"]
    assert flags(world.member_a2)["vanguard_post"] is False


@pytest.mark.parametrize("who", ["secretary_a2", "city_lg", "sector", "member_a", "city_b_od", "instructor"])
def test_only_the_secretary_and_the_covering_department_write(world, people, who):
    by = getattr(people, who)
    with pytest.raises(PermissionDenied):
        entry(world.branch_a, by, member=world.member_a)
    e = entry(world.branch_a, people.secretary_a, member=world.member_a)
    with pytest.raises(PermissionDenied):
        services.update_entry(e, by=by, fields={"place": "别处"})
    with pytest.raises(PermissionDenied):
        services.end_entry(e, by=by)
    with pytest.raises(PermissionDenied):
        services.record_wearing(world.branch_a, by=by, month=TODAY, wearing=1, total=1)


def test_sector_copy_follows_the_organization(world, people):
    e = entry(world.branch_a, people.secretary_a, member=world.member_a)
    w = services.record_wearing(world.branch_a, by=people.secretary_a, month=TODAY, wearing=1, total=1)
    org_services.update_org(world.branch_a, by=SYSTEM, fields={"sector": Sector.HEALTH})
    e.refresh_from_db()
    w.refresh_from_db()
    assert e.org_sector == w.org_sector == "health"


# --- 佩戴党徽 ------------------------------------------------------------------------------------


def test_record_wearing_and_correct_the_same_month(world, people):
    MemberFactory(org=world.branch_a, name="李长顺")
    MemberFactory(org=world.branch_a, name="赵淑芬")
    row = services.record_wearing(
        world.branch_a, by=people.secretary_a, month=datetime.date(2010, 7, 15), wearing=2, total=3, note="七一前"
    )
    assert (row.month, row.wearing, row.total, row.rate) == (datetime.date(2010, 7, 1), 2, 3, Decimal("66.7"))
    again = services.record_wearing(
        world.branch_a, by=people.county_od, month=datetime.date(2010, 7, 1), wearing=3, total=3
    )
    assert again.pk == row.pk and BadgeWearing.objects.count() == 1
    assert (again.wearing, again.rate, again.recorded_by) == (3, Decimal("100.0"), people.county_od)
    assert again.history.count() == 2


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"wearing": 2, "total": 1}, "wearing", "佩戴党徽人数（2）不能多于党员总数（1）"),
        ({"wearing": 1, "total": 5}, "total", "党员总数不能多于本组织的党员人数（1名）"),
        ({"wearing": 0, "total": 0}, "total", "党员总数至少为1"),
        ({"month": TODAY.replace(day=1) + 40 * DAY}, "month", "不能登记以后月份的佩戴情况"),
    ],
)
def test_wearing_refusals(world, people, values, field, message):
    values = {"month": TODAY, "wearing": 1, "total": 1, **values}
    with pytest.raises(ValidationError) as excinfo:
        services.record_wearing(world.branch_a, by=people.secretary_a, **values)
    assert errors_of(excinfo)[field] == [message]
    assert not BadgeWearing.objects.exists()


def test_wearing_is_recorded_by_basic_organizations(world, people):
    with pytest.raises(ValidationError) as excinfo:
        services.record_wearing(world.town_a, by=people.county_od, month=TODAY, wearing=1, total=1)
    assert errors_of(excinfo)["org"] == ["佩戴党徽情况由基层党组织按月登记"]


# --- scope ------------------------------------------------------------------------------------------


def test_reads_stay_inside_the_scope_and_the_sector(world, people):
    a = entry(world.branch_a, people.secretary_a, member=world.member_a)
    a2 = entry(world.branch_a2, people.secretary_a2, member=world.member_a2)
    b = entry(world.branch_b, people.secretary_b, member=world.member_b)
    assert set(qb.entries_for(people.secretary_a)) == {a}
    assert set(qb.entries_for(people.secretary_a2)) == {a2}
    assert set(qb.entries_for(people.county_od)) == {a, a2}
    assert set(qb.entries_for(people.sector)) == {a}  # rural only
    assert set(qb.entries_for(people.province_od)) == {a, a2, b}
    assert not qb.entries_for(people.member_a).exists()
    other_county = user_with_role(world.county_b, Role.ORG_DEPARTMENT)
    assert set(qb.entries_for(other_county)) == {b}


def test_current_and_all(world, people):
    now = entry(world.branch_a, people.secretary_a, member=world.member_a)
    ended = entry(world.branch_a, people.secretary_a, member=world.member_a, start=TODAY - 9 * DAY, end=TODAY - DAY)
    later = entry(world.branch_a, people.secretary_a, member=world.member_a, start=TODAY + DAY)
    assert list(qb.entry_list(people.secretary_a)) == [now]
    assert list(qb.entry_list(people.secretary_a, state=qb.STATE_ALL)) == [now, ended, later]
    assert [e.state() for e in (now, ended, later)] == ["current", "ended", "pending"]


# --- counts for dashboards ------------------------------------------------------------------------


def test_badge_counts_in_two_queries(world, people):
    entry(world.branch_a, people.secretary_a, member=world.member_a)
    entry(world.branch_a, people.secretary_a, kind=BadgeKind.DEMO_HOUSEHOLD, member=world.member_a)
    entry(world.branch_a2, people.secretary_a2, kind=BadgeKind.RESPONSIBILITY_AREA, member=world.member_a2)
    entry(world.branch_a, people.secretary_a, member=world.member_a, start=TODAY - 9 * DAY, end=TODAY - DAY)
    entry(world.county_a, people.county_od, kind=BadgeKind.MODEL_POST, post_name="县医院示范岗")
    entry(world.branch_b, people.secretary_b, member=world.member_b)  # another city: never counted
    MemberFactory(org=world.branch_a, name="李长顺")
    last_month = (TODAY.replace(day=1) - DAY).replace(day=1)
    services.record_wearing(world.branch_a, by=people.secretary_a, month=last_month, wearing=1, total=2)
    services.record_wearing(world.branch_a, by=people.secretary_a, month=TODAY, wearing=2, total=2)
    services.record_wearing(world.branch_a2, by=people.secretary_a2, month=last_month, wearing=0, total=1)
    services.record_wearing(world.branch_b, by=people.secretary_b, month=TODAY, wearing=1, total=1)
    with CaptureQueriesContext(connection) as ctx:
        counts = qb.badge_counts(world.county_a.path)
    assert len(ctx.captured_queries) == 2
    assert counts == {
        "current": {"demo_household": 1, "vanguard_post": 1, "responsibility_area": 1, "model_post": 1},
        "current_total": 4,
        "wearing": 2,  # branch_a's latest month (2 of 2) and branch_a2's (0 of 1)
        "wearing_total": 3,
        "wearing_orgs": 2,
        "wearing_rate": Decimal("66.7"),
    }
    assert qb.badge_counts(world.branch_b.path)["current"]["vanguard_post"] == 1
    empty = qb.badge_counts(world.town_b.path + "9999")
    assert empty["current_total"] == 0 and empty["wearing_rate"] is None
