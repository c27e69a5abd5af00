"""The member list's filters: each one and the combinations a county uses return the right members (what the
user sees: names and "共 N 名"), the ID-number search keeps numbers private, and the number of queries of each
filtered list does not grow with the list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.actors import SYSTEM
from evaluations.models import Period, Tier
from orgs import services
from orgs.enums import Gender, OrgKind, Role
from orgs.filters import age_band_q, years_before
from orgs.models import Member
from tests.factories import MemberFactory, make_org, user_with_role

pytestmark = pytest.mark.django_db

URL = reverse("orgs:member_list")


def born(age: int, days: int = 0) -> datetime.date:
    """A birth date that makes a member ``age`` on today's date (``days`` after that birthday)."""
    return years_before(timezone.localdate(), age) - datetime.timedelta(days=days)


def joined(age: int) -> datetime.date:
    """A join date after the 18th birthday of a member ``age`` years old (and not in the future)."""
    return years_before(timezone.localdate(), max(age - 19, 0))


def member(org, name, age, **fields):
    return MemberFactory(org=org, name=name, birth_date=born(age), join_date=joined(age), **fields)


@pytest.fixture
def county(world):
    """正定县 with a 党委 (机关党委) of its own members, beside world's 塔元庄村党支部 and 正定镇中学党支部.

    Members (besides world's 张建国 and 李秀英 under 正定县 and 王志强 under 滦县):
    - 赵建业: 机关党委, 机关, 在职, 预备, 30 years old, 党员先锋岗
    - 钱秀兰: 机关党委, 机关, 离退休, 正式, 66 years old
    - 孙立新: 塔元庄村党支部 (农村), 农民, 正式, 50 years old, 党员示范户
    - 周志国: 塔元庄村党支部 (农村), 农民, 预备, 35 years old today (the band's oldest), 党员责任区
    """
    organ = make_org(world.town_a, kind=OrgKind.COMMITTEE, sector="organ", code="130123100301", name="正定镇机关党委")
    members = {
        "赵建业": member(organ, "赵建业", 30, status="probationary", badge_vanguard_post=True),
        "钱秀兰": member(organ, "钱秀兰", 66, gender=Gender.FEMALE, category="retired", post="退休干部"),
        "孙立新": member(world.branch_a, "孙立新", 50, category="farmer", badge_demo_household=True),
        "周志国": member(
            world.branch_a, "周志国", 35, category="farmer", status="probationary", badge_responsibility_area=True
        ),
    }
    return {"organ": organ, **members}


@pytest.fixture
def tiers(world, county):
    """2011年度 tiers: 塔元庄村 先进, 正定镇中学 后进, 机关党委 computed 后进 but raised to 中间 by a superior;
    an older period says otherwise and must not count."""
    old = Period.objects.create(name="2010年度", code="t2010", start_date="2010-01-01", end_date="2010-12-31")
    new = Period.objects.create(name="2011年度", code="t2011", start_date="2011-01-01", end_date="2011-12-31")
    Tier.objects.create(org=world.branch_a, period=old, computed="backward")
    Tier.objects.create(org=world.branch_a, period=new, computed="advanced")
    Tier.objects.create(org=world.branch_a2, period=new, computed="backward")
    Tier.objects.create(
        org=county["organ"], period=new, computed="backward", override="middle", override_reason="整改到位"
    )
    Tier.objects.create(org=world.branch_b, period=new, computed="backward")
    return new


@pytest.fixture
def zzb(world):
    """正定县委组织部."""
    return user_with_role(world.county_a, Role.ORG_DEPARTMENT)


