"""The State Council's holiday schedule as data: 2004–2026 from chinese-calendar, each later year entered by
the province's 组织部 (or a superuser) on a page with validation; working days follow it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards.models import CalendarDay, HolidayYear
from awards.services import holidays, publicity
from awards.services.workdays import (
    ScheduleMissing,
    add_working_days,
    is_working_day,
    working_days_between,
    working_period_end,
)
from common.actors import SYSTEM
from orgs.enums import Role
from tests.factories import UserFactory, user_with_role
from tests.factories.awards_basic import add_award, make_commendation, secretary_of

D = datetime.date
pytestmark = pytest.mark.django_db
NEXT = timezone.localdate().year + 1

HOLIDAYS_TEXT = "\n".join(
    [
        f"{NEXT}-01-01 元旦",
        f"{NEXT}-02-10 至 {NEXT}-02-16 春节",
        f"{NEXT}-10-01 至 {NEXT}-10-07 国庆节",
    ]
)


def first_weekend_day(year: int, month: int) -> D:
    return next(D(year, month, d) for d in range(1, 8) if D(year, month, d).weekday() >= 5)


@pytest.fixture
def people(world):
    class People:
        province = user_with_role(world.province, Role.ORG_DEPARTMENT)
        province_lead = user_with_role(world.province, Role.LEADING_GROUP)
        city = user_with_role(world.city_a, Role.ORG_DEPARTMENT)
        secretary = user_with_role(world.branch_a, Role.SECRETARY)
        superuser = UserFactory(is_superuser=True, is_staff=True)

    return People


def test_chinese_calendar_years_are_complete_schedules():
    assert set(range(2004, 2027)) <= set(HolidayYear.objects.values_list("year", flat=True))
    assert HolidayYear.objects.get(year=2011).source == "library"
    assert is_working_day(D(2011, 10, 8))  # 调休 Saturday
    assert CalendarDay.objects.get(date=D(2011, 10, 8)).name == "国庆节调休上班"
    assert [is_working_day(D(2011, 10, d)) for d in range(1, 8)] == [False] * 7
    assert CalendarDay.objects.get(date=D(2011, 10, 3)).name == "国庆节"
    assert CalendarDay.objects.get(date=D(2008, 4, 4)).name == "清明节"
    assert working_days_between(D(2011, 9, 29), D(2011, 10, 10)) == 5
    assert working_period_end(D(2026, 9, 30), 2) == D(2026, 10, 8)  # 2026's National Day from the library


def test_a_year_without_a_schedule_is_named():
    HolidayYear.objects.filter(year=2027).delete()
    for call in (
        lambda: is_working_day(D(2027, 1, 4)),
        lambda: working_period_end(D(2026, 12, 28), 5),
        lambda: working_days_between(D(2026, 12, 1), D(2027, 1, 8)),
    ):
        with pytest.raises(ScheduleMissing) as error:
            call()
        assert error.value.messages == ["2027年的节假日安排尚未录入，无法计算公示期，请联系省委组织部录入"]
        assert error.value.year == 2027
    # A count that stays inside 2026 needs nothing of 2027.
    assert add_working_days(D(2026, 12, 1), 5) == D(2026, 12, 8)


def test_who_may_enter_a_schedule(people, client, login):
    assert holidays.can_manage_schedule(people.province) and holidays.can_manage_schedule(people.superuser)
    assert not holidays.can_manage_schedule(people.city) and not holidays.can_manage_schedule(people.province_lead)
    with pytest.raises(PermissionDenied):
        holidays.enter_year(NEXT, by=people.city, holidays=[(D(NEXT, 1, 1), D(NEXT, 1, 1), "元旦")], workdays=[])
    for name in ("awards:holiday_list",):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    year_url = reverse("awards:holiday_year", args=[NEXT])
    for who in ("city", "province_lead", "secretary"):
        c = login(getattr(people, who))
        assert c.get(reverse("awards:holiday_list")).status_code == 403, who
        assert c.post(year_url, {"holidays": HOLIDAYS_TEXT}).status_code == 403, who
    assert not HolidayYear.objects.filter(year=NEXT, source="manual").exists()
    page = login(people.superuser).get(reverse("awards:holiday_list"))
    assert page.status_code == 200 and "2011年" in page.text and "chinese-calendar 数据" in page.text
    province = login(people.province)
    assert province.get(reverse("awards:holiday_year", args=[NEXT + 1])).status_code == 404  # not published yet
    assert province.get(reverse("awards:holiday_year", args=[2003])).status_code == 404
    assert province.get(reverse("awards:holiday_year", args=[2011])).status_code == 200


def test_entering_next_years_schedule_through_the_page(people, login):
    HolidayYear.objects.filter(year=NEXT).delete()
    client = login(people.province)
    listing = client.get(reverse("awards:holiday_list")).text
    assert f"录入{NEXT}年节假日安排" in listing
    url = reverse("awards:holiday_year", args=[NEXT])
    saturday = first_weekend_day(NEXT, 2)
    monday = next(D(NEXT, 3, d) for d in range(1, 8) if D(NEXT, 3, d).weekday() == 0)
    bad = {
        "notice": "国办发明电〔2026〕7号",
        "holidays": f"{HOLIDAYS_TEXT}\n{NEXT}-13-01 某节\n{NEXT - 1}-12-31 至 {NEXT}-01-01 元旦",
        "workdays": f"{monday.isoformat()} 调休\n某日 上班",
    }
    response = client.post(url, bad)
    assert response.status_code == 200
    text = response.text
    assert f"第 4 行“{NEXT}-13-01 某节”无法识别" in text
    assert "第 2 行“某日 上班”无法识别：应为“2027-02-07 春节调休上班”" in text
    assert not HolidayYear.objects.filter(year=NEXT).exists()
    # readable lines, wrong content: the service names each
    response = client.post(
        url,
        {
            "holidays": f"{HOLIDAYS_TEXT}\n{NEXT - 1}-12-31 至 {NEXT}-01-01 元旦\n{NEXT}-05-01 至 {NEXT}-05-03",
            "workdays": f"{monday.isoformat()} 调休\n{NEXT}-10-03 国庆节调休上班",
        },
    )
    text = response.text
    assert f"放假日期“{NEXT - 1}-12-31 至 {NEXT}-01-01”不在{NEXT}年内（每年的安排只录入本年度的日期）" in text
    assert f"放假日期“{NEXT}-05-01 至 {NEXT}-05-03”缺少节日名称，如：国庆节" in text
    assert f"调休上班日期 {monday.isoformat()} 是工作日（周一至周五本来就上班），调休上班日应为星期六或星期日" in text
    assert f"{NEXT}-10-03 既填为放假（国庆节）又填为调休上班" in text
    assert not HolidayYear.objects.filter(year=NEXT).exists()
    assert not CalendarDay.objects.filter(date__year=NEXT).exists()

    response = client.post(
        url,
        {
            "notice": "国办发明电〔2026〕7号",
            "holidays": HOLIDAYS_TEXT,
            "workdays": f"{saturday.isoformat()} 春节调休上班",
        },
    )
    assert response.status_code == 302
    row = HolidayYear.objects.get(year=NEXT)
    assert (row.source, row.notice, row.entered_by) == ("manual", "国办发明电〔2026〕7号", people.province)
    assert CalendarDay.objects.filter(date__year=NEXT, is_workday=False).count() == 15
    assert is_working_day(saturday) and not is_working_day(D(NEXT, 10, 4))
    # the form shows the year back as it was entered
    again = client.get(url).text
    assert f"{NEXT}-10-01 至 {NEXT}-10-07 国庆节" in again and "国办发明电〔2026〕7号" in again


def test_an_assumed_year_is_replaced_by_the_published_one(people):
    HolidayYear.objects.filter(year=NEXT).delete()
    assumed = holidays.assume_year(NEXT, by=SYSTEM)
    assert assumed.is_assumed and is_working_day(D(NEXT, 10, 4)) == (D(NEXT, 10, 4).weekday() < 5)
    holidays.enter_year(NEXT, by=people.province, holidays=[(D(NEXT, 10, 1), D(NEXT, 10, 7), "国庆节")], workdays=[])
    assert HolidayYear.objects.get(year=NEXT).source == "manual" and not is_working_day(D(NEXT, 10, 4))


def test_a_change_under_a_started_publicity_is_refused(world, people):
    """Correcting 2011 would move the end of a 公示 that ran over the National Day week: refused."""
    secretary = secretary_of(world.branch_a)
    c = make_commendation(world.branch_a, publicity=True)
    add_award(c, world.member_a)
    from awards.services import basic

    basic.open_publicity(c, by=secretary, today=D(2011, 9, 29))
    days = list(CalendarDay.objects.filter(date__year=2011).values_list("date", "is_workday", "name"))
    holidays_2011 = holidays.year_schedule(2011)
    without_tiaoxiu = [(d, n) for d, n in holidays_2011.workdays if d != D(2011, 10, 8)]
    with pytest.raises(ValidationError) as error:
        holidays.enter_year(2011, by=people.province, holidays=holidays_2011.holidays, workdays=without_tiaoxiu)
    assert error.value.message_dict == {
        "holidays": [f"修改会改变已开始的公示“{c.title}”的公示期，不能修改（公示开始后公示期不得缩短）"]
    }
    assert list(CalendarDay.objects.filter(date__year=2011).values_list("date", "is_workday", "name")) == days
    # A change far from any 公示 of the year is fine (re-entering the same schedule changes nothing).
    holidays.enter_year(2011, by=people.province, holidays=holidays_2011.holidays, workdays=holidays_2011.workdays)
    assert is_working_day(D(2011, 10, 8))


def test_the_list_page_reads_a_constant_number_of_queries(people, login):
    client = login(people.province)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("awards:holiday_list")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for year in range(1990, 2004):
        HolidayYear.objects.create(year=year, source="manual")
    assert count() == one


def test_the_round_and_basic_pages_survive_a_missing_year(world, people, login):
    """A round planned in a year not yet published shows its period as pending, never an error page."""
    from tests.factories.awards_nominations import make_round

    HolidayYear.objects.filter(year=NEXT).delete()
    r = make_round(world.province, publicity_starts=D(NEXT, 6, 1), decision_date=D(NEXT, 6, 30))
    page = login(people.province).get(reverse("awards:round_detail", args=[r.code]))
    assert page.status_code == 200 and "结束日期待节假日安排录入后确定" in page.text
    assert publicity.publicity_state(r, D(NEXT, 6, 2)) == publicity.PublicityState.NOT_STARTED
    shortlist = login(people.province).get(reverse("awards:shortlist", args=[r.code]))
    assert shortlist.status_code == 200 and "结束日期待节假日安排录入后确定" in shortlist.text
