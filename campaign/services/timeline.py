"""Campaigns, phases and milestones: the current phase, marking work done, copying a campaign."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from common.actors import System, is_system, recorded_user
from orgs import queries
from orgs.enums import Role
from orgs.models import Org, User

from ..models import Campaign, Milestone, MilestoneDone

# Milestones no other workflow marks done: an organization's secretary or a 组织部 in scope confirms them by hand.
# (plan → plans, report_upward → reports, party_analysis/assessment/benchmarking/tier_upgrade → evaluations,
# five_activities → activities, concentrated/special commendation → awards.)
MANUAL_MILESTONES = frozenset(
    {"mobilize", "study", "basic_commendation", "exemplars", "showcase", "summary", "mechanisms"}
)
# Who may confirm a manual milestone: the secretary for its own organization, 组织部 for any organization in scope.
MARK_ROLES = frozenset({Role.SECRETARY, Role.ORG_DEPARTMENT})


def current_campaign(day: datetime.date | None = None) -> Campaign | None:
    """The campaign running on ``day`` (the latest started one if several), else the latest one."""
    day = day or timezone.localdate()
    running = Campaign.objects.filter(start_date__lte=day, end_date__gte=day).order_by("-start_date").first()
    return running or Campaign.objects.order_by("-start_date").first()


CHINESE_ORDINALS = {
    1: gettext_lazy("一"),
    2: gettext_lazy("二"),
    3: gettext_lazy("三"),
    4: gettext_lazy("四"),
    5: gettext_lazy("五"),
    6: gettext_lazy("六"),
    7: gettext_lazy("七"),
    8: gettext_lazy("八"),
    9: gettext_lazy("九"),
    10: gettext_lazy("十"),
}


def phase_order_on(campaign: Campaign, day: datetime.date | None = None) -> int | None:
    """The order (1, 2, …) of ``campaign``'s phase containing ``day`` (today by default), else None.

    "分四个步骤进行" (seed, part 四): what may be edited follows the step the campaign is in.
    """
    day = day or timezone.localdate()
    return campaign.phases.filter(start_date__lte=day, end_date__gte=day).values_list("order", flat=True).first()


def ensure_phase(campaign: Campaign, allowed_orders: Iterable[int], *, today: datetime.date | None = None) -> int:
    """Raise ValidationError (Chinese) unless ``campaign`` is in one of the phases ``allowed_orders`` on ``today``.

    Returns the current phase order. Used by every area's services: "what may be edited follows the phase".
    """
    today = today or timezone.localdate()
    allowed = set(allowed_orders)
    phase = campaign.phases.filter(start_date__lte=today, end_date__gte=today).first()
    if phase is not None and phase.order in allowed:
        return phase.order
    if phase is None:
        if today < campaign.start_date:
            raise ValidationError(_("活动尚未开始，不能进行此项操作"), code="phase")
        if today > campaign.end_date:
            raise ValidationError(_("活动已经结束，不能进行此项操作"), code="phase")
        raise ValidationError(_("当前不在活动的任何步骤内，不能进行此项操作"), code="phase")
    raise ValidationError(
        _("当前处于第%(ordinal)s步骤（%(name)s），不能进行此项操作")
        % {"ordinal": CHINESE_ORDINALS.get(phase.order, str(phase.order)), "name": phase.name},
        code="phase",
    )


def campaign_or_current(code: str | None) -> Campaign | None:
    """The campaign with ``code`` (a page's ``?campaign=``), else the current one."""
    if code:
        found = Campaign.objects.filter(code=code).first()
        if found:
            return found
    return current_campaign()


def mark_done(campaign: Campaign, code: str, org: Org, *, by: User | None = None, note: str = "") -> bool:
    """Record that ``org`` has done milestone ``code`` of ``campaign``. Idempotent; False if nothing new."""
    milestone = Milestone.objects.filter(campaign=campaign, code=code).first()
    if milestone is None or not milestone.applies_to(org):
        return False
    if MilestoneDone.objects.filter(milestone=milestone, org=org).exists():
        return False
    try:
        with transaction.atomic():
            MilestoneDone.objects.create(milestone=milestone, org=org, org_path=org.path, by=by, note=note)
    except IntegrityError:  # done concurrently by somebody else: same outcome
        return False
    return True


def unmark_done(campaign: Campaign, code: str, org: Org) -> None:
    MilestoneDone.objects.filter(milestone__campaign=campaign, milestone__code=code, org=org).delete()


def can_mark_manually(user: User, milestone: Milestone, org: Org) -> bool:
    """May ``user`` confirm ``milestone`` for ``org`` by hand (role only; the phase is checked on write)?"""
    return milestone.code in MANUAL_MILESTONES and queries.covers(user, org, MARK_ROLES)


def ensure_markable(milestone: Milestone, *, today: datetime.date | None = None) -> None:
    """Completion is recorded only while the campaign runs, and never for a step that has not started.

    "分四个步骤进行" (seed, part 四): a milestone belongs to its step; work of a later step cannot be done yet.
    """
    today = today or timezone.localdate()
    campaign = milestone.campaign
    if today < campaign.start_date:
        raise ValidationError(_("活动尚未开始，不能登记完成情况"), code="phase")
    if today > campaign.end_date:
        raise ValidationError(_("活动已经结束，不能再登记完成情况"), code="phase")
    phase = milestone.phase
    if today < phase.start_date:
        raise ValidationError(
            _("“%(milestone)s”属于第%(ordinal)s步骤（%(phase)s），该步骤%(start)s才开始，现在不能登记完成")
            % {
                "milestone": milestone.name,
                "ordinal": CHINESE_ORDINALS.get(phase.order, str(phase.order)),
                "phase": phase.name,
                "start": phase.start_date.isoformat(),
            },
            code="phase",
        )


def _check_manual(user: User, milestone: Milestone, org: Org, today) -> None:
    if milestone.code not in MANUAL_MILESTONES:
        raise ValidationError(_("该节点任务由相应业务自动登记完成，不能手工标记"), code="not_manual")
    if not queries.covers(user, org, MARK_ROLES):
        raise PermissionDenied(_("只有本组织书记或上级组织部门可以登记完成情况"))
    if not milestone.applies_to(org):
        raise ValidationError(_("该节点任务不适用于此组织"), code="not_applicable")
    ensure_markable(milestone, today=today)


def mark_manual_done(
    milestone: Milestone, org: Org, *, by: User, note: str = "", today: datetime.date | None = None
) -> bool:
    """A secretary (own organization) or 组织部 (in scope) confirms a manual milestone. False if already done."""
    _check_manual(by, milestone, org, today)
    return mark_done(milestone.campaign, milestone.code, org, by=by, note=note.strip()[:200])


def unmark_manual_done(milestone: Milestone, org: Org, *, by: User, today: datetime.date | None = None) -> bool:
    """Withdraw a manual confirmation (same people, same phase rule). False if it was not marked."""
    _check_manual(by, milestone, org, today)
    deleted, _rows = MilestoneDone.objects.filter(milestone=milestone, org=org).delete()
    return bool(deleted)


def may_copy_campaigns(user: User) -> bool:
    """Only the provincial 组织部 (org_department on a root node) sets up a new campaign."""
    return any(a.role == Role.ORG_DEPARTMENT and a.org.depth == 1 for a in queries.assignments(user))


@transaction.atomic
def copy_campaign(source: Campaign, *, name: str, code: str, start_date: datetime.date, by: User | System):
    """A new campaign with ``source``'s phases and milestones, every date shifted by the same delta.

    ``by`` must be the provincial 组织部 (see ``may_copy_campaigns``) or the system (demo, tests).
    """
    if not is_system(by) and not may_copy_campaigns(by):
        raise PermissionDenied(_("只有省级组织部门可以创建新的活动"))
    delta = start_date - source.start_date
    campaign = Campaign.objects.create(
        name=name, code=code, start_date=start_date, end_date=source.end_date + delta, copied_from=source
    )
    for phase in source.phases.prefetch_related("milestones"):
        new_phase = campaign.phases.create(
            order=phase.order,
            name=phase.name,
            start_date=phase.start_date + delta,
            end_date=phase.end_date + delta,
            description=phase.description,
        )
        bulk_create_with_history(
            [
                Milestone(
                    campaign=campaign,
                    phase=new_phase,
                    code=m.code,
                    name=m.name,
                    description=m.description,
                    start_date=m.start_date + delta if m.start_date else None,
                    due_date=m.due_date + delta,
                    levels=m.levels,
                    kinds=m.kinds,
                    sectors=m.sectors,
                    provincial_units=m.provincial_units,
                    reminders=m.reminders,
                    order=m.order,
                )
                for m in phase.milestones.all()
            ],
            Milestone,
            default_user=recorded_user(by),
        )
    return campaign
