"""Working days: Monday–Friday, minus holidays, plus 调休 working weekends (CalendarDay)."""

import datetime

import pytest

from awards.models import CalendarDay, HolidayYear
from awards.seed import load_seed_calendar
from awards.services.rounds import publicity_end
from awards.services.workdays import add_working_days, is_working_day, working_days_between, working_period_end
from tests.factories.awards_nominations import make_round

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar(db):
    load_seed_calendar(CalendarDay)


def test_plain_week_without_calendar_rows():
    CalendarDay.objects.all().delete()  # the data migration loads the 2010—2012 calendar
    assert is_working_day(D(2011, 6, 3))  # Friday
    assert not is_working_day(D(2011, 6, 4))  # Saturday
    assert add_working_days(D(2011, 6, 3), 1) == D(2011, 6, 6)  # plain Monday without the holiday list
    assert add_working_days(D(2011, 6, 3), 0) == D(2011, 6, 3)


def test_duanwu_2011_is_skipped(calendar):
    # 端午节 2011: 4–6 June (Saturday to Monday), no 调休.
    assert not is_working_day(D(2011, 6, 6))
    assert add_working_days(D(2011, 6, 3), 1) == D(2011, 6, 7)
    # 5 working days from Wednesday 1 June: 1, 2, 3, 7, 8 June.
    assert working_period_end(D(2011, 6, 1), 5) == D(2011, 6, 8)
    assert working_days_between(D(2011, 6, 1), D(2011, 6, 8)) == 5


def test_tiaoxiu_saturday_counts(calendar):
    # 国庆节 2011: 1–7 October off; Saturday 8 and Sunday 9 October are working days.
    assert is_working_day(D(2011, 10, 8))
    assert is_working_day(D(2011, 10, 9))
    assert not is_working_day(D(2011, 10, 7))  # Friday, holiday
    # From Friday 30 September: 8 Oct (Sat), 9 Oct (Sun), 10 Oct (Mon).
    assert add_working_days(D(2011, 9, 30), 1) == D(2011, 10, 8)
    assert add_working_days(D(2011, 9, 30), 3) == D(2011, 10, 10)
    # 劳动节 2012: Saturday 28 April worked, 29 April – 1 May off.
    assert working_period_end(D(2012, 4, 27), 2) == D(2012, 4, 28)
    assert working_period_end(D(2012, 4, 27), 3) == D(2012, 5, 2)


def test_a_configured_holiday_changes_the_count():
    HolidayYear.objects.create(year=2030, source=HolidayYear.Source.MANUAL)  # a year counts once it is entered
    assert add_working_days(D(2030, 3, 4), 2) == D(2030, 3, 6)
    CalendarDay.objects.create(date=D(2030, 3, 5), is_workday=False, name="测试假日")
    assert add_working_days(D(2030, 3, 4), 2) == D(2030, 3, 7)


def test_long_periods_cross_query_windows(calendar):
    # 250 working days from 2010-01-04 span far more than one window of calendar rows.
    end = add_working_days(D(2010, 1, 1), 250)
    assert working_days_between(D(2010, 1, 2), end) == 250
    assert is_working_day(end)


def test_round_publicity_end_uses_working_days(world, calendar):
    award_round = make_round(world.province, publicity_starts=D(2011, 6, 1), decision_date=D(2011, 6, 24))
    assert publicity_end(award_round) == D(2011, 6, 8)
    with pytest.raises(ValueError):
        add_working_days(D(2011, 6, 1), -1)


def test_seed_calendar_is_idempotent(calendar):
    count = CalendarDay.objects.count()
    load_seed_calendar(CalendarDay)
    assert CalendarDay.objects.count() == count
    assert CalendarDay.objects.get(date=D(2011, 6, 6)).name == "端午节"
