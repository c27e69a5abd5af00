"""People and helpers of the workbench tests: a secretary of each branch, a member with an account, and a way
to follow every link a page shows."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Nomination
from campaign.models import BadgeEntry, Commitment, Milestone, MilestoneDone, Notification, Plan, RectificationOrder
from evaluations.enums import Source
from evaluations.models import MassToken, MemberRating, MemberResultsRelease, PartyAnalysisParticipation, Period
from orgs.enums import MemberCategory, Role
from orgs.models import Member
from tests.factories import MemberFactory, UserFactory, user_with_role
from tests.factories.awards_basic import announced_award
from tests.factories.awards_nominations import category, make_round
from tests.factories.campaign_masses import make_household, make_service
from tests.factories.campaign_plans import make_commitment, make_plan
from tests.factories.campaign_supervision import make_order
from tests.factories.evaluations_mass import make_batch, make_report
from tests.factories.evaluations_scoring import make_assessment

MAIN = re.compile(r'<main id="main".*?</main>', re.S)
HREF = re.compile(r'href="([^"#]*)"')


class People:
    def __init__(self, world):
        self.secretary = user_with_role(world.branch_a, Role.SECRETARY, username="wb_sec_a", full_name="塔元庄书记")
        self.secretary_b = user_with_role(world.branch_b, Role.SECRETARY, username="wb_sec_b", full_name="滦州书记")
        self.member = user_with_role(world.branch_a, Role.MEMBER, username="wb_member", full_name="张建国")
        self.member.member = world.member_a
        self.member.save(update_fields=["member"])
        self.member_b = user_with_role(world.branch_b, Role.MEMBER, username="wb_member_b", full_name="王志强")
        self.member_b.member = world.member_b
        self.member_b.save(update_fields=["member"])
        self.dept_county = user_with_role(
            world.county_a, Role.ORG_DEPARTMENT, username="wb_dept", full_name="县委组织部"
        )
        self.leader = user_with_role(world.city_a, Role.LEADING_GROUP, username="wb_leader", full_name="市领导小组")
        self.town_secretary = user_with_role(world.town_a, Role.SECRETARY, username="wb_town", full_name="镇党委书记")
        self.nobody = UserFactory(username="wb_nobody")


@pytest.fixture
def people(world):
    return People(world)


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def main_links(html: str) -> list[str]:
    """Every local link inside <main> (the page's own content, not the navigation)."""
    body = MAIN.search(html).group(0)
    return sorted({h.replace("&amp;", "&") for h in HREF.findall(body) if h.startswith("/")})


def assert_links_open(client, html: str) -> list[str]:
    """Follow every link of the page with the user's client: each answers 200 (after redirects)."""
    links = main_links(html)
    for url in links:
        response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
    return links


# --- data of the workbench and 我的创先争优 -------------------------------------------------------------


def order(org, by, *, deadline, problem):
    """A rectification order with any deadline (the service refuses a past one: move it afterwards)."""
    made = make_order(org, by, problem=problem)
    RectificationOrder.objects.filter(pk=made.pk).update(deadline=deadline)
    return made


def done(campaign, code, org):
    MilestoneDone.objects.create(milestone=milestone(campaign, code), org=org, org_path=org.path)


def milestone(campaign, code):
    return Milestone.objects.get(campaign=campaign, code=code)


def move(campaign, code, *, due, start=None):
    Milestone.objects.filter(campaign=campaign, code=code).update(due_date=due, start_date=start)


@pytest.fixture
def period(db):
    """An assessment period open today."""
    return Period.objects.create(name="本年度考核评议", code="wb-open", start_date=days(-30), end_date=days(60))


@pytest.fixture
def busy(world, people, campaign, seed_criteria, period):
    """branch_a with something in every section, and the same kinds of rows for branch_b (must never show)."""
    move(campaign, "study", due=days(-3))  # overdue, confirmed by hand on the milestone's page
    move(campaign, "party_analysis", due=days(5), start=days(2))  # due soon, not yet started
    move(campaign, "five_activities", due=days(9))
    move(campaign, "benchmarking", due=days(4))  # done below: must vanish
    done(campaign, "benchmarking", world.branch_a)
    make_plan(campaign, world.branch_a, status=Plan.Status.RETURNED, theme="塔元庄创先争优方案")
    make_plan(campaign, world.branch_b, status=Plan.Status.RETURNED, theme="滦州方案")
    make_commitment(campaign, world.branch_a, status=Commitment.Status.PUBLISHED, content="硬化村内主干道三公里")
    make_commitment(campaign, member=world.member_a, status=Commitment.Status.PUBLISHED, content="带头发展大棚蔬菜")
    make_commitment(campaign, world.branch_a, content="草稿承诺")
    make_commitment(campaign, world.branch_b, status=Commitment.Status.PUBLISHED, content="滦州承诺")
    order(world.branch_a, people.dept_county, deadline=days(-2), problem="学习制度不落实")
    order(world.branch_a, people.dept_county, deadline=days(6), problem="活动记录不全")
    make_order(world.branch_b, user_with_role(world.county_b, Role.ORG_DEPARTMENT), problem="滦州整改")
    farmer = MemberFactory(org=world.branch_a, name="刘庄稼", category=MemberCategory.FARMER)
    make_report(campaign, world.member_a, status="submitted")
    PartyAnalysisParticipation.objects.create(
        campaign=campaign, member=farmer, org=world.branch_a, org_path=world.branch_a.path, took_part_on=days(-1)
    )
    batch, tokens = make_batch(world.branch_a, seed_criteria["five-models"], period=period, members=[world.member_a])
    MassToken.objects.filter(pk=MassToken.objects.filter(batch=batch).first().pk).update(used_at=timezone.now())
    make_batch(world.branch_b, seed_criteria["five-models"], period=period, members=[world.member_b])
    award_round = make_round(world.county_a, name="正定县七一表彰")
    Nomination.objects.create(
        award_round=award_round,
        category=category(award_round, "excellent_member"),
        nominee_member=world.member_a,
        nominee_name=world.member_a.name,
        nominating_org=world.branch_a,
        origin_path=world.branch_a.path,
        current_org=world.town_a,
        deeds="带领群众致富",
    )
    make_round(world.county_b, name="滦县表彰")
    make_assessment(period, org=world.branch_a, source=Source.SELF, submit=False)
    make_assessment(period, member=world.member_a, source=Source.SELF, author=people.member)
    make_assessment(period, member=world.member_a, source=Source.SUPERIOR, author=people.secretary)
    rate(world.member_a, period)
    Notification.objects.create(user=people.secretary, title="请及时报送活动进展", url=reverse("campaign:timeline"))
    Notification.objects.create(user=people.secretary_b, title="滦州的消息")
    return world


def approved_nomination(member, owner):
    award_round = make_round(owner, name="正定县七一表彰")
    return Nomination.objects.create(
        award_round=award_round,
        category=category(award_round, "excellent_member"),
        nominee_member=member,
        nominee_name=member.name,
        nominating_org=member.org,
        origin_path=member.org.path,
        current_org=owner,
        deeds="带领群众致富",
        status=Nomination.Status.APPROVED,
    )


def badge(member, by, *, kind="demo_household", place="塔元庄村东街8号", start=None, end=None):
    entry = BadgeEntry.objects.create(
        kind=kind,
        member=member,
        org=member.org,
        org_path=member.org.path,
        place=place,
        start_date=start or days(-10),
        end_date=end,
        created_by=by,
    )
    Member.objects.filter(pk=member.pk).update(badge_demo_household=True)
    return entry


@pytest.fixture
def rich(world, people, campaign, seed_criteria, period):
    """member_a with something in every section; member_b (the other subtree) with the same kinds of rows."""
    report = make_report(campaign, world.member_a, status="returned")
    report.review_comment = "请结合岗位实际查找差距"
    report.save(update_fields=["review_comment"])
    make_report(campaign, world.member_b, status="accepted", content="滦州报告")
    make_assessment(period, member=world.member_a, source=Source.SELF, author=people.member, submit=False)
    household = make_household(world.branch_a, people.secretary, head_name="王大娘", members=[world.member_a])
    make_service(household, people.secretary, days_ago=3, member=world.member_a)
    make_household(world.branch_a, people.secretary, head_name="李大爷", members=[])  # not his
    make_household(world.branch_b, people.secretary_b, head_name="滦州户", members=[world.member_b])
    make_commitment(campaign, member=world.member_a, status=Commitment.Status.PUBLISHED, content="带头发展大棚蔬菜")
    make_commitment(campaign, member=world.member_b, status=Commitment.Status.PUBLISHED, content="滦州党员承诺")
    make_commitment(campaign, world.branch_a, status=Commitment.Status.PUBLISHED, content="支部的承诺")
    announced_award(world.member_a, honour="优秀共产党员", title="2011年度塔元庄优秀共产党员表彰")
    announced_award(world.member_b, honour="滦州先进个人")
    approved_nomination(world.member_a, world.county_a)
    badge(world.member_a, people.secretary)
    badge(world.member_a, people.secretary, kind="vanguard_post", place="旧岗位", start=days(-90), end=days(-30))
    return world


def release(world, people, period, seed_criteria):
    """The branch assesses and rates member_a, the masses evaluate him, and the branch releases the results."""
    make_assessment(period, member=world.member_a, source=Source.SUPERIOR, author=people.secretary)
    rate(world.member_a, period, reason="带领群众发展大棚蔬菜成效显著")
    batch, tokens = make_batch(world.branch_a, seed_criteria["five-models"], period=period, members=[world.member_a])
    MassToken.objects.filter(batch=batch).update(used_at=timezone.now())
    publish(world.branch_a, period)


def rate(member, period, *, level="excellent", reason=""):
    """The branch's rating of ``member`` (made by his organization)."""
    return MemberRating.objects.create(
        period=period,
        member=member,
        org=member.org,
        org_path=member.org.path,
        level=level,
        reason=reason,
        rated_at=timezone.now(),
    )


def publish(org, period):
    """The branch releases its members' results of ``period``."""
    return MemberResultsRelease.objects.create(period=period, org=org, org_path=org.path)
