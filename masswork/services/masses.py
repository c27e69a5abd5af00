"""Every write of serving the masses: 党员联系户 and their service records, 干群恳谈会, 矛盾纠纷排查化解, and the
assignment of 党建工作指导员.

"普遍推行群众工作站、干群恳谈会、党员联系户等办法，为群众提供政策、信息、技术、法律等各方面服务，帮助群众
解决生产生活中的实际问题" (seed, part 一) — "主动排查矛盾纠纷，做好化解工作。" (seed, part 一)

PermissionDenied when the acting user may not act at all; a Chinese ValidationError (on the field it is about)
when the rule refuses the action. Each function runs in one transaction: nothing is half-written.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from common.history import check_fields, save_as, save_checked, set_rows
from orgs import queries
from orgs.models import Member, Org, User
from orgs.validators import validate_no_id_number

from ..models import (
    Dispute,
    DisputeCategory,
    DisputeOutcome,
    DisputeStep,
    Household,
    HouseholdLink,
    MassMeeting,
    ServiceKind,
    ServiceRecord,
)
from ..queries import masses as mq
from .records import own_members

HOUSEHOLD_FIELDS = ("head_name", "village", "size", "needs", "phone", "active")


def _not_future(value: datetime.date, field: str, today: datetime.date, message: str):
    if value > today:
        raise ValidationError({field: message})


# --- households -----------------------------------------------------------------------------------


def _check_members(org: Org, members) -> list[Member]:
    return own_members(org, members, field="members", message=_("%(name)s不是本组织党员，不能联系本组织的联系户"))


@transaction.atomic
def create_household(org: Org, *, by: User, members=(), **fields) -> Household:
    """A household a basic organization's members keep in touch with (党员联系户)."""
    if not mq.can_write_household(by, org):
        if not org.is_basic and queries.covers(by, org, mq.WRITE_ROLES):
            raise ValidationError({"org": _("党员联系户登记在基层党组织")})
        raise PermissionDenied(_("您无权为该组织登记联系户"))
    unknown = set(fields) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    members = _check_members(org, members)
    household = Household(org=org, created_by=by, **fields)
    household.head_name = household.head_name.strip()
    household.village = household.village.strip()
    save_checked(household, by=by, exclude=["org", "created_by"])
    bulk_create_with_history(
        [HouseholdLink(household=household, member=m) for m in members], HouseholdLink, default_user=by
    )
    return household


@transaction.atomic
def update_household(household: Household, *, by: User, fields: dict, members=None) -> Household:
    """Change a household's own fields; ``members`` (when given) replaces the set of responsible members."""
    if not mq.can_write_household(by, household.org):
        raise PermissionDenied(_("您无权修改该联系户"))
    fields = {k: v for k, v in fields.items() if k in HOUSEHOLD_FIELDS}
    for name, value in fields.items():
        setattr(household, name, value.strip() if isinstance(value, str) and name != "needs" else value)
    save_checked(household, by=by, exclude=["org", "created_by"], update_fields=[*fields, "updated_at"])
    if members is not None:
        members = _check_members(household.org, members)
        set_rows(household.links, "member", members, by=by)
    return household


@transaction.atomic
def record_service(
    household: Household,
    *,
    by: User,
    kind: str,
    date: datetime.date,
    content: str,
    outcome: str = "",
    member: Member | None = None,
    today: datetime.date | None = None,
) -> ServiceRecord:
    """A service to a household: 帮扶, 走访慰问 or 解决实际问题.

    "组织党员开展志愿服务、结对帮扶、走访慰问等活动，深入做好党员联系和服务群众工作，帮助群众解决生产生活中的
    实际问题。" (seed, part 四.(二).3) — a member records visits to its own households (the member is itself);
    a secretary records for any household of its organization, naming the member who served.
    """
    today = today or timezone.localdate()
    is_secretary = queries.covers(by, household.org, mq.SERVICE_ROLES)
    own = queries.own_member(by)
    if not is_secretary:
        if own is None or not household.links.filter(member_id=own.pk).exists():
            raise PermissionDenied(_("只能记录本人联系户的服务情况"))
        member = own
    elif member is None and own is not None and household.links.filter(member_id=own.pk).exists():
        member = own
    if member is not None and member.org_id != household.org_id:
        raise ValidationError({"member": _("服务党员应是本组织党员")})
    if kind not in ServiceKind.values:
        raise ValidationError({"kind": _("请选择服务类型")})
    if date is None:
        raise ValidationError({"date": _("请填写日期")})
    _not_future(date, "date", today, _("日期不能晚于今天"))
    if not (content or "").strip():
        raise ValidationError({"content": _("请填写服务内容")})
    record = ServiceRecord(
        household=household,
        member=member,
        kind=kind,
        date=date,
        content=content.strip(),
        outcome=(outcome or "").strip(),
        recorded_by=by,
    )
    check_fields(record, exclude=["household", "member", "recorded_by"])
    record.save()
    return record


# --- 干群恳谈会 ------------------------------------------------------------------------------------


