"""Refreshing the dashboard roll-ups: a fixed number of set-based SQL statements, whatever the scale.

"省委成立创先争优活动领导小组……了解活动进展情况，研究解决遇到的问题" (seed, part 五): the leading groups see
the figures of their whole subtree at once. Counting 4.2 million members or 170,000 organizations on every
page view is too slow for the province root, so a Celery task (``dashboards.tasks.refresh_dashboards``,
scheduled by CELERY_BEAT_SCHEDULE and started from the page) writes a snapshot:

1. **own rows** — one ``INSERT … SELECT`` over the active organizations, each ``LEFT JOIN``-ed to one
   ``GROUP BY org`` aggregate per source (plans, commitments, members, 党性分析 participation and reports,
   members' ratings and the 五个模范 of the branch's assessments in this period, activity
   records, tiers of this and the last period, nominations of the current round, rectification orders,
   reminders sent, milestones done; households and their services, 干群恳谈会, disputes, bulletins,
   guidance instructors, 大学生村官; the 亮牌示范 register's current entries and the latest 佩戴党徽);
   applicability of milestones is evaluated in SQL on the organization's level, kind and sector
   (``Milestone.applies_q``).
2. **tree rows** — one ``INSERT … SELECT`` that joins every own row to each of its ancestors by path prefix
   (``SUBSTR(path, 1, 4·k)`` for k = 1 … max depth) and sums per ancestor and sector.
3. **series** — one ``INSERT … SELECT`` per family with a second dimension (activities per type and month,
   tiers per period, nominations per category and stage, services to households per kind and month), grouped
   per ancestor the same way.

All statements are built from ORM querysets (``query.sql_with_params()``) glued with portable SQL, so they run
on SQLite (tests, the embedded default) and PostgreSQL alike. Readers only see finished snapshots.
"""

import contextlib
import datetime
import logging
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case as CaseExpr
from django.db.models import CharField, Count, Exists, F, Max, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Substr
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext

from orgs.enums import MemberCategory, OrgLevel
from orgs.models import Member, Org

from .models import BADGE_FIELDS, COUNT_FIELDS, MODEL_SLOTS, PHASE_SLOTS, OrgFigures, OrgSeries, OwnSeries, Snapshot
from .sources_bodies import columns as bodies_columns
from .sources_bodies import sources as bodies_sources

logger = logging.getLogger(__name__)

STEP = Org.steplen
KEEP_SNAPSHOTS = 2
STALE_RUNNING = datetime.timedelta(minutes=30)
TIER_RANK = {"advanced": 3, "middle": 2, "backward": 1}
REFRESH_WORK_MEM = "256MB"  # per sort or hash of the refresh's statements, for its transaction only


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _sql(queryset) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


# --- choosing what a snapshot is about ------------------------------------------------------------


def current_periods(today: datetime.date):
    """(this period, the last period): the latest period with any result — a tier of an organization, a
    member's rating or a submitted branch assessment of a member — and the one rated before it."""
    from evaluations.models import Assessment, MemberRating, Period, Tier

    member_assessed = Assessment.objects.filter(
        period=OuterRef("pk"), target="member", source="superior", status="submitted"
    )
    rated = (
        Period.objects.filter(start_date__lte=today)
        .filter(
            Exists(Tier.objects.filter(period=OuterRef("pk")))
            | Exists(MemberRating.objects.filter(period=OuterRef("pk")))
            | Exists(member_assessed)
        )
        .order_by("-start_date", "-pk")[:2]
    )
    rated = list(rated)
    return (rated[0] if rated else None), (rated[1] if len(rated) > 1 else None)


def current_round(campaign, today: datetime.date):
    """The award round of the campaign whose nomination opened last (by today), else its first one;
    rounds not tied to a campaign when the campaign has none."""
    from awards.models import AwardRound

    rounds = AwardRound.objects.filter(campaign=campaign)
    if not rounds.exists():
        rounds = AwardRound.objects.all()
    return (
        rounds.filter(nomination_opens__lte=today).order_by("-nomination_opens", "-pk").first()
        or rounds.order_by("nomination_opens", "pk").first()
    )


# --- milestone applicability as SQL ---------------------------------------------------------------


def applies_sql(milestone, alias: str = "o") -> tuple[str, list]:
    """``Milestone.applies_q`` on the organization row ``alias`` (active is checked by the caller)."""
    parts, params = [], []
    for field, values in (("level", milestone.levels), ("kind", milestone.kinds), ("sector", milestone.sectors)):
        if values:
            parts.append(f"{alias}.{_qn(field)} IN ({', '.join(['%s'] * len(values))})")
            params += list(values)
    sql = " AND ".join(parts) or "1 = 1"
    if milestone.provincial_units:  # the registered 省直 reporting bodies too (campaign.models.ReportingBody)
        from campaign.models import ReportingBody

        table = _qn(ReportingBody._meta.db_table)
        # Identifiers are quoted model names; no value is put in the text.
        registered = f"EXISTS (SELECT 1 FROM {table} rb WHERE rb.{_qn('org_id')} = {alias}.{_qn('id')})"  # noqa: S608
        sql = f"(({sql}) OR {registered})" if parts else registered
    return sql, params


