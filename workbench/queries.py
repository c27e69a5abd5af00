"""What is due for a basic organization's secretary (the workbench), and a member's own record (我的创先争优).

"基层党组织要具体负责本地本单位创先争优活动的组织实施。" (seed, part 五) — the secretary of a basic organization
starts from one screen of what is due for it; "全省所有基层党组织和党员都要积极投身创先争优活动，实现组织和党员
全覆盖。" (seed, part 三) — a member starts from his own record and sees nobody else's.

Read only. The secretary's organizations come from his role assignments (``orgs.queries``), a member's record from
``User.member``; everything else is read for that one organization or member. Each function runs a fixed number of
queries whatever the number of rows, so both pages answer in a constant number of queries.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from awards.enums import CategoryCode
from awards.models import AwardRound, Nomination
from awards.queries.basic import member_honours
from campaign.models import (
    BadgeEntry,
    Campaign,
    Commitment,
    Fulfilment,
    Milestone,
    MilestoneDone,
    Notification,
    Phase,
    Plan,
    RectificationOrder,
    ReportingBody,
)
from campaign.models.badges import current_q
from campaign.queries.plans import own_plan_orgs
from campaign.queries.supervision import order_counts
from campaign.services.timeline import current_campaign
from common.numbers import percent
from common.subqueries import count_per_row
from evaluations.enums import AssessmentStatus, Source, Target
from evaluations.models import (
    Assessment,
    MassBatch,
    MassToken,
    MemberRating,
    MemberResultsRelease,
    PartyAnalysisReport,
    Period,
)
from evaluations.services.assessments import find_assessment
from evaluations.services.periods import open_period
from evaluations.services.reports import coverage
from masswork.models import HouseholdLink
from orgs import queries
from orgs.models import Member, Org

# Milestones due within this many days are listed with the overdue ones.
HORIZON_DAYS = 14
# Long lists (commitments, orders, messages) show this many rows and link to the full list.
LIST_LIMIT = 10
BATCH_LIMIT = 5


def with_query(url: str, **params) -> str:
    return f"{url}?{urlencode(params)}" if params else url


# --- whose workbench ---------------------------------------------------------------------------


def secretary_orgs(user) -> list[Org]:
    """The basic organizations (党委/总支/支部 of level basic) the user is secretary of, in tree order (no query)."""
    return own_plan_orgs(user)


def workbench_org_or_error(user, code: str) -> Org:
    """The organization ``code`` for its own secretary: outside the user's scope 404, not his own basic one 403."""
    org = queries.get_org_or_404(user, code)
    if org.pk not in {o.pk for o in secretary_orgs(user)}:
        raise PermissionDenied
    return org


# --- the campaign's step -----------------------------------------------------------------------


@dataclass
class CampaignState:
    """The current campaign on ``today``: its step and the days left in it."""

    campaign: Campaign | None
    today: datetime.date
    phases: list[Phase] = field(default_factory=list)

    @property
    def phase(self) -> Phase | None:
        return next((p for p in self.phases if p.contains(self.today)), None)

    @property
    def next_phase(self) -> Phase | None:
        return next((p for p in self.phases if p.start_date > self.today), None)

    @property
    def days_left(self) -> int | None:
        phase = self.phase
        return (phase.end_date - self.today).days if phase else None

    @property
    def not_started(self) -> bool:
        return self.campaign is not None and self.today < self.campaign.start_date

    @property
    def ended(self) -> bool:
        return self.campaign is not None and self.today > self.campaign.end_date


def campaign_state(today: datetime.date | None = None) -> CampaignState:
    today = today or timezone.localdate()
    campaign = current_campaign(today)
    phases = list(campaign.phases.order_by("order")) if campaign else []
    return CampaignState(campaign=campaign, today=today, phases=phases)


# --- milestones --------------------------------------------------------------------------------


def milestone_start(milestone: Milestone) -> datetime.date:
    return milestone.start_date or milestone.phase.start_date


def pending_milestones(org: Org, campaign: Campaign | None) -> list[Milestone]:
    """The campaign's milestones that apply to ``org`` and that it has not done, by due date (one query; two
    when a milestone of the 省直 reporting bodies is among them)."""
    if campaign is None:
        return []
    rows = list(
        Milestone.objects.filter(campaign=campaign)
        .exclude(pk__in=MilestoneDone.objects.filter(org=org).values("milestone_id"))
        .select_related("phase")
        .order_by("due_date", "order", "pk")
    )
    if not org.active:
        return []
    # Milestone.applies_to, with the reporting-body register read once for all the milestones that ask for it.
    registered = any(m.provincial_units for m in rows) and ReportingBody.objects.filter(org_id=org.pk).exists()
    return [m for m in rows if m.matches(org.level, org.kind, org.sector, registered)]


