"""The State Council's holiday schedule as data: load it from chinese-calendar, enter a new year's, read it.

"公示期（5个工作日）": working days follow 国务院办公厅关于部分节假日安排的通知, published each December
for the next year — weekends off, the holidays off (their weekend days included), and the 调休 make-up
working days on. A year's schedule is a ``HolidayYear`` row plus its ``CalendarDay`` exceptions. The
years chinese-calendar covers (2004–2026 in 1.11.0) are loaded by a data migration; a data manager (the
province's 组织部, or a superuser) enters each later year from the notice.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.actors import System, is_system, recorded_user
from common.history import delete_as, save_as
from orgs import queries
from orgs.enums import Role
from orgs.models import User

from ..holiday_data import LIBRARY_YEARS, library_rows, load_library_years
from ..models import AwardRound, BasicCommendation, CalendarDay, HolidayYear
from .workdays import ONE_DAY, period_end_or_none

__all__ = ["LIBRARY_YEARS", "library_rows", "load_library_years"]

DEFAULT_MAKEUP_NAME = "调休上班"  # i18n: data
FIRST_YEAR = LIBRARY_YEARS.start
# A basic organization's 公示 lasts at most 30 working days: 60 calendar days bound it from above.
BASIC_PUBLICITY_SPAN = datetime.timedelta(days=60)


# ----- who -----


def can_manage_schedule(user: User) -> bool:
    """A superuser, or the 组织部 of the province (a root node of the tree). No query."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(a.role == Role.ORG_DEPARTMENT and a.org.depth == 1 for a in queries.assignments(user))


def latest_enterable_year(today: datetime.date | None = None) -> int:
    """The State Council publishes next year's schedule in December: at most next year can be entered."""
    return (today or timezone.localdate()).year + 1


# ----- reading -----


@dataclass
class YearSchedule:
    year: int
    row: HolidayYear | None
    holidays: list[tuple[datetime.date, datetime.date, str]]
    workdays: list[tuple[datetime.date, str]]

    @property
    def holiday_days(self) -> int:
        return sum((last - first).days + 1 for first, last, _name in self.holidays)


def year_schedule(year: int) -> YearSchedule:
    """A year's holidays as ranges of consecutive days of one name, and its 调休 working days."""
    row = HolidayYear.objects.filter(year=year).first()
    days = CalendarDay.objects.filter(date__year=year).order_by("date")
    holidays, workdays = [], []
    for day in days:
        if day.is_workday:
            workdays.append((day.date, day.name))
        elif holidays and holidays[-1][2] == day.name and holidays[-1][1] + ONE_DAY == day.date:
            holidays[-1] = (holidays[-1][0], day.date, day.name)
        else:
            holidays.append((day.date, day.date, day.name))
    return YearSchedule(year, row, holidays, workdays)


def year_summaries() -> list[dict]:
    """Every loaded year with its counts (one query for the years, one for the counts)."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    counts = {
        (r["y"], r["is_workday"]): r["n"]
        for r in CalendarDay.objects.annotate(y=ExtractYear("date")).values("y", "is_workday").annotate(n=Count("pk"))
    }
    return [
        {"row": row, "holidays": counts.get((row.year, False), 0), "workdays": counts.get((row.year, True), 0)}
        for row in HolidayYear.objects.select_related("entered_by").order_by("-year")
    ]


# ----- writing -----


def _check_entries(year: int, holidays, workdays) -> dict[str, list[str]]:
    """Chinese messages per field ("holidays", "workdays") for entries that cannot be the year's schedule."""
    errors: dict[str, list[str]] = {"holidays": [], "workdays": []}
    off: dict[datetime.date, str] = {}
    if not holidays:
        errors["holidays"].append(_("请填写放假安排：国务院每年的通知都有元旦、春节等放假日期"))
    for first, last, name in holidays:
        label = (
            first.isoformat()
            if first == last
            else _("%(first)s 至 %(last)s") % {"first": first.isoformat(), "last": last.isoformat()}
        )
        if last < first:
            errors["holidays"].append(_("放假日期“%(days)s”的结束日期早于开始日期") % {"days": label})
            continue
        if first.year != year or last.year != year:
            errors["holidays"].append(
                _("放假日期“%(days)s”不在%(year)s年内（每年的安排只录入本年度的日期）") % {"days": label, "year": year}
            )
            continue
        if not (name or "").strip():
            errors["holidays"].append(_("放假日期“%(days)s”缺少节日名称，如：国庆节") % {"days": label})
        day = first
        while day <= last:
            if day in off:
                errors["holidays"].append(_("%(day)s 重复填写了两次放假安排") % {"day": day.isoformat()})
                break
            off[day] = name
            day += ONE_DAY
    seen = set()
    for day, _name in workdays:
        if day.year != year:
            errors["workdays"].append(
                _("调休上班日期 %(day)s 不在%(year)s年内（每年的安排只录入本年度的日期）")
                % {"day": day.isoformat(), "year": year}
            )
        elif day.weekday() < 5:
            errors["workdays"].append(
                _("调休上班日期 %(day)s 是工作日（周一至周五本来就上班），调休上班日应为星期六或星期日")
                % {"day": day.isoformat()}
            )
        elif day in off:
            errors["workdays"].append(
                _("%(day)s 既填为放假（%(name)s）又填为调休上班") % {"day": day.isoformat(), "name": off[day]}
            )
        elif day in seen:
            errors["workdays"].append(_("调休上班日期 %(day)s 重复填写") % {"day": day.isoformat()})
        seen.add(day)
    return {field: messages for field, messages in errors.items() if messages}


