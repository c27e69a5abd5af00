"""Bottom-up, level-by-level nomination: windows, quotas on forwarding, double nomination, withdrawal."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from awards.models import AwardCategory, AwardRound, Nomination, NominationStep
from awards.seed import load_seed_rounds
from awards.services import nominations as services
from campaign.models import Campaign, Notification
from orgs.models import Org
from tests.factories import MemberFactory
from tests.factories.awards_nominations import (
    Staff,
    category,
    chain_quotas,
    forward_to_owner,
    make_round,
    nominate_member,
    set_quota,
)

pytestmark = pytest.mark.django_db
Status = Nomination.Status


@pytest.fixture
def setup(world):
    staff = Staff(world)
    award_round = make_round(world.province)
    chain = [world.province, world.city_a, world.county_a, world.town_a]
    return world, staff, award_round, chain


def test_a_nomination_goes_up_level_by_level(setup, django_capture_on_commit_callbacks):
    world, staff, r, chain = setup
    chain_quotas(r, chain, 1)
    with django_capture_on_commit_callbacks(execute=True):
        n = nominate_member(r, world, by=staff.secretary, deeds="带领群众修路")
    assert n.current_org == world.town_a and n.status == Status.PENDING
    assert (n.nominee_name, n.unit, n.post, n.city_name) == ("张建国", "塔元庄村党支部", "村民小组长", "石家庄市")
    assert Notification.objects.filter(user=staff.town, title__contains="张建国").exists()
    with django_capture_on_commit_callbacks(execute=True):
        n = services.forward(n, by=staff.town, note="同意")
    assert n.current_org == world.county_a
    assert Notification.objects.filter(user=staff.county).count() == 1
    n = services.forward(n, by=staff.county)
    assert n.current_org == world.city_a
    n = services.forward(n, by=staff.city)
    assert n.current_org == world.province and n.status == Status.PENDING
    n = services.forward(n, by=staff.province)
    assert n.status == Status.SHORTLISTED and n.current_org == world.province
    steps = list(n.steps.values_list("org__name", "action", "note"))
    assert steps == [
        ("塔元庄村党支部", "nominate", ""),
        ("正定镇", "forward", "同意"),
        ("正定县", "forward", ""),
        ("石家庄市", "forward", ""),
        ("河北省", "forward", ""),
    ]


def test_forwarding_beyond_the_quota_is_refused_with_the_numbers(setup):
    world, staff, r, chain = setup
    chain_quotas(r, chain, 1)
    first = nominate_member(r, world, world.member_a, by=staff.secretary)
    second = nominate_member(r, world, world.member_a2, by=staff.secretary_a2)
    services.forward(first, by=staff.town)
    with pytest.raises(ValidationError) as error:
        services.forward(second, by=staff.town)
    assert error.value.message_dict == {
        "category": ["本级“优秀共产党员”名额 1 个，已上报 1 个，剩余 0 个，名额已用完，不能再上报"]
    }
    second.refresh_from_db()
    assert second.current_org == world.town_a
    assert not NominationStep.objects.filter(nomination=second, action="forward").exists()
    # Without any quota nothing can be forwarded (a member not yet nominated in this round: awards.rules).
    party_worker = MemberFactory(org=world.branch_a, name="周党务", post="党支部组织委员")
    worker = nominate_member(r, world, party_worker, by=staff.secretary, code="excellent_worker")
    with pytest.raises(ValidationError) as error:
        services.forward(worker, by=staff.town)
    assert error.value.message_dict == {
        "category": ["本级“优秀党务工作者”名额 0 个，已上报 0 个，剩余 0 个，名额已用完，不能再上报"]
    }
    # The county rejects the first: the township's place is free again.
    services.reject(first, by=staff.county, note="事迹不够突出")
    services.forward(second, by=staff.town)


def test_a_used_up_quota_is_said_at_the_button_beforehand(setup, login):
    """With the level's quota used up, the 审核上报 button of that category is disabled and says why on the page
    (a town's 组织委员 on a phone no longer presses it only to be refused after)."""
    world, staff, r, chain = setup
    chain_quotas(r, chain, 1)
    first = nominate_member(r, world, world.member_a, by=staff.secretary)
    second = nominate_member(r, world, world.member_a2, by=staff.secretary_a2)
    client = login(staff.town)
    review = reverse("awards:review", args=[r.code, world.town_a.code])
    assert "disabled" not in client.get(review).content.decode()  # one place left: both buttons open
    client.post(reverse("awards:nomination_forward", args=[first.pk]), {"note": "", "next": review})
    page = client.get(review).content.decode()
    said = "本级“优秀共产党员”名额 1 个，已上报 1 个，剩余 0 个，名额已用完，不能再上报"
    assert f'<p class="small text-danger mb-1" id="quota-full-{second.pk}">{said}</p>' in page
    assert f'disabled aria-describedby="quota-full-{second.pk}"' in page


def test_forward_beyond_quota_message_in_the_page(setup, login):
    world, staff, r, chain = setup
    chain_quotas(r, chain, 1)
    first = nominate_member(r, world, world.member_a, by=staff.secretary)
    second = nominate_member(r, world, world.member_a2, by=staff.secretary_a2)
    client = login(staff.town)
    review = reverse("awards:review", args=[r.code, world.town_a.code])
    page = client.get(review).content.decode()
    assert "张建国" in page and "李秀英" in page and "“优秀共产党员”名额 1，已上报 0，剩余 1" in page
    client.post(reverse("awards:nomination_forward", args=[first.pk]), {"note": "", "next": review})
    response = client.post(reverse("awards:nomination_forward", args=[second.pk]), {"next": review}, follow=True)
    # A button with no form: the flash message names the field (the nomination's 表彰类别) and the rule.
    page = response.content.decode()
    assert "表彰类别：本级“优秀共产党员”名额 1 个，已上报 1 个，剩余 0 个，名额已用完，不能再上报" in page
    assert response.redirect_chain[-1][0] == review
    second.refresh_from_db()
    assert second.current_org == world.town_a
    assert not NominationStep.objects.filter(nomination=second, action="forward").exists()


def test_a_nominee_cannot_be_nominated_twice_in_a_category(setup):
    world, staff, r, chain = setup
    n = nominate_member(r, world, by=staff.secretary)
    with pytest.raises(ValidationError) as error:
        nominate_member(r, world, by=staff.secretary)
    assert error.value.messages == ["“张建国”已被推荐为本轮“优秀共产党员”，同一轮次同一类别不能重复推荐"]
    # another category of the same round is refused too (awards.rules "once_per_round")
    with pytest.raises(ValidationError) as error:
        nominate_member(r, world, by=staff.secretary, code="excellent_worker")
    assert error.value.messages == [
        "“张建国”已被推荐为本轮“优秀共产党员”，同一轮次每个对象只能推荐一次（不能再推荐为“优秀党务工作者”）"
    ]
    # the database refuses it too
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.create(
            award_round=r,
            category=n.category,
            nominee_member=world.member_a,
            nominee_name="张建国",
            nominating_org=world.branch_a,
            origin_path=world.branch_a.path,
            current_org=world.town_a,
            deeds="x",
        )
    # a rejected nominee keeps its place (the level's decision stands)
    services.reject(n, by=staff.town, note="不符合条件")
    with pytest.raises(ValidationError):
        nominate_member(r, world, by=staff.secretary)


def test_withdrawal_is_recorded_and_frees_the_place(setup, login):
    world, staff, r, chain = setup
    n = nominate_member(r, world, by=staff.secretary)
    with pytest.raises(PermissionDenied):
        services.withdraw(n, by=staff.secretary_a2)
    client = login(staff.secretary)
    response = client.post(reverse("awards:nomination_withdraw", args=[n.pk]), {"note": "材料需完善"}, follow=True)
    assert "已撤回对“张建国”的推荐" in response.content.decode()
    n.refresh_from_db()
    assert n.status == Status.WITHDRAWN
    assert n.steps.filter(action="withdraw", note="材料需完善", by=staff.secretary).exists()
    again = nominate_member(r, world, by=staff.secretary, deeds="补充后的事迹材料")
    assert again.pk != n.pk and Nomination.objects.filter(nominee_member=world.member_a).count() == 2
    with pytest.raises(ValidationError):
        services.withdraw(n, by=staff.secretary)  # already withdrawn


def test_windows_before_and_after(setup):
    world, staff, r, chain = setup
    today = timezone.localdate()
    c = category(r)
    kwargs = {"nominating_org": world.branch_a, "nominee": world.member_a, "deeds": "事迹", "by": staff.secretary}
    with pytest.raises(ValidationError) as error:
        services.nominate(r, c, today=r.nomination_opens - datetime.timedelta(days=1), **kwargs)
    assert error.value.messages == [
        f"推荐时间为 {r.nomination_opens.isoformat()} 至 {r.nomination_closes.isoformat()}，现在不能推荐"
    ]
    with pytest.raises(ValidationError):
        services.nominate(r, c, today=r.nomination_closes + datetime.timedelta(days=1), **kwargs)
    n = services.nominate(r, c, today=today, **kwargs)
    chain_quotas(r, chain, 1)
    with pytest.raises(ValidationError) as error:
        services.forward(n, by=staff.town, today=r.review_closes + datetime.timedelta(days=1))
    assert error.value.messages == [f"审核截止日期 {r.review_closes.isoformat()} 已过"]
    services.forward(n, by=staff.town, today=r.review_closes)


def test_who_may_nominate_whom(setup):
    world, staff, r, chain = setup
    c = category(r)
    with pytest.raises(ValidationError) as error:
        services.nominate(r, c, nominating_org=world.branch_a, nominee=world.member_b, deeds="x", by=staff.secretary)
    assert error.value.messages == ["只能推荐本组织（含所属党支部）的党员"]
    with pytest.raises(PermissionDenied):
        services.nominate(r, c, nominating_org=world.branch_a, nominee=world.member_a, deeds="x", by=staff.secretary_b)
    with pytest.raises(ValidationError) as error:
        services.nominate(r, c, nominating_org=world.branch_a, nominee=world.branch_a, deeds="x", by=staff.secretary)
    assert error.value.messages == ["“优秀共产党员”应推荐党员个人"]
    with pytest.raises(ValidationError) as error:
        services.nominate(r, c, nominating_org=world.branch_a, nominee=world.member_a, deeds=" ", by=staff.secretary)
    assert error.value.messages == ["请填写事迹材料"]
    org_category = category(r, "advanced_org")
    n = services.nominate(
        r, org_category, nominating_org=world.branch_a, nominee=world.branch_a, deeds="五个好", by=staff.secretary
    )
    assert (n.nominee_name, n.unit, n.post, n.city_name) == ("塔元庄村党支部", "正定镇", "", "石家庄市")
    with pytest.raises(ValidationError):
        services.nominate(
            r, org_category, nominating_org=world.branch_a, nominee=world.branch_a2, deeds="x", by=staff.secretary
        )


def test_advanced_county_is_put_forward_by_the_city(world):
    staff = Staff(world)
    r = make_round(world.province, kind="special")
    county = category(r, "advanced_county")
    with pytest.raises(PermissionDenied):  # a secretary does not nominate county committees
        services.nominate(
            r, county, nominating_org=world.branch_a, nominee=world.county_a, deeds="x", by=staff.secretary
        )
    with pytest.raises(ValidationError) as error:
        services.nominate(r, county, nominating_org=world.city_a, nominee=world.town_a, deeds="x", by=staff.city)
    assert error.value.messages == ["“先进县(市、区)委”只能推荐县(市、区)委"]
    n = services.nominate(
        r, county, nominating_org=world.city_a, nominee=world.county_a, deeds="成绩显著", by=staff.city
    )
    assert n.current_org == world.city_a and n.unit == "石家庄市"
    set_quota(r, world.city_a, 1, "advanced_county")
    set_quota(r, world.province, 1, "advanced_county")
    n = services.forward(n, by=staff.city)
    n = services.forward(n, by=staff.province)
    assert n.status == Status.SHORTLISTED


def test_reject_needs_a_reason_and_the_right_level(setup):
    world, staff, r, chain = setup
    n = nominate_member(r, world, by=staff.secretary)
    with pytest.raises(ValidationError) as error:
        services.reject(n, by=staff.town, note="  ")
    assert error.value.messages == ["请填写不予上报的理由"]
    with pytest.raises(PermissionDenied):
        services.reject(n, by=staff.secretary, note="x")
    with pytest.raises(PermissionDenied):
        services.forward(n, by=staff.city_b)
    services.reject(n, by=staff.town, note="群众反映一般")
    n.refresh_from_db()
    assert n.status == Status.REJECTED
    assert n.steps.get(action="reject").note == "群众反映一般"
    with pytest.raises(ValidationError):
        services.forward(n, by=staff.town)


def test_final_list_order_and_fields(world):
    staff = Staff(world)
    r = make_round(world.province)
    for code in ("advanced_org", "excellent_member"):
        chain_quotas(r, [world.province, world.city_b, world.county_b, world.town_b], 5, code)
        chain_quotas(r, [world.province, world.city_a, world.county_a, world.town_a], 5, code)
    set_quota(r, world.province, 10, "excellent_member")
    set_quota(r, world.province, 10, "advanced_org")
    zhao = MemberFactory(org=world.branch_a, name="赵云", post="村委会主任")
    made = [
        nominate_member(r, world, world.member_b, by=staff.secretary_b),
        nominate_member(r, world, zhao, by=staff.secretary),
        nominate_member(r, world, world.member_a, by=staff.secretary),
        services.nominate(
            r,
            category(r, "advanced_org"),
            nominating_org=world.branch_a2,
            nominee=world.branch_a2,
            deeds="x",
            by=staff.secretary_a2,
        ),
    ]
    county_b = staff.city_b  # the city's 组织部 covers its county and township
    for n in made:
        users = (county_b, county_b, county_b, staff.province) if n.city == world.city_b else None
        if users is None:
            forward_to_owner(n, staff)
        else:
            for user in users:
                n = services.forward(n, by=user)
    Nomination.objects.filter(award_round=r).update(status=Status.APPROVED)
    rows = list(services.final_list(r))
    assert [(n.city_name, str(n.category), n.nominee_name) for n in rows] == [
        ("石家庄市", "先进基层党组织", "正定镇中学党支部"),
        ("石家庄市", "优秀共产党员", "张建国"),
        ("石家庄市", "优秀共产党员", "赵云"),
        ("唐山市", "优秀共产党员", "王志强"),
    ]
    assert rows[2].unit == "塔元庄村党支部" and rows[2].post == "村委会主任"


def test_seed_rounds_load_with_their_categories(world, seed_campaign):
    assert load_seed_rounds(AwardRound, AwardCategory, Org, Campaign)
    r2011 = AwardRound.objects.get(code="2011-qiyi")
    r2012 = AwardRound.objects.get(code="2012-qiyi")
    assert r2011.owner_org == world.province and r2011.campaign == seed_campaign
    assert [str(c) for c in r2011.categories.all()] == ["先进基层党组织", "优秀共产党员", "优秀党务工作者"]
    assert [str(c) for c in r2012.categories.all()] == [
        "先进基层党组织",
        "优秀共产党员",
        "优秀党务工作者",
        "先进县(市、区)委",
    ]
    assert r2012.categories.get(code="advanced_county").nominee_kind == "org"
    load_seed_rounds(AwardRound, AwardCategory, Org, Campaign)
    assert AwardRound.objects.count() == 2 and AwardCategory.objects.count() == 7


def test_seed_rounds_skip_without_the_province(db):
    assert load_seed_rounds(AwardRound, AwardCategory, Org, Campaign) == []
    assert not AwardRound.objects.exists()
