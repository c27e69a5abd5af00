"""A data set for the dashboards: three cities, several sectors, two rated periods, a round of nominations,
rectification orders, reminders and milestones done, households with their services, 干群恳谈会, disputes,
bulletins, guidance instructors and 大学生村官 — written straight to the database (states for tests)."""

import datetime

from django.utils import timezone

from awards.models import AwardCategory, Nomination
from campaign.enums import ActivityType
from campaign.models import (
    Bulletin,
    BulletinStatus,
    Commitment,
    Fulfilment,
    MilestoneDone,
    Plan,
    RectificationOrder,
    ReminderDelivery,
)
from evaluations.enums import TierLevel
from evaluations.models import PartyAnalysisReport, Period, Tier
from evaluations.models.reports import ReportStatus
from masswork.models import Dispute, DisputeOutcome, Household, MassMeeting, ServiceKind, ServiceRecord
from orgs.enums import MemberCategory, OrgKind, OrgLevel, Role
from orgs.models import Member, RoleAssignment
from tests.factories import MemberFactory, UserFactory, World, make_org, user_with_role
from tests.factories.awards_nominations import make_round
from tests.factories.campaign_activities import make_activity
from tests.factories.campaign_plans import make_commitment, make_plan

A, M, B = TierLevel.ADVANCED, TierLevel.MIDDLE, TierLevel.BACKWARD


def add_city(world, code, name, sectors):
    """A city with one county, one township and one branch per sector (members in each)."""
    city = make_org(world.province, level=OrgLevel.CITY, kind=OrgKind.COMMITTEE, code=code, name=name)
    county = make_org(city, level=OrgLevel.COUNTY, kind=OrgKind.COMMITTEE, code=f"{code}21", name=f"{name}一县")
    town = make_org(county, level=OrgLevel.TOWNSHIP, kind=OrgKind.COMMITTEE, code=f"{code}21100", name=f"{name}一镇")
    branches = [
        make_org(town, sector=s, code=f"{code}21100{n:03d}", name=f"{name}{n}号支部") for n, s in enumerate(sectors, 1)
    ]
    return city, county, town, branches