def _day_map(holidays, workdays) -> dict[datetime.date, tuple[bool, str]]:
    days: dict[datetime.date, tuple[bool, str]] = {}
    for first, last, name in holidays:
        day = first
        while day <= last:
            days[day] = (False, name.strip())
            day += ONE_DAY
    for day, name in workdays:
        days[day] = (True, (name or "").strip() or DEFAULT_MAKEUP_NAME)
    return days


def _changed_days(year: int, new: dict[datetime.date, tuple[bool, str]]) -> list[datetime.date]:
    """Dates of ``year`` whose working/non-working status the new entries change."""
    old = dict(CalendarDay.objects.filter(date__year=year).values_list("date", "is_workday"))
    changed = []
    for day in sorted(set(old) | set(new)):
        plain = day.weekday() < 5
        if old.get(day, plain) != new.get(day, (plain, ""))[0]:
            changed.append(day)
    return changed


def _publicity_using(days: list[datetime.date]) -> str:
    """The name of a started 公示 whose period one of ``days`` lies in ('' when none does)."""
    if not days:
        return ""
    first, last = days[0], days[-1]
    rounds = AwardRound.objects.filter(
        publicity_started_at__isnull=False,
        publicity_starts__lte=last,
        publicity_starts__gte=first - datetime.timedelta(days=366),
    )
    for award_round in rounds:
        end = period_end_or_none(award_round.publicity_starts, award_round.publicity_working_days)
        if end is None or any(award_round.publicity_starts <= day <= end for day in days):
            return award_round.name
    near = Q(pk__in=[])
    for day in days:
        near |= Q(publicity_starts__lte=day, publicity_starts__gte=day - BASIC_PUBLICITY_SPAN)
    basic = (
        BasicCommendation.objects.filter(near, publicity_starts__isnull=False)
        .exclude(status=BasicCommendation.Status.DRAFT)
        .values_list("title", flat=True)
        .first()
    )
    return basic or ""


def enter_year(
    year: int,
    *,
    by: User,
    holidays: list[tuple[datetime.date, datetime.date, str]],
    workdays: list[tuple[datetime.date, str]],
    notice: str = "",
) -> HolidayYear:
    """Enter (or correct) the schedule of ``year`` from the State Council's notice, all or nothing.

    ``holidays``: (first day, last day, name) per holiday, weekend days included; ``workdays``: (date,
    name) of each 调休 working Saturday or Sunday. Refused (ValidationError keyed by field) when a date
    lies outside the year, a make-up working day is not a weekend day, a day is entered twice, or a
    change would alter the period of a 公示 that has already started.
    """
    if not can_manage_schedule(by):
        raise PermissionDenied
    if not FIRST_YEAR <= year <= latest_enterable_year():
        raise ValidationError(
            {
                "year": _("只能录入 %(first)s 年至 %(last)s 年的节假日安排")
                % {"first": FIRST_YEAR, "last": latest_enterable_year()}
            }
        )
    notice = (notice or "").strip()
    if len(notice) > HolidayYear._meta.get_field("notice").max_length:
        raise ValidationError({"notice": _("通知文号过长")})
    errors = _check_entries(year, holidays, workdays)
    if errors:
        raise ValidationError(errors)
    days = _day_map(holidays, workdays)
    with transaction.atomic():
        row = HolidayYear.objects.select_for_update().filter(year=year).first()
        if row is not None and not row.is_assumed:
            used_by = _publicity_using(_changed_days(year, days))
            if used_by:
                raise ValidationError(
                    {
                        "holidays": _("修改会改变已开始的公示“%(name)s”的公示期，不能修改（公示开始后公示期不得缩短）")
                        % {"name": used_by}
                    }
                )
        for old in CalendarDay.objects.filter(date__year=year):
            old._change_reason = _("重新录入%(year)s年节假日安排") % {"year": year}
            delete_as(old, by=by)
        created = []
        for day, (workday, name) in sorted(days.items()):
            entry = CalendarDay(date=day, is_workday=workday, name=name[:50])
            save_as(entry, by=by)
            created.append(entry)
        if row is None:
            row = HolidayYear(year=year)
        row.source = HolidayYear.Source.MANUAL
        row.notice = notice
        row.entered_by = by
        save_as(row, by=by)
    return row


def assume_year(year: int, *, by: User | System) -> HolidayYear:
    """A plain Monday–Friday schedule for a year the State Council has not published yet, marked as
    assumed: for demonstrations and tests only (``by`` SYSTEM for the demo builder and the tests). An existing
    year is kept."""
    if not is_system(by) and not can_manage_schedule(by):
        raise PermissionDenied
    row, _created = HolidayYear.objects.get_or_create(
        year=year, defaults={"source": HolidayYear.Source.ASSUMED, "entered_by": recorded_user(by)}
    )
    return row