@dataclass
class DueMilestone:
    milestone: Milestone
    url: str
    days: int  # until the due date; negative once overdue

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def overdue_days(self) -> int:
        return -self.days

    @property
    def starts(self) -> datetime.date:
        return milestone_start(self.milestone)


@dataclass
class LinkContext:
    """What the milestone links need to know, loaded once for the page."""

    org: Org
    plan_url: str
    board_url: str = ""  # the branch's board of its members for the period ("" without any period)


def plan_url(org: Org, plan: Plan | None) -> str:
    """Where the secretary acts on the plan: write it, change it (draft, returned), or read it."""
    if plan is None:
        return reverse("campaign:plan_create", args=[org.code])
    if plan.status in (Plan.Status.DRAFT, Plan.Status.RETURNED):
        return reverse("campaign:plan_edit", args=[plan.pk])
    return reverse("campaign:plan_detail", args=[plan.pk])


# Milestone code (campaign/seed.py) → the page where a basic organization's secretary does the work. A code not
# listed here (动员部署, 组织学习, 搞好总结, 完善机制 …: confirmed by hand) links to the milestone's own page, where
# the secretary confirms it for his organization.
MILESTONE_FORMS = {
    "plan": lambda c: c.plan_url,
    "party_analysis": lambda c: with_query(reverse("evaluations:report_list"), org=c.org.code),
    "five_activities": lambda c: with_query(reverse("campaign:activity_create"), org=c.org.code),
    "basic_commendation": lambda c: reverse("awards:basic_create"),
    "benchmarking": lambda c: reverse("evaluations:benchmark_create"),
    "tier_upgrade": lambda c: reverse("evaluations:benchmark_list"),
    "assessment": lambda c: c.board_url or reverse("evaluations:scoring_home"),
}


def milestone_url(milestone: Milestone, context: LinkContext) -> str:
    form = MILESTONE_FORMS.get(milestone.code)
    return form(context) if form else reverse("campaign:milestone_orgs", args=[milestone.pk])


@dataclass
class MilestoneBoard:
    due: list[DueMilestone]  # overdue first, then due within HORIZON_DAYS
    upcoming: DueMilestone | None  # the next one after the horizon (the empty state names it)

    @property
    def overdue_count(self) -> int:
        return sum(1 for d in self.due if d.overdue)


def milestone_board(org: Org, state: CampaignState, context: LinkContext) -> MilestoneBoard:
    """Overdue milestones and those due within HORIZON_DAYS, and the next one after; nothing once the campaign
    has ended (its milestones can no longer be done: ``campaign.services.timeline.ensure_markable``)."""
    if state.ended:
        return MilestoneBoard(due=[], upcoming=None)
    today = state.today
    horizon = today + datetime.timedelta(days=HORIZON_DAYS)
    due, upcoming = [], None
    for m in pending_milestones(org, state.campaign):
        item = DueMilestone(m, milestone_url(m, context), (m.due_date - today).days)
        if m.due_date <= horizon:
            due.append(item)
        elif upcoming is None:
            upcoming = item
    return MilestoneBoard(due=due, upcoming=upcoming)


# --- plan, commitments, orders -----------------------------------------------------------------


def plan_of(org: Org, campaign: Campaign | None) -> Plan | None:
    if campaign is None:
        return None
    return Plan.objects.filter(campaign=campaign, org=org).first()


@dataclass
class CommitmentBoard:
    rows: list[Commitment]
    awaiting: int  # published and not yet fully kept
    drafts: int  # written, not yet published
    list_url: str

    @property
    def drafts_url(self) -> str:
        return f"{self.list_url}&{urlencode({'status': Commitment.Status.DRAFT})}"

    @property
    def more(self) -> bool:
        return self.awaiting > len(self.rows)


def commitment_board(org: Org, campaign: Campaign | None) -> CommitmentBoard:
    """Published commitments of the organization and its members not yet kept (兑现), least recently recorded
    first, with the last record's date; and how many drafts wait to be published. Two queries."""
    list_url = with_query(reverse("campaign:commitment_list"), q=org.code)
    if campaign is None:
        return CommitmentBoard([], 0, 0, list_url)
    base = Commitment.objects.filter(campaign=campaign, org=org).exclude(fulfilment=Fulfilment.DONE)
    counts = base.aggregate(
        awaiting=Count("pk", filter=Q(status=Commitment.Status.PUBLISHED)),
        drafts=Count("pk", filter=Q(status=Commitment.Status.DRAFT)),
    )
    rows = []
    if counts["awaiting"]:
        rows = list(
            base.filter(status=Commitment.Status.PUBLISHED)
            .select_related("member")
            .annotate(last_record=Max("records__date"))
            .order_by(F("last_record").asc(nulls_first=True), "pk")[:LIST_LIMIT]
        )
    return CommitmentBoard(rows, counts["awaiting"], counts["drafts"], list_url)