class DashWorld:
    """World (石家庄 / 唐山) plus 邯郸 with four sectors, a 党总支 with a branch below it, and campaign data."""

    def __init__(self, campaign, *, today=None):
        self.today = today or timezone.localdate()
        self.campaign = campaign
        w = self.world = World()
        self.province, self.city_a, self.city_b = w.province, w.city_a, w.city_b
        self.county_a, self.town_a, self.town_b = w.county_a, w.town_a, w.town_b
        self.branch_a, self.branch_a2, self.branch_b = w.branch_a, w.branch_a2, w.branch_b
        self.city_c, self.county_c, self.town_c, branches = add_city(
            w, "130400", "邯郸市", ["rural", "school", "community", "soe"]
        )
        self.c_rural, self.c_school, self.c_community, self.c_soe = branches
        self.branch_a3 = make_org(self.town_a, sector="soe", code="130123100203", name="正定国企党支部")
        # a 党总支 (basic) with a branch below it: basic organizations are not always leaves
        self.general = make_org(
            self.town_b, sector="school", kind=OrgKind.GENERAL_BRANCH, code="130223100300", name="滦州中学党总支"
        )
        self.general_child = make_org(self.general, sector="school", code="130223100301", name="滦州中学一支部")
        self.inactive = make_org(self.town_a, sector="rural", code="130123100299", name="已撤销支部", active=False)
        self.basic = [
            self.branch_a, self.branch_a2, self.branch_a3, self.branch_b, self.general, self.general_child,
            self.c_rural, self.c_school, self.c_community, self.c_soe,
        ]  # fmt: skip
        self._members()
        self._plans_and_commitments()
        self._activities()
        self._tiers()
        self._nominations()
        self._supervision()
        self._milestones()
        self._masses()
        for org in (self.province, self.city_a, self.city_b, self.city_c, self.county_a, self.town_a, self.town_b):
            org.refresh_from_db()

    def _members(self):
        self.members = {}
        plan = {
            self.branch_a: (3, 1),
            self.branch_a2: (2, 0),
            self.branch_b: (2, 2),
            self.general_child: (2, 0),
            self.c_rural: (4, 1),
            self.c_school: (1, 1),
            self.c_soe: (2, 0),
        }
        for org, (in_service, retired) in plan.items():
            self.members[org] = [MemberFactory(org=org) for _ in range(in_service)] + [
                MemberFactory(org=org, category=MemberCategory.RETIRED) for _ in range(retired)
            ]
        self.members[self.branch_a].insert(0, self.world.member_a)
        self.members[self.branch_a2].insert(0, self.world.member_a2)
        self.members[self.branch_b].insert(0, self.world.member_b)
        MemberFactory(org=self.inactive)

        def report(member, status):
            return PartyAnalysisReport.objects.create(
                campaign=self.campaign, member=member, org=member.org, org_path=member.org_path,
                content="党性分析", status=status,
            )  # fmt: skip

        ma, mb, mc = self.members[self.branch_a], self.members[self.branch_b], self.members[self.c_rural]
        report(ma[0], ReportStatus.SUBMITTED)
        report(ma[1], ReportStatus.ACCEPTED)
        report(ma[2], ReportStatus.DRAFT)
        report(ma[-1], ReportStatus.ACCEPTED)  # retired: not counted
        report(mb[0], ReportStatus.RETURNED)
        report(mb[1], ReportStatus.SUBMITTED)
        report(mc[0], ReportStatus.ACCEPTED)
        report(self.members[self.c_school][0], ReportStatus.SUBMITTED)

    def _plans_and_commitments(self):
        c, S = self.campaign, Plan.Status
        make_plan(c, self.branch_a, status=S.APPROVED)
        make_plan(c, self.branch_a2, status=S.PUBLISHED)
        make_plan(c, self.branch_b, status=S.SUBMITTED)
        make_plan(c, self.c_rural, status=S.RETURNED)
        make_plan(c, self.c_school, status=S.APPROVED)
        make_plan(c, self.c_community, status=S.DRAFT)
        make_plan(c, self.general_child, status=S.PUBLISHED)
        make_plan(c, self.inactive, status=S.APPROVED)
        P = Commitment.Status.PUBLISHED
        make_commitment(c, self.branch_a, status=P, fulfilment=Fulfilment.DONE)
        make_commitment(c, self.branch_a, status=P, fulfilment=Fulfilment.PARTIAL)
        make_commitment(c, self.branch_b, status=Commitment.Status.DRAFT)
        make_commitment(c, member=self.members[self.c_rural][0], status=P, fulfilment=Fulfilment.DONE)
        make_commitment(c, self.c_school, status=P)
        make_commitment(c, self.town_a, status=P, fulfilment=Fulfilment.DONE)

    def _activities(self):
        start = self.campaign.start_date
        rows = [
            (self.branch_a, ActivityType.PARTY_EDUCATION, 3),
            (self.branch_a, ActivityType.SERVE_MASSES, 3),
            (self.branch_a, ActivityType.SERVE_MASSES, 40),
            (self.branch_a2, ActivityType.POST_DEDICATION, 40),
            (self.branch_b, ActivityType.BADGE_DEMO, 70),
            (self.c_rural, ActivityType.ORG_INNOVATION, 3),
            (self.c_school, ActivityType.PARTY_EDUCATION, 70),
            (self.c_school, ActivityType.PARTY_EDUCATION, 71),
            (self.general_child, ActivityType.SERVE_MASSES, 40),
        ]
        for org, kind, day in rows:
            make_activity(org, self.campaign, activity_type=kind, date=start + datetime.timedelta(days=day))

    def _tiers(self):
        self.p_prev = Period.objects.create(
            name="2011年度",
            code="dash-2011",
            start_date=datetime.date(2011, 1, 1),
            end_date=datetime.date(2011, 12, 31),
        )
        self.p_cur = Period.objects.create(
            name="2012年度",
            code="dash-2012",
            start_date=datetime.date(2012, 1, 1),
            end_date=datetime.date(2012, 12, 31),
        )
        tiers = {
            # org: (previous, current, override of current)
            self.branch_a: (M, A, None),
            self.branch_a2: (A, A, None),
            self.branch_a3: (B, M, None),
            self.branch_b: (A, M, None),
            self.general_child: (M, M, A),  # overridden upward
            self.c_rural: (B, B, None),
            self.c_school: (None, A, None),  # not rated before
            self.c_soe: (M, None, None),  # not rated now
        }
        for org, (prev, cur, override) in tiers.items():
            Tier.objects.create(org=org, period=self.p_prev, computed=prev)
            Tier.objects.create(org=org, period=self.p_cur, computed=cur, override=override)

    def _nominations(self):
        self.round = make_round(self.province, campaign=self.campaign, today=self.today)
        member_cat = self.round.categories.get(code="excellent_member")
        org_cat = AwardCategory.objects.filter(award_round=self.round, code="advanced_org").first()
        S = Nomination.Status

        def nominate(org, status, *, member=None, category=member_cat):
            return Nomination.objects.create(
                award_round=self.round, category=category, nominee_org=None if member else org, nominee_member=member,
                nominee_name=member.name if member else org.name, nominating_org=org, origin_path=org.path,
                current_org=org, status=status, deeds="事迹",
            )  # fmt: skip

        nominate(self.branch_a, S.PENDING, member=self.members[self.branch_a][0])
        nominate(self.branch_a, S.WITHDRAWN, member=self.members[self.branch_a][1])
        nominate(self.branch_b, S.APPROVED, member=self.members[self.branch_b][0])
        nominate(self.c_rural, S.SHORTLISTED, member=self.members[self.c_rural][0])
        nominate(self.c_school, S.REJECTED, member=self.members[self.c_school][0])
        if org_cat is not None:
            nominate(self.branch_a2, S.PUBLICITY, category=org_cat)
            nominate(self.c_school, S.APPROVED, category=org_cat)

    def _supervision(self):
        today = self.today
        S = RectificationOrder.Status

        def order(org, status, days):
            return RectificationOrder.objects.create(
                org=org, issuer_org=self.province, issuer_role=Role.ORG_DEPARTMENT, problem="工作不得力",
                requirement="限期整改", deadline=today + datetime.timedelta(days=days), status=status,
            )  # fmt: skip

        order(self.branch_a, S.OPEN, 5)
        order(self.branch_a, S.OPEN, -3)  # overdue
        order(self.branch_b, S.RESPONDED, -1)  # overdue (not verified)
        order(self.branch_b, S.VERIFIED, -10)
        order(self.c_rural, S.REOPENED, -2)  # overdue
        order(self.c_school, S.VERIFIED, 3)
        order(self.county_a, S.OPEN, -4)  # a committee itself: overdue
        order(self.branch_a2, S.OPEN, 0)  # due today: not overdue

    def _milestones(self):
        c = self.campaign
        plan = c.milestones.get(code="plan")
        study = c.milestones.get(code="study")
        mobilize = c.milestones.get(code="mobilize")
        for org in (self.branch_a, self.branch_a2, self.c_school):
            MilestoneDone.objects.create(milestone=plan, org=org, org_path=org.path)
        for org in (self.branch_a, self.c_rural):
            MilestoneDone.objects.create(milestone=study, org=org, org_path=org.path)
        for org in (self.province, self.city_a, self.county_a):
            MilestoneDone.objects.create(milestone=mobilize, org=org, org_path=org.path)
        now = timezone.now()
        for org, sent in (
            (self.branch_b, True),
            (self.c_rural, True),
            (self.c_community, False),
            (self.branch_a3, True),
        ):
            ReminderDelivery.objects.create(milestone=plan, org=org, offset=3, sent_at=now if sent else None)
        ReminderDelivery.objects.create(milestone=plan, org=self.branch_b, offset=1, sent_at=now)

    def _masses(self):
        """联系服务群众与基层治理 in three cities and four sectors; dates around the snapshot day (``today``) and the
        campaign's start, so that the window (start … today) and the 30 days without contact are both exercised."""
        today, start = self.today, self.campaign.start_date

        def day(n):
            return today - datetime.timedelta(days=n)

        def household(org, name, *, active=True, services=()):
            h = Household.objects.create(org=org, head_name=name, village="村", size=3, active=active)
            for kind, on in services:
                ServiceRecord.objects.create(household=h, kind=kind, date=on, content="走访慰问")
            return h

        H, V, S = ServiceKind.HELP, ServiceKind.VISIT, ServiceKind.SOLVE
        # branch_a (rural, 石家庄): contacted 3 days ago; last contact 40 days ago; never; inactive but served
        household(self.branch_a, "王大娘", services=[(V, day(3)), (H, day(50))])
        household(self.branch_a, "李大爷", services=[(V, day(40)), (S, day(70))])
        household(self.branch_a, "赵婶")
        household(self.branch_a, "孙伯", active=False, services=[(H, day(2))])
        # branch_b (rural, 唐山): contacted 10 days ago; only a visit dated after the snapshot day
        household(self.branch_b, "周奶奶", services=[(S, day(10)), (V, day(10))])
        household(self.branch_b, "吴叔", services=[(V, day(-5))])
        # school sector: exactly 30 days ago still counts as contact; a visit before the campaign's start
        household(self.c_school, "郑老师", services=[(H, day(30))])
        household(self.general_child, "冯师傅", services=[(V, start - datetime.timedelta(days=5))])
        # c_rural (邯郸): two months of services; c_community: a household with a visit 31 days ago
        household(self.c_rural, "陈家", services=[(H, day(1)), (H, day(35)), (S, day(65))])
        household(self.c_rural, "褚家", services=[(V, day(20))])
        household(self.c_community, "卫家", services=[(V, day(31))])
        household(self.inactive, "已撤销户", services=[(V, day(1))])  # an inactive organization: never counted

        def meeting(org, on):
            MassMeeting.objects.create(org=org, date=on, place="村委会", attendance=20, masses_count=15, issues="道路")

        meeting(self.branch_a, day(15))
        meeting(self.branch_a, start - datetime.timedelta(days=1))  # before the campaign
        meeting(self.town_a, day(25))  # a township committee holds one itself
        meeting(self.c_community, day(5))
        meeting(self.general, day(60))
        meeting(self.branch_b, day(-3))  # after the snapshot day

        D = DisputeOutcome

        def dispute(org, outcome, on=None):
            Dispute.objects.create(
                org=org, found_on=on or day(12), category="neighbor", parties="村民张某与邻居李某",
                summary="宅基地边界", outcome=outcome,
            )  # fmt: skip

        dispute(self.branch_a, D.RESOLVED)
        dispute(self.branch_a, D.PENDING)
        dispute(self.branch_a2, D.ESCALATED)
        dispute(self.branch_b, D.UNRESOLVED)
        dispute(self.branch_b, D.RESOLVED, day(45))
        dispute(self.c_rural, D.RESOLVED)
        dispute(self.c_rural, D.PENDING, day(70))
        dispute(self.c_rural, D.RESOLVED, start - datetime.timedelta(days=2))  # before the campaign
        dispute(self.c_soe, D.UNRESOLVED)
        dispute(self.inactive, D.RESOLVED)

        def bulletin(org, number, on, status=BulletinStatus.ISSUED):
            Bulletin.objects.create(
                issuer_org=org, editor=f"{org.name}创先争优活动领导小组办公室", status=status,
                year=on.year if status == BulletinStatus.ISSUED else None,
                number=number if status == BulletinStatus.ISSUED else None,
                issue_date=on if status == BulletinStatus.ISSUED else None,
            )  # fmt: skip

        bulletin(self.province, 1, day(40))
        bulletin(self.province, 2, day(8))
        bulletin(self.province, None, day(1), status=BulletinStatus.DRAFT)
        bulletin(self.city_a, 1, day(20))
        bulletin(self.county_a, 1, start - datetime.timedelta(days=3))  # before the campaign
        bulletin(self.city_c, 1, day(2))
        bulletin(self.county_c, 1, day(-2))  # after the snapshot day

        # 党建工作指导员: one instructor guides two branches, a second one branch_a too (counted once),
        # a deactivated account and an assignment on a township (not a basic organization) do not count.
        self.instructor = user_with_role(self.branch_a, Role.INSTRUCTOR, username="dash_guide", full_name="县指导员")
        RoleAssignment.objects.create(user=self.instructor, org=self.c_school, role=Role.INSTRUCTOR)
        user_with_role(self.branch_a, Role.INSTRUCTOR, username="dash_guide2")
        user_with_role(self.branch_b, Role.INSTRUCTOR, username="dash_guide3")
        user_with_role(self.general, Role.INSTRUCTOR, username="dash_guide4")
        gone = UserFactory(username="dash_guide_gone", is_active=False)
        RoleAssignment.objects.create(user=gone, org=self.c_soe, role=Role.INSTRUCTOR)
        user_with_role(self.town_c, Role.INSTRUCTOR, username="dash_guide_town")

        # 大学生村官: existing members flagged (a retired one too), in three cities
        flagged = [
            self.members[self.branch_a][1],
            self.members[self.branch_b][0],
            self.members[self.c_rural][0],
            self.members[self.c_rural][1],
            self.members[self.branch_b][-1],  # retired
            self.members[self.general_child][0],
            self.members[self.c_soe][0],
        ]
        Member.objects.filter(pk__in=[m.pk for m in flagged]).update(college_official=True)
        MemberFactory(org=self.inactive, college_official=True)
