"""Assessment workflow: draft → submitted → locked; who may write which source; duplicates refused;
history kept; the form shows the set's level labels."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from evaluations.enums import AssessmentStatus, Source, Target
from evaluations.models import Assessment
from evaluations.services import assessments as svc
from orgs.enums import Role
from tests.factories import MemberFactory, UserFactory, user_with_role
from tests.factories.evaluations_scoring import make_assessment, make_period


@pytest.fixture
def period(db):
    return make_period(2011, code="y2011")


@pytest.fixture
def secretary(world):
    return user_with_role(world.branch_a, Role.SECRETARY)


def _url(period, org, source):
    return reverse("evaluations:scoring_assess_org", args=[period.code, org.code, source])


def _post(criteria, key="satisfied", action="save", comment="", skip=()):
    data = {"action": action, "comment": comment}
    for c in criteria:
        if c.order not in skip:
            data[f"level_{c.pk}"] = key
            data[f"note_{c.pk}"] = f"说明{c.order}"
    return data


def test_self_assessment_draft_submit_lock(world, seed_criteria, period, secretary, login):
    client = login(secretary)
    criteria = list(seed_criteria["five-good"].criteria.all())
    url = _url(period, world.branch_a, "self")
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    for label in ("满意", "比较满意", "基本满意", "不满意", "领导班子好", "群众反映好"):
        assert label in body
    # a partial draft is fine
    response = client.post(url, _post(criteria, "fairly", skip={5}))
    assert response.status_code == 302
    a = Assessment.objects.get(period=period, org=world.branch_a, source=Source.SELF)
    assert (a.status, a.score, a.scores.count(), a.author) == (AssessmentStatus.DRAFT, None, 4, secretary)
    # the draft is shown again with its levels
    again = client.get(url).content.decode()
    first = criteria[0].pk
    assert f'name="level_{first}" value="fairly" id="id_level_{first}_1" checked' in again
    assert again.count(" checked") == 4
    # submitting an incomplete assessment is refused with the missing criterion named
    response = client.post(url, _post(criteria, "fairly", action="submit", skip={5}))
    assert response.status_code == 200
    assert "提交前请为每一项选择等次，尚未评定：群众反映好" in response.content.decode()
    # … and at the criterion itself, the only one left without a level
    gap = response.context["form"].errors
    assert gap[f"level_{criteria[4].pk}"] == ["提交前请为这一项选择一个等次"]
    assert response.content.decode().count("提交前请为这一项选择一个等次") == 1
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT
    # complete submit: score stored, points stored, locked
    levels = ["satisfied", "fairly", "fairly", "basically", "satisfied"]
    data = _post(criteria, action="submit", comment="总体较好")
    for c, key in zip(criteria, levels, strict=True):
        data[f"level_{c.pk}"] = key
    response = client.post(url, data)
    a.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("evaluations:scoring_assessment_detail", args=[a.pk])
    assert a.status == AssessmentStatus.SUBMITTED and a.submitted_at is not None
    assert a.score == Decimal("84.00")  # (100 + 80 + 80 + 60 + 100) / 5
    assert sorted(a.scores.values_list("points", flat=True)) == [60, 80, 80, 100, 100]
    assert a.comment == "总体较好"
    assert a.history.count() >= 2
    detail = client.get(response.url).content.decode()
    assert "84.00" in detail and "比较满意" in detail and "总体较好" in detail
    # locked: the form redirects to the detail, a POST changes nothing
    response = client.post(url, _post(criteria, "unsatisfied", action="submit"))
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.score == Decimal("84.00")
    with pytest.raises(svc.AssessmentLocked) as exc:
        svc.save_assessment(a, by=secretary, levels={c.pk: "unsatisfied" for c in criteria}, submit=True)
    assert "已提交并锁定，不能再修改" in exc.value.messages[0]


def test_duplicate_self_assessment_refused(world, seed_criteria, period, secretary):
    svc.create_assessment(period, Source.SELF, org=world.branch_a, by=secretary)
    other_secretary = user_with_role(world.branch_a, Role.SECRETARY)
    with pytest.raises(ValidationError) as exc:
        svc.create_assessment(period, Source.SELF, org=world.branch_a, by=other_secretary)
    assert "本期间该组织的自评已存在" in exc.value.messages[0]
    # the database refuses it too
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(
            period=period,
            target=Target.ORG,
            org=world.branch_a,
            org_path=world.branch_a.path,
            source=Source.SELF,
            criteria_set=seed_criteria["five-good"],
        )
    # another period is a new self-assessment
    svc.create_assessment(make_period(2012), Source.SELF, org=world.branch_a, by=secretary)


def test_who_may_assess(world, seed_criteria, period, secretary):
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    town = user_with_role(world.town_a, Role.ORG_DEPARTMENT)
    leading = user_with_role(world.city_a, Role.LEADING_GROUP)
    assert svc.can_assess(secretary, Source.SELF, org=world.branch_a)
    assert not svc.can_assess(secretary, Source.SELF, org=world.branch_a2)
    assert not svc.can_assess(secretary, Source.SUPERIOR, org=world.branch_a)
    assert svc.can_assess(county, Source.SUPERIOR, org=world.branch_a)
    assert svc.can_assess(county, Source.SUPERIOR, org=world.town_a)
    assert not svc.can_assess(county, Source.SUPERIOR, org=world.county_a)  # not on its own node
    assert not svc.can_assess(county, Source.SUPERIOR, org=world.branch_b)
    assert not svc.can_assess(town, Source.SUPERIOR, org=world.town_a)
    assert not svc.can_assess(leading, Source.SUPERIOR, org=world.branch_a)
    assert not svc.can_assess(county, Source.SELF, org=world.branch_a)
    # members: superior by org_department above or the branch's secretary
    assert svc.can_assess(county, Source.SUPERIOR, member=world.member_a)
    assert svc.can_assess(secretary, Source.SUPERIOR, member=world.member_a)
    assert not svc.can_assess(secretary, Source.SUPERIOR, member=world.member_a2)
    with pytest.raises(PermissionDenied):
        svc.create_assessment(period, Source.SUPERIOR, org=world.branch_b, by=county)


def test_superior_assessment_once_per_org(world, seed_criteria, period):
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    city = user_with_role(world.city_a, Role.ORG_DEPARTMENT)
    svc.create_assessment(period, Source.SUPERIOR, org=world.branch_a, by=county)
    with pytest.raises(ValidationError) as exc:
        svc.create_assessment(period, Source.SUPERIOR, org=world.branch_a, by=city)
    assert "上级考核已存在" in exc.value.messages[0]


def test_peer_review_by_fellow_members_once_each(world, seed_criteria, period, secretary, login):
    fellow = MemberFactory(org=world.branch_a, name="赵红")
    fellow_user = UserFactory(member=fellow)
    from orgs.models import RoleAssignment

    RoleAssignment.objects.create(user=fellow_user, org=world.branch_a, role=Role.MEMBER)
    criteria = list(seed_criteria["five-models"].criteria.all())
    client = login(fellow_user)
    url = reverse("evaluations:scoring_assess_member", args=[period.code, world.member_a.pk, "peer"])
    page = client.get(url)
    assert page.status_code == 200
    assert "自觉学习的模范" in page.content.decode()
    response = client.post(url, _post(criteria, "fairly", action="submit"))
    assert response.status_code == 302
    review = Assessment.objects.get(source=Source.PEER, member=world.member_a, author=fellow_user)
    assert review.score == Decimal("80.00")
    # once per author and target
    with pytest.raises(ValidationError) as exc:
        svc.create_assessment(period, Source.PEER, member=world.member_a, by=fellow_user)
    assert "每人只能评议一次" in exc.value.messages[0]
    # not oneself
    own_url = reverse("evaluations:scoring_assess_member", args=[period.code, fellow.pk, "peer"])
    assert client.get(own_url).status_code == 403
    # a member of another branch does not see the member at all
    stranger = UserFactory(member=world.member_a2)
    RoleAssignment.objects.create(user=stranger, org=world.branch_a2, role=Role.MEMBER)
    assert login(stranger).get(url).status_code == 404
    # the secretary records the review meeting's result: a second peer assessment, its own author
    client = login(secretary)
    response = client.post(url, _post(criteria, "satisfied", action="submit"))
    assert response.status_code == 302
    from evaluations.services.scoring import member_peer_scores

    assert member_peer_scores(period)[world.member_a.pk] == Decimal("90.00")


def test_assess_pages_permission_order(world, seed_criteria, period, secretary, login):
    # anonymous → login
    from django.test import Client

    response = Client().get(_url(period, world.branch_a, "self"))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    # other subtree → 404 (before the role question)
    assert login(secretary).get(_url(period, world.branch_b, "self")).status_code == 404
    # in scope, wrong role → 403
    member_user = user_with_role(world.branch_a, Role.MEMBER)
    assert login(member_user).get(_url(period, world.branch_a, "self")).status_code == 403
    assert login(secretary).get(_url(period, world.branch_a, "superior")).status_code == 403
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    assert login(county).get(_url(period, world.branch_a, "self")).status_code == 403
    assert login(county).get(_url(period, world.county_a, "superior")).status_code == 403
    assert login(county).get(_url(period, world.branch_b, "superior")).status_code == 404
    assert login(county).get(_url(period, world.branch_a, "superior")).status_code == 200
    # unknown source or period → 404
    assert login(county).get(_url(period, world.branch_a, "mass")).status_code == 404
    bad = reverse("evaluations:scoring_assess_org", args=["nope", world.branch_a.code, "superior"])
    assert login(county).get(bad).status_code == 404


def test_assessment_detail_scope(world, seed_criteria, period, secretary, login):
    a = make_assessment(period, org=world.branch_a, source=Source.SELF, author=secretary)
    b = make_assessment(period, org=world.branch_b, source=Source.SELF)
    url_a = reverse("evaluations:scoring_assessment_detail", args=[a.pk])
    url_b = reverse("evaluations:scoring_assessment_detail", args=[b.pk])
    assert login(secretary).get(url_a).status_code == 200
    assert login(secretary).get(url_b).status_code == 404
    county_b = user_with_role(world.county_b, Role.ORG_DEPARTMENT)
    assert login(county_b).get(url_a).status_code == 404
    assert login(county_b).get(url_b).status_code == 200
