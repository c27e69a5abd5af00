"""The permission matrix over the API: the same users as the UI's matrix tests (tests/orgs/test_permissions.py,
tests/campaign/test_plans.py), the same objects, the same 404/403 table — checked against the pages themselves."""

import pytest
from django.test import Client
from django.urls import reverse

from campaign.models import Notification, Plan
from orgs.enums import Role
from tests.factories import user_with_role
from tests.factories.campaign_plans import make_plan

ROLES = ["leading_group", "org_department", "sector_supervisor", "secretary", "member"]


@pytest.fixture
def people(world):
    """One user per role, scoped so that city B (唐山) is outside every scope (as tests/orgs/test_permissions)."""
    return {
        "leading_group": user_with_role(world.city_a, Role.LEADING_GROUP),
        "org_department": user_with_role(world.county_a, Role.ORG_DEPARTMENT),
        "sector_supervisor": user_with_role(world.city_a, Role.SECTOR_SUPERVISOR, sector="rural"),
        "secretary": user_with_role(world.branch_a, Role.SECRETARY),
        "member": user_with_role(world.branch_a, Role.MEMBER),
    }


def ui_status(user, method, url):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return getattr(client, method)(url).status_code


def pairs(world):
    """(name, UI method, UI url, API method, API url)."""
    a, b = world.member_a, world.member_b
    return [
        (
            "org in scope",
            "get",
            reverse("orgs:org_detail", args=[world.branch_a.code]),
            "get",
            f"/api/v1/organizations/{world.branch_a.code}/",
        ),
        (
            "org other city",
            "get",
            reverse("orgs:org_detail", args=[world.branch_b.code]),
            "get",
            f"/api/v1/organizations/{world.branch_b.code}/",
        ),
        (
            "children in scope",
            "get",
            reverse("orgs:org_children", args=[world.town_a.code]),
            "get",
            f"/api/v1/organizations/{world.town_a.code}/children/",
        ),
        (
            "children other city",
            "get",
            reverse("orgs:org_children", args=[world.town_b.code]),
            "get",
            f"/api/v1/organizations/{world.town_b.code}/children/",
        ),
        ("member list", "get", reverse("orgs:member_list"), "get", "/api/v1/members/"),
        ("member in scope", "get", reverse("orgs:member_detail", args=[a.pk]), "get", f"/api/v1/members/{a.pk}/"),
        ("member other city", "get", reverse("orgs:member_detail", args=[b.pk]), "get", f"/api/v1/members/{b.pk}/"),
        (
            "full id in scope",
            "post",
            reverse("orgs:member_id_number", args=[a.pk]),
            "post",
            f"/api/v1/members/{a.pk}/id-number/",
        ),
        (
            "full id other city",
            "post",
            reverse("orgs:member_id_number", args=[b.pk]),
            "post",
            f"/api/v1/members/{b.pk}/id-number/",
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_orgs_and_members_answer_like_the_pages(role, world, people, api):
    user = people[role]
    client = api(user)
    for name, ui_method, ui_url, api_method, api_url in pairs(world):
        expected = ui_status(user, ui_method, ui_url)
        response = getattr(client, api_method)(api_url)
        assert response.status_code == expected, (role, name, response.status_code, expected)
        if expected in (403, 404):
            assert response["Content-Type"] == "application/problem+json"
            assert response.json()["status"] == expected


@pytest.mark.parametrize("role", ROLES)
def test_lists_hold_only_the_scope(role, world, people, api):
    client = api(people[role])
    codes = [o["code"] for o in client.get("/api/v1/organizations/?page_size=100").json()["results"]]
    assert world.branch_a.code in codes and world.branch_b.code not in codes
    assert world.city_b.code not in codes
    response = client.get("/api/v1/members/")
    if role == "member":
        assert response.status_code == 403
        return
    names = [m["name"] for m in response.json()["results"]]
    assert "张建国" in names and "王志强" not in names
    if role in ("sector_supervisor", "secretary"):
        assert "李秀英" not in names  # a school branch: another sector / another branch


def test_search_stays_inside_the_scope(world, people, api):
    client = api(people["org_department"])
    found = client.get("/api/v1/organizations/", {"search": "党支部"}).json()["results"]
    assert {o["name"] for o in found} == {"塔元庄村党支部", "正定镇中学党支部"}  # not 滦州村党支部
    assert client.get("/api/v1/organizations/", {"search": "滦"}).json()["results"] == []


# --- plans: the users of tests/campaign/test_plans.py ----------------------------------------------


@pytest.fixture
def plan_people(world):
    class People:
        sec_a = user_with_role(world.branch_a, Role.SECRETARY)
        sec_a2 = user_with_role(world.branch_a2, Role.SECRETARY)
        town_sec = user_with_role(world.town_a, Role.SECRETARY)
        dept_a = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
        city_dept = user_with_role(world.city_a, Role.ORG_DEPARTMENT)
        dept_b = user_with_role(world.county_b, Role.ORG_DEPARTMENT)
        sec_b = user_with_role(world.branch_b, Role.SECRETARY)
        leader_a = user_with_role(world.city_a, Role.LEADING_GROUP)
        member_a = user_with_role(world.branch_a, Role.MEMBER, member=world.member_a)

    return People


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("dept_b", 404),
        ("sec_a2", 404),
        ("member_a", 403),
        ("sec_a", 200),
        ("dept_a", 200),
        ("city_dept", 200),
        ("leader_a", 200),
    ],
)
def test_plan_detail_matrix(world, plan_people, campaign, api, who, expected):
    plan = make_plan(campaign, world.branch_a, theme="塔元庄方案")
    make_plan(campaign, world.branch_b, theme="滦州方案")
    user = getattr(plan_people, who)
    assert ui_status(user, "get", reverse("campaign:plan_detail", args=[plan.pk])) == expected
    response = api(user).get(f"/api/v1/plans/{plan.pk}/")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["theme"] == "塔元庄方案"
        themes = [p["theme"] for p in api(user).get("/api/v1/plans/").json()["results"]]
        assert "塔元庄方案" in themes and "滦州方案" not in themes


