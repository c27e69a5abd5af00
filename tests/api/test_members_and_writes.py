"""ID numbers masked exactly as on the pages, the full number only for 组织部 in scope with an audit row per
view; plan submission and review through the same services as the pages, leaving the same history rows."""

import pytest
from django.test import Client
from django.urls import reverse

from campaign.models import Notification, Plan, PlanVersion
from orgs.enums import Role
from orgs.models import IdNumberView
from orgs.validators import mask_id_number
from tests.factories import user_with_role
from tests.factories.campaign_plans import make_plan


@pytest.mark.parametrize(
    ("role", "node", "full"),
    [
        ("org_department", "county_a", True),
        ("org_department", "city_a", True),
        ("leading_group", "city_a", False),
        ("sector_supervisor", "city_a", False),
        ("secretary", "branch_a", False),
    ],
)
def test_masked_for_all_full_only_for_the_department_and_audited(world, api, role, node, full):
    sector = "rural" if role == "sector_supervisor" else ""
    user = user_with_role(getattr(world, node), role, sector=sector)
    client = api(user)
    member = world.member_a
    masked = mask_id_number(member.id_number)
    assert masked.startswith(member.id_number[:4]) and masked.endswith(member.id_number[-4:]) and "*" in masked

    detail = client.get(f"/api/v1/members/{member.pk}/").json()
    assert detail["id_number_masked"] == masked == member.masked_id_number
    listed = client.get("/api/v1/members/").json()["results"]
    assert {m["id_number_masked"] for m in listed if m["id"] == member.pk} == {masked}
    assert member.id_number not in client.get("/api/v1/members/").content.decode()
    assert not IdNumberView.objects.exists()  # reading masked numbers is not a full view

    response = client.post(f"/api/v1/members/{member.pk}/id-number/")
    if not full:
        assert response.status_code == 403
        assert not IdNumberView.objects.exists()
        return
    assert response.status_code == 200 and response.json()["id_number"] == member.id_number
    client.post(f"/api/v1/members/{member.pk}/id-number/")
    views = list(IdNumberView.objects.order_by("id"))
    assert [(v.user, v.member, v.purpose, v.count) for v in views] == [(user, member, "api", 1)] * 2
    assert all(v.ip_address == "127.0.0.1" for v in views)


def test_full_id_of_another_city_is_404_and_not_audited(world, api):
    user = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    response = api(user).post(f"/api/v1/members/{world.member_b.pk}/id-number/")
    assert response.status_code == 404
    assert not IdNumberView.objects.exists()


# --- plan submission and review -----------------------------------------------------------------------


@pytest.fixture
def writers(world):
    class People:
        sec_a = user_with_role(world.branch_a, Role.SECRETARY)
        sec_a2 = user_with_role(world.branch_a2, Role.SECRETARY)
        dept_a = user_with_role(world.county_a, Role.ORG_DEPARTMENT)

    return People


def _history(plan):
    plan_rows = [
        (h.history_type, h.status, h.revision, h.return_reason, h.history_user_id)
        for h in Plan.history.filter(id=plan.pk).order_by("history_id")
    ]
    version_rows = [
        (h.history_type, h.number, h.decision, h.reason, h.history_user_id, h.submitted_by_id, h.decided_by_id)
        for h in PlanVersion.history.filter(plan_id=plan.pk).order_by("history_id")
    ]
    return plan_rows, version_rows