@dataclass
class OrderBoard:
    rows: list[RectificationOrder]
    counts: dict


def order_board(org: Org, today: datetime.date) -> OrderBoard:
    """Rectification orders addressed to the organization and not yet verified, nearest deadline first."""
    orders = RectificationOrder.objects.filter(org=org)
    counts = order_counts(orders, today)
    rows = []
    if counts["open"]:
        rows = list(
            orders.filter(status__in=RectificationOrder.UNFINISHED)
            .select_related("issuer_org")
            .order_by("deadline", "pk")[:LIST_LIMIT]
        )
        for order in rows:
            order.days_left = (order.deadline - today).days
            order.overdue = order.is_overdue(today)
    return OrderBoard(rows, counts)


# --- 党性分析, 群众评议 ---------------------------------------------------------------------------


@dataclass
class ReportBoard:
    figures: dict  # evaluations.services.reports.coverage(): required, written_required, participated …
    awaiting_review: int
    list_url: str
    review_url: str
    participation_url: str


def report_board(org: Org, campaign: Campaign | None) -> ReportBoard | None:
    """党性分析 of the organization's members: reports written of those required, accepted, awaiting review,
    and participation (a written report or a recorded participation). One query."""
    if campaign is None:
        return None
    report_list = reverse("evaluations:report_list")
    figures = coverage(Member.objects.filter(org=org), campaign)
    return ReportBoard(
        figures=figures,
        # written = submitted + accepted (evaluations.services.reports.WRITTEN): the rest await the review
        awaiting_review=figures["written"] - figures["accepted"],
        list_url=with_query(report_list, org=org.code, campaign=campaign.code),
        review_url=with_query(report_list, org=org.code, campaign=campaign.code, state="submitted"),
        participation_url=with_query(
            reverse("evaluations:report_participation", args=[org.code]), campaign=campaign.code
        ),
    )


# --- 考核评议 of the open period ----------------------------------------------------------------


@dataclass
class PeriodState:
    """The assessment period open on ``today`` (evaluations.services.periods.open_period); without one, the
    next that will open, and the latest one (the board of members still shows it)."""

    open: Period | None
    upcoming: Period | None = None
    latest: Period | None = None

    @property
    def board_period(self) -> Period | None:
        return self.open or self.latest


def period_state(today: datetime.date) -> PeriodState:
    period = open_period(today)
    if period is not None:
        return PeriodState(open=period)
    return PeriodState(
        open=None,
        upcoming=Period.objects.filter(start_date__gt=today).order_by("start_date", "pk").first(),
        latest=Period.objects.filter(start_date__lte=today).order_by("-start_date", "-pk").first(),
    )


def board_url(org: Org, period: Period | None) -> str:
    if period is None:
        return ""
    return with_query(reverse("evaluations:branch_members", args=[org.code]), period=period.code)


@dataclass
class AssessmentBoard:
    period: Period
    org_assessment: Assessment | None  # the organization's own self-assessment (自评)
    org_url: str
    figures: dict  # members, self_done (五个模范 self-assessments submitted), branch_done, rated
    released: bool
    board_url: str


def assessment_board(org: Org, period: Period | None) -> AssessmentBoard | None:
    """The open period's assessments: the organization's self-assessment, and of its current members how many
    submitted their 五个模范 self-assessment, have the branch's assessment, have a rating; whether the
    results were released to them. Three queries."""
    if period is None:
        return None
    own = find_assessment(period, Source.SELF, org=org)
    if own is not None and own.status == AssessmentStatus.SUBMITTED:
        org_url = reverse("evaluations:scoring_assessment_detail", args=[own.pk])
    else:
        org_url = reverse("evaluations:scoring_assess_org", args=[period.code, org.code, Source.SELF])
    submitted = Assessment.objects.filter(
        period=period, target=Target.MEMBER, member=OuterRef("pk"), status=AssessmentStatus.SUBMITTED
    )
    figures = (
        Member.objects.filter(org=org)
        .order_by()
        .aggregate(
            members=Count("pk"),
            self_done=Count("pk", filter=Exists(submitted.filter(source=Source.SELF))),
            branch_done=Count("pk", filter=Exists(submitted.filter(source=Source.SUPERIOR))),
            rated=Count("pk", filter=Exists(MemberRating.objects.filter(period=period, member=OuterRef("pk")))),
        )
    )
    return AssessmentBoard(
        period=period,
        org_assessment=own,
        org_url=org_url,
        figures=figures,
        released=MemberResultsRelease.objects.filter(period=period, org=org).exists(),
        board_url=board_url(org, period),
    )