@pytest.mark.parametrize(
    ("action", "who", "expected"),
    [
        ("submit", "dept_a", 403),
        ("submit", "dept_b", 404),
        ("approve", "sec_a", 403),
        ("approve", "dept_b", 404),
        ("return", "sec_a", 403),
        ("return", "leader_a", 403),
    ],
)
def test_forbidden_plan_writes(world, plan_people, campaign, api, action, who, expected):
    plan = make_plan(campaign, world.branch_a, status=Plan.Status.SUBMITTED)
    user = getattr(plan_people, who)
    ui = ui_status(user, "post", reverse(f"campaign:plan_{action}", args=[plan.pk]))
    response = api(user).post(
        f"/api/v1/plans/{plan.pk}/{action}/", {"revision": plan.revision, "reason": "原因"}, format="json"
    )
    assert response.status_code == expected == ui
    assert response["Content-Type"] == "application/problem+json"
    fresh = Plan.objects.get(pk=plan.pk)
    assert (fresh.status, fresh.revision) == (Plan.Status.SUBMITTED, plan.revision)
    assert not Notification.objects.exists()


def test_dashboard_scope(world, people, api):
    assert api(people["leading_group"]).get(f"/api/v1/dashboards/{world.county_a.code}/").status_code == 200
    assert api(people["leading_group"]).get(f"/api/v1/dashboards/{world.county_b.code}/").status_code == 404
    assert api(people["secretary"]).get(f"/api/v1/dashboards/{world.branch_a.code}/").status_code == 403
    body = api(people["org_department"]).get(f"/api/v1/dashboards/{world.county_a.code}/").json()
    assert body["org"]["code"] == world.county_a.code
    assert [c["org"]["code"] for c in body["children"]] == [world.town_a.code]
