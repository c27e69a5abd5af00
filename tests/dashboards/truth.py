"""The figures of a dashboard computed independently: plain ORM counts and Python over model objects,
never the roll-up tables or the SQL that fills them."""

import datetime
from collections import Counter

from awards.models import Nomination
from campaign.models import (
    ActivityRecord,
    BadgeEntry,
    BadgeWearing,
    Bulletin,
    Commitment,
    MilestoneDone,
    Plan,
    RectificationOrder,
    ReminderDelivery,
)
from evaluations.models import Assessment, MemberRating, PartyAnalysisParticipation, PartyAnalysisReport, Tier
from masswork.models import Dispute, Household, MassMeeting, ServiceRecord
from orgs.enums import MemberCategory
from orgs.models import Member, Org, RoleAssignment
from tests.accountability.dashboard_data import accountability_truth
from tests.masswork.dashboard_data import stations_truth

RANK = {"advanced": 3, "middle": 2, "backward": 1}


def scope_orgs(node, sectors=None):
    orgs = Org.objects.filter(active=True, path__startswith=node.path)
    if sectors is not None:
        orgs = orgs.filter(sector__in=sectors)
    return orgs


def truth(campaign, node, *, as_of, period, previous, award_round, sectors=None) -> dict:
    orgs = scope_orgs(node, sectors)
    org_list = list(orgs)
    plan_ms = campaign.milestones.get(code="plan")
    required = [o for o in org_list if plan_ms.applies_to(o)]
    approved_ids = set(
        Plan.objects.filter(campaign=campaign, status__in=["approved", "published"]).values_list("org_id", flat=True)
    )
    submitted_ids = set(Plan.objects.filter(campaign=campaign, status="submitted").values_list("org_id", flat=True))
    out = {
        "orgs": len(org_list),
        "basic_orgs": sum(1 for o in org_list if o.level == "basic"),
        "plan_required": len(required),
        "plan_approved": sum(1 for o in required if o.pk in approved_ids),
        "plan_submitted": sum(1 for o in required if o.pk in submitted_ids),
        "commitments_published": Commitment.objects.filter(campaign=campaign, org__in=orgs, status="published").count(),
        "commitments_fulfilled": Commitment.objects.filter(
            campaign=campaign, org__in=orgs, status="published", fulfilment="done"
        ).count(),
        "members_in_service": Member.objects.filter(org__in=orgs, category=MemberCategory.IN_SERVICE).count(),
        "pa_reports": PartyAnalysisReport.objects.filter(
            campaign=campaign,
            member__org__in=orgs,
            member__category=MemberCategory.IN_SERVICE,
            status__in=["submitted", "accepted"],
        ).count(),
        "activities": ActivityRecord.objects.filter(campaign=campaign, org__in=orgs).count(),
    }
    cur = (
        {t.org_id: RANK.get(t.effective, 0) for t in Tier.objects.filter(period=period, org__in=orgs)} if period else {}
    )
    prev = (
        {t.org_id: RANK.get(t.effective, 0) for t in Tier.objects.filter(period=previous, org__in=orgs)}
        if previous
        else {}
    )
    out.update(
        tier_rated=sum(1 for r in cur.values() if r),
        tier_advanced=sum(1 for r in cur.values() if r == 3),
        tier_middle=sum(1 for r in cur.values() if r == 2),
        tier_backward=sum(1 for r in cur.values() if r == 1),
        prev_rated=sum(1 for r in prev.values() if r),
        prev_advanced=sum(1 for r in prev.values() if r == 3),
        moved_up=sum(1 for o, r in cur.items() if r and prev.get(o, 0) and r > prev[o]),
        moved_down=sum(1 for o, r in cur.items() if r and prev.get(o, 0) > r),
    )
    noms = Nomination.objects.filter(award_round=award_round, nominating_org__in=orgs).exclude(status="withdrawn")
    out.update(nominations=noms.count(), nominations_approved=noms.filter(status="approved").count())
    orders = list(RectificationOrder.objects.filter(org__in=orgs))
    out.update(
        rect_open=sum(1 for o in orders if o.status in RectificationOrder.UNFINISHED),
        rect_overdue=sum(1 for o in orders if o.status in RectificationOrder.UNFINISHED and o.is_overdue(as_of)),
        rect_verified=sum(1 for o in orders if o.status == "verified"),
        reminders_sent=ReminderDelivery.objects.filter(
            milestone__campaign=campaign, org__in=orgs, sent_at__isnull=False
        ).count(),
    )
    done = set(MilestoneDone.objects.filter(milestone__campaign=campaign).values_list("milestone_id", "org_id"))
    milestones = list(campaign.milestones.select_related("phase"))
    due = [m for m in milestones if m.due_date < as_of]
    out["ms_due"] = sum(1 for m in due for o in org_list if m.applies_to(o))
    out["ms_overdue"] = sum(1 for m in due for o in org_list if m.applies_to(o) and (m.pk, o.pk) not in done)
    out["phases"] = {}
    for phase in campaign.phases.all():
        ms = [m for m in milestones if m.phase_id == phase.pk]
        applicable = sum(1 for m in ms for o in org_list if m.applies_to(o))
        done_n = sum(1 for m in ms for o in org_list if m.applies_to(o) and (m.pk, o.pk) in done)
        out["phases"][phase.order] = (applicable, done_n)
    out["activity_by_month"] = Counter(
        (r.activity_type, r.date.strftime("%Y-%m"))
        for r in ActivityRecord.objects.filter(campaign=campaign, org__in=orgs)
    )
    out["nominations_by"] = Counter((n.category.code, n.status) for n in noms.select_related("category"))
    out["tiers_by"] = Counter((str(t.period_id), t.effective) for t in Tier.objects.filter(org__in=orgs) if t.effective)
    out.update(masses_truth(campaign, orgs, org_list, as_of=as_of))
    out.update(members_truth(campaign, orgs, period=period))
    out.update(badges_truth(orgs, org_list, as_of=as_of))
    out.update(stations_truth(campaign, orgs, as_of=as_of))
    out.update(accountability_truth(orgs, org_list, as_of=as_of))
    return out


