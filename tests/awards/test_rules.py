"""The nomination rules (awards.rules): each refused with the message a user sees, at nomination, forwarding
and decision time, with nothing written; and listed on the round's page with its reference."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards import rules
from awards.models import Nomination, NominationStep
from awards.services import nominations as services
from awards.services import publicity
from orgs.enums import MemberStatus
from orgs.models import Member
from tests.factories import MemberFactory
from tests.factories.awards_nominations import Staff, category, chain_quotas, forward_to_owner, make_round

D = datetime.date
pytestmark = pytest.mark.django_db
Status = Nomination.Status
PROBATIONARY = "预备党员不能被推荐为优秀共产党员（预备党员尚未转为正式党员）"


@pytest.fixture
def setup(world):
    staff = Staff(world)
    r = make_round(world.province)
    for code in ("excellent_member", "excellent_worker", "advanced_org"):
        chain_quotas(r, [world.province, world.city_a, world.county_a, world.town_a], 5, code)
    return world, staff, r


def nominate(r, member, by, code="excellent_member"):
    return services.nominate(r, category(r, code), nominating_org=member.org, nominee=member, deeds="事迹", by=by)


def test_the_registry_names_each_rule_with_its_reference():
    assert [rule.code for rule in rules.RULES] == ["probationary_member", "once_per_round", "discipline_objection"]
    for rule in rules.RULES:
        assert str(rule.title) and str(rule.reference) and callable(rule.check)
        assert rule.stages == ("nominate", "forward", "publicity", "decision")
    assert "《中国共产党章程》第七条" in str(rules.RULES[0].reference)
    assert "自下而上、层层推荐" in str(rules.RULES[1].reference)


def test_a_probationary_member_is_not_nominated_excellent_member(setup, login):
    world, staff, r = setup
    probationary = MemberFactory(org=world.branch_a, name="刘预备", status=MemberStatus.PROBATIONARY)
    with pytest.raises(ValidationError) as error:
        nominate(r, probationary, staff.secretary)
    assert error.value.message_dict == {"nominee": [PROBATIONARY]}
    assert not Nomination.objects.exists() and not NominationStep.objects.exists()
    # In the page: the message at the nominee field, nothing written.
    client = login(staff.secretary)
    url = reverse("awards:nomination_create", args=[r.code])
    response = client.post(
        url, {"category": category(r).pk, "org": world.branch_a.code, "nominee": probationary.pk, "deeds": "事迹"}
    )
    assert response.status_code == 200 and PROBATIONARY in response.text
    assert response.context["form"].errors["nominee"] == [PROBATIONARY]
    assert not Nomination.objects.exists()
    # The rule names 优秀共产党员 only: the same member may be put forward as 优秀党务工作者.
    assert nominate(r, probationary, staff.secretary, code="excellent_worker").status == Status.PENDING


def test_a_member_who_became_probationary_is_not_forwarded(setup, login):
    world, staff, r = setup
    n = nominate(r, world.member_a, staff.secretary)
    Member.objects.filter(pk=world.member_a.pk).update(status=MemberStatus.PROBATIONARY)  # the record corrected
    with pytest.raises(ValidationError) as error:
        services.forward(n, by=staff.town)
    assert error.value.message_dict == {"nominee": [PROBATIONARY]}
    n.refresh_from_db()
    assert n.current_org == world.town_a and not n.steps.filter(action="forward").exists()
    client = login(staff.town)
    response = client.post(reverse("awards:nomination_forward", args=[n.pk]), {"note": ""}, follow=True)
    assert f"推荐对象：{PROBATIONARY}" in response.text
    n.refresh_from_db()
    assert n.current_org == world.town_a


def test_the_decision_refuses_a_probationary_member_on_the_list(setup):
    world, staff, r = setup
    n = forward_to_owner(nominate(r, world.member_a, staff.secretary), staff)
    services.record_discipline(n, by=staff.province, result="clear", note="", date=D(2011, 6, 1))
    day = r.publicity_starts
    publicity.start_publicity(r, by=staff.province, today=day)
    Member.objects.filter(pk=world.member_a.pk).update(status=MemberStatus.PROBATIONARY)
    after = publicity.publicity_end(r) + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        publicity.approve_list(r, by=staff.province, today=after)
    assert error.value.messages == [f"“张建国”（优秀共产党员）：{PROBATIONARY}"]
    n.refresh_from_db()
    assert n.status == Status.PUBLICITY and not n.steps.filter(action="approve").exists()


def test_a_nominee_is_nominated_once_per_round_across_categories(setup, login):
    world, staff, r = setup
    nominate(r, world.member_a, staff.secretary, code="excellent_worker")
    with pytest.raises(ValidationError) as error:
        nominate(r, world.member_a, staff.secretary)
    assert error.value.message_dict == {
        "nominee": [
            "“张建国”已被推荐为本轮“优秀党务工作者”，同一轮次每个对象只能推荐一次（不能再推荐为“优秀共产党员”）"
        ]
    }
    assert Nomination.objects.count() == 1
    # An organization too: once in the round.
    services.nominate(
        r,
        category(r, "advanced_org"),
        nominating_org=world.branch_a,
        nominee=world.branch_a,
        deeds="x",
        by=staff.secretary,
    )
    with pytest.raises(ValidationError) as error:
        services.nominate(
            r,
            category(r, "advanced_org"),
            nominating_org=world.branch_a,
            nominee=world.branch_a,
            deeds="x",
            by=staff.secretary,
        )
    assert error.value.messages == ["“塔元庄村党支部”已被推荐为本轮“先进基层党组织”，同一轮次同一类别不能重复推荐"]
    assert Nomination.objects.count() == 2
    # Another round is another matter; a withdrawn nomination frees the place.
    other = make_round(world.province)
    assert nominate(other, world.member_a, staff.secretary).status == Status.PENDING
    services.withdraw(Nomination.objects.get(award_round=r, nominee_member=world.member_a), by=staff.secretary)
    assert nominate(r, world.member_a, staff.secretary).category.code == "excellent_member"


def test_a_discipline_objection_bars_the_nominee_for_the_round(setup, login):
    world, staff, r = setup
    n = forward_to_owner(nominate(r, world.member_a, staff.secretary), staff)
    services.record_discipline(n, by=staff.province, result="problem", note="正在接受调查", date=D(2011, 6, 1))
    services.withdraw(n, by=staff.secretary)  # withdrawn to try again under another category
    message = "纪检机关对“张建国”的意见为“有问题”，本轮不能推荐或表彰"
    with pytest.raises(ValidationError) as error:
        nominate(r, world.member_a, staff.secretary, code="excellent_worker")
    assert error.value.message_dict == {"nominee": [message]}
    assert Nomination.objects.count() == 1
    assert "正在接受调查" not in message  # the opinion's content is not told to the nominating branch
    # At forwarding: a nomination already on its way when the objection is recorded elsewhere in the round.
    pending = nominate(r, world.member_a2, staff.secretary_a2)
    Nomination.objects.create(
        award_round=r,
        category=category(r, "excellent_worker"),
        nominee_member=world.member_a2,
        nominee_name="李秀英",
        nominating_org=world.branch_a2,
        origin_path=world.branch_a2.path,
        current_org=world.province,
        status=Status.WITHDRAWN,
        deeds="x",
        discipline_result="problem",
        discipline_note="x",
    )
    client = login(staff.town)
    response = client.post(reverse("awards:nomination_forward", args=[pending.pk]), {"note": ""}, follow=True)
    assert "推荐对象：纪检机关对“李秀英”的意见为“有问题”，本轮不能推荐或表彰" in response.text
    pending.refresh_from_db()
    assert pending.current_org == world.town_a and not pending.steps.filter(action="forward").exists()


def test_the_rules_are_listed_on_the_rounds_page(setup, login):
    world, staff, r = setup
    page = login(staff.secretary).get(reverse("awards:round_detail", args=[r.code])).text
    assert "推荐规则" in page
    for rule in rules.RULES:
        assert str(rule.title) in page
    assert "《中国共产党章程》第七条" in page and "推荐、审核上报、进入公示、审定名单" in page
