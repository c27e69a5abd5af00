"""The permission matrix over the API for the campaign's work, with the UI's own tables and users:
tests/campaign/test_timeline.py (``_matrix``, ``people``), tests/evaluations/test_scoring_permissions.py (``_urls``,
``people``, ``data``), the awards matrix's users (tests/factories/awards_nominations.Staff) and the import pages'.
Each API twin of a UI row answers as the row says (allowed → success, other role → 403, the other subtree → 404)
and as the page itself answers for the same user."""

import pytest
from django.test import Client
from django.urls import reverse

from awards.models import Nomination
from orgs.enums import Role
from orgs.models import ImportJob
from tests.campaign import test_timeline as ui_timeline
from tests.evaluations import test_scoring_permissions as ui_scoring
from tests.factories import user_with_role
from tests.factories.awards_nominations import Staff, chain_quotas, make_round, nominate_member

pytestmark = pytest.mark.django_db

OK = {200, 201, 202}
ROLES = ui_scoring.ROLES
# The UI matrices' own fixtures: one user per role, city B (唐山) outside every scope (the same five users in
# tests/campaign/test_timeline.py and tests/evaluations/test_scoring_permissions.py), and the scoring data
# (periods y2011/y2012, criteria sets, assessments and tiers of both cities).
people = ui_scoring.people
data = ui_scoring.data
assert set(ROLES) == ui_timeline.ALL


def ui_status(user, method, url):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return getattr(client, method)(url).status_code


def same_answer(api_status, ui):
    """A page answers a success with 200 (or a 302 after a POST), the API with 200/201/202."""
    return (api_status in OK) if ui in (200, 302) else api_status == ui


# --- milestones: tests/campaign/test_timeline.py's table -------------------------------------------


def _milestone_twins(world, campaign):
    study = campaign.milestones.get(code="study")
    base = f"/api/v1/milestones/{study.pk}/orgs/"
    return {
        "milestone_orgs": ("get", base, None),
        "milestone_mark": ("post", f"{base}{world.branch_a.code}/done/", f"{base}{world.branch_b.code}/done/"),
        "milestone_unmark": (
            "post",
            f"{base}{world.branch_a.code}/undone/",
            f"{base}{world.branch_b.code}/undone/",
        ),
    }


@pytest.mark.parametrize("role", ROLES)
def test_milestones_follow_the_timeline_matrix(world, campaign, people, api, role):
    user = people[role]
    client = api(user)
    twins = _milestone_twins(world, campaign)
    checked = 0
    for name, ui_method, ui_url, ui_other, allowed in ui_timeline._matrix(world, campaign):
        if name not in twins:
            continue
        method, url, other = twins[name]
        response = getattr(client, method)(url, {}, format="json") if method == "post" else client.get(url)
        expected_ok = role in allowed
        assert (response.status_code in OK) == expected_ok, (name, role, response.status_code)
        if not expected_ok:
            assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
        assert same_answer(response.status_code, ui_status(user, ui_method, ui_url)), (name, role)
        if other and expected_ok:
            assert (
                getattr(client, method)(other, {}, format="json").status_code
                == 404
                == ui_status(user, ui_method, ui_other)
            )
        checked += 1
    assert checked == 3


# --- assessments and tiers: tests/evaluations/test_scoring_permissions.py's table -------------------


def _scoring_twins(world, d):
    a, b = world.branch_a.code, world.branch_b.code
    return {
        "assess_self": ("post", f"/api/v1/assessments/y2011/org/{a}/self/", f"/api/v1/assessments/y2011/org/{b}/self/"),
        "assess_superior": (
            "post",
            f"/api/v1/assessments/y2012/org/{a}/superior/",
            f"/api/v1/assessments/y2012/org/{b}/superior/",
        ),
        "assess_member_superior": (
            "post",
            f"/api/v1/assessments/y2011/member/{world.member_a.pk}/superior/",
            f"/api/v1/assessments/y2011/member/{world.member_b.pk}/superior/",
        ),
        "assessment_detail": (
            "get",
            f"/api/v1/assessments/{d['assessment_a'].pk}/",
            f"/api/v1/assessments/{d['assessment_b'].pk}/",
        ),
        "tiers": ("get", "/api/v1/periods/y2011/tiers/", None),
    }


@pytest.mark.parametrize("role", ROLES)
def test_assessments_and_tiers_follow_the_scoring_matrix(world, data, people, api, role):
    user = people[role]
    client = api(user)
    twins = _scoring_twins(world, data)
    checked = 0
    for name, ui_url, ui_other, ok, hidden in ui_scoring._urls(world, data):
        if name not in twins:
            continue
        method, url, other = twins[name]
        expected = 200 if role in ok else 404 if role in hidden else 403
        assert ui_status(user, "get", ui_url) == expected, (name, role)  # the UI table still holds
        call = (lambda u: client.post(u, {"scores": []}, format="json")) if method == "post" else client.get
        status = call(url).status_code
        assert same_answer(status, expected), (name, role, status, expected)
        if other is not None and role in ok:
            assert call(other).status_code == 404 == ui_status(user, "get", ui_other), (name, role)
        checked += 1
    assert checked == 5