@transaction.atomic
def record_meeting(
    org: Org,
    *,
    by: User,
    date: datetime.date,
    place: str,
    attendance: int,
    masses_count: int,
    issues: str,
    responses: str = "",
    today: datetime.date | None = None,
) -> MassMeeting:
    """A 干群恳谈会 held by ``org``: "普遍推行群众工作站、干群恳谈会、党员联系户等办法" (seed, part 一)."""
    today = today or timezone.localdate()
    if not mq.can_write_org(by, org):
        raise PermissionDenied(_("您无权为该组织记录干群恳谈会"))
    if date is not None:
        _not_future(date, "date", today, _("会议日期不能晚于今天"))
    if attendance is not None and masses_count is not None and masses_count > attendance:
        raise ValidationError({"masses_count": _("群众人数不能多于参加人数")})
    meeting = MassMeeting(
        org=org,
        date=date,
        place=(place or "").strip(),
        attendance=attendance,
        masses_count=masses_count or 0,
        issues=(issues or "").strip(),
        responses=(responses or "").strip(),
        recorded_by=by,
    )
    save_checked(meeting, by=by, exclude=["org", "recorded_by"])
    return meeting


# --- 矛盾纠纷排查化解 --------------------------------------------------------------------------------


@transaction.atomic
def record_dispute(
    org: Org,
    *,
    by: User,
    found_on: datetime.date,
    category: str,
    parties: str,
    summary: str,
    today: datetime.date | None = None,
) -> Dispute:
    """Register a dispute found: "主动排查矛盾纠纷，做好化解工作。" (seed, part 一). No ID numbers."""
    today = today or timezone.localdate()
    if not mq.can_write_org(by, org):
        raise PermissionDenied(_("您无权为该组织登记矛盾纠纷"))
    if category not in DisputeCategory.values:
        raise ValidationError({"category": _("请选择纠纷类别")})
    if found_on is not None:
        _not_future(found_on, "found_on", today, _("发现日期不能晚于今天"))
    dispute = Dispute(
        org=org,
        found_on=found_on,
        category=category,
        parties=(parties or "").strip(),
        summary=(summary or "").strip(),
        recorded_by=by,
    )
    save_checked(dispute, by=by, exclude=["org", "recorded_by"])
    return dispute


def _lock_open_dispute(dispute: Dispute, *, by: User, adding_step: bool) -> Dispute:
    """The dispute locked for ``by``'s change (``adding_step``, or setting its outcome) while it is still open
    (else refused, naming its outcome)."""
    dispute = Dispute.objects.select_for_update().select_related("org").get(pk=dispute.pk)
    if not mq.can_write_org(by, dispute.org):
        raise PermissionDenied(_("您无权处理该矛盾纠纷"))
    if dispute.closed:
        outcome = {"outcome": dispute.get_outcome_display()}
        if adding_step:
            raise ValidationError(_("该矛盾纠纷已%(outcome)s，不能再添加处理措施") % outcome, code="closed")
        raise ValidationError(_("该矛盾纠纷已%(outcome)s，结果不能再修改") % outcome, code="closed")
    return dispute


@transaction.atomic
def add_dispute_step(
    dispute: Dispute, *, by: User, date: datetime.date, action: str, today: datetime.date | None = None
) -> DisputeStep:
    """A dated handling step; none once the dispute is 化解 or 上交."""
    today = today or timezone.localdate()
    dispute = _lock_open_dispute(dispute, by=by, adding_step=True)
    if date is None:
        raise ValidationError({"date": _("请填写日期")})
    _not_future(date, "date", today, _("日期不能晚于今天"))
    if date < dispute.found_on:
        raise ValidationError({"date": _("处理日期不能早于发现日期（%(d)s）") % {"d": dispute.found_on}})
    action = (action or "").strip()
    if not action:
        raise ValidationError({"action": _("请填写处理措施")})
    validate_no_id_number_field(action, "action")
    return DisputeStep.objects.create(dispute=dispute, date=date, action=action, recorded_by=by)


def validate_no_id_number_field(value: str, field: str) -> None:
    try:
        validate_no_id_number(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


@transaction.atomic
def set_dispute_outcome(
    dispute: Dispute,
    *,
    by: User,
    outcome: str,
    date: datetime.date,
    note: str = "",
    today: datetime.date | None = None,
) -> Dispute:
    """化解 (at least one handling step recorded), 上交 (say to whom in the note) or 未化解."""
    today = today or timezone.localdate()
    dispute = _lock_open_dispute(dispute, by=by, adding_step=False)
    if outcome not in (DisputeOutcome.RESOLVED, DisputeOutcome.ESCALATED, DisputeOutcome.UNRESOLVED):
        raise ValidationError({"outcome": _("请选择处理结果：化解、上交或未化解")})
    if date is None:
        raise ValidationError({"outcome_on": _("请填写结果日期")})
    _not_future(date, "outcome_on", today, _("结果日期不能晚于今天"))
    if date < dispute.found_on:
        raise ValidationError({"outcome_on": _("结果日期不能早于发现日期（%(d)s）") % {"d": dispute.found_on}})
    note = (note or "").strip()
    if outcome == DisputeOutcome.RESOLVED and not dispute.steps.exists():
        raise ValidationError({"outcome": _("请先记录化解工作的处理措施，再登记为已化解")})
    if outcome == DisputeOutcome.ESCALATED and not note:
        raise ValidationError({"outcome_note": _("上交时请在结果说明中写明上交单位")})
    validate_no_id_number_field(note, "outcome_note")
    dispute.outcome = outcome
    dispute.outcome_on = date
    dispute.outcome_note = note
    save_as(dispute, by=by, update_fields=["outcome", "outcome_on", "outcome_note", "updated_at"])
    return dispute
