"""Every write of the 亮牌示范 register: entries (党员示范户, 党员先锋岗, 党员责任区, 示范岗位) and 佩戴党徽 per month.

"通过佩戴党徽、党员示范户、党员先锋岗、党员责任区等形式，把党员身份亮出来，促进党员发挥先锋模范作用。有计划地在
各领域、各行业确立一批党员示范岗位，发挥带动作用。" (seed, part 四.(二).4)

Who writes: the secretary of the organization and the 组织部 covering it (``queries_badges.WRITE_ROLES``).
A member's badge flags (``Member.badge_demo_household`` …) are true exactly while the member holds a current entry
of that kind: every write here sets or clears them through ``orgs.services.update_member`` (with history), and
``sync_badge_flags`` (daily) catches the entries whose start or end date has come since.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.actors import SYSTEM
from common.history import check_fields, save_as, save_changes, save_checked
from orgs import services as org_services
from orgs.models import Member, Org, User

from ..models import BadgeEntry, BadgeKind, BadgeWearing
from ..models.badges import MEMBER_FLAG, MEMBER_KINDS, current_q, first_of_month
from ..queries import badges as qb

ENTRY_FIELDS = ("kind", "member", "post_name", "place", "description", "start_date", "end_date")
TEXT_FIELDS = ("post_name", "place", "description")


def _require_write(by: User, org: Org) -> None:
    if not qb.can_write(by, org):
        raise PermissionDenied(_("您无权为该组织登记亮牌示范"))


# --- member flags ---------------------------------------------------------------------------------


def _sync_flags(member_ids, *, by: User | None, today: datetime.date) -> int:
    """Set or clear each member's badge flags to match its current entries; returns the members changed.

    The acting user's right was checked on the entry's organization, which holds the member, so the member
    record is written as the system (``by=SYSTEM``); the history row still names the user.
    """
    ids = {pk for pk in member_ids if pk}
    if not ids:
        return 0
    held = set(
        BadgeEntry.objects.filter(current_q(today), member_id__in=ids, kind__in=MEMBER_KINDS).values_list(
            "member_id", "kind"
        )
    )
    changed = 0
    for member in Member.objects.filter(pk__in=ids).order_by("pk"):
        fields = {}
        for kind, flag in MEMBER_FLAG.items():
            wanted = (member.pk, str(kind)) in held
            if getattr(member, flag) != wanted:
                fields[flag] = wanted
        if fields:
            member._change_reason = _("亮牌示范登记")
            member._history_user = by
            org_services.update_member(member, by=SYSTEM, fields=fields)
            changed += 1
    return changed


@transaction.atomic
def sync_badge_flags(*, today: datetime.date | None = None) -> int:
    """Daily: the flags of every member with register entries follow the entries' dates (one query finds the
    members whose flags disagree, usually none or a few). Members never registered keep their flags as recorded.
    """
    today = today or timezone.localdate()
    members = Member.objects.filter(
        pk__in=BadgeEntry.objects.filter(member__isnull=False, kind__in=MEMBER_KINDS).values("member_id")
    )
    disagree = Q(pk__in=[])
    for kind, flag in MEMBER_FLAG.items():
        holds = f"holds_{flag}"
        members = members.annotate(
            **{holds: Exists(BadgeEntry.objects.filter(current_q(today), member=OuterRef("pk"), kind=kind))}
        )
        disagree |= Q(**{flag: True, holds: False}) | Q(**{flag: False, holds: True})
    ids = list(members.filter(disagree).values_list("pk", flat=True))
    return _sync_flags(ids, by=None, today=today)


# --- entries --------------------------------------------------------------------------------------


def _strip(fields: dict) -> dict:
    return {k: (v or "").strip() if k in TEXT_FIELDS else v for k, v in fields.items()}


@transaction.atomic
def create_entry(
    org: Org,
    *,
    by: User,
    kind: str,
    place: str,
    start_date: datetime.date,
    member: Member | None = None,
    post_name: str = "",
    description: str = "",
    end_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> BadgeEntry:
    """Register a 党员示范户, 党员先锋岗, 党员责任区 or 示范岗位 under ``org``.

    A member's 示范户, 先锋岗 or 责任区 is recorded at the member's own organization (``org`` or one below it);
    a 示范岗位 belongs to the organization that set it, and its member (if named) is one of that subtree.
    """
    _require_write(by, org)
    if kind not in BadgeKind.values:
        raise ValidationError({"kind": _("请选择类别")})
    if member is not None and not member.org_path.startswith(org.path):
        raise ValidationError(
            {"member": _("%(name)s不是“%(org)s”（含下级组织）的党员") % {"name": member.name, "org": org.name}}
        )
    home = member.org if member is not None and kind in MEMBER_KINDS else org
    fields = _strip({"post_name": post_name, "place": place, "description": description})
    entry = BadgeEntry(
        kind=kind,
        member=member,
        org=home,
        org_path=home.path,
        org_sector=home.sector,
        start_date=start_date,
        end_date=end_date,
        created_by=by,
        **fields,
    )
    save_checked(entry, by=by, exclude=["org", "member", "created_by"])
    _sync_flags([entry.member_id], by=by, today=today or timezone.localdate())
    return entry


def _lock(entry: BadgeEntry) -> BadgeEntry:
    # of=("self",): PostgreSQL locks no row through the nullable join to member.
    return BadgeEntry.objects.select_for_update(of=("self",)).select_related("org", "member").get(pk=entry.pk)


@transaction.atomic
def update_entry(entry: BadgeEntry, *, by: User, fields: dict, today: datetime.date | None = None) -> BadgeEntry:
    """Change an entry's kind, member, post, place, description or dates (the organization stays)."""
    entry = _lock(entry)
    _require_write(by, entry.org)
    fields = _strip({k: v for k, v in fields.items() if k in ENTRY_FIELDS})
    if "kind" in fields and fields["kind"] not in BadgeKind.values:
        raise ValidationError({"kind": _("请选择类别")})
    before = entry.member_id
    for name, value in fields.items():
        setattr(entry, name, value)
    save_checked(entry, by=by, exclude=["org", "member", "created_by"], update_fields=[*fields, "updated_at"])
    _sync_flags([before, entry.member_id], by=by, today=today or timezone.localdate())
    return entry