def _sum_cases(terms: list[tuple[str, list]]) -> tuple[str, list]:
    """``(CASE WHEN t1 THEN 1 ELSE 0 END + …)`` or ``0``."""
    if not terms:
        return "0", []
    sql = " + ".join(f"CASE WHEN {cond} THEN 1 ELSE 0 END" for cond, _ in terms)
    return f"({sql})", [p for _, params in terms for p in params]


# --- the statements -------------------------------------------------------------------------------


def _rank():
    """The effective tier (override, else computed) as 3 / 2 / 1, 0 when unrated."""
    eff = Coalesce("override", "computed", output_field=CharField())
    return CaseExpr(
        *[When(Exact(eff, tier), then=Value(rank)) for tier, rank in TIER_RANK.items()],
        default=Value(0),
    )


def _sources(snapshot: Snapshot, milestones) -> list[tuple[str, str, list]]:
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
    from evaluations.models import PartyAnalysisReport, Tier
    from evaluations.models.reports import ReportStatus
    from evaluations.services.reports import participated_q

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
        "m": Member.objects.values(oid=F("org_id")).annotate(
            total=Count("pk"),
            n=Count("pk", filter=Q(category=MemberCategory.IN_SERVICE)),
            college=Count("pk", filter=Q(college_official=True)),
        ),
        "r": PartyAnalysisReport.objects.filter(
            campaign=campaign, status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]
        )
        .values(oid=F("member__org_id"))
        .annotate(n=Count("pk", filter=Q(member__category=MemberCategory.IN_SERVICE)), written=Count("pk")),
        "pp": Member.objects.filter(participated_q(campaign)).values(oid=F("org_id")).annotate(n=Count("pk")),
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
    return [(alias, *_sql(qs.order_by())) for alias, qs in sources.items()]


def _masses_sources(snapshot: Snapshot) -> dict:
    """联系服务群众与基层治理 (issue 7): households, services, 干群恳谈会, disputes, bulletins, instructors.

    Households, instructors and 大学生村官 are counted as they are; dated records (services, meetings,
    disputes by the day found, bulletins by the issue date) from the campaign's start to the snapshot date.
    A household has had no contact when no service to it is dated in the ``NO_CONTACT_DAYS`` days up to the
    snapshot date (``campaign.queries.masses.no_contact`` on that day).
    """
    from campaign.models import Bulletin, BulletinStatus, Dispute, DisputeOutcome, Household, MassMeeting, ServiceRecord
    from campaign.queries.masses import DEFAULT_NO_CONTACT_DAYS as NO_CONTACT_DAYS
    from orgs.enums import Role
    from orgs.models import RoleAssignment

    today = snapshot.as_of
    window = (snapshot.campaign.start_date, today)
    recent = ServiceRecord.objects.filter(
        household=OuterRef("pk"), date__gte=today - datetime.timedelta(days=NO_CONTACT_DAYS), date__lte=today
    )
    D = DisputeOutcome
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
        .annotate(
            n=Count("pk"),
            resolved=Count("pk", filter=Q(outcome=D.RESOLVED)),
            escalated=Count("pk", filter=Q(outcome=D.ESCALATED)),
            unresolved=Count("pk", filter=Q(outcome=D.UNRESOLVED)),
            pending=Count("pk", filter=Q(outcome=D.PENDING)),
        ),
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


