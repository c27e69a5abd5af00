"""What a snapshot counts: per source one ``GROUP BY org`` aggregate, built with the ORM.

``sources`` gives the aggregates the own rows join to the organizations (``statements.insert_own_rows``);
``series_sources`` the per-organization counts with a second dimension (``statements.insert_own_series``).
"""

import datetime

from django.db.models import Case as CaseExpr
from django.db.models import CharField, Count, Exists, F, FilteredRelation, Max, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Substr
from django.db.models.lookups import Exact

from orgs.enums import MemberCategory
from orgs.models import Member

from ..models import BADGE_FIELDS, MODEL_SLOTS, OrgSeries, Snapshot
from ..sources_bodies import sources as bodies_sources

TIER_RANK = {"advanced": 3, "middle": 2, "backward": 1}


def sql_of(queryset) -> tuple[str, list]:
    """The SQL and parameters of ``queryset`` without its ordering."""
    sql, params = queryset.order_by().query.sql_with_params()
    return sql, list(params)


def _rank():
    """The effective tier (override, else computed) as 3 / 2 / 1, 0 when unrated."""
    eff = Coalesce("override", "computed", output_field=CharField())
    return CaseExpr(
        *[When(Exact(eff, tier), then=Value(rank)) for tier, rank in TIER_RANK.items()],
        default=Value(0),
    )


def sources(snapshot: Snapshot, milestones) -> list[tuple[str, str, list]]:
    """(alias, SQL, params) of the per-organization aggregates joined to the organizations."""
    from awards.models import Nomination
    from campaign.models import (
        ActivityRecord,
        Commitment,
        MilestoneDone,
        Plan,
        RectificationOrder,
        ReminderDelivery,
    )
    from evaluations.models import Tier

    campaign, today = snapshot.campaign, snapshot.as_of
    published = Commitment.Status.PUBLISHED
    sources = {
        "p": Plan.objects.filter(campaign=campaign)
        .values(oid=F("org_id"))
        .annotate(
            approved=Count("pk", filter=Q(status__in=[Plan.Status.APPROVED, Plan.Status.PUBLISHED])),
            submitted=Count("pk", filter=Q(status=Plan.Status.SUBMITTED)),
        ),
        "c": Commitment.objects.filter(campaign=campaign)
        .values(oid=F("org_id"))
        .annotate(
            published=Count("pk", filter=Q(status=published)),
            fulfilled=Count("pk", filter=Q(status=published, fulfilment="done")),
        ),
        "m": _members(campaign),
        "a": ActivityRecord.objects.filter(campaign=campaign).values(oid=F("org_id")).annotate(n=Count("pk")),
        "x": RectificationOrder.objects.values(oid=F("org_id")).annotate(
            open=Count("pk", filter=Q(status__in=RectificationOrder.UNFINISHED)),
            overdue=Count("pk", filter=Q(status__in=RectificationOrder.UNFINISHED, deadline__lt=today)),
            verified=Count("pk", filter=Q(status=RectificationOrder.Status.VERIFIED)),
        ),
        "d": ReminderDelivery.objects.filter(milestone__campaign=campaign, sent_at__isnull=False)
        .values(oid=F("org_id"))
        .annotate(n=Count("pk")),
        **_masses_sources(snapshot),
        **_member_sources(snapshot),
        **_badge_sources(snapshot),
        **bodies_sources(snapshot),
    }
    period_ids = [p for p in (snapshot.period_id, snapshot.previous_period_id) if p]
    if period_ids:
        sources["t"] = (
            Tier.objects.filter(period_id__in=period_ids)
            .values(oid=F("org_id"))
            .annotate(
                cur=Max(CaseExpr(When(period_id=snapshot.period_id or 0, then=_rank()), default=Value(0))),
                prev=Max(CaseExpr(When(period_id=snapshot.previous_period_id or 0, then=_rank()), default=Value(0))),
            )
        )
    if snapshot.award_round_id:
        sources["n"] = (
            Nomination.objects.filter(award_round_id=snapshot.award_round_id)
            .exclude(status=Nomination.Status.WITHDRAWN)
            .values(oid=F("nominating_org_id"))
            .annotate(n=Count("pk"), approved=Count("pk", filter=Q(status=Nomination.Status.APPROVED)))
        )
    if milestones:
        sources["md"] = (
            MilestoneDone.objects.filter(milestone__campaign=campaign)
            .values(oid=F("org_id"))
            .annotate(**{f"m{m.pk}": Count("pk", filter=Q(milestone_id=m.pk)) for m in milestones})
        )
    return [(alias, *sql_of(qs)) for alias, qs in sources.items()]


