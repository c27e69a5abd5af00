"""The permission matrix of the scoring pages (every URL × role, with the second subtree present):
anonymous → login; other subtree → 404; wrong role in scope → 403; right role → 200 and the
right rows. And query counts that do not grow with the rows on every list."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.enums import Source, TierLevel
from evaluations.models import TierRun
from evaluations.services.criteria import copy_set
from orgs.enums import Role
from tests.factories import make_org, user_with_role
from tests.factories.evaluations_scoring import make_assessment, make_period, make_tier

ROLES = ["leading_group", "org_department", "sector_supervisor", "secretary", "member"]
ALL = set(ROLES)
READERS = {"leading_group", "org_department", "sector_supervisor", "secretary"}
STATS = {"leading_group", "org_department", "sector_supervisor"}
MANAGERS = {"org_department"}


@pytest.fixture
def people(world):
    return {
        "leading_group": user_with_role(world.city_a, Role.LEADING_GROUP),
        "org_department": user_with_role(world.county_a, Role.ORG_DEPARTMENT),
        "sector_supervisor": user_with_role(world.city_a, Role.SECTOR_SUPERVISOR, sector="rural"),
        "secretary": user_with_role(world.branch_a, Role.SECRETARY),
        "member": user_with_role(world.branch_a, Role.MEMBER),
    }


@pytest.fixture
def data(world, seed_criteria):
    period = make_period(2011, code="y2011")
    make_period(2012, code="y2012")
    dept_b = user_with_role(world.county_b, Role.ORG_DEPARTMENT)
    dept_a = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    set_a = copy_set(seed_criteria["five-good"], owner_org=world.county_a, period=None, by=dept_a)
    set_b = copy_set(seed_criteria["five-good"], owner_org=world.county_b, period=None, by=dept_b)
    assessment_a = make_assessment(period, org=world.branch_a, source=Source.SUPERIOR, author=dept_a)
    assessment_b = make_assessment(period, org=world.branch_b, source=Source.SUPERIOR, author=dept_b)
    make_tier(world.branch_a, period, TierLevel.ADVANCED)
    make_tier(world.branch_b, period, TierLevel.BACKWARD)
    run_a = TierRun.objects.create(period=period, root_org=world.county_a, status=TierRun.Status.DONE)
    run_b = TierRun.objects.create(period=period, root_org=world.county_b, status=TierRun.Status.DONE)
    return {
        "period": period,
        "set_a": set_a,
        "set_b": set_b,
        "five_good": seed_criteria["five-good"],
        "assessment_a": assessment_a,
        "assessment_b": assessment_b,
        "run_a": run_a,
        "run_b": run_b,
    }


def _urls(world, d):
    """(name, in-scope url, other-subtree url or None, roles answered 200, roles answered 404 in scope)."""
    r = reverse
    return [
        ("home", r("evaluations:scoring_home"), None, ALL, set()),
        ("criteria_list", r("evaluations:scoring_criteria_list"), None, ALL, set()),
        (
            "criteria_detail",
            r("evaluations:scoring_criteria_detail", args=[d["set_a"].pk]),
            r("evaluations:scoring_criteria_detail", args=[d["set_b"].pk]),
            ALL,
            set(),
        ),
        (
            "criteria_copy",
            r("evaluations:scoring_criteria_copy", args=[d["five_good"].pk]),
            r("evaluations:scoring_criteria_copy", args=[d["set_b"].pk]),
            MANAGERS,
            set(),
        ),
        (
            "criteria_edit",
            r("evaluations:scoring_criteria_edit", args=[d["set_a"].pk]),
            r("evaluations:scoring_criteria_edit", args=[d["set_b"].pk]),
            MANAGERS,
            set(),
        ),
        (
            "assess_self",
            r("evaluations:scoring_assess_org", args=["y2011", world.branch_a.code, "self"]),
            r("evaluations:scoring_assess_org", args=["y2011", world.branch_b.code, "self"]),
            {"secretary"},
            set(),
        ),
        (
            "assess_superior",
            r("evaluations:scoring_assess_org", args=["y2012", world.branch_a.code, "superior"]),
            r("evaluations:scoring_assess_org", args=["y2012", world.branch_b.code, "superior"]),
            MANAGERS,
            set(),
        ),
        (
            "assess_member_superior",
            r("evaluations:scoring_assess_member", args=["y2011", world.member_a.pk, "superior"]),
            r("evaluations:scoring_assess_member", args=["y2011", world.member_b.pk, "superior"]),
            {"org_department", "secretary"},
            set(),
        ),
        (
            "assessment_detail",
            r("evaluations:scoring_assessment_detail", args=[d["assessment_a"].pk]),
            r("evaluations:scoring_assessment_detail", args=[d["assessment_b"].pk]),
            READERS,
            {"member"},  # members do not see other people's assessments at all
        ),
        ("weights", r("evaluations:scoring_weights"), None, MANAGERS, set()),
        ("tiers", r("evaluations:scoring_tiers") + "?period=y2011", None, READERS, set()),
        (
            "tier_detail",
            r("evaluations:scoring_tier_detail", args=["y2011", world.branch_a.code]),
            r("evaluations:scoring_tier_detail", args=["y2011", world.branch_b.code]),
            READERS,
            set(),
        ),
        (
            "tier_stats",
            r("evaluations:scoring_tier_stats") + "?node=" + world.county_a.code,
            r("evaluations:scoring_tier_stats") + "?node=" + world.county_b.code,
            STATS,
            set(),
        ),
        (
            "tier_movement",
            r("evaluations:scoring_tier_movement") + "?node=" + world.county_a.code,
            r("evaluations:scoring_tier_movement") + "?node=" + world.county_b.code,
            STATS,
            set(),
        ),
        ("targets", r("evaluations:scoring_targets"), None, MANAGERS, set()),
        (
            "tier_run",
            r("evaluations:scoring_tier_run", args=[d["run_a"].pk]),
            r("evaluations:scoring_tier_run", args=[d["run_b"].pk]),
            MANAGERS,
            set(),
        ),
    ]


def test_anonymous_is_sent_to_login(world, data):
    client = Client()
    for name, url, _other, _ok, _hidden in _urls(world, data):
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


@pytest.mark.parametrize("role", ROLES)
def test_matrix(world, data, people, login, role):
    client = login(people[role])
    for name, url, other, ok, hidden in _urls(world, data):
        expected = 200 if role in ok else 404 if role in hidden else 403
        assert client.get(url).status_code == expected, (name, role)
        if other is not None and role in ok:
            assert client.get(other).status_code == 404, (name, role, "other subtree")


def test_right_rows(world, data, people, login):
    dept = login(people["org_department"])
    home = dept.get(reverse("evaluations:scoring_home")).content.decode()
    assert "塔元庄村党支部" in home and "正定镇中学党支部" in home and "滦州村党支部" not in home
    tiers = dept.get(reverse("evaluations:scoring_tiers"), {"period": "y2011"}).content.decode()
    assert "塔元庄村党支部" in tiers and "滦州村党支部" not in tiers
    criteria = dept.get(reverse("evaluations:scoring_criteria_list")).content.decode()
    assert "正定县" in criteria and "滦县" not in criteria
    # the sector supervisor (rural) sees the rural branch only
    tiers = (
        login(people["sector_supervisor"])
        .get(reverse("evaluations:scoring_tiers"), {"period": "y2011"})
        .content.decode()
    )
    assert "塔元庄村党支部" in tiers and "滦州村党支部" not in tiers
    # the secretary is asked for its own self-assessment
    home = login(people["secretary"]).get(reverse("evaluations:scoring_home")).content.decode()
    assert "本组织自评" in home and "开始自评" in home and "上级考核（" not in home


# --- query counts: 1 row vs 30 rows ---------------------------------------------------------------


def _count(client, url, params=None):
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _orgs(world, n):
    return [make_org(world.town_a, sector="rural", name=f"查询支部{i}") for i in range(n)]


def test_tier_list_queries_constant(world, seed_criteria, login):
    period = make_period(2011, code="y2011")
    client = login(user_with_role(world.county_a, Role.ORG_DEPARTMENT))
    url = reverse("evaluations:scoring_tiers")
    orgs = _orgs(world, 30)
    make_tier(orgs[0], period, TierLevel.MIDDLE)
    one = _count(client, url)
    for org in orgs[1:]:
        make_tier(org, period, TierLevel.ADVANCED, override=TierLevel.MIDDLE)
    assert _count(client, url) == one


def test_home_superior_list_queries_constant(world, seed_criteria, login):
    period = make_period(2011, code="y2011")
    client = login(user_with_role(world.town_b, Role.ORG_DEPARTMENT))
    url = reverse("evaluations:scoring_home")
    one = _count(client, url)  # town B has one basic org
    orgs = [make_org(world.town_b, sector="rural") for _ in range(29)]
    for org in orgs[::2]:
        make_assessment(period, org=org, source=Source.SUPERIOR)
    assert _count(client, url) == one


def test_peer_list_queries_constant(world, seed_criteria, login):
    from tests.factories import MemberFactory

    period = make_period(2011, code="y2011")
    secretary = user_with_role(world.branch_a, Role.SECRETARY)
    client = login(secretary)
    url = reverse("evaluations:scoring_home")
    one = _count(client, url)
    for _ in range(29):
        MemberFactory(org=world.branch_a)
    make_assessment(period, member=world.member_a, source=Source.PEER, author=secretary)
    assert _count(client, url) == one


def test_criteria_and_movement_lists_queries_constant(world, seed_criteria, login):
    p1 = make_period(2011, code="y2011")
    p2 = make_period(2012, code="y2012")
    dept = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    client = login(dept)
    orgs = _orgs(world, 30)
    make_tier(orgs[0], p1, TierLevel.MIDDLE)
    make_tier(orgs[0], p2, TierLevel.ADVANCED)
    movement = reverse("evaluations:scoring_tier_movement") + "?period=y2012&from_period=y2011"
    criteria = reverse("evaluations:scoring_criteria_list")
    one_movement = _count(client, movement)
    one_criteria = _count(client, criteria)
    for org in orgs[1:]:
        make_tier(org, p1, TierLevel.BACKWARD)
        make_tier(org, p2, TierLevel.MIDDLE)
    copy_set(seed_criteria["five-models"], owner_org=world.county_a, period=None, by=dept)
    copy_set(seed_criteria["five-good"], owner_org=world.town_a, period=p1, by=dept)
    assert _count(client, movement) == one_movement
    assert _count(client, criteria) == one_criteria
    assert "查询支部29" in client.get(movement).content.decode()
