"""Every write of the 群众工作站 register: stations, their duty members, the visits and their closing.

"普遍推行群众工作站、干群恳谈会、党员联系户等办法，为群众提供政策、信息、技术、法律等各方面服务，帮助群众解决
生产生活中的实际问题" (seed, part 一).

PermissionDenied when the acting user may not act at all; a Chinese ValidationError on the field it is about
when a rule refuses the action. Each function runs in one transaction: nothing is half-written.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.history import delete_as, save_as, save_checked
from orgs.models import Member, Org, User

from ..models import Station, StationDuty, Visit, VisitStatus, VisitTopic
from ..queries import stations as mq
from .records import own_members

STATION_FIELDS = ("name", "address", "opening_hours", "phone", "duty_others", "active")
VISIT_FIELDS = (
    "visited_on",
    "visitor_name",
    "visitor_phone",
    "topic",
    "request",
    "action",
    "handled_by",
    "handler_name",
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


# --- stations -------------------------------------------------------------------------------------


def _check_members(org: Org, members) -> list[Member]:
    return own_members(
        org, members, field="duty_members", message=_("%(name)s不是本组织党员，不能在本组织的群众工作站值班")
    )


def _check_name(org: Org, name: str, *, exclude_pk=None) -> None:
    if not name:
        raise ValidationError({"name": _("请填写工作站名称")})
    taken = Station.objects.filter(org=org, name=name)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": _("本组织已有名为“%(name)s”的群众工作站") % {"name": name}})


def _add_duty(station: Station, member: Member, *, by: User) -> None:
    duty = StationDuty(station=station, member=member)
    save_as(duty, by=by)


@transaction.atomic
def create_station(org: Org, *, by: User, duty_members=(), **fields) -> Station:
    """A 群众工作站 of ``org``, registered by its secretary."""
    if not mq.can_write(by, org):
        raise PermissionDenied(_("您无权为该组织登记群众工作站"))
    unknown = set(fields) - set(STATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    members = _check_members(org, duty_members)
    station = Station(org=org, created_by=by, **{k: _strip(v) for k, v in fields.items()})
    _check_name(org, station.name)
    save_checked(station, by=by, exclude=["org", "created_by"])
    for member in members:
        _add_duty(station, member, by=by)
    return station


@transaction.atomic
def update_station(station: Station, *, by: User, fields: dict, duty_members=None) -> Station:
    """Change a station's own fields; ``duty_members`` (when given) replaces the members on duty."""
    station = Station.objects.select_for_update().select_related("org").get(pk=station.pk)
    if not mq.can_write(by, station.org):
        raise PermissionDenied(_("您无权修改该群众工作站"))
    fields = {k: _strip(v) for k, v in fields.items() if k in STATION_FIELDS}
    for name, value in fields.items():
        setattr(station, name, value)
    if "name" in fields:
        _check_name(station.org, station.name, exclude_pk=station.pk)
    save_checked(station, by=by, exclude=["org", "created_by"], update_fields=[*fields, "updated_at"])
    if duty_members is not None:
        members = _check_members(station.org, duty_members)
        wanted = {m.pk for m in members}
        for duty in station.duties.exclude(member_id__in=wanted):
            delete_as(duty, by=by)
        have = set(station.duties.values_list("member_id", flat=True))
        for member in members:
            if member.pk not in have:
                _add_duty(station, member, by=by)
    return station


# --- visits ---------------------------------------------------------------------------------------


def _check_visit(visit: Visit, today: datetime.date) -> None:
    """The rules of a visit's own fields (dates, the handler, the topic); errors at the field."""
    if visit.visited_on is None:
        raise ValidationError({"visited_on": _("请填写来访日期")})
    if visit.visited_on > today:
        raise ValidationError({"visited_on": _("来访日期不能晚于今天")})
    if visit.topic not in VisitTopic.values:
        raise ValidationError({"topic": _("请选择事项类别")})
    if not visit.request:
        raise ValidationError({"request": _("请填写群众反映的问题或诉求")})
    if visit.handled_by_id and visit.handled_by.org_id != visit.station.org_id:
        raise ValidationError({"handled_by": _("经办党员应是本组织党员")})
    if not visit.handled_by_id and not visit.handler_name:
        raise ValidationError({"handler_name": _("请选择经办党员，或填写其他经办人")})