def names(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return sorted(m.name for m in response.context["object_list"]), response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["周志国", "孙立新", "张建国", "李秀英", "赵建业", "钱秀兰"]),
        ({"kind": "dw"}, ["赵建业", "钱秀兰"]),
        ({"kind": "dzb"}, ["周志国", "孙立新", "张建国", "李秀英"]),
        ({"kind": "dzz"}, []),
        ({"sector": "organ"}, ["赵建业", "钱秀兰"]),
        ({"sector": "rural"}, ["周志国", "孙立新", "张建国"]),
        ({"category": "farmer"}, ["周志国", "孙立新"]),
        ({"status": "probationary"}, ["周志国", "赵建业"]),
        ({"age": "le35"}, ["周志国", "赵建业"]),
        ({"age": "46-55"}, ["孙立新"]),
        ({"age": "ge61"}, ["钱秀兰"]),
        ({"badge": "vanguard_post"}, ["赵建业"]),
        ({"badge": "demo_household"}, ["孙立新"]),
        ({"badge": "responsibility_area"}, ["周志国"]),
        ({"q": "建"}, ["张建国", "赵建业"]),
        ({"q": "建国"}, ["张建国"]),
        ({"q": "秀兰"}, ["钱秀兰"]),
        ({"sector": "rural", "category": "farmer"}, ["周志国", "孙立新"]),
        ({"status": "probationary", "age": "le35"}, ["周志国", "赵建业"]),
        ({"category": "farmer", "badge": "demo_household"}, ["孙立新"]),
        ({"kind": "dzb", "status": "probationary", "category": "farmer"}, ["周志国"]),
        ({"status": "full", "category": "retired", "age": "ge61"}, ["钱秀兰"]),
        ({"category": "retired", "age": "36-45"}, []),
        ({"sector": "school", "category": "farmer"}, []),
        ({"q": "建", "sector": "organ"}, ["赵建业"]),
    ],
)
def test_each_filter_and_combination_shows_the_right_members(world, county, zzb, login, params, expected):
    if "age" in params:  # world's 张建国 and 李秀英 were born on 1980-05-17: their band depends on today
        band = Member.objects.filter(age_band_q(params["age"], timezone.localdate()), name__in=["张建国", "李秀英"])
        if not set(params) - {"age"}:
            expected = sorted([*expected, *band.values_list("name", flat=True)])
    shown, html = names(login(zzb), **params)
    assert shown == expected
    assert f"共 {len(expected)} 名" in html
    assert "王志强" not in html  # 滦县: outside the scope whatever the filter
    if not expected:
        assert "没有符合条件的党员" in html


@pytest.mark.parametrize(
    ("tier", "expected"),
    [("advanced", ["周志国", "孙立新", "张建国"]), ("backward", ["李秀英"]), ("middle", ["赵建业", "钱秀兰"])],
)
def test_tier_is_the_organizations_latest_tier_with_its_override(world, county, tiers, zzb, login, tier, expected):
    shown, html = names(login(zzb), tier=tier)
    assert shown == expected
    assert "组织档次（2011年度）" in html


def test_tier_combined_with_sector(world, county, tiers, zzb, login):
    assert names(login(zzb), tier="advanced", sector="rural", category="farmer")[0] == ["周志国", "孙立新"]
    assert names(login(zzb), tier="backward", sector="rural")[0] == []


def test_tier_without_any_tiers_shows_nobody(world, county, zzb, login):
    shown, html = names(login(zzb), tier="advanced")
    assert shown == [] and "没有符合条件的党员" in html and "组织档次" in html


def test_age_bands_are_counted_on_todays_date():
    today = datetime.date(2026, 3, 1)
    members = {
        "35 today": years_before(today, 35),
        "36 tomorrow": years_before(today, 36) + datetime.timedelta(days=1),
        "36 today": years_before(today, 36),
        "61 today": years_before(today, 61),
        "60 tomorrow": years_before(today, 61) + datetime.timedelta(days=1),
    }

    def band_of(birth):
        from orgs.filters import AGE_BANDS

        hits = [b for b in AGE_BANDS if _matches(age_band_q(b, today), birth)]
        assert len(hits) == 1, (birth, hits)
        return hits[0]

    assert band_of(members["35 today"]) == "le35"
    assert band_of(members["36 tomorrow"]) == "le35"
    assert band_of(members["36 today"]) == "36-45"
    assert band_of(members["61 today"]) == "ge61"
    assert band_of(members["60 tomorrow"]) == "56-60"
    assert years_before(datetime.date(2024, 2, 29), 1) == datetime.date(2023, 2, 28)


def _matches(q, birth):
    """Does the Q over birth_date hold for ``birth``? (lte / gt only)"""
    for child in q.children:
        key, value = child
        if key == "birth_date__lte" and not birth <= value:
            return False
        if key == "birth_date__gt" and not birth > value:
            return False
    return True


def test_sector_supervisor_filters_within_the_sector(world, county, login):
    supervisor = user_with_role(world.county_a, Role.SECTOR_SUPERVISOR, sector="rural")
    shown, html = names(login(supervisor))
    assert shown == ["周志国", "孙立新", "张建国"] and "共 3 名" in html
    assert names(login(supervisor), status="probationary")[0] == ["周志国"]
    assert names(login(supervisor), sector="organ")[0] == []