def badges_truth(orgs, org_list, *, as_of) -> dict:
    """亮牌示范 on ``as_of``: entries of the organizations in force that day (started, and no end or ending that
    day or later), per kind; 佩戴党徽 of each basic organization's own latest month up to ``as_of``, one row per
    organization — a 党总支 and its branch that both record are both added, as recorded."""
    kinds = Counter(
        e.kind
        for e in BadgeEntry.objects.filter(org__in=orgs)
        if e.start_date <= as_of and (e.end_date is None or e.end_date >= as_of)
    )
    basic = {o.pk for o in org_list if o.level == "basic"}
    latest = {}
    for row in BadgeWearing.objects.filter(org_id__in=basic, month__lte=as_of):
        if row.org_id not in latest or row.month > latest[row.org_id].month:
            latest[row.org_id] = row
    return {
        "badge_demo_household": kinds["demo_household"],
        "badge_vanguard_post": kinds["vanguard_post"],
        "badge_responsibility_area": kinds["responsibility_area"],
        "badge_model_post": kinds["model_post"],
        "wearing_orgs": len(latest),
        "wearing_members": sum(r.wearing for r in latest.values()),
        "wearing_counted": sum(r.total for r in latest.values()),
    }


def members_truth(campaign, orgs, *, period) -> dict:
    """党员队伍: members and 党性分析 by the member's organization; ratings and the branch's assessments by the
    organization on the row, in ``period``. A member reaches criterion k when the branch's submitted
    assessment gives it the level with the highest score of the assessment's criteria set."""
    members = list(Member.objects.filter(org__in=orgs))
    written = set(
        PartyAnalysisReport.objects.filter(campaign=campaign, status__in=["submitted", "accepted"]).values_list(
            "member_id", flat=True
        )
    )
    recorded = set(PartyAnalysisParticipation.objects.filter(campaign=campaign).values_list("member_id", flat=True))
    ratings = list(MemberRating.objects.filter(period=period, org__in=orgs)) if period else []
    assessments = (
        list(
            Assessment.objects.filter(
                period=period, target="member", source="superior", status="submitted", org__in=orgs
            ).prefetch_related("scores__criterion", "criteria_set")
        )
        if period
        else []
    )
    reached = Counter()
    for a in assessments:
        best = max(a.criteria_set.levels, key=lambda level: level["score"])["key"]
        for score in a.scores.all():
            if score.level == best:
                reached[score.criterion.order] += 1
    out = {
        "members_total": len(members),
        "pa_participated": sum(1 for m in members if m.pk in written or m.pk in recorded),
        "pa_written": PartyAnalysisReport.objects.filter(
            campaign=campaign, member__org__in=orgs, status__in=["submitted", "accepted"]
        ).count(),
        "pa_accepted": PartyAnalysisReport.objects.filter(
            campaign=campaign, member__org__in=orgs, status="accepted"
        ).count(),
        "pa_accepted_required": PartyAnalysisReport.objects.filter(
            campaign=campaign, member__org__in=orgs, member__category="in_service", status="accepted"
        ).count(),
        "members_rated": len(ratings),
        "models_assessed": len(assessments),
    }
    for level in ("excellent", "qualified", "basic", "unqualified"):
        out[f"rated_{level}"] = sum(1 for r in ratings if r.level == level)
    for n in range(1, 6):
        out[f"model{n}_reached"] = reached[n]
    return out


def masses_truth(campaign, orgs, org_list, *, as_of) -> dict:
    """联系服务群众与基层治理: dated records from the campaign's start to ``as_of``; a household has had contact
    when a service to it is dated in the 30 days up to ``as_of`` (both ends included)."""

    def within(day):
        return campaign.start_date <= day <= as_of

    cutoff = as_of - datetime.timedelta(days=30)
    households = list(Household.objects.filter(org__in=orgs, active=True).prefetch_related("services"))
    services = [s for s in ServiceRecord.objects.filter(household__org__in=orgs) if within(s.date)]
    disputes = [d for d in Dispute.objects.filter(org__in=orgs) if within(d.found_on)]
    guided = set(
        RoleAssignment.objects.filter(role="instructor", user__is_active=True).values_list("org_id", flat=True)
    )
    return {
        "households_active": len(households),
        "households_no_contact": sum(
            1 for h in households if not any(cutoff <= s.date <= as_of for s in h.services.all())
        ),
        "service_records": len(services),
        "mass_meetings": sum(1 for m in MassMeeting.objects.filter(org__in=orgs) if within(m.date)),
        "disputes_found": len(disputes),
        "disputes_resolved": sum(1 for d in disputes if d.outcome == "resolved"),
        "disputes_escalated": sum(1 for d in disputes if d.outcome == "escalated"),
        "disputes_unresolved": sum(1 for d in disputes if d.outcome == "unresolved"),
        "disputes_pending": sum(1 for d in disputes if d.outcome == ""),
        "bulletins": sum(
            1 for b in Bulletin.objects.filter(issuer_org__in=orgs, status="issued") if within(b.issue_date)
        ),
        "basic_with_instructor": sum(1 for o in org_list if o.level == "basic" and o.pk in guided),
        "college_officials": Member.objects.filter(org__in=orgs, college_official=True).count(),
        "services_by": Counter((s.kind, s.date.strftime("%Y-%m")) for s in services),
    }