def _members(campaign):
    """Members per organization in one pass over the members table: all, in service, 大学生村官, and of them those
    with a written 党性分析报告 (submitted or accepted; accepted apart) or a recorded participation in ``campaign``
    (``evaluations.services.reports.participated_q``). Each is joined at most once per member (unique per campaign
    and member), so no member is counted twice; three passes over 4.2 million members took 23 of the own rows'
    48 s at province scale (EXPLAIN ANALYZE, bench/README.md 看板)."""
    from evaluations.models import ReportStatus
    from evaluations.services.reports import WRITTEN

    members = Member.objects.annotate(
        pa_report=FilteredRelation(
            "party_analysis_reports",
            condition=Q(party_analysis_reports__campaign=campaign, party_analysis_reports__status__in=WRITTEN),
        ),
        pa_recorded=FilteredRelation(
            "party_analysis_participations", condition=Q(party_analysis_participations__campaign=campaign)
        ),
    )
    written = Q(pa_report__isnull=False)
    accepted = Q(pa_report__status=ReportStatus.ACCEPTED)
    in_service = Q(category=MemberCategory.IN_SERVICE)
    return members.values(oid=F("org_id")).annotate(
        total=Count("pk"),
        n=Count("pk", filter=in_service),
        college=Count("pk", filter=Q(college_official=True)),
        participated=Count("pk", filter=written | Q(pa_recorded__isnull=False)),
        reports=Count("pk", filter=written & in_service),
        written=Count("pk", filter=written),
        accepted=Count("pk", filter=accepted),
        accepted_required=Count("pk", filter=accepted & in_service),
    )


def _masses_sources(snapshot: Snapshot) -> dict:
    """联系服务群众与基层治理 (issue 7): households, services, 干群恳谈会, disputes, bulletins, instructors.

    Households, instructors and 大学生村官 are counted as they are; dated records (services, meetings,
    disputes by the day found, bulletins by the issue date) from the campaign's start to the snapshot date.
    A household has had no contact when no service to it is dated in the ``NO_CONTACT_DAYS`` days up to the
    snapshot date (``masswork.queries.masses.no_contact`` on that day).
    """
    from campaign.models import Bulletin, BulletinStatus
    from masswork.models import Dispute, Household, MassMeeting, ServiceRecord
    from masswork.queries.masses import DEFAULT_NO_CONTACT_DAYS as NO_CONTACT_DAYS
    from masswork.queries.masses import outcome_counts
    from orgs.enums import Role
    from orgs.models import RoleAssignment

    today = snapshot.as_of
    window = (snapshot.campaign.start_date, today)
    recent = ServiceRecord.objects.filter(
        household=OuterRef("pk"), date__gte=today - datetime.timedelta(days=NO_CONTACT_DAYS), date__lte=today
    )
    return {
        "h": Household.objects.filter(active=True)
        .values(oid=F("org_id"))
        .annotate(n=Count("pk"), no_contact=Count("pk", filter=~Exists(recent))),
        "sv": ServiceRecord.objects.filter(date__range=window)
        .values(oid=F("household__org_id"))
        .annotate(n=Count("pk")),
        "mm": MassMeeting.objects.filter(date__range=window).values(oid=F("org_id")).annotate(n=Count("pk")),
        "dp": Dispute.objects.filter(found_on__range=window)
        .values(oid=F("org_id"))
        .annotate(n=Count("pk"), **outcome_counts()),
        "bl": Bulletin.objects.filter(status=BulletinStatus.ISSUED, issue_date__range=window)
        .values(oid=F("issuer_org_id"))
        .annotate(n=Count("pk")),
        "gi": RoleAssignment.objects.filter(role=Role.INSTRUCTOR, user__is_active=True)
        .values(oid=F("org_id"))
        .annotate(n=Count("pk")),
    }