def test_kind_follows_the_organization(world, county, zzb, login):
    services.update_org(county["organ"], by=SYSTEM, fields={"kind": OrgKind.GENERAL_BRANCH})
    assert names(login(zzb), kind="dzz")[0] == ["赵建业", "钱秀兰"]
    assert names(login(zzb), kind="dw")[0] == []
    services.transfer_member(county["赵建业"], world.branch_a, by=SYSTEM)
    assert names(login(zzb), kind="dzz")[0] == ["钱秀兰"]
    assert Member.objects.get(name="钱秀兰").org_kind == "dzz"
    assert Member.objects.get(name="赵建业").org_kind == "dzb"


# --- the ID number ------------------------------------------------------------------------------


def test_full_id_number_finds_the_member_in_either_form(world, county, zzb, login):
    member = Member.objects.get(name="钱秀兰")
    client = login(zzb)
    shown, html = names(client, q=member.id_number)
    assert shown == ["钱秀兰"]
    fifteen = member.id_number[:6] + member.id_number[8:17]
    assert names(client, q=fifteen)[0] == ["钱秀兰"]
    assert names(client, q=member.id_number.lower())[0] == ["钱秀兰"]


def test_id_number_prefix_only_for_the_organization_department(world, county, zzb, login):
    prefix = world.member_a.id_number[:10]
    shown, html = names(login(zzb), q=prefix)
    assert "张建国" in shown and "王志强" not in html
    leader = user_with_role(world.province, Role.LEADING_GROUP)
    shown, html = names(login(leader), q=prefix)
    assert shown == []
    assert "按身份证号查询请输入完整的15位或18位号码" in html
    assert world.member_a.id_number not in html
    shown, html = names(login(zzb), q="1301")
    assert shown == [] and "至少输入前10位" in html


def test_id_number_prefix_reaches_only_managed_members(world, county, login):
    """A user who leads the province but manages one county: a prefix finds only the county's members."""
    user = user_with_role(world.province, Role.LEADING_GROUP)
    user.assignments.create(org=world.county_a, role=Role.ORG_DEPARTMENT)
    shown, html = names(login(user), q=world.member_b.id_number[:10])
    assert "王志强" not in shown  # 滦县: readable, not managed
    assert names(login(user), q=world.member_b.id_number)[0] == ["王志强"]  # the full number: readable


def test_full_id_numbers_never_appear_in_the_list(world, county, zzb, login):
    html = login(zzb).get(URL).content.decode()
    for member in Member.objects.all():
        assert member.id_number not in html


# --- queries --------------------------------------------------------------------------------------

FILTERS = [
    {},
    {"kind": "dzb"},
    {"sector": "rural", "category": "farmer"},
    {"status": "probationary"},
    {"tier": "advanced"},
    {"age": "36-45"},
    {"badge": "vanguard_post"},
    {"q": "党员"},
    {"q": "员"},
    {"status": "probationary", "age": "le35", "badge": "vanguard_post"},
    {"sector": "rural", "tier": "advanced", "kind": "dzb"},
]


def _queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "none")
def test_query_count_of_each_filtered_list_does_not_grow_with_rows(world, county, tiers, zzb, login, params):
    client = login(zzb)
    assign = {"status": "probationary", "category": "farmer", "badge_vanguard_post": True}
    member(world.branch_a, "党员甲", 30, **assign)
    member(world.branch_a, "党员乙", 40, **assign)
    small, response = _queries(client, params)
    assert 1 <= len(response.context["object_list"]) <= 30  # a list with rows (an empty one needs fewer queries)
    for i in range(40):
        member(world.branch_a, f"党员{i}", 30 if i % 2 else 40, **assign)
    large, response = _queries(client, params)
    assert small == large
    assert large <= 12, [q["sql"][:120] for q in connection.queries]


RARE = [("建", ["张建国", "赵建业"]), ("建国", ["张建国"]), ("赵建业", ["赵建业"])]


@pytest.mark.parametrize(("q", "expected"), RARE)
def test_a_rare_name_is_found_the_same_way_by_its_index(world, county, zzb, login, monkeypatch, q, expected):
    """On PostgreSQL a name rarer than one in SPARSE is looked up by its GIN index and the matches sorted
    (two characters: by the index of the name's characters): the same members, in the same order."""
    from orgs.views import members

    client = login(zzb)
    usual = [m.name for m in client.get(URL, {"q": q}).context["object_list"]]
    monkeypatch.setattr(members, "SPARSE", 0)  # every name is rare now
    rare = client.get(URL, {"q": q})
    assert [m.name for m in rare.context["object_list"]] == usual
    assert sorted(usual) == expected
    assert f"共 {len(expected)} 名" in rare.content.decode()
