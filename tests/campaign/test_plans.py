"""Implementation plans: every transition and refusal, versions and compare, notifications, milestone,
pages with their permission matrix and query counts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign.models import Commitment, MilestoneDone, Notification, Plan, PlanVersion
from campaign.services import plans as services
from campaign.services.timeline import copy_campaign
from common.actors import SYSTEM
from orgs.enums import Role
from tests.factories import make_org, user_with_role
from tests.factories.campaign_plans import make_plan, plan_fields

STALE = "该方案已被他人修改"


@pytest.fixture
def people(world):
    class People:
        sec_a = user_with_role(world.branch_a, Role.SECRETARY, full_name="塔元庄书记")
        sec_a2 = user_with_role(world.branch_a2, Role.SECRETARY, full_name="中学书记")
        town_sec = user_with_role(world.town_a, Role.SECRETARY, full_name="正定镇书记")
        dept_a = user_with_role(world.county_a, Role.ORG_DEPARTMENT, full_name="正定县组织部")
        city_dept = user_with_role(world.city_a, Role.ORG_DEPARTMENT, full_name="石家庄市委组织部")
        dept_b = user_with_role(world.county_b, Role.ORG_DEPARTMENT, full_name="滦县组织部")
        sec_b = user_with_role(world.branch_b, Role.SECRETARY, full_name="滦州村书记")
        leader_a = user_with_role(world.city_a, Role.LEADING_GROUP, full_name="市领导小组")
        member_a = user_with_role(world.branch_a, Role.MEMBER, member=world.member_a)

    return People


@pytest.fixture
def phase_two(seed_campaign):
    """A running campaign whose phase two ("全面争创，扎实推进") contains today."""
    start = timezone.localdate() - datetime.timedelta(days=70)
    return copy_campaign(seed_campaign, name="第二步骤中的活动", code="test-phase-two", start_date=start, by=SYSTEM)


def day_in_phase(campaign, order, offset=1):
    return campaign.phases.get(order=order).start_date + datetime.timedelta(days=offset)


def reload(plan):
    return Plan.objects.get(pk=plan.pk)


# --- services: the whole workflow -----------------------------------------------------------


def test_full_workflow_keeps_versions_notifies_and_marks_milestone(world, people, campaign):
    plan = services.create_plan(campaign, world.branch_a, by=people.sec_a, fields=plan_fields(theme="初稿主题"))
    assert plan.status == Plan.Status.DRAFT and plan.revision == 1
    plan = services.update_plan(plan, by=people.sec_a, fields={"goals": "目标一"}, expected_revision=1)
    assert plan.revision == 2 and reload(plan).goals == "目标一"

    plan = services.submit_plan(plan, by=people.sec_a, expected_revision=2)
    assert plan.status == Plan.Status.SUBMITTED
    v1 = plan.versions.get()
    assert (v1.number, v1.submitted_by, v1.snapshot["theme"], v1.snapshot["goals"]) == (
        1,
        people.sec_a,
        "初稿主题",
        "目标一",
    )
    # the nearest organization department (the county, not the city) and the township's secretary
    waiting = Notification.objects.filter(title__startswith="待审批")
    assert {n.user for n in waiting} == {people.dept_a, people.town_sec}
    assert waiting.first().url == reverse("campaign:plan_detail", args=[plan.pk])

    plan = services.return_plan(plan, by=people.dept_a, reason="措施不够具体", expected_revision=plan.revision)
    assert (plan.status, plan.return_reason) == (Plan.Status.RETURNED, "措施不够具体")
    v1.refresh_from_db()
    assert (v1.decision, v1.decided_by, v1.reason) == (PlanVersion.Decision.RETURNED, people.dept_a, "措施不够具体")
    returned = Notification.objects.get(title__startswith="实施方案被退回")
    assert returned.user == people.sec_a and "措施不够具体" in returned.body

    # a returned plan is revised and resubmitted even after phase one
    later = day_in_phase(campaign, 2, 5)
    plan = services.update_plan(
        plan, by=people.sec_a, fields={"measures": "每周走访群众"}, expected_revision=plan.revision, today=later
    )
    plan = services.submit_plan(plan, by=people.sec_a, expected_revision=plan.revision, today=later)
    assert plan.status == Plan.Status.SUBMITTED and plan.return_reason == ""
    assert list(plan.versions.values_list("number", flat=True).order_by("number")) == [1, 2]
    assert plan.versions.get(number=2).snapshot["measures"] == "每周走访群众"
    assert plan.versions.get(number=1).snapshot["measures"] == "每月开展一次主题党日活动。"

    plan = services.approve_plan(plan, by=people.town_sec, expected_revision=plan.revision, today=later)
    assert plan.status == Plan.Status.APPROVED
    v2 = plan.versions.get(number=2)
    assert (v2.decision, v2.decided_by) == (PlanVersion.Decision.APPROVED, people.town_sec)
    assert Notification.objects.filter(title__startswith="实施方案已审批通过", user=people.sec_a).count() == 1

    assert not MilestoneDone.objects.filter(org=world.branch_a).exists()
    plan = services.publish_plan(plan, by=people.dept_a, expected_revision=plan.revision)
    assert plan.status == Plan.Status.PUBLISHED and plan.published_at
    done = MilestoneDone.objects.get(org=world.branch_a)
    assert (done.milestone.code, done.milestone.campaign, done.by) == ("plan", campaign, people.dept_a)
    commitment = Commitment.objects.get(plan=plan)
    assert (commitment.status, commitment.content, commitment.org) == (
        Commitment.Status.PUBLISHED,
        "一年内硬化村内主干道。",
        world.branch_a,
    )
    # history (django-simple-history) records every write with its author
    assert plan.history.count() >= 7
    assert plan.history.first().history_user == people.dept_a


def test_wrong_roles_are_refused(world, people, campaign):
    with pytest.raises(PermissionDenied):
        services.create_plan(campaign, world.branch_a, by=people.dept_a, fields=plan_fields())
    with pytest.raises(PermissionDenied):
        services.create_plan(campaign, world.branch_a, by=people.sec_a2, fields=plan_fields())
    plan = make_plan(campaign, world.branch_a, status=Plan.Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.approve_plan(plan, by=people.sec_a, expected_revision=plan.revision)
    with pytest.raises(PermissionDenied):
        services.return_plan(plan, by=people.leader_a, reason="x", expected_revision=plan.revision)
    with pytest.raises(PermissionDenied):
        services.approve_plan(plan, by=people.dept_b, expected_revision=plan.revision)
    draft = make_plan(campaign, world.branch_a2)
    with pytest.raises(PermissionDenied):
        services.update_plan(draft, by=people.dept_a, fields={"theme": "改"}, expected_revision=draft.revision)
    assert reload(draft).theme == draft.theme and reload(plan).status == Plan.Status.SUBMITTED


def test_plans_are_written_in_phase_one_only(world, people, phase_two):
    with pytest.raises(ValidationError) as e:
        services.create_plan(phase_two, world.branch_a, by=people.sec_a, fields=plan_fields())
    assert "第二步骤" in e.value.messages[0]
    draft = make_plan(phase_two, world.branch_a2)
    with pytest.raises(ValidationError):
        services.update_plan(draft, by=people.sec_a2, fields={"theme": "新"}, expected_revision=draft.revision)
    with pytest.raises(ValidationError):
        services.submit_plan(draft, by=people.sec_a2, expected_revision=draft.revision)
    assert reload(draft).status == Plan.Status.DRAFT and not draft.versions.exists()


def test_nothing_is_possible_once_the_campaign_has_ended(world, people, campaign):
    plan = make_plan(campaign, world.branch_a, status=Plan.Status.SUBMITTED)
    after = campaign.end_date + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as e:
        services.approve_plan(plan, by=people.dept_a, expected_revision=plan.revision, today=after)
    assert "活动已经结束" in e.value.messages[0]
    returned = make_plan(campaign, world.branch_a2, status=Plan.Status.RETURNED)
    with pytest.raises(ValidationError):
        services.submit_plan(returned, by=people.sec_a2, expected_revision=returned.revision, today=after)


def test_stale_revision_is_refused_and_writes_nothing(world, people, campaign):
    plan = services.create_plan(campaign, world.branch_a, by=people.sec_a, fields=plan_fields())
    services.update_plan(plan, by=people.sec_a, fields={"theme": "甲的修改"}, expected_revision=1)
    with pytest.raises(services.StalePlan) as e:
        services.update_plan(plan, by=people.sec_a, fields={"theme": "乙的修改"}, expected_revision=1)
    assert STALE in e.value.messages[0]
    assert reload(plan).theme == "甲的修改"
    with pytest.raises(services.StalePlan):
        services.submit_plan(plan, by=people.sec_a, expected_revision=1)
    assert reload(plan).status == Plan.Status.DRAFT and not plan.versions.exists()
    plan = services.submit_plan(plan, by=people.sec_a, expected_revision=2)
    with pytest.raises(services.StalePlan):
        services.approve_plan(plan, by=people.dept_a, expected_revision=2)
    assert reload(plan).status == Plan.Status.SUBMITTED


def test_state_refusals(world, people, campaign):
    draft = make_plan(campaign, world.branch_a)
    with pytest.raises(ValidationError) as e:
        services.approve_plan(draft, by=people.dept_a, expected_revision=draft.revision)
    assert "只能审批已提交的方案" in e.value.messages[0]
    with pytest.raises(ValidationError) as e:
        services.publish_plan(draft, by=people.dept_a, expected_revision=draft.revision)
    assert "审批通过后才能公布" in e.value.messages[0]
    submitted = make_plan(campaign, world.branch_a2, status=Plan.Status.SUBMITTED)
    with pytest.raises(ValidationError) as e:
        services.return_plan(submitted, by=people.dept_a, reason="   ", expected_revision=submitted.revision)
    assert e.value.message_dict == {"reason": ["退回方案时必须填写退回原因"]}  # at the 退回原因 field
    assert reload(submitted).status == Plan.Status.SUBMITTED
    assert submitted.versions.get().decision == ""
    with pytest.raises(ValidationError):
        services.publish_plan(submitted, by=people.dept_a, expected_revision=submitted.revision)
    with pytest.raises(ValidationError):
        services.submit_plan(submitted, by=people.sec_a2, expected_revision=submitted.revision)
    with pytest.raises(ValidationError):
        services.create_plan(campaign, world.branch_a, by=people.sec_a, fields=plan_fields())  # already has one
    with pytest.raises(ValidationError):
        services.create_plan(campaign, world.town_a, by=people.town_sec, fields=plan_fields())  # not basic
    assert Notification.objects.count() == 0 and not MilestoneDone.objects.exists()


# --- pages ----------------------------------------------------------------------------------


def test_secretary_writes_and_submits_through_the_pages(world, people, campaign, login):
    client = login(people.sec_a)
    page = client.get(reverse("campaign:plan_list"))
    assert "编写方案" in page.content.decode()
    form = client.get(reverse("campaign:plan_create", args=[world.branch_a.code])).content.decode()
    for carrier in ("三级联创", "治难转后", "领头雁工程", "设岗定责", "依岗承诺"):
        assert carrier in form
    bad = client.post(reverse("campaign:plan_create", args=[world.branch_a.code]), {"theme": "主题"})
    assert "请至少选择一个活动载体" in bad.content.decode() and not Plan.objects.exists()
    data = {**plan_fields(), "carriers": ["三级联创", "依岗承诺"], "other_carriers": "结对帮扶"}
    response = client.post(reverse("campaign:plan_create", args=[world.branch_a.code]), data)
    plan = Plan.objects.get()
    assert response.url == reverse("campaign:plan_detail", args=[plan.pk])
    assert plan.carriers == ["三级联创", "依岗承诺"] and plan.carriers_text == "三级联创、依岗承诺、结对帮扶"
    # a second visit to "new" goes to the existing plan's edit form
    again = client.get(reverse("campaign:plan_create", args=[world.branch_a.code]))
    assert again.url == reverse("campaign:plan_edit", args=[plan.pk])

    detail = client.get(reverse("campaign:plan_detail", args=[plan.pk])).content.decode()
    assert "提交审批" in detail and "审批通过" not in detail
    response = client.post(reverse("campaign:plan_submit", args=[plan.pk]), {"revision": plan.revision})
    assert response.status_code == 302 and reload(plan).status == Plan.Status.SUBMITTED


def test_stale_edit_form_is_refused_with_a_clear_message(world, people, campaign, login):
    plan = make_plan(campaign, world.branch_a, theme="原主题")
    client = login(people.sec_a)
    seen = plan.revision
    services.update_plan(plan, by=people.sec_a, fields={"theme": "别人改过"}, expected_revision=seen)
    response = client.post(
        reverse("campaign:plan_edit", args=[plan.pk]), {**plan_fields(theme="我的修改"), "revision": seen}
    )
    assert response.status_code == 409
    assert STALE in response.content.decode()
    assert reload(plan).theme == "别人改过"
    # a transition button from the old page is refused too
    response = client.post(reverse("campaign:plan_submit", args=[plan.pk]), {"revision": seen})
    assert response.status_code == 409 and STALE in response.content.decode()
    assert reload(plan).status == Plan.Status.DRAFT


def test_return_needs_a_reason_and_the_secretary_sees_it(world, people, campaign, login):
    plan = make_plan(campaign, world.branch_a, status=Plan.Status.SUBMITTED)
    client = login(people.dept_a)
    detail = client.get(reverse("campaign:plan_detail", args=[plan.pk])).content.decode()
    assert "审批通过" in detail and "退回修改" in detail and "提交审批" not in detail
    response = client.post(reverse("campaign:plan_return", args=[plan.pk]), {"revision": plan.revision, "reason": ""})
    assert response.status_code == 400 and "退回方案时必须填写退回原因" in response.content.decode()
    assert reload(plan).status == Plan.Status.SUBMITTED
    response = client.post(
        reverse("campaign:plan_return", args=[plan.pk]), {"revision": plan.revision, "reason": "请写明整改后续工作"}
    )
    assert response.status_code == 302 and reload(plan).status == Plan.Status.RETURNED

    secretary = login(people.sec_a)
    page = secretary.get(reverse("campaign:plan_detail", args=[plan.pk])).content.decode()
    assert "请写明整改后续工作" in page and "重新提交审批" in page
    edit = secretary.get(reverse("campaign:plan_edit", args=[plan.pk])).content.decode()
    assert "请写明整改后续工作" in edit


def test_approve_and_publish_pages_and_wrong_state_messages(world, people, campaign, login):
    draft = make_plan(campaign, world.branch_a)
    client = login(people.dept_a)
    response = client.post(reverse("campaign:plan_approve", args=[draft.pk]), {"revision": draft.revision})
    assert response.status_code == 400 and "只能审批已提交的方案" in response.content.decode()
    response = client.post(reverse("campaign:plan_publish", args=[draft.pk]), {"revision": draft.revision})
    assert response.status_code == 400 and "审批通过后才能公布" in response.content.decode()
    assert reload(draft).status == Plan.Status.DRAFT
    assert client.get(reverse("campaign:plan_approve", args=[draft.pk])).status_code == 405

    submitted = make_plan(campaign, world.branch_a2, status=Plan.Status.SUBMITTED)
    client.post(reverse("campaign:plan_approve", args=[submitted.pk]), {"revision": submitted.revision})
    submitted = reload(submitted)
    assert submitted.status == Plan.Status.APPROVED
    client.post(reverse("campaign:plan_publish", args=[submitted.pk]), {"revision": submitted.revision})
    assert reload(submitted).status == Plan.Status.PUBLISHED
    assert MilestoneDone.objects.filter(org=world.branch_a2, milestone__code="plan").exists()


def test_wrong_phase_in_the_pages(world, people, phase_two, login):
    client = login(people.sec_a)
    response = client.post(reverse("campaign:plan_create", args=[world.branch_a.code]), plan_fields())
    assert response.status_code == 200 and "第二步骤" in response.content.decode()
    assert not Plan.objects.exists()
    draft = make_plan(phase_two, world.branch_a)
    response = client.post(reverse("campaign:plan_submit", args=[draft.pk]), {"revision": draft.revision})
    assert response.status_code == 400 and "第二步骤" in response.content.decode()
    returned = make_plan(phase_two, world.branch_a2, status=Plan.Status.RETURNED)
    other = login(people.sec_a2)
    response = other.post(reverse("campaign:plan_submit", args=[returned.pk]), {"revision": returned.revision})
    assert response.status_code == 302 and reload(returned).status == Plan.Status.SUBMITTED


def test_compare_shows_differences(world, people, campaign, login):
    plan = services.create_plan(
        campaign, world.branch_a, by=people.sec_a, fields=plan_fields(measures="每月开展主题党日。\n走访群众。")
    )
    plan = services.submit_plan(plan, by=people.sec_a, expected_revision=plan.revision)
    plan = services.return_plan(plan, by=people.dept_a, reason="补充", expected_revision=plan.revision)
    plan = services.update_plan(
        plan,
        by=people.sec_a,
        fields={"measures": "每周开展主题党日。\n走访群众。", "carriers": ["三级联创"]},
        expected_revision=plan.revision,
    )
    plan = services.submit_plan(plan, by=people.sec_a, expected_revision=plan.revision)
    client = login(people.dept_a)
    page = client.get(reverse("campaign:plan_compare", args=[plan.pk])).content.decode()
    assert "第1版" in page and "第2版" in page
    assert '<del class="bg-danger-subtle text-danger-emphasis">月</del>' in page
    assert '<ins class="bg-success-subtle text-success-emphasis">周</ins>' in page
    assert "、设岗定责</del>" in page  # a carrier dropped
    assert page.count("有修改") == 2  # measures and carriers only
    assert "走访群众" in page
    explicit = client.get(reverse("campaign:plan_compare", args=[plan.pk]) + "?a=2&b=current").content.decode()
    assert "有修改" not in explicit
    assert client.get(reverse("campaign:plan_compare", args=[plan.pk]) + "?a=9").status_code == 404


def test_compare_escapes_html(world, people, campaign, login):
    plan = make_plan(campaign, world.branch_a, status=Plan.Status.SUBMITTED, theme="<b>旧</b>")
    Plan.objects.filter(pk=plan.pk).update(theme="<script>新</script>")
    page = login(people.dept_a).get(reverse("campaign:plan_compare", args=[plan.pk]) + "?a=1&b=current")
    html = page.content.decode()
    assert "<script>" not in html.split("<main", 1)[1].split("</main>", 1)[0] and "<b>" not in html
    assert "&lt;<ins" in html and "&lt;<del" in html


def test_list_scope_filters_and_pending(world, people, campaign, login):
    a = make_plan(campaign, world.branch_a, status=Plan.Status.SUBMITTED, theme="塔元庄方案")
    a2 = make_plan(campaign, world.branch_a2, status=Plan.Status.DRAFT, theme="中学方案")
    make_plan(campaign, world.branch_b, status=Plan.Status.SUBMITTED, theme="滦州方案")
    page = login(people.dept_a).get(reverse("campaign:plan_list")).content.decode()
    assert "塔元庄方案" in page and "中学方案" in page and "滦州方案" not in page
    pending = login(people.dept_a).get(reverse("campaign:plan_list") + "?pending=on").content.decode()
    assert "塔元庄方案" in pending and "中学方案" not in pending
    by_status = login(people.leader_a).get(reverse("campaign:plan_list") + "?status=draft").content.decode()
    assert "中学方案" in by_status and "塔元庄方案" not in by_status
    search = login(people.dept_a).get(reverse("campaign:plan_list") + "?q=中学").content.decode()
    assert "中学方案" in search and "塔元庄方案" not in search
    own = login(people.sec_a).get(reverse("campaign:plan_list")).content.decode()
    assert "塔元庄方案" in own and "中学方案" not in own and "编辑方案" not in own  # submitted: no edit
    assert a2.pk != a.pk


def test_list_query_count_is_constant(world, people, campaign, login):
    client = login(people.dept_a)
    make_plan(campaign, world.branch_a)
    client.get(reverse("campaign:plan_list"))  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse("campaign:plan_list"))
    assert response.context["paginator"].count == 1
    for i in range(29):
        make_plan(campaign, make_org(world.town_a, sector="rural", name=f"第{i}村党支部"))
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(reverse("campaign:plan_list"))
    assert len(response.context["object_list"]) == 30
    assert len(thirty) == len(one)


# --- permission matrix ----------------------------------------------------------------------


def _matrix_urls(plan):
    return {
        "list": reverse("campaign:plan_list"),
        "detail": reverse("campaign:plan_detail", args=[plan.pk]),
        "edit": reverse("campaign:plan_edit", args=[plan.pk]),
        "compare": reverse("campaign:plan_compare", args=[plan.pk]),
        "create": reverse("campaign:plan_create", args=[plan.org.code]),
    }


@pytest.mark.parametrize("name", ["list", "detail", "edit", "compare", "create"])
def test_anonymous_goes_to_login(world, campaign, client, name):
    plan = make_plan(campaign, world.branch_a)
    url = _matrix_urls(plan)[name]
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "who", "expected"),
    [
        # outside the subtree: 404 (never 403)
        ("detail", "dept_b", 404),
        ("edit", "dept_b", 404),
        ("compare", "sec_b", 404),
        ("create", "sec_b", 404),
        ("detail", "sec_a2", 404),
        # inside the subtree with the wrong role: 403
        ("list", "member_a", 403),
        ("detail", "member_a", 403),
        ("edit", "dept_a", 403),
        ("edit", "town_sec", 200),  # a township secretary covers its branches
        ("edit", "leader_a", 403),
        ("create", "dept_a", 403),
        # right roles
        ("list", "sec_a", 200),
        ("list", "leader_a", 200),
        ("detail", "sec_a", 200),
        ("detail", "dept_a", 200),
        ("detail", "city_dept", 200),
        ("detail", "leader_a", 200),
        ("edit", "sec_a", 200),
        ("compare", "dept_a", 200),
    ],
)
def test_permission_matrix(world, people, campaign, login, name, who, expected):
    plan = make_plan(campaign, world.branch_a, theme="塔元庄方案")
    make_plan(campaign, world.branch_b, theme="滦州方案")
    response = login(getattr(people, who)).get(_matrix_urls(plan)[name])
    assert response.status_code == expected
    if expected == 200 and name in ("list", "detail"):
        html = response.content.decode()
        assert "塔元庄方案" in html and "滦州方案" not in html


@pytest.mark.parametrize(
    ("action", "who", "expected"),
    [
        ("plan_submit", "dept_a", 403),
        ("plan_submit", "dept_b", 404),
        ("plan_approve", "sec_a", 403),
        ("plan_approve", "dept_b", 404),
        ("plan_return", "sec_a", 403),
        ("plan_return", "leader_a", 403),
        ("plan_publish", "leader_a", 403),
        ("plan_publish", "sec_b", 404),
    ],
)
def test_transition_permissions(world, people, campaign, login, action, who, expected):
    plan = make_plan(campaign, world.branch_a, status=Plan.Status.SUBMITTED)
    response = login(getattr(people, who)).post(
        reverse(f"campaign:{action}", args=[plan.pk]), {"revision": plan.revision, "reason": "原因"}
    )
    assert response.status_code == expected
    assert reload(plan).status == Plan.Status.SUBMITTED and reload(plan).revision == plan.revision
    assert not Notification.objects.exists()


def test_transitions_need_login(world, campaign, client):
    plan = make_plan(campaign, world.branch_a, status=Plan.Status.SUBMITTED)
    response = client.post(reverse("campaign:plan_approve", args=[plan.pk]), {"revision": plan.revision})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert reload(plan).status == Plan.Status.SUBMITTED