@transaction.atomic
def record_visit(
    station: Station, *, by: User, settle: bool = False, today: datetime.date | None = None, **fields
) -> Visit:
    """A visit to ``station``: who came (may stay anonymous), what was asked, who handles it. It is 办理中 until
    closed; ``settle`` closes it at once on the day of the visit (settled on the spot: 办理情况 required)."""
    today = today or timezone.localdate()
    station = Station.objects.select_for_update().select_related("org").get(pk=station.pk)
    if not mq.can_write(by, station.org):
        raise PermissionDenied(_("您无权为该群众工作站登记来访"))
    if not station.active:
        raise ValidationError(_("“%(name)s”已停用，不能再登记来访") % {"name": station.name}, code="inactive")
    unknown = set(fields) - set(VISIT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    visit = Visit(station=station, recorded_by=by, **{k: _strip(v) for k, v in fields.items()})
    _check_visit(visit, today)
    save_checked(visit, by=by, exclude=["station", "handled_by", "recorded_by", "closed_on"])
    if settle:
        close_visit(visit, by=by, closed_on=visit.visited_on, action=visit.action, today=today)
        visit.refresh_from_db()
    return visit


def _lock_visit(visit: Visit) -> Visit:
    return Visit.objects.select_for_update(of=("self",)).select_related("station__org", "handled_by").get(pk=visit.pk)


def _refuse_closed(visit: Visit, message: str) -> None:
    if visit.closed:
        raise ValidationError(message % {"date": f"{visit.closed_on:%Y-%m-%d}"}, code="closed")


@transaction.atomic
def update_visit(visit: Visit, *, by: User, fields: dict, today: datetime.date | None = None) -> Visit:
    """Correct a visit still 办理中 (a closed one is the record of what was done and stays as it is)."""
    today = today or timezone.localdate()
    visit = _lock_visit(visit)
    if not mq.can_write(by, visit.station.org):
        raise PermissionDenied(_("您无权修改该来访记录"))
    _refuse_closed(visit, _("该事项已于%(date)s办结，不能再修改"))
    fields = {k: _strip(v) for k, v in fields.items() if k in VISIT_FIELDS}
    for name, value in fields.items():
        setattr(visit, name, value)
    _check_visit(visit, today)
    save_checked(
        visit,
        by=by,
        exclude=["station", "handled_by", "recorded_by", "closed_on"],
        update_fields=[*fields, "updated_at"],
    )
    return visit


@transaction.atomic
def close_visit(
    visit: Visit, *, by: User, closed_on: datetime.date, action: str, today: datetime.date | None = None
) -> Visit:
    """办结: what was done (required) and the day it was settled (not before the visit, not after today)."""
    today = today or timezone.localdate()
    visit = _lock_visit(visit)
    if not mq.can_write(by, visit.station.org):
        raise PermissionDenied(_("您无权办结该来访事项"))
    _refuse_closed(visit, _("该事项已于%(date)s办结"))
    action = (action or "").strip()
    if not action:
        raise ValidationError({"action": _("请填写办理情况后再办结")})
    if closed_on is None:
        raise ValidationError({"closed_on": _("请填写办结日期")})
    if closed_on > today:
        raise ValidationError({"closed_on": _("办结日期不能晚于今天")})
    if closed_on < visit.visited_on:
        raise ValidationError(
            {"closed_on": _("办结日期不能早于来访日期（%(date)s）") % {"date": f"{visit.visited_on:%Y-%m-%d}"}}
        )
    visit.action = action
    visit.status = VisitStatus.CLOSED
    visit.closed_on = closed_on
    save_checked(
        visit,
        by=by,
        exclude=["station", "handled_by", "recorded_by"],
        update_fields=["action", "status", "closed_on", "updated_at"],
    )
    return visit