def _own_columns(snapshot: Snapshot, milestones, aliases: set[str]) -> list[tuple[str, str, list]]:
    """(column, SQL expression over ``o`` and the source aliases, params) for every count column."""

    def src(alias, column, default="0"):
        return f"COALESCE({alias}.{_qn(column)}, 0)" if alias in aliases else default

    plan = next((m for m in milestones if m.code == "plan"), None)
    required, required_params = applies_sql(plan) if plan else ("o.level = %s", [OrgLevel.BASIC])
    rank_cur, rank_prev = src("t", "cur"), src("t", "prev")
    cols = [
        ("orgs", "1", []),
        ("basic_orgs", "CASE WHEN o.level = %s THEN 1 ELSE 0 END", [OrgLevel.BASIC]),
        ("plan_required", f"CASE WHEN {required} THEN 1 ELSE 0 END", required_params),
        ("plan_approved", f"CASE WHEN {required} AND {src('p', 'approved')} > 0 THEN 1 ELSE 0 END", required_params),
        (
            "plan_submitted",
            f"CASE WHEN {required} AND {src('p', 'submitted')} > 0 THEN 1 ELSE 0 END",
            required_params,
        ),
        ("commitments_published", src("c", "published"), []),
        ("commitments_fulfilled", src("c", "fulfilled"), []),
        ("members_in_service", src("m", "n"), []),
        ("pa_reports", src("r", "n"), []),
        ("activities", src("a", "n"), []),
        ("tier_rated", f"CASE WHEN {rank_cur} > 0 THEN 1 ELSE 0 END", []),
        ("tier_advanced", f"CASE WHEN {rank_cur} = 3 THEN 1 ELSE 0 END", []),
        ("tier_middle", f"CASE WHEN {rank_cur} = 2 THEN 1 ELSE 0 END", []),
        ("tier_backward", f"CASE WHEN {rank_cur} = 1 THEN 1 ELSE 0 END", []),
        ("prev_rated", f"CASE WHEN {rank_prev} > 0 THEN 1 ELSE 0 END", []),
        ("prev_advanced", f"CASE WHEN {rank_prev} = 3 THEN 1 ELSE 0 END", []),
        ("moved_up", f"CASE WHEN {rank_prev} > 0 AND {rank_cur} > {rank_prev} THEN 1 ELSE 0 END", []),
        ("moved_down", f"CASE WHEN {rank_cur} > 0 AND {rank_prev} > {rank_cur} THEN 1 ELSE 0 END", []),
        ("nominations", src("n", "n"), []),
        ("nominations_approved", src("n", "approved"), []),
        ("rect_open", src("x", "open"), []),
        ("rect_overdue", src("x", "overdue"), []),
        ("rect_verified", src("x", "verified"), []),
        ("reminders_sent", src("d", "n"), []),
        ("households_active", src("h", "n"), []),
        ("households_no_contact", src("h", "no_contact"), []),
        ("service_records", src("sv", "n"), []),
        ("mass_meetings", src("mm", "n"), []),
        ("disputes_found", src("dp", "n"), []),
        ("disputes_resolved", src("dp", "resolved"), []),
        ("disputes_escalated", src("dp", "escalated"), []),
        ("disputes_unresolved", src("dp", "unresolved"), []),
        ("disputes_pending", src("dp", "pending"), []),
        ("bulletins", src("bl", "n"), []),
        (
            "basic_with_instructor",
            f"CASE WHEN o.level = %s AND {src('gi', 'n')} > 0 THEN 1 ELSE 0 END",
            [OrgLevel.BASIC],
        ),
        ("college_officials", src("m", "college"), []),
        ("members_total", src("m", "total"), []),
        ("pa_participated", src("pp", "n"), []),
        ("pa_written", src("r", "written"), []),
        ("members_rated", src("mr", "n"), []),
        ("rated_excellent", src("mr", "excellent"), []),
        ("rated_qualified", src("mr", "qualified"), []),
        ("rated_basic", src("mr", "basic"), []),
        ("rated_unqualified", src("mr", "unqualified"), []),
        ("models_assessed", src("ma", "n"), []),
        *[(f"model{n}_reached", src("mt", f"k{n}"), []) for n in range(1, MODEL_SLOTS + 1)],
        *[(column, src("be", kind), []) for kind, column in BADGE_FIELDS.items()],
        ("wearing_orgs", "CASE WHEN o.level = %s AND bw.oid IS NOT NULL THEN 1 ELSE 0 END", [OrgLevel.BASIC]),
        ("wearing_members", f"CASE WHEN o.level = %s THEN {src('bw', 'worn')} ELSE 0 END", [OrgLevel.BASIC]),
        ("wearing_counted", f"CASE WHEN o.level = %s THEN {src('bw', 'counted')} ELSE 0 END", [OrgLevel.BASIC]),
        *bodies_columns(src),
    ]
    due = [m for m in milestones if m.due_date < snapshot.as_of]

    def done(m):
        return f"{src('md', f'm{m.pk}')} > 0"

    ms_due = _sum_cases([applies_sql(m) for m in due])
    overdue_terms = []
    for m in due:
        cond, params = applies_sql(m)
        overdue_terms.append((f"{cond} AND NOT ({done(m)})", params))
    ms_overdue = _sum_cases(overdue_terms)
    cols += [("ms_due", *ms_due), ("ms_overdue", *ms_overdue)]
    slots = {p["order"]: n for n, p in enumerate(snapshot.phases, start=1)}
    for n in range(1, PHASE_SLOTS + 1):
        in_phase = [m for m in milestones if slots.get(m.phase.order) == n]
        applicable = _sum_cases([applies_sql(m) for m in in_phase])
        done_terms = []
        for m in in_phase:
            cond, params = applies_sql(m)
            done_terms.append((f"{cond} AND {done(m)}", params))
        cols += [(f"phase{n}_applicable", *applicable), (f"phase{n}_done", *_sum_cases(done_terms))]
    cols.append(("lag", f"{src('x', 'overdue')} + {ms_overdue[0]}", ms_overdue[1]))
    assert sorted(c for c, *_ in cols) == sorted(COUNT_FIELDS), "a count column is missing"
    return cols


def _levels_sql(max_depth: int) -> str:
    """``(SELECT 1 AS k UNION ALL SELECT 2 …)``: the depths of the ancestors a row rolls up to."""
    return "(" + " UNION ALL ".join(f"SELECT {k} AS k" for k in range(1, max_depth + 1)) + ")"


