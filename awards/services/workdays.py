"""Working days as the State Council's holiday schedule makes them: weekends off, public holidays off,
调休 make-up working days on (a Saturday or Sunday worked instead of a holiday's weekday).

"公示期（5个工作日）" — the notice period of the 公示 is counted in working days, never in "Monday to
Friday": a 公示 over the National Day week or a 调休 Saturday counts the days the offices really work.
The schedule is data: a ``HolidayYear`` row says a year's schedule is loaded, its ``CalendarDay`` rows are
the exceptions to Monday–Friday (awards.services.holidays enters them). Counting through a year whose
schedule is not loaded is refused with ``ScheduleMissing``, whose message names the year.
"""

import datetime

from django.utils.translation import gettext as _

from common.errors import DomainError

from ..models import CalendarDay, HolidayYear

ONE_DAY = datetime.timedelta(days=1)
# Exceptions are read in windows of at most this many days, never past the end of a year (one query per
# window, not per day; a year is checked for its schedule only when the count reaches it).
WINDOW_DAYS = 120


class ScheduleMissing(DomainError):
    """A working-day count reached a year whose holiday schedule has not been entered; ``field`` is the date
    the user chose that reaches into it (when the caller knows it)."""

    def __init__(self, year: int, field: str | None = None):
        self.year = year
        super().__init__(
            _("%(year)s年的节假日安排尚未录入，无法计算公示期，请联系省委组织部录入") % {"year": year},
            field=field,
            code="schedule_missing",
        )


def loaded_years(first: int, last: int) -> set[int]:
    return set(HolidayYear.objects.filter(year__gte=first, year__lte=last).values_list("year", flat=True))


def require_years(first: int, last: int) -> None:
    """Raise ``ScheduleMissing`` for the earliest year in [first, last] without a schedule."""
    found = loaded_years(first, last)
    for year in range(first, last + 1):
        if year not in found:
            raise ScheduleMissing(year)


def _exceptions(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_workday")
    return dict(rows)


def _plain_working_day(d: datetime.date) -> bool:
    return d.weekday() < 5


def is_working_day(d: datetime.date) -> bool:
    """Is ``d`` a working day (a CalendarDay row overrides the Monday–Friday rule)?"""
    require_years(d.year, d.year)
    found = CalendarDay.objects.filter(date=d).values_list("is_workday", flat=True).first()
    return _plain_working_day(d) if found is None else found


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The date ``n`` working days after ``start`` (``start`` itself not counted; n = 0 gives ``start``).

    add_working_days(Friday 2011-06-03, 1) is Tuesday 2011-06-07: 4–6 June 2011 are the 端午节 holiday.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    day, left = start, n
    while left:
        first = day + ONE_DAY
        window_end = min(day + datetime.timedelta(days=WINDOW_DAYS), datetime.date(first.year, 12, 31))
        require_years(first.year, first.year)
        exceptions = _exceptions(first, window_end)
        while left and day < window_end:
            day += ONE_DAY
            if exceptions.get(day, _plain_working_day(day)):
                left -= 1
    return day


def working_period_end(start: datetime.date, n: int) -> datetime.date:
    """The last day of a period of ``n`` working days beginning on ``start`` (counted inclusively)."""
    if n <= 0:
        return start
    return add_working_days(start - ONE_DAY, n)


def period_end_or_none(start: datetime.date | None, n: int) -> datetime.date | None:
    """``working_period_end`` for pages: None when ``start`` is unknown or a year's schedule is missing."""
    if start is None:
        return None
    try:
        return working_period_end(start, n)
    except ScheduleMissing:
        return None


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days lie in [start, end] (inclusive); 0 when end < start."""
    if end < start:
        return 0
    require_years(start.year, end.year)
    exceptions = _exceptions(start, end)
    count, day = 0, start
    while day <= end:
        if exceptions.get(day, _plain_working_day(day)):
            count += 1
        day += ONE_DAY
    return count