def _member_sources(snapshot: Snapshot) -> dict:
    """党员队伍 in the snapshot's period: the branch's ratings per level, and its submitted assessments of
    members with, per criterion 1 … 5 (the 五个模范), how many reach it.

    "实施晋档升级……各条战线“五个模范”党员的比例都有较大幅度提高" (seed, part 四 (三) 3). A member *reaches*
    a criterion when the level his branch's assessment (source superior, submitted) gives it is the top
    level of the assessment's criteria set (the level with the highest score, e.g. 满意). Ratings and
    assessments count for the organization stored on their row (the branch that made them).
    """
    from evaluations.enums import MemberRatingLevel as Level
    from evaluations.models import Assessment, AssessmentScore, CriteriaSet, MemberRating

    if not snapshot.period_id:
        return {}
    period = snapshot.period_id
    out = {
        "mr": MemberRating.objects.filter(period_id=period)
        .values(oid=F("org_id"))
        .annotate(
            n=Count("pk"),
            **{level.value: Count("pk", filter=Q(level=level.value)) for level in Level},
        ),
        "ma": Assessment.objects.filter(period_id=period, target="member", source="superior", status="submitted")
        .values(oid=F("org_id"))
        .annotate(n=Count("pk")),
    }
    top = None
    sets = CriteriaSet.objects.filter(
        pk__in=Assessment.objects.filter(period_id=period, target="member", source="superior")
        .values("criteria_set_id")
        .distinct()
    )
    for criteria_set in sets:
        if criteria_set.levels:
            best = max(criteria_set.levels, key=lambda level: level["score"])["key"]
            here = Q(assessment__criteria_set_id=criteria_set.pk, level=best)
            top = here if top is None else top | here
    if top is None:  # no assessment of a member in the period: every "reached" is 0
        return out
    out["mt"] = (
        AssessmentScore.objects.filter(
            assessment__period_id=period,
            assessment__target="member",
            assessment__source="superior",
            assessment__status="submitted",
        )
        .filter(top)
        .values(oid=F("assessment__org_id"))
        .annotate(**{f"k{n}": Count("pk", filter=Q(criterion__order=n)) for n in range(1, MODEL_SLOTS + 1)})
    )
    return out


def _badge_sources(snapshot: Snapshot) -> dict:
    """亮牌示范 on the snapshot day: current register entries per kind, and each organization's latest 佩戴党徽.

    "“亮牌示范”活动。通过佩戴党徽、党员示范户、党员先锋岗、党员责任区等形式，把党员身份亮出来……有计划地在各领域、
    各行业确立一批党员示范岗位" (seed, part 四.(二).4). An entry is current when it started on or before the snapshot
    day and has no end or ends on or after it (``campaign.models.badges.current_q``); it counts for the organization
    on the entry. 佩戴党徽 takes, per organization, the row of its latest month recorded up to the snapshot day (a
    month is recorded as its first day): one row per organization, so nothing is counted twice; the own columns keep
    it for basic organizations only (who records, ``campaign.services.badges.record_wearing``).
    """
    from campaign.models import BadgeEntry, BadgeWearing
    from campaign.models.badges import current_q

    today = snapshot.as_of
    latest = BadgeWearing.objects.filter(org=OuterRef("org"), month__lte=today).order_by("-month").values("month")[:1]
    return {
        "be": BadgeEntry.objects.filter(current_q(today))
        .values(oid=F("org_id"))
        .annotate(**{kind: Count("pk", filter=Q(kind=kind)) for kind in BADGE_FIELDS}),
        "bw": BadgeWearing.objects.filter(month__lte=today, month=Subquery(latest))
        .values(oid=F("org_id"))
        .annotate(worn=Sum("wearing"), counted=Sum("total")),
    }


def series_sources(snapshot: Snapshot) -> list[tuple[str, object]]:
    """(family, queryset of rows oid, sector, key1, key2, n) grouped per organization (active ones only)."""
    from awards.models import Nomination
    from campaign.models import ActivityRecord
    from evaluations.models import Tier
    from masswork.models import ServiceRecord

    month = Substr(Cast("date", output_field=CharField()), 1, 7)
    out = [
        (
            OrgSeries.Family.ACTIVITY,
            ActivityRecord.objects.filter(campaign=snapshot.campaign, org__active=True)
            .values(oid=F("org_id"), sector=F("org__sector"), key1=F("activity_type"), key2=month)
            .annotate(n=Count("pk")),
        ),
        (
            OrgSeries.Family.TIER,
            Tier.objects.filter(org__active=True)
            .annotate(eff=Coalesce("override", "computed", output_field=CharField()))
            .filter(eff__isnull=False)
            .values(
                oid=F("org_id"),
                sector=F("org__sector"),
                key1=Cast("period_id", output_field=CharField()),
                key2=F("eff"),
            )
            .annotate(n=Count("pk")),
        ),
    ]
    out.append(
        (
            OrgSeries.Family.SERVICE,
            ServiceRecord.objects.filter(
                date__range=(snapshot.campaign.start_date, snapshot.as_of), household__org__active=True
            )
            .values(
                oid=F("household__org_id"),
                sector=F("household__org__sector"),
                key1=F("kind"),
                key2=month,
            )
            .annotate(n=Count("pk")),
        )
    )
    if snapshot.award_round_id:
        out.append(
            (
                OrgSeries.Family.NOMINATION,
                Nomination.objects.filter(award_round_id=snapshot.award_round_id, nominating_org__active=True)
                .exclude(status=Nomination.Status.WITHDRAWN)
                .values(
                    oid=F("nominating_org_id"),
                    sector=F("nominating_org__sector"),
                    key1=F("category__code"),
                    key2=F("status"),
                )
                .annotate(n=Count("pk")),
            )
        )
    return out