def insert_own_rows(snapshot: Snapshot, milestones, kind: str = OrgFigures.Kind.OWN, table: str = "") -> None:
    sources = _sources(snapshot, milestones)
    aliases = {alias for alias, _, _ in sources}
    cols = _own_columns(snapshot, milestones, aliases)
    table = _qn(table or OrgFigures._meta.db_table)
    org = _qn(Org._meta.db_table)
    head = ["snapshot_id", "org_id", "path", "depth", "sector", "kind", *(name for name, _, _ in cols)]
    select = ", ".join(f"{expr} AS {_qn(name)}" for name, expr, _ in cols)
    params = [snapshot.pk, kind]
    for _, _, p in cols:
        params += p
    joins = []
    for alias, sql, p in sources:
        joins.append(f"LEFT JOIN ({sql}) {alias} ON {alias}.oid = o.id")
        params += p
    params.append(True)
    # Identifiers are model table/column names; every value is a parameter.
    statement = (
        f"INSERT INTO {table} ({', '.join(_qn(c) for c in head)}) "  # noqa: S608
        f"SELECT %s, o.id, o.path, o.depth, o.sector, %s, {select} "
        f"FROM {org} o {' '.join(joins)} WHERE o.active = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def insert_tree_rows(snapshot: Snapshot, max_depth: int) -> None:
    table = _qn(OrgFigures._meta.db_table)
    org = _qn(Org._meta.db_table)
    head = ["snapshot_id", "org_id", "path", "depth", "sector", "kind", *COUNT_FIELDS]
    sums = ", ".join(f"SUM(f.{_qn(c)})" for c in COUNT_FIELDS)
    statement = (
        f"INSERT INTO {table} ({', '.join(_qn(c) for c in head)}) "  # noqa: S608
        f"SELECT %s, anc.id, anc.path, anc.depth, f.sector, %s, {sums} "
        f"FROM {table} f JOIN {_levels_sql(max_depth)} lv ON f.depth >= lv.k "
        f"JOIN {org} anc ON anc.path = SUBSTR(f.path, 1, {STEP} * lv.k) "
        "WHERE f.snapshot_id = %s AND f.kind = %s AND anc.active = %s "
        "GROUP BY anc.id, anc.path, anc.depth, f.sector"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [snapshot.pk, OrgFigures.Kind.TREE, snapshot.pk, OrgFigures.Kind.OWN, True])


def _series_sources(snapshot: Snapshot) -> list[tuple[str, object]]:
    """(family, queryset of rows oid, sector, key1, key2, n) grouped per organization (active ones only)."""
    from awards.models import Nomination
    from campaign.models import ActivityRecord, ServiceRecord
    from evaluations.models import Tier

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


SERIES_HEAD = ("snapshot_id", "org_id", "sector", "family", "key1", "key2", "value")


def insert_own_series(snapshot: Snapshot, table: str = "") -> None:
    """Every active organization's own series counts (one ``INSERT … SELECT`` per family) into ``OwnSeries``
    (or a staging table of the same columns)."""
    table = _qn(table or OwnSeries._meta.db_table)
    head = ", ".join(_qn(c) for c in SERIES_HEAD)
    for family, queryset in _series_sources(snapshot):
        sql, params = _sql(queryset.order_by())
        # Identifiers are model table/column names; every value is a parameter.
        statement = (
            f"INSERT INTO {table} ({head}) "  # noqa: S608
            f"SELECT %s, b.oid, b.sector, %s, b.key1, b.key2, b.n FROM ({sql}) b"
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, [snapshot.pk, family, *params])


def insert_series(snapshot: Snapshot, max_depth: int) -> None:
    """The series of every subtree: the own series joined to each active ancestor by path prefix, summed."""
    table = _qn(OrgSeries._meta.db_table)
    own = _qn(OwnSeries._meta.db_table)
    org = _qn(Org._meta.db_table)
    head = ", ".join(_qn(c) for c in SERIES_HEAD)
    statement = (
        f"INSERT INTO {table} ({head}) "  # noqa: S608
        "SELECT %s, anc.id, s.sector, s.family, s.key1, s.key2, SUM(s.value) "
        f"FROM {own} s JOIN {org} o ON o.id = s.org_id JOIN {_levels_sql(max_depth)} lv ON o.depth >= lv.k "
        f"JOIN {org} anc ON anc.path = SUBSTR(o.path, 1, {STEP} * lv.k) "
        "WHERE s.snapshot_id = %s AND anc.active = %s GROUP BY anc.id, s.sector, s.family, s.key1, s.key2"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [snapshot.pk, snapshot.pk, True])


@contextlib.contextmanager
def _one_moment():
    """A transaction that, on PostgreSQL, reads every source in one snapshot (REPEATABLE READ): the figures are
    those of one moment, the one "数据截至" names, even while the statements run one after the other. Only an
    outermost transaction can choose its level (inside a test's transaction, and on SQLite, the statements read
    committed data one by one, which is the same when nothing else writes meanwhile)."""
    outermost = connection.vendor == "postgresql" and not connection.in_atomic_block
    if outermost:
        connection.ensure_connection()  # a health check's query must not be the transaction's first
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        if connection.vendor == "postgresql":
            # The roll-ups group millions of rows (the series: 7.7 million joined rows into 2.1 million groups at
            # province scale); with the default 4 MB they spilled 442 MB to disk in 65 batches (EXPLAIN ANALYZE).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = %s", [REFRESH_WORK_MEM])
        yield


# --- the refresh ----------------------------------------------------------------------------------


def latest_snapshot(campaign) -> Snapshot | None:
    if campaign is None:
        return None
    return (
        Snapshot.objects.filter(campaign=campaign, status=Snapshot.Status.DONE)
        .select_related("campaign", "period", "previous_period", "award_round")
        .order_by("-finished_at", "-pk")
        .first()
    )


def is_running(campaign) -> bool:
    return Snapshot.objects.filter(
        campaign=campaign, status=Snapshot.Status.RUNNING, started_at__gte=timezone.now() - STALE_RUNNING
    ).exists()


def refresh(
    campaign=None, *, today: datetime.date | None = None, force: bool = False, full: bool = False
) -> Snapshot | None:
    """Bring the figures of ``campaign`` (the current one by default) up to date.

    When the latest snapshot is younger than DASHBOARD_REFRESH_MINUTES and describes the same day, periods,
    round and phases, it is updated in place (``update_snapshot``: the organizations whose figures changed,
    rolled up) — also while a full refresh is running; otherwise — or with ``full``, or when the update finds a
    change of structure — a new snapshot is written and old ones are dropped.
    Returns None when there is no campaign, when another live update of the snapshot is running, or when a full
    refresh is needed and another one is running (unless ``force``). Safe to run twice: readers use the latest
    finished snapshot, which is never half-updated.
    """
    from campaign.models import Milestone
    from campaign.services.timeline import current_campaign

    today = today or timezone.localdate()
    campaign = campaign or current_campaign(today)
    if campaign is None:
        return None
    latest = None if full else latest_snapshot(campaign)
    young = datetime.timedelta(minutes=settings.DASHBOARD_REFRESH_MINUTES)
    if latest is not None and timezone.now() - latest.started_at < young and _same_setting(latest, campaign, today):
        milestones = list(Milestone.objects.filter(campaign=campaign).select_related("phase").order_by("pk"))
        try:
            changed = update_snapshot(latest, milestones)
        except NeedsFullRefresh as reason:
            logger.info("dashboard snapshot %s: full refresh (%s)", latest.pk, reason)
        else:
            if changed is None:
                logger.info("dashboard snapshot %s: another live update is running", latest.pk)
                return None
            latest.refresh_from_db()
            logger.info(
                "dashboard snapshot %s: %s organizations updated in %.2f s", latest.pk, changed, latest.update_seconds
            )
            return latest
    if not force and is_running(campaign):
        return None
    return full_refresh(campaign, today)


def full_refresh(campaign, today: datetime.date) -> Snapshot:
    """Write a new snapshot of ``campaign`` as of ``today`` and drop old ones."""
    from campaign.models import Milestone

    period, previous = current_periods(today)
    phases = [{"order": p.order, "name": p.name} for p in campaign.phases.order_by("order")[:PHASE_SLOTS]]
    snapshot = Snapshot.objects.create(
        campaign=campaign,
        as_of=today,
        period=period,
        previous_period=previous,
        award_round=current_round(campaign, today),
        phases=phases,
    )
    started = time.monotonic()
    try:
        milestones = list(Milestone.objects.filter(campaign=campaign).select_related("phase").order_by("pk"))
        max_depth = Org.objects.filter(active=True).aggregate(d=Max("depth"))["d"] or 1
        with _one_moment():
            insert_own_rows(snapshot, milestones)
            insert_tree_rows(snapshot, max_depth)
            insert_own_series(snapshot)
            insert_series(snapshot, max_depth)
            Snapshot.objects.filter(pk=snapshot.pk).update(
                status=Snapshot.Status.DONE, finished_at=timezone.now(), seconds=time.monotonic() - started
            )
    except Exception:
        # the page shows the job's Chinese reason; the exception and its traceback go to the log (common.jobs)
        Snapshot.objects.filter(pk=snapshot.pk).update(
            status=Snapshot.Status.FAILED, error=gettext("看板数据刷新失败（详情已记入日志）")
        )
        raise
    drop_old_snapshots(campaign)
    if connection.vendor == "postgresql":
        # Fresh statistics, so that the planner reads children and lists by their indexes.
        with connection.cursor() as cursor:
            for model in (OrgFigures, OrgSeries, OwnSeries):
                cursor.execute(f"ANALYZE {_qn(model._meta.db_table)}")
    snapshot.refresh_from_db()
    logger.info("dashboard snapshot %s for %s written in %.1f s", snapshot.pk, campaign, snapshot.seconds or 0)
    return snapshot


# --- the live update: per-node deltas rolled up ----------------------------------------------------------
#
# Every DASHBOARD_REFRESH_SECONDS beat runs ``refresh``; when the latest snapshot still describes the same day,
# periods, award round and phases, it is brought up to date in place instead of being rewritten. In one
# transaction that reads every source in one snapshot (``_one_moment``):
#
# 1. the own rows and the own series of every active organization are computed again (the same statements as a
#    full refresh) into temporary tables — this is what reads the sources, so nothing is missed: no trigger,
#    signal or counter in the other apps is needed, and a record that only moved to another month, stage or
#    tier is seen as well;
# 2. two statements compare them with the stored own rows and own series: the organizations that changed;
# 3. for those (usually a handful), the difference new − old is added to the tree rows and the series of the
#    organization and each of its active ancestors (one UPDATE per row touched), and the own rows and own series
#    take the new values;
# 4. the snapshot's ``refreshed_at`` (shown as "数据截至") and ``revision`` move on. A reader sees the snapshot
#    before or after, never half; a second updater finds the snapshot locked and skips (it would find nothing
#    new), so a slow update never makes the beat's runs queue up behind it.
#
# A change of structure (an organization added, moved, deactivated or of another sector) or more than
# ``DELTA_MAX`` changed organizations (e.g. tiers computed for the whole province) make a full refresh instead.

STAGING = "dash_live_staging"
STAGING_SERIES = "dash_live_series"
DELTA_MAX = 3000
SERIES_DELTA_MAX = 30000
CHUNK = 500


class NeedsFullRefresh(Exception):
    """The structure changed, or too much did: a new snapshot is cheaper and simpler."""


def _same_setting(snapshot: Snapshot, campaign, today: datetime.date) -> bool:
    period, previous = current_periods(today)
    phases = [{"order": p.order, "name": p.name} for p in campaign.phases.order_by("order")[:PHASE_SLOTS]]
    round_ = current_round(campaign, today)
    return (
        snapshot.as_of == today
        and snapshot.period_id == (period.pk if period else None)
        and snapshot.previous_period_id == (previous.pk if previous else None)
        and snapshot.award_round_id == (round_.pk if round_ else None)
        and snapshot.phases == phases
    )


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(items) -> str:
    return ", ".join(["%s"] * len(items))


def _changed_orgs(snapshot: Snapshot) -> list[int]:
    """The organizations whose staged own row differs from the stored one; NeedsFullRefresh on a structural change."""
    table, staged = _qn(OrgFigures._meta.db_table), _qn(STAGING)
    differs = " OR ".join(f"o.{_qn(c)} <> n.{_qn(c)}" for c in COUNT_FIELDS)
    structural = "o.id IS NULL OR o.path <> n.path OR o.depth <> n.depth OR o.sector <> n.sector"
    own = OrgFigures.Kind.OWN
    with connection.cursor() as cursor:
        # Identifiers are model column names and a constant; values are parameters.
        cursor.execute(
            f"SELECT COUNT(*) FROM {table} o WHERE o.snapshot_id = %s AND o.kind = %s AND NOT EXISTS "  # noqa: S608
            f"(SELECT 1 FROM {staged} n WHERE n.org_id = o.org_id)",
            [snapshot.pk, own],
        )
        if cursor.fetchone()[0]:
            raise NeedsFullRefresh("an organization left")
        cursor.execute(
            f"SELECT n.org_id, CASE WHEN {structural} THEN 1 ELSE 0 END FROM {staged} n "  # noqa: S608
            f"LEFT JOIN {table} o ON o.snapshot_id = %s AND o.kind = %s AND o.org_id = n.org_id "
            f"WHERE {structural} OR {differs}",
            [snapshot.pk, own],
        )
        rows = cursor.fetchall()
    if any(structural for _, structural in rows):
        raise NeedsFullRefresh("an organization was added or moved")
    if len(rows) > DELTA_MAX:
        raise NeedsFullRefresh(f"{len(rows)} organizations changed")
    return [org_id for org_id, _ in rows]


def _apply_deltas(snapshot: Snapshot, org_ids: list[int]) -> None:
    """Own rows of ``org_ids`` take the staged values; their differences go up to every ancestor's tree row."""
    fields = ["org_id", "path", "depth", "sector", *COUNT_FIELDS]
    old, new = {}, {}
    for chunk in _chunks(org_ids):
        rows = OrgFigures.objects.filter(snapshot=snapshot, org_id__in=chunk, kind=OrgFigures.Kind.OWN)
        old.update({row["org_id"]: row for row in rows.values("id", *fields)})
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(_qn(f) for f in fields)} FROM {_qn(STAGING)} "  # noqa: S608
                f"WHERE org_id IN ({_marks(chunk)})",
                chunk,
            )
            for values in cursor.fetchall():
                row = dict(zip(fields, values, strict=True))
                new[row["org_id"]] = row
    deltas: dict[tuple[str, str], list[int]] = {}
    for org_id in org_ids:
        before, after = old[org_id], new[org_id]
        delta = [after[c] - before[c] for c in COUNT_FIELDS]
        path = after["path"]
        for k in range(1, after["depth"] + 1):
            key = (path[: STEP * k], after["sector"])
            total = deltas.setdefault(key, [0] * len(COUNT_FIELDS))
            for n, d in enumerate(delta):
                total[n] += d
    table = _qn(OrgFigures._meta.db_table)
    tree = {}
    for paths in _chunks(sorted({path for path, _ in deltas})):
        rows = OrgFigures.objects.filter(snapshot=snapshot, kind=OrgFigures.Kind.TREE, path__in=paths)
        tree.update({(r["path"], r["sector"]): r["id"] for r in rows.values("id", "path", "sector")})
    assignments = ", ".join(f"{_qn(c)} = {_qn(c)} + %s" for c in COUNT_FIELDS)
    updates, missing = [], []
    for key, delta in deltas.items():
        if not any(delta):
            continue
        if key in tree:
            updates.append([*delta, tree[key]])
        else:
            missing.append((key, delta))
    if missing:  # a sector newly counted under an ancestor: its tree row is written now
        ancestors = {o.path: o for o in Org.objects.filter(path__in={k[0] for k, _ in missing}, active=True)}
        OrgFigures.objects.bulk_create(
            [
                OrgFigures(
                    snapshot=snapshot,
                    org_id=ancestors[path].pk,
                    path=path,
                    depth=ancestors[path].depth,
                    sector=sector,
                    kind=OrgFigures.Kind.TREE,
                    **dict(zip(COUNT_FIELDS, delta, strict=True)),
                )
                for (path, sector), delta in missing
                if path in ancestors
            ]
        )
    own_values = ", ".join(f"{_qn(c)} = %s" for c in COUNT_FIELDS)
    with connection.cursor() as cursor:
        if updates:
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", updates)  # noqa: S608
        cursor.executemany(
            f"UPDATE {table} SET {own_values} WHERE id = %s",  # noqa: S608
            [[new[org_id][c] for c in COUNT_FIELDS] + [old[org_id]["id"]] for org_id in org_ids],
        )