@transaction.atomic
def end_entry(
    entry: BadgeEntry, *, by: User, end_date: datetime.date | None = None, today: datetime.date | None = None
) -> BadgeEntry:
    """End the 示范 on ``end_date`` (default today, the last day in force)."""
    today = today or timezone.localdate()
    entry = _lock(entry)
    _require_write(by, entry.org)
    end_date = end_date or today
    if entry.end_date and entry.end_date < today:
        raise ValidationError(
            {"end_date": _("该登记已于%(d)s结束，如需更正请修改登记") % {"d": entry.end_date.isoformat()}}
        )
    if end_date < entry.start_date:
        raise ValidationError(
            {"end_date": _("结束日期不能早于开始日期（%(d)s）") % {"d": entry.start_date.isoformat()}}
        )
    entry.end_date = end_date
    entry._change_reason = _("结束示范")
    save_as(entry, by=by, update_fields=["end_date", "updated_at"])
    _sync_flags([entry.member_id], by=by, today=today)
    return entry


# --- 佩戴党徽 ------------------------------------------------------------------------------------


@transaction.atomic
def record_wearing(
    org: Org,
    *,
    by: User,
    month: datetime.date,
    wearing: int,
    total: int,
    note: str = "",
    today: datetime.date | None = None,
) -> BadgeWearing:
    """How many of a basic organization's members wore the party badge in ``month``, of how many.

    "通过佩戴党徽……把党员身份亮出来" (seed, part 四.(二).4). One row per organization and month: recording the same
    month again corrects it. The count cannot exceed the organization's members (its roll-up count).
    """
    today = today or timezone.localdate()
    _require_write(by, org)
    if not org.is_basic:
        raise ValidationError({"org": _("佩戴党徽情况由基层党组织按月登记")})
    if month is None:
        raise ValidationError({"month": _("请填写月份")})
    month = first_of_month(month)
    org = Org.objects.get(pk=org.pk)  # its member roll-up as it stands now
    if month > first_of_month(today):
        raise ValidationError({"month": _("不能登记以后月份的佩戴情况")})
    values = {"wearing": wearing, "total": total, "note": (note or "").strip()}
    row = BadgeWearing.objects.select_for_update().filter(org=org, month=month).first()
    if row is None:
        row = BadgeWearing(org=org, org_path=org.path, org_sector=org.sector, month=month, recorded_by=by, **values)
    else:
        for name, value in values.items():
            setattr(row, name, value)
        row.recorded_by = by
    check_fields(row, exclude=["org", "recorded_by"])
    if row.pk:
        return save_as(row, by=by, update_fields=[*values, "recorded_by", "updated_at"])
    try:
        with transaction.atomic():
            save_as(row, by=by)
    except IntegrityError:
        # Somebody recorded the same month at the same moment: correct that row instead.
        existing = BadgeWearing.objects.select_for_update().get(org=org, month=month)
        return save_changes(existing, {**values, "recorded_by": by}, by=by, also=["updated_at"])
    return row
