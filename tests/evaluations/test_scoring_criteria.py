"""Criteria sets: which set applies (deepest owner ancestor-or-self, period beats "every period",
else the province set), copying a province set into a subtree set, validated editing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluations.enums import Target
from evaluations.models import CriteriaSet
from evaluations.services import criteria as svc
from orgs.enums import Role
from tests.factories import user_with_role
from tests.factories.evaluations_scoring import make_assessment, make_period


@pytest.fixture
def dept_a(world):
    return user_with_role(world.county_a, Role.ORG_DEPARTMENT)


def test_province_sets_apply_by_default(world, seed_criteria):
    period = make_period(2011)
    assert svc.applicable_set(world.branch_a, period, Target.ORG).code == "five-good"
    assert svc.applicable_set(world.branch_a, period, Target.MEMBER).code == "five-models"
    assert svc.applicable_set(world.branch_a, None, Target.ORG).owner_org is None


def test_resolution_deepest_owner_then_period(world, seed_criteria, dept_a):
    p2011, p2012 = make_period(2011), make_period(2012)
    city_dept = user_with_role(world.city_a, Role.ORG_DEPARTMENT)
    five_good = seed_criteria["five-good"]
    city_all = svc.copy_set(five_good, owner_org=world.city_a, period=None, by=city_dept, name="市：所有期间")
    county_all = svc.copy_set(five_good, owner_org=world.county_a, period=None, by=dept_a, name="县：所有期间")
    county_2012 = svc.copy_set(five_good, owner_org=world.county_a, period=p2012, by=dept_a, name="县：2012")
    # the county's sets beat the city's; the 2012 set beats the "every period" set at the same owner
    assert svc.applicable_set(world.branch_a, p2011, Target.ORG) == county_all
    assert svc.applicable_set(world.branch_a, p2012, Target.ORG) == county_2012
    # ancestor-or-self: the county itself gets its own set
    assert svc.applicable_set(world.county_a, p2012, Target.ORG) == county_2012
    # the city (above the county) gets the city set; the other city gets the province set
    assert svc.applicable_set(world.city_a, p2012, Target.ORG) == city_all
    assert svc.applicable_set(world.branch_b, p2012, Target.ORG) == five_good
    # an inactive set no longer applies: the next one up does
    svc.set_active(county_all, by=dept_a, active=False)
    assert svc.applicable_set(world.branch_a, p2011, Target.ORG) == city_all
    # a period-specific set beats an every-period set of a *higher* owner? No: depth first.
    city_2011 = svc.copy_set(five_good, owner_org=world.city_a, period=p2011, by=city_dept, name="市：2011")
    assert svc.applicable_set(world.branch_a, p2011, Target.ORG) == city_2011
    assert svc.applicable_set(world.branch_a, p2012, Target.ORG) == county_2012


def test_member_set_from_five_leads_copy(world, seed_criteria, dept_a):
    period = make_period(2011)
    leads = svc.copy_set(seed_criteria["five-leads"], owner_org=world.county_a, period=period, by=dept_a)
    assert svc.applicable_set(world.branch_a, period, Target.MEMBER) == leads
    assert svc.applicable_set(world.branch_b, period, Target.MEMBER).code == "five-models"
    assert [c.name for c in leads.criteria.all()][0] == "带头学习提高"


def test_copy_needs_manage_scope_and_refuses_a_second_active_set(world, seed_criteria, dept_a):
    five_good = seed_criteria["five-good"]
    with pytest.raises(PermissionDenied):
        svc.copy_set(five_good, owner_org=world.county_b, period=None, by=dept_a)
    secretary = user_with_role(world.branch_a, Role.SECRETARY)
    with pytest.raises(PermissionDenied):
        svc.copy_set(five_good, owner_org=world.branch_a, period=None, by=secretary)
    svc.copy_set(five_good, owner_org=world.county_a, period=None, by=dept_a)
    with pytest.raises(ValidationError) as exc:
        svc.copy_set(five_good, owner_org=world.county_a, period=None, by=dept_a)
    assert exc.value.message_dict == {"period": ["“正定县”在该期间已有一套启用的党组织评价标准，请直接修改它"]}


def test_a_second_active_set_is_refused_at_the_period_field_of_the_copy_page(world, seed_criteria, dept_a, login):
    five_good = seed_criteria["five-good"]
    svc.copy_set(five_good, owner_org=world.county_a, period=None, by=dept_a)
    count = CriteriaSet.objects.count()
    response = login(dept_a).post(
        reverse("evaluations:scoring_criteria_copy", args=[five_good.pk]),
        {"owner_code": world.county_a.code, "period": "", "name": "再复制一套"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"period": ["“正定县”在该期间已有一套启用的党组织评价标准，请直接修改它"]}
    assert CriteriaSet.objects.count() == count


def _levels(*rows):
    return [{"key": k, "label": label, "score": s} for k, label, s in rows]


def test_level_validation_messages():
    good = svc.validate_levels(_levels(("good", "好", 100), ("bad", "差", "0")))
    assert good == _levels(("good", "好", 100), ("bad", "差", 0))
    cases = [
        (_levels(("only", "唯一", 100)), "至少需要两个评价等次"),
        (_levels(("a", "好", 100), ("a", "差", 0)), "等次代码不能重复"),
        (_levels(("a", "好", 100), ("b", "好", 0)), "等次名称不能重复"),
        (_levels(("a", "好", 101), ("b", "差", 0)), "分值须为 0—100 的整数"),
        (_levels(("a", "好", -1), ("b", "差", 0)), "分值须为 0—100 的整数"),
        (_levels(("a", "好", "x"), ("b", "差", 0)), "分值须为 0—100 的整数"),
        (_levels(("A B", "好", 100), ("b", "差", 0)), "代码只能由小写字母"),
        (_levels(("a", "", 100), ("b", "差", 0)), "请填写名称"),
    ]
    for levels, message in cases:
        with pytest.raises(ValidationError) as exc:
            svc.validate_levels(levels)
        assert any(message in m for m in exc.value.messages), (levels, exc.value.messages)


def test_update_set_validates_weights_and_freezes_after_submission(world, seed_criteria, dept_a):
    own = svc.copy_set(seed_criteria["five-good"], owner_org=world.county_a, period=None, by=dept_a)
    criteria = [
        {"id": c.pk, "name": c.name, "description": c.description, "weight": c.weight} for c in own.criteria.all()
    ]
    criteria[0]["weight"] = "0"
    with pytest.raises(ValidationError) as exc:
        svc.update_set(own, by=dept_a, name="x", description="", criteria=criteria, levels=own.levels)
    assert "权重须大于 0" in exc.value.message_dict["criteria"][0]
    criteria[0]["weight"] = "2.5"
    levels = _levels(("good", "好", 100), ("fair", "一般", 70), ("bad", "差", 0))
    svc.update_set(own, by=dept_a, name="正定县五个好", description="说明", criteria=criteria, levels=levels)
    own.refresh_from_db()
    assert own.name == "正定县五个好"
    assert own.levels == levels
    assert own.criteria.get(order=1).weight == Decimal("2.5")
    # once a submitted assessment uses it, weights and levels are frozen (names may still change)
    make_assessment(make_period(2011), org=world.branch_a, levels="good", criteria_set=own)
    criteria[0]["weight"] = "3"
    with pytest.raises(ValidationError) as exc:
        svc.update_set(own, by=dept_a, name="x", description="", criteria=criteria, levels=levels)
    assert "不能再修改权重和等次" in exc.value.messages[0]
    criteria[0]["weight"] = "2.5"
    svc.update_set(own, by=dept_a, name="改名", description="", criteria=criteria, levels=levels)
    assert CriteriaSet.objects.get(pk=own.pk).name == "改名"


def test_copy_and_edit_pages(world, seed_criteria, dept_a, login):
    client = login(dept_a)
    five_good = seed_criteria["five-good"]
    response = client.post(
        reverse("evaluations:scoring_criteria_copy", args=[five_good.pk]),
        {"owner_code": world.county_b.code, "period": "", "name": ""},
    )
    assert response.status_code == 200
    assert "不在您的管理范围内" in response.content.decode()
    response = client.post(
        reverse("evaluations:scoring_criteria_copy", args=[five_good.pk]),
        {"owner_code": world.county_a.code, "period": "", "name": "正定县五个好"},
    )
    own = CriteriaSet.objects.get(owner_org=world.county_a)
    assert response.status_code == 302
    assert response.url == reverse("evaluations:scoring_criteria_edit", args=[own.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    criteria = list(own.criteria.all())
    data = {
        "name": "正定县五个好",
        "description": "",
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": str(len(criteria)),
        "levels-TOTAL_FORMS": "5",
        "levels-INITIAL_FORMS": "4",
        "levels-4-key": "",
        "levels-4-label": "",
        "levels-4-score": "",
    }
    for i, level in enumerate(own.levels):
        data.update(
            {f"levels-{i}-key": level["key"], f"levels-{i}-label": level["label"], f"levels-{i}-score": level["score"]}
        )
        if i:
            data[f"levels-{i}-DELETE"] = "on"
    for i, c in enumerate(criteria):
        data.update({f"criteria-{i}-id": c.pk, f"criteria-{i}-name": c.name, f"criteria-{i}-weight": "1"})
    data["criteria-0-weight"] = "-1"
    response = client.post(reverse("evaluations:scoring_criteria_edit", args=[own.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "权重必须大于 0" in body
    data["criteria-0-weight"] = "2"
    response = client.post(reverse("evaluations:scoring_criteria_edit", args=[own.pk]), data)
    assert "至少需要两个评价等次" in response.content.decode()
    data.update({"levels-0-label": "好", "levels-4-key": "bad", "levels-4-label": "差", "levels-4-score": "0"})
    response = client.post(reverse("evaluations:scoring_criteria_edit", args=[own.pk]), data)
    assert response.status_code == 302
    own.refresh_from_db()
    assert [level["label"] for level in own.levels] == ["好", "差"]
    detail = client.get(reverse("evaluations:scoring_criteria_detail", args=[own.pk])).content.decode()
    assert "好（100）" in detail and "差（0）" in detail