def _changed_series(snapshot: Snapshot) -> list[tuple]:
    """(org, sector, family, key1, key2, new − old) of every own series count that changed."""
    own, staged = _qn(OwnSeries._meta.db_table), _qn(STAGING_SERIES)
    keys = ("org_id", "sector", "family", "key1", "key2")
    match = " AND ".join(f"o.{_qn(c)} = n.{_qn(c)}" for c in keys)
    with connection.cursor() as cursor:
        # Identifiers are model column names; values are parameters.
        if connection.vendor == "postgresql":
            # One hash full join: 5.8 s against 14.3 s for the two halves below (1.5 million rows a side, province
            # scale, same load; EXPLAIN ANALYZE). Without ANALYZE of the staging table: with statistics the planner
            # chose a nested loop of 1.5 million index probes, 48.6 s.
            either = ", ".join(f"COALESCE(n.{_qn(c)}, o.{_qn(c)})" for c in keys)
            cursor.execute(
                f"SELECT {either}, COALESCE(n.value, 0) - COALESCE(o.value, 0) FROM {staged} n "  # noqa: S608
                f"FULL JOIN (SELECT * FROM {own} WHERE snapshot_id = %s) o ON {match} "
                "WHERE COALESCE(n.value, 0) <> COALESCE(o.value, 0)",
                [snapshot.pk],
            )
        else:
            cursor.execute(
                f"SELECT {', '.join(f'n.{_qn(c)}' for c in keys)}, n.value - COALESCE(o.value, 0) "  # noqa: S608
                f"FROM {staged} n LEFT JOIN {own} o ON o.snapshot_id = %s AND {match} "
                "WHERE o.value IS NULL OR o.value <> n.value "
                f"UNION ALL SELECT {', '.join(f'o.{_qn(c)}' for c in keys)}, -o.value FROM {own} o "
                f"WHERE o.snapshot_id = %s AND NOT EXISTS (SELECT 1 FROM {staged} n WHERE {match})",
                [snapshot.pk, snapshot.pk],
            )
        cells = cursor.fetchall()
    if len(cells) > SERIES_DELTA_MAX:
        raise NeedsFullRefresh(f"{len(cells)} series counts changed")
    return cells


