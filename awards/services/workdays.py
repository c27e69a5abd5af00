"""Working days: Monday to Friday, minus public holidays, plus 调休 working weekends (CalendarDay).

"公示期（5个工作日）" — the notice period of the 公示 is counted in working days; the holiday list
is data (``awards.models.CalendarDay``), so each year's 国务院 holiday notice is entered, not coded.
"""

import datetime

from ..models import CalendarDay

ONE_DAY = datetime.timedelta(days=1)
# Exceptions are read in windows of this many days (one query per window, not per day).
WINDOW_DAYS = 120


def _exceptions(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_workday")
    return dict(rows)


def _plain_working_day(d: datetime.date) -> bool:
    return d.weekday() < 5


def is_working_day(d: datetime.date) -> bool:
    """Is ``d`` a working day (a CalendarDay row overrides the Monday–Friday rule)?"""
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
        window_end = day + datetime.timedelta(days=WINDOW_DAYS)
        exceptions = _exceptions(day + ONE_DAY, window_end)
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


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days lie in [start, end] (inclusive); 0 when end < start."""
    if end < start:
        return 0
    exceptions = _exceptions(start, end)
    count, day = 0, start
    while day <= end:
        if exceptions.get(day, _plain_working_day(day)):
            count += 1
        day += ONE_DAY
    return count
