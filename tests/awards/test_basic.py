"""A basic organization's own commendation: the workflow and its refusals (services)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from awards.models import BasicAward, BasicCommendation, CalendarDay
from awards.queries.basic import member_honours
from awards.services import basic as services
from campaign.models import MilestoneDone
from orgs.enums import Role
from tests.factories import MemberFactory, user_with_role
from tests.factories.awards_basic import add_award, announced_award, make_commendation, secretary_of

pytestmark = pytest.mark.django_db
Status = BasicCommendation.Status


def messages_at(error: ValidationError, field: str) -> list[str]:
    return error.value.message_dict[field]


def test_workflow_marks_the_milestone_and_records_the_honour(world, campaign):
    secretary = secretary_of(world.branch_a)
    c = make_commendation(world.branch_a, by=secretary)
    assert c.status == Status.DRAFT and c.campaign == campaign and c.org_path == world.branch_a.path
    award = add_award(c, world.member_a, by=secretary, citation="带头修路")
    assert (award.member_name, award.post, award.honour) == ("张建国", "村民小组长", "优秀共产党员")
    assert list(member_honours(world.member_a)) == []  # a draft is not on the record
    c = services.announce(c, by=secretary)
    assert c.status == Status.ANNOUNCED and c.announced_by == secretary
    done = MilestoneDone.objects.get(milestone__campaign=campaign, milestone__code="basic_commendation")
    assert done.org == world.branch_a and done.by == secretary
    assert [h.pk for h in member_honours(world.member_a)] == [award.pk]
    # Announcing again is refused; nothing more can be added.
    with pytest.raises(ValidationError, match="已公布"):
        services.announce(c, by=secretary)
    with pytest.raises(ValidationError, match="不能再修改"):
        add_award(c, world.member_a, by=secretary)


def test_no_running_campaign_no_milestone(world):
    c = make_commendation(world.branch_a)
    add_award(c, world.member_a)
    services.announce(c, by=secretary_of(world.branch_a))
    c.refresh_from_db()
    assert c.status == Status.ANNOUNCED and c.campaign is None
    assert not MilestoneDone.objects.exists()


def test_only_the_orgs_own_members(world):
    c = make_commendation(world.branch_a)
    # 李秀英 is a member of the neighbouring branch of the same township.
    with pytest.raises(ValidationError) as error:
        add_award(c, world.member_a2)
    assert messages_at(error, "member") == ["只能表彰本组织的党员：李秀英不是塔元庄村党支部的党员"]
    add_award(c, world.member_a)
    with pytest.raises(ValidationError) as error:
        add_award(c, world.member_a, honour="优秀党务工作者")
    assert messages_at(error, "member") == ["张建国已在本次表彰名单中"]
    assert BasicAward.objects.count() == 1


def test_only_the_secretary_writes(world):
    org_department = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    other_secretary = secretary_of(world.branch_b)
    with pytest.raises(PermissionDenied):
        make_commendation(world.branch_a, by=org_department)
    with pytest.raises(PermissionDenied):
        make_commendation(world.branch_a, by=other_secretary)
    c = make_commendation(world.branch_a)
    with pytest.raises(PermissionDenied):
        add_award(c, world.member_a, by=other_secretary)
    add_award(c, world.member_a)
    with pytest.raises(PermissionDenied):
        services.announce(c, by=org_department)


def test_only_basic_orgs_and_required_fields(world):
    town_secretary = user_with_role(world.town_a, Role.SECRETARY)
    with pytest.raises(ValidationError) as error:
        make_commendation(world.town_a, by=town_secretary)
    assert "只有基层党组织" in messages_at(error, "org")[0]
    with pytest.raises(ValidationError) as error:
        make_commendation(world.branch_a, title=" ", method="", year=1800, publicity=True, publicity_working_days=0)
    found = error.value.message_dict
    assert found["title"] == ["请填写表彰名称"]
    assert found["method"] == ["请填写评选方式，如党员大会评选"]
    assert found["year"] == ["请填写正确的年度"]
    assert found["publicity_working_days"] == ["公示期应为 1 至 30 个工作日"]


def test_announce_without_awardees_is_refused(world):
    c = make_commendation(world.branch_a)
    with pytest.raises(ValidationError, match="请先添加表彰对象"):
        services.announce(c, by=secretary_of(world.branch_a))


def test_publicity_counts_working_days_and_blocks_the_announcement(world):
    secretary = secretary_of(world.branch_a)
    # 2011-06-06 was the 端午节 holiday: a 5-working-day 公示 from Friday 3 June ends on Friday 10 June.
    CalendarDay.objects.update_or_create(
        date=datetime.date(2011, 6, 6), defaults={"is_workday": False, "name": "端午节"}
    )
    c = make_commendation(world.branch_a, publicity=True)
    add_award(c, world.member_a)
    with pytest.raises(ValidationError, match="请先开始公示"):
        services.announce(c, by=secretary, today=datetime.date(2011, 6, 3))
    c = services.open_publicity(c, by=secretary, today=datetime.date(2011, 6, 3))
    assert c.status == Status.PUBLICITY and services.publicity_end(c) == datetime.date(2011, 6, 10)
    assert services.publicity_open(c, datetime.date(2011, 6, 10))
    assert not services.publicity_open(c, datetime.date(2011, 6, 11))
    for day in (datetime.date(2011, 6, 3), datetime.date(2011, 6, 10)):
        with pytest.raises(ValidationError) as error:
            services.announce(c, by=secretary, today=day)
        assert error.value.messages == ["公示期至2011-06-10结束，公示期满后才能公布表彰结果"]
    c = services.announce(c, by=secretary, today=datetime.date(2011, 6, 13))
    assert c.status == Status.ANNOUNCED
    assert len(member_honours(world.member_a)) == 1


def test_publicity_only_when_chosen(world):
    c = make_commendation(world.branch_a)
    add_award(c, world.member_a)
    with pytest.raises(ValidationError, match="未选择公示"):
        services.open_publicity(c, by=secretary_of(world.branch_a))


def test_draft_edits_and_removal(world):
    secretary = secretary_of(world.branch_a)
    c = make_commendation(world.branch_a)
    award = add_award(c, world.member_a)
    c = services.update_commendation(c, by=secretary, fields={"title": " 2011年度表彰 ", "publicity": True})
    assert c.title == "2011年度表彰" and c.publicity
    services.remove_award(award, by=secretary)
    assert not BasicAward.objects.exists()
    assert BasicAward.history.filter(history_type="-").count() == 1  # the removal is in the history


def test_annul_requires_a_reason_and_keeps_the_rows(world):
    award = announced_award(world.member_a)
    c = award.commendation
    county = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    with pytest.raises(ValidationError) as error:
        services.annul_commendation(c, by=county, reason="  ")
    assert messages_at(error, "reason") == ["请填写撤销原因"]
    with pytest.raises(PermissionDenied):
        services.annul_commendation(c, by=secretary_of(world.branch_a), reason="程序不规范")
    with pytest.raises(PermissionDenied):
        services.annul_commendation(c, by=user_with_role(world.city_b, Role.ORG_DEPARTMENT), reason="程序不规范")
    c = services.annul_commendation(c, by=county, reason="未经党员大会评选，程序不规范")
    c.refresh_from_db()
    assert (
        c.status == Status.ANNULLED and c.annulled_reason == "未经党员大会评选，程序不规范" and c.annulled_by == county
    )
    assert BasicAward.objects.filter(pk=award.pk).exists()
    assert list(member_honours(world.member_a)) == []
    with pytest.raises(ValidationError, match="已撤销"):
        services.annul_commendation(c, by=county, reason="再次")


def test_annul_one_award(world):
    other = MemberFactory(org=world.branch_a, name="赵红梅")
    secretary = secretary_of(world.branch_a)
    c = make_commendation(world.branch_a)
    first = add_award(c, world.member_a)
    add_award(c, other)
    services.announce(c, by=secretary)
    city = user_with_role(world.city_a, Role.ORG_DEPARTMENT)
    with pytest.raises(ValidationError) as error:
        services.annul_award(first, by=city, reason="")
    assert messages_at(error, "reason") == ["请填写撤销原因"]
    first = services.annul_award(first, by=city, reason="受到党内警告处分")
    assert first.is_annulled and first.annulled_reason == "受到党内警告处分"
    assert list(member_honours(world.member_a)) == []
    assert [h.member_name for h in member_honours(other)] == ["赵红梅"]
    with pytest.raises(ValidationError, match="不能撤销"):
        services.annul_award(first, by=city, reason="再次")


def test_cited_honours_are_the_nominees_own(world):
    from awards.services import nominations as nomination_services
    from tests.factories.awards_nominations import category, make_round

    own = announced_award(world.member_a)
    stranger = announced_award(world.member_a2)
    annulled = announced_award(world.member_a, title="2010年度优秀共产党员表彰", year=2010)
    services.annul_award(annulled, by=user_with_role(world.county_a, Role.ORG_DEPARTMENT), reason="撤销")
    r = make_round(world.province)
    secretary = secretary_of(world.branch_a)

    def nominate(cited):
        return nomination_services.nominate(
            r,
            category(r),
            nominating_org=world.branch_a,
            nominee=world.member_a,
            deeds="事迹",
            by=secretary,
            cited_honours=cited,
        )

    for bad in ([stranger], [annulled], [own, stranger]):
        with pytest.raises(ValidationError) as error:
            nominate(bad)
        assert messages_at(error, "cited_honours") == ["只能引用被推荐党员本人已公布的基层表彰"]
    n = nominate([own])
    assert list(n.cited_honours.all()) == [own]