def _apply_series_deltas(snapshot: Snapshot, cells: list[tuple]) -> None:
    """Each changed own count's difference goes up to the series of the organization and its active ancestors
    (a row is added where the key is new, removed where it falls to 0); the own series take the staged values."""
    org_ids = sorted({cell[0] for cell in cells})
    paths = {}
    for chunk in _chunks(org_ids):
        paths.update(dict(Org.objects.filter(pk__in=chunk).values_list("pk", "path")))
    prefixes = sorted({paths[o][: STEP * k] for o in org_ids for k in range(1, len(paths[o]) // STEP + 1)})
    active = {}
    for chunk in _chunks(prefixes):
        active.update(dict(Org.objects.filter(path__in=chunk, active=True).values_list("path", "pk")))
    deltas: dict[tuple, int] = {}
    for org_id, sector, family, key1, key2, delta in cells:
        path = paths[org_id]
        for k in range(1, len(path) // STEP + 1):
            ancestor = active.get(path[: STEP * k])
            if ancestor is not None:
                key = (ancestor, sector, family, key1, key2)
                deltas[key] = deltas.get(key, 0) + delta
    table = _qn(OrgSeries._meta.db_table)
    own, staged = _qn(OwnSeries._meta.db_table), _qn(STAGING_SERIES)
    head = ", ".join(_qn(c) for c in SERIES_HEAD)
    missing = []
    with connection.cursor() as cursor:
        for (ancestor, sector, family, key1, key2), delta in deltas.items():
            if not delta:
                continue
            cursor.execute(
                f"UPDATE {table} SET value = value + %s WHERE snapshot_id = %s AND org_id = %s "  # noqa: S608
                "AND family = %s AND sector = %s AND key1 = %s AND key2 = %s",
                [delta, snapshot.pk, ancestor, family, sector, key1, key2],
            )
            if cursor.rowcount == 0:
                missing.append((ancestor, sector, family, key1, key2, delta))
        touched = sorted({key[0] for key in deltas})
        for chunk in _chunks(touched):
            cursor.execute(
                f"DELETE FROM {table} WHERE snapshot_id = %s AND value = 0 "  # noqa: S608
                f"AND org_id IN ({_marks(chunk)})",
                [snapshot.pk, *chunk],
            )
        for chunk in _chunks(org_ids):
            cursor.execute(
                f"DELETE FROM {own} WHERE snapshot_id = %s AND org_id IN ({_marks(chunk)})",  # noqa: S608
                [snapshot.pk, *chunk],
            )
            cursor.execute(
                f"INSERT INTO {own} ({head}) SELECT %s, org_id, sector, family, key1, key2, value "  # noqa: S608
                f"FROM {staged} WHERE org_id IN ({_marks(chunk)})",
                [snapshot.pk, *chunk],
            )
    OrgSeries.objects.bulk_create(
        [
            OrgSeries(snapshot=snapshot, org_id=a, sector=s, family=f, key1=k1, key2=k2, value=v)
            for a, s, f, k1, k2, v in missing
        ]
    )


def update_snapshot(snapshot: Snapshot, milestones) -> int | None:
    """Bring ``snapshot`` up to date in place (see above); returns the number of organizations that changed, or
    None when another update of it is running. Raises NeedsFullRefresh (nothing written) when a new snapshot is
    needed."""
    started = time.monotonic()
    with _one_moment():
        read_at = timezone.now()  # before the transaction's first read: every write committed by then is counted
        # One updater at a time (two beat runs, a button): the second skips instead of waiting.
        mine = Snapshot.objects.select_for_update(skip_locked=True).filter(pk=snapshot.pk).first()
        if mine is None:
            return None
        table, own = _qn(OrgFigures._meta.db_table), _qn(OwnSeries._meta.db_table)
        with connection.cursor() as cursor:
            for name, like in ((STAGING, table), (STAGING_SERIES, own)):
                cursor.execute(f"DROP TABLE IF EXISTS {_qn(name)}")
                # The same columns as the stored table, no index, no constraint (SQLite and PostgreSQL alike).
                cursor.execute(f"CREATE TEMPORARY TABLE {_qn(name)} AS SELECT * FROM {like} WHERE 1 = 0")  # noqa: S608
        insert_own_rows(snapshot, milestones, table=STAGING)
        insert_own_series(snapshot, table=STAGING_SERIES)
        org_ids = _changed_orgs(snapshot)  # raises NeedsFullRefresh: the atomic block rolls everything back
        cells = _changed_series(snapshot)
        if org_ids:
            _apply_deltas(snapshot, org_ids)
        if cells:
            _apply_series_deltas(snapshot, cells)
        with connection.cursor() as cursor:
            for name in (STAGING, STAGING_SERIES):
                cursor.execute(f"DROP TABLE {_qn(name)}")
        changed = len(set(org_ids) | {cell[0] for cell in cells})
        Snapshot.objects.filter(pk=snapshot.pk).update(
            refreshed_at=read_at,
            revision=F("revision") + (1 if changed else 0),
            update_seconds=time.monotonic() - started,
            changed_orgs=changed,
        )
    return changed


def drop_old_snapshots(campaign, keep: int = KEEP_SNAPSHOTS) -> int:
    """Delete all but the ``keep`` latest finished snapshots (and failed or stale running ones)."""
    finished = Snapshot.objects.filter(campaign=campaign, status=Snapshot.Status.DONE).order_by("-finished_at", "-pk")
    kept = list(finished.values_list("pk", flat=True)[:keep])
    old = Snapshot.objects.filter(campaign=campaign).exclude(pk__in=kept)
    old = old.exclude(status=Snapshot.Status.RUNNING, started_at__gte=timezone.now() - STALE_RUNNING)
    ids = list(old.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        # Plain DELETEs (no per-row signals): hundreds of thousands of rows at province scale.
        OrgFigures.objects.filter(snapshot_id__in=ids)._raw_delete(OrgFigures.objects.db)
        OrgSeries.objects.filter(snapshot_id__in=ids)._raw_delete(OrgSeries.objects.db)
        OwnSeries.objects.filter(snapshot_id__in=ids)._raw_delete(OwnSeries.objects.db)
        Snapshot.objects.filter(pk__in=ids).delete()
    return len(ids)
