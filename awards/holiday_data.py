"""The State Council's holiday schedules of 2004—2026 from chinese-calendar, for the data migration and the seed.

No model is imported here: a migration passes its historical ``HolidayYear`` and ``CalendarDay``.
"""

import datetime

# The years chinese-calendar==1.11.0 covers (it raises NotImplementedError outside them).
LIBRARY_YEARS = range(2004, 2027)
# chinese-calendar's Chinese names, completed the way the State Council's notices write them.
LIBRARY_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}
MAKEUP_SUFFIX = "调休上班"


def _library_name(holiday) -> str:
    """The Chinese name of a chinese-calendar holiday value (its English name)."""
    from chinese_calendar.constants import Holiday

    chinese = Holiday(holiday).chinese
    return LIBRARY_NAMES.get(chinese, chinese)


def library_rows(years) -> list[tuple[datetime.date, bool, str]]:
    """(date, is_workday, name) of every holiday day and 调休 working day of ``years`` in chinese-calendar."""
    from chinese_calendar.constants import holidays, workdays

    wanted = set(years)
    rows = [(day, False, _library_name(value)) for day, value in holidays.items() if day.year in wanted]
    rows += [(day, True, _library_name(value) + MAKEUP_SUFFIX) for day, value in workdays.items() if day.year in wanted]
    return sorted(rows)


def load_library_years(HolidayYear, CalendarDay, years=LIBRARY_YEARS) -> int:  # noqa: N803  (migration models)
    """Load the chinese-calendar schedule of ``years`` (a data migration passes historical models).

    Idempotent: a year already loaded and a date already entered are left as they are. Returns how many
    years were added."""
    existing_days = set(CalendarDay.objects.filter(date__year__in=list(years)).values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, is_workday=workday, name=name)
        for day, workday, name in library_rows(years)
        if day not in existing_days
    )
    existing_years = set(HolidayYear.objects.values_list("year", flat=True))
    added = [HolidayYear(year=year, source="library") for year in years if year not in existing_years]
    HolidayYear.objects.bulk_create(added)
    return len(added)