def _ui(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_api_writes_leave_the_same_history_and_messages_as_the_pages(world, writers, campaign, api):
    ui_plan = make_plan(campaign, world.branch_a2, theme="页面方案")
    api_plan = make_plan(campaign, world.branch_a, theme="接口方案")

    # through the pages: the school branch's secretary and the county
    rev = ui_plan.revision
    assert (
        _ui(writers.sec_a2).post(reverse("campaign:plan_submit", args=[ui_plan.pk]), {"revision": rev}).status_code
        == 302
    )
    rev = Plan.objects.get(pk=ui_plan.pk).revision
    r = _ui(writers.dept_a).post(
        reverse("campaign:plan_return", args=[ui_plan.pk]), {"revision": rev, "reason": "措施不具体"}
    )
    assert r.status_code == 302
    rev = Plan.objects.get(pk=ui_plan.pk).revision
    assert (
        _ui(writers.sec_a2).post(reverse("campaign:plan_submit", args=[ui_plan.pk]), {"revision": rev}).status_code
        == 302
    )
    rev = Plan.objects.get(pk=ui_plan.pk).revision
    assert (
        _ui(writers.dept_a).post(reverse("campaign:plan_approve", args=[ui_plan.pk]), {"revision": rev}).status_code
        == 302
    )

    # through the API: the village branch's secretary and the same county, with tokens
    sec, dept = api(writers.sec_a), api(writers.dept_a)
    url = f"/api/v1/plans/{api_plan.pk}/"
    body = sec.post(url + "submit/", {"revision": api_plan.revision}, format="json").json()
    assert body["status"] == "submitted"
    body = dept.post(url + "return/", {"revision": body["revision"], "reason": "措施不具体"}, format="json").json()
    assert (body["status"], body["return_reason"]) == ("returned", "措施不具体")
    body = sec.post(url + "submit/", {"revision": body["revision"]}, format="json").json()
    body = dept.post(url + "approve/", {"revision": body["revision"]}, format="json").json()
    assert body["status"] == "approved"

    def normalised(plan, secretary):
        plan_rows, version_rows = _history(plan)
        swap = {secretary.pk: "secretary", writers.dept_a.pk: "department", None: None}
        return (
            [(t, st, rv, rr, swap[u]) for t, st, rv, rr, u in plan_rows],
            [(t, n, d, rs, swap[u], swap[sb], swap[db]) for t, n, d, rs, u, sb, db in version_rows],
        )

    ui_history = normalised(ui_plan, writers.sec_a2)
    api_history = normalised(api_plan, writers.sec_a)
    assert api_history == ui_history
    assert len(api_history[0]) == 5 and len(api_history[1]) == 4  # created + 4 writes; 2 versions made, 2 decided
    assert all(row[4] is not None for row in api_history[0][1:])  # every write names its user
    # the same messages to the same kind of people
    titles = list(Notification.objects.values_list("title", flat=True))
    ui_titles = sorted(t.replace("正定镇中学党支部", "X") for t in titles if "正定镇中学党支部" in t)
    api_titles = sorted(t.replace("塔元庄村党支部", "X") for t in titles if "塔元庄村党支部" in t)
    assert api_titles == ui_titles and len(api_titles) >= 3
    detail = sec.get(url).json()
    assert [v["decision"] for v in detail["versions"]] == ["approved", "returned"]


def test_stale_revision_is_409_and_nothing_written(world, writers, campaign, api):
    plan = make_plan(campaign, world.branch_a)
    response = api(writers.sec_a).post(
        f"/api/v1/plans/{plan.pk}/submit/", {"revision": plan.revision + 5}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert body["title"] == "与当前状态冲突" and "已被他人修改" in body["detail"]
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT and not PlanVersion.objects.exists()


def test_wrong_state_is_409_and_a_missing_reason_is_400_at_the_field(world, writers, campaign, api):
    plan = make_plan(campaign, world.branch_a, status=Plan.Status.APPROVED)
    response = api(writers.sec_a).post(f"/api/v1/plans/{plan.pk}/submit/", {"revision": plan.revision}, format="json")
    assert response.status_code == 409 and "不能重复提交" in response.json()["detail"]

    submitted = make_plan(campaign, world.branch_a2, status=Plan.Status.SUBMITTED)
    response = api(writers.dept_a).post(
        f"/api/v1/plans/{submitted.pk}/return/", {"revision": submitted.revision, "reason": ""}, format="json"
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["reason"]
    assert Plan.objects.get(pk=submitted.pk).status == Plan.Status.SUBMITTED
