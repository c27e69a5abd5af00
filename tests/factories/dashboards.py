"""A data set for the dashboards: three cities, several sectors, two rated periods, a round of nominations,
rectification orders, reminders and milestones done — written straight to the database (states for tests)."""

import datetime

from django.utils import timezone

from awards.models import AwardCategory, Nomination
from campaign.enums import ActivityType
from campaign.models import Commitment, Fulfilment, MilestoneDone, Plan, RectificationOrder, ReminderDelivery
from evaluations.enums import TierLevel
from evaluations.models import PartyAnalysisReport, Period, Tier
from evaluations.models.reports import ReportStatus
from orgs.enums import MemberCategory, OrgKind, OrgLevel, Role
from tests.factories import MemberFactory, World, make_org
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