def mass_batches(org: Org) -> list[MassBatch]:
    """The organization's latest 群众评议 batches with their participation (used tokens / tokens). One query."""
    used = count_per_row(MassToken.objects.filter(batch=OuterRef("pk"), used_at__isnull=False), "batch")
    rows = list(
        MassBatch.objects.filter(org=org)
        .select_related("period", "org")
        .annotate(used=used)
        .order_by("-created_at", "-id")[:BATCH_LIMIT]
    )
    for batch in rows:
        batch.participation = percent(batch.used, batch.token_count)
    return rows


# --- nominations -------------------------------------------------------------------------------


@dataclass
class RoundOffer:
    """An award round whose nomination window is open and that covers the organization: what it may nominate."""

    award_round: AwardRound
    categories: list = field(default_factory=list)  # (category, nominations already made, url)


def open_rounds(org: Org, today: datetime.date) -> list[RoundOffer]:
    """Rounds owned above the organization whose nomination window contains ``today``, each category a basic
    organization may nominate in (not 先进县(市、区)委) with how many it has nominated. Three queries."""
    rounds = list(
        AwardRound.objects.filter(
            owner_org__path__in=org.ancestor_paths(include_self=False),
            nomination_opens__lte=today,
            nomination_closes__gte=today,
        )
        .prefetch_related("categories")
        .order_by("nomination_closes", "pk")
    )
    if not rounds:
        return []
    made = dict(
        ((r, c), n)
        for r, c, n in Nomination.objects.filter(award_round__in=rounds, nominating_org=org)
        .exclude(status=Nomination.Status.WITHDRAWN)
        .order_by()
        .values_list("award_round_id", "category_id")
        .annotate(n=Count("pk"))
    )
    offers = []
    for award_round in rounds:
        offer = RoundOffer(award_round)
        create = reverse("awards:nomination_create", args=[award_round.code])
        for category in award_round.categories.all():
            if category.code == CategoryCode.ADVANCED_COUNTY:
                continue
            url = with_query(create, org=org.code, category=category.pk)
            offer.categories.append((category, made.get((award_round.pk, category.pk), 0), url))
        if offer.categories:
            offers.append(offer)
    return offers


# --- inbox -------------------------------------------------------------------------------------


def unread_messages(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user, read_at__isnull=True).order_by("-created_at", "-id")[:5])


# --- the member's own record -------------------------------------------------------------------


def own_report(member: Member, campaign: Campaign | None) -> PartyAnalysisReport | None:
    if campaign is None:
        return None
    return PartyAnalysisReport.objects.filter(campaign=campaign, member=member).select_related("reviewed_by").first()


def own_households(member: Member) -> list[HouseholdLink]:
    """The households the member keeps in touch with (党员联系户), with the last service date. One query."""
    return list(
        HouseholdLink.objects.filter(member=member, household__active=True)
        .select_related("household")
        .annotate(last_contact=Max("household__services__date"))
        .order_by("household__village", "household__head_name", "pk")
    )


def own_commitments(member: Member) -> list[Commitment]:
    """The member's own public commitments (newest campaign first). One query."""
    return list(
        Commitment.objects.filter(member=member)
        .select_related("campaign")
        .annotate(last_record=Max("records__date"))
        .order_by("-campaign__start_date", "-updated_at", "-id")[:LIST_LIMIT]
    )


def own_honours(member: Member) -> dict:
    """Commendations of the member: his basic organization's own (standing honours) and approved nominations of
    the award rounds. Two queries."""
    approved = (
        Nomination.objects.filter(nominee_member=member, status=Nomination.Status.APPROVED)
        .select_related("award_round", "category")
        .order_by("-award_round__decision_date", "-id")
    )
    return {"basic": list(member_honours(member)), "rounds": list(approved)}


def own_self_assessment(member: Member, period: Period | None) -> Assessment | None:
    """The member's 五个模范 self-assessment of the open period (evaluations: target member, source self)."""
    if period is None:
        return None
    return find_assessment(period, Source.SELF, member=member)


def own_badges(member: Member, today: datetime.date) -> list[BadgeEntry]:
    """The member's entries of the 亮牌示范 register in force today (党员示范户, 先锋岗, 责任区, 示范岗位).
    One query."""
    return list(BadgeEntry.objects.filter(current_q(today), member=member).order_by("kind", "start_date", "pk"))