def test_tier_rows_are_the_scope(world, data, api):
    dept = api(user_with_role(world.county_a, Role.ORG_DEPARTMENT))
    rows = dept.get("/api/v1/periods/y2011/tiers/").json()["results"]
    assert [(t["org"]["code"], t["tier"]) for t in rows] == [(world.branch_a.code, "advanced")]
    supervisor = api(user_with_role(world.city_a, Role.SECTOR_SUPERVISOR, sector="rural"))
    assert [t["org"]["code"] for t in supervisor.get("/api/v1/periods/y2011/tiers/").json()["results"]] == [
        world.branch_a.code
    ]
    assert dept.get("/api/v1/periods/nosuch/tiers/").status_code == 404
    listed = dept.get("/api/v1/assessments/?period=y2011").json()["results"]
    assert [a["id"] for a in listed] == [data["assessment_a"].pk]


# --- awards: the users of tests/awards/test_nominations_views.py ------------------------------------


def test_rounds_nominations_and_the_commendation_list_answer_like_the_pages(world, api):
    staff = Staff(world)
    award_round = make_round(world.province, code="qiyi-test")
    chain_quotas(award_round, [world.province, world.city_a, world.county_a, world.town_a], 2)
    nomination = nominate_member(award_round, world, by=staff.secretary)
    other = nominate_member(award_round, world, world.member_b, by=staff.secretary_b)
    Nomination.objects.filter(pk__in=[nomination.pk, other.pk]).update(status=Nomination.Status.APPROVED)
    city_round = make_round(world.city_a, code="city-round")
    member = user_with_role(world.branch_a, Role.MEMBER)
    pairs = [
        ("round_list", reverse("awards:round_list"), "/api/v1/award-rounds/"),
        ("round_detail", reverse("awards:round_detail", args=[award_round.code]), "/api/v1/award-rounds/qiyi-test/"),
        ("city_round", reverse("awards:round_detail", args=[city_round.code]), "/api/v1/award-rounds/city-round/"),
        (
            "list",
            reverse("awards:nomination_list", args=[award_round.code]),
            "/api/v1/award-rounds/qiyi-test/nominations/",
        ),
        ("detail", reverse("awards:nomination_detail", args=[nomination.pk]), f"/api/v1/nominations/{nomination.pk}/"),
        (
            "commended",
            reverse("awards:decision", args=[award_round.code]),
            "/api/v1/award-rounds/qiyi-test/commended/",
        ),
        (
            "commended_city",
            reverse("awards:decision", args=[city_round.code]),
            "/api/v1/award-rounds/city-round/commended/",
        ),
    ]
    users = {
        "county": staff.county,
        "city_b": staff.city_b,
        "secretary": staff.secretary,
        "secretary_a2": staff.secretary_a2,
        "leading_group": staff.leading_group,
        "province": staff.province,
        "member": member,
    }
    seen = set()
    for who, user in users.items():
        client = api(user)
        for name, ui_url, api_url in pairs:
            ui = ui_status(user, "get", ui_url)
            response = client.get(api_url)
            assert same_answer(response.status_code, ui), (who, name, response.status_code, ui)
            seen.add(response.status_code)
    assert {200, 403, 404} <= seen
    # the rows: a nomination list holds the user's subtree only; the commendation list is the whole decision's
    county = api(staff.county)
    assert [n["id"] for n in county.get("/api/v1/award-rounds/qiyi-test/nominations/").json()["results"]] == [
        nomination.pk
    ]
    names = [n["nominee_name"] for n in county.get("/api/v1/award-rounds/qiyi-test/commended/").json()["results"]]
    assert sorted(names) == sorted([world.member_a.name, world.member_b.name])


# --- imports: the import pages' rule ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_imports_are_the_departments_own(world, people, api, role, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    manager = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    others_job = ImportJob.objects.create(
        kind="members", file="imports/x.csv", original_name="x.csv", created_by=manager
    )
    user = people[role]
    own = ImportJob.objects.create(kind="members", file="imports/y.csv", original_name="y.csv", created_by=user)
    client = api(user)
    for ui_url, api_url in [
        (reverse("orgs:import_list"), "/api/v1/imports/"),
        (reverse("orgs:import_detail", args=[own.pk]), f"/api/v1/imports/{own.pk}/"),
        (reverse("orgs:import_detail", args=[others_job.pk]), f"/api/v1/imports/{others_job.pk}/"),
    ]:
        ui = ui_status(user, "get", ui_url)
        assert same_answer(client.get(api_url).status_code, ui), (role, api_url, ui)
    expected = 409 if role == "org_department" else 403  # not validated yet: nothing to confirm
    assert client.post(f"/api/v1/imports/{own.pk}/confirm/").status_code == expected
    if role == "org_department":
        assert client.post(f"/api/v1/imports/{others_job.pk}/confirm/").status_code == 404
    assert ImportJob.objects.get(pk=own.pk).status == ImportJob.Status.UPLOADED
