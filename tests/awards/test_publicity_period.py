"""A 公示 cannot be shortened: its start is fixed once started, its end only moves later (never below the
start plus 5 working days of the State Council's schedule), every move is recorded with who and why, and a
公示 reaching into a year without a schedule is refused naming the year. Each refusal: the message the user
sees, and nothing written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from awards.models import AwardRound, BasicCommendation, HolidayYear, Nomination, PublicityChange
from awards.services import basic as basic_services
from awards.services import nominations as services
from awards.services import publicity, rounds
from tests.factories import MemberFactory
from tests.factories.awards_basic import add_award, make_commendation, secretary_of
from tests.factories.awards_nominations import Staff, category, chain_quotas, make_round

D = datetime.date
pytestmark = pytest.mark.django_db
Status = Nomination.Status
# National Day 2011: 1–7 October off, Saturday 8 and Sunday 9 October worked (调休).
NOMINATED = D(2011, 9, 20)
STARTS = D(2011, 9, 29)  # Thursday: 29, 30 Sep, 8 (Sat, 调休), 9 (Sun, 调休), 10 Oct are its 5 working days
ENDS = D(2011, 10, 10)


def county_round(world, staff, members, *, day=NOMINATED, **fields):
    """正定县委's own round: the members nominated on ``day``, forwarded by the township and the county
    (onto the list), the 纪检 opinion 无异议 recorded."""
    fields.setdefault("decision_date", D(2011, 10, 31))
    r = make_round(world.county_a, today=day, **fields)
    chain_quotas(r, [world.county_a, world.town_a], 10)
    made = []
    for member in members:
        n = services.nominate(
            r, category(r), nominating_org=member.org, nominee=member, deeds="事迹", by=staff.county, today=day
        )
        for user in (staff.town, staff.county):
            n = services.forward(n, by=user, today=day)
        services.record_discipline(n, by=staff.county, result="clear", note="", date=day)
        made.append(n)
    return r


@pytest.fixture
def staff(world):
    return Staff(world)


@pytest.fixture
def running(world, staff):
    """A county round whose 公示 started on 2011-09-29 (before the National Day week)."""
    r = county_round(world, staff, [world.member_a])
    publicity.start_publicity(r, by=staff.county, today=STARTS)
    r.refresh_from_db()
    return r


def test_the_period_counts_the_national_day_week_and_the_tiaoxiu_weekend(running):
    assert running.publicity_starts == STARTS and running.publicity_started
    assert rounds.publicity_end(running) == ENDS
    assert publicity.publicity_state(running, D(2011, 10, 7)) == publicity.PublicityState.OPEN
    assert publicity.publicity_state(running, D(2011, 10, 11)) == publicity.PublicityState.ENDED


def test_moving_the_start_back_during_the_publicity_is_refused(running, staff, login):
    history = running.history.count()
    with pytest.raises(ValidationError) as error:
        rounds.update_round(running, by=staff.county, publicity_starts=D(2011, 9, 1))
    assert error.value.message_dict == {"publicity_starts": ["公示已于 2011-09-29 开始，公示开始日期不能再修改"]}
    with pytest.raises(ValidationError) as error:
        rounds.update_round(running, by=staff.county, publicity_working_days=1)
    assert error.value.message_dict["publicity_working_days"] == [
        "公示已开始，公示期不能在此修改；如需延长，请在拟表彰名单页面“延长公示期”并填写原因"
    ]
    running.refresh_from_db()
    assert (running.publicity_starts, running.publicity_working_days) == (STARTS, 5)
    assert running.history.count() == history
    # The five working days are all still ahead: the list cannot be approved inside them.
    with pytest.raises(ValidationError) as error:
        publicity.approve_list(running, by=staff.county, today=D(2011, 10, 8))
    assert error.value.messages == ["公示期至 2011-10-10 结束，期满后方可审定名单"]
    assert not Nomination.objects.filter(status=Status.APPROVED).exists()

    # The same through the round's edit page: the message at the field, nothing saved.
    client = login(staff.county)
    url = reverse("awards:round_edit", args=[running.code])
    form = client.get(url)
    assert 'name="publicity_starts"' in form.text and "readonly" in form.text
    data = {
        "name": running.name,
        "nomination_opens": running.nomination_opens.isoformat(),
        "nomination_closes": running.nomination_closes.isoformat(),
        "review_closes": running.review_closes.isoformat(),
        "publicity_starts": "2011-09-01",
        "decision_date": running.decision_date.isoformat(),
        "publicity_working_days": 5,
        "objection_contact": running.objection_contact,
        "objection_requires_identity": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "公示已于 2011-09-29 开始，公示开始日期不能再修改" in response.text
    running.refresh_from_db()
    assert running.publicity_starts == STARTS and running.history.count() == history


def test_before_the_start_the_plan_may_change_but_never_below_five_working_days(world, staff):
    r = county_round(world, staff, [world.member_a])
    rounds.update_round(r, by=staff.county, publicity_starts=D(2011, 10, 3))
    with pytest.raises(ValidationError) as error:
        rounds.update_round(r, by=staff.county, publicity_working_days=3)
    assert error.value.message_dict == {"publicity_working_days": ["公示期不得少于 5 个工作日"]}
    r.refresh_from_db()
    assert (r.publicity_starts, r.publicity_working_days, r.publicity_started) == (D(2011, 10, 3), 5, False)


@pytest.mark.parametrize(
    "new_end",
    [
        D(2011, 10, 5),  # five days counted Monday to Friday (29, 30 Sep, 3, 4, 5 Oct): all but two are holidays
        D(2011, 10, 7),  # the last day of the National Day holiday
        D(2011, 10, 9),  # the 调休 Sunday: only the fourth working day
    ],
)
def test_an_end_before_five_working_days_is_refused(running, staff, new_end):
    with pytest.raises(ValidationError) as error:
        publicity.extend_publicity(running, by=staff.county, new_end=new_end, reason="缩短", today=D(2011, 10, 8))
    assert error.value.message_dict == {
        "new_end": ["公示期不得少于 5 个工作日：自 2011-09-29 起至少到 2011-10-10（按国务院节假日安排计算）"]
    }
    running.refresh_from_db()
    assert running.publicity_working_days == 5 and rounds.publicity_end(running) == ENDS
    assert not PublicityChange.objects.exists()


def test_the_end_moves_later_with_who_and_why(running, staff):
    with pytest.raises(ValidationError) as error:
        publicity.extend_publicity(running, by=staff.county, new_end=D(2011, 10, 12), reason=" ", today=D(2011, 10, 8))
    assert error.value.message_dict == {"reason": ["请填写延长公示期的原因"]}
    with pytest.raises(ValidationError) as error:  # a Saturday that is not a 调休 working day
        publicity.extend_publicity(running, by=staff.county, new_end=D(2011, 10, 15), reason="x", today=D(2011, 10, 8))
    assert error.value.message_dict == {"new_end": ["2011-10-15 不是工作日（按国务院节假日安排），公示应在工作日结束"]}
    with pytest.raises(ValidationError) as error:
        publicity.extend_publicity(running, by=staff.county, new_end=D(2011, 11, 2), reason="x", today=D(2011, 10, 8))
    assert error.value.message_dict == {
        "new_end": ["公示须在表彰决定日期（2011-10-31）之前结束，请先修改轮次的表彰决定日期"]
    }
    assert not PublicityChange.objects.exists()

    publicity.extend_publicity(
        running, by=staff.county, new_end=D(2011, 10, 12), reason="群众反映集中，延长两天", today=D(2011, 10, 8)
    )
    running.refresh_from_db()
    assert running.publicity_starts == STARTS and running.publicity_working_days == 7
    assert rounds.publicity_end(running) == D(2011, 10, 12)
    change = PublicityChange.objects.get()
    assert (change.old_end, change.new_end, change.old_working_days, change.new_working_days) == (
        ENDS,
        D(2011, 10, 12),
        5,
        7,
    )
    assert (change.by, change.reason) == (staff.county, "群众反映集中，延长两天")
    latest = running.history.first()
    assert (latest.history_user, latest.history_change_reason) == (staff.county, "群众反映集中，延长两天")

    # never earlier again, never after it has ended
    with pytest.raises(ValidationError) as error:
        publicity.extend_publicity(running, by=staff.county, new_end=D(2011, 10, 11), reason="x", today=D(2011, 10, 9))
    assert error.value.message_dict == {
        "new_end": ["公示开始后结束日期只能推后，不能提前或不变（现定于 2011-10-12 结束）"]
    }
    with pytest.raises(ValidationError) as error:
        publicity.extend_publicity(running, by=staff.county, new_end=D(2011, 10, 20), reason="x", today=D(2011, 10, 13))
    assert error.value.message_dict == {"new_end": ["公示已于 2011-10-12 结束，不能再调整"]}
    assert PublicityChange.objects.count() == 1


def test_the_extension_form_on_the_list_page(world, staff, login):
    """Through the page (today's dates): the refusal at its field, the change listed with its reason."""
    today = timezone.localdate()
    r = make_round(world.county_a, decision_date=D(today.year + 1, 3, 1))
    chain_quotas(r, [world.county_a, world.town_a], 10)
    n = services.nominate(
        r, category(r), nominating_org=world.branch_a, nominee=world.member_a, deeds="x", by=staff.secretary
    )
    for user in (staff.town, staff.county):
        n = services.forward(n, by=user)
    services.record_discipline(n, by=staff.county, result="clear", note="", date=today)
    AwardRound.objects.filter(pk=r.pk).update(publicity_starts=today)
    publicity.start_publicity(r, by=staff.county)
    r.refresh_from_db()
    end = rounds.publicity_end(r)
    client = login(staff.county)
    url = reverse("awards:publicity_extend", args=[r.code])
    page = client.get(reverse("awards:shortlist", args=[r.code])).text
    assert "延长公示期" in page and "开始日期不能再修改，结束日期只能推后" in page
    assert client.get(url).status_code == 405
    response = client.post(url, {"new_end": (end - datetime.timedelta(days=1)).isoformat(), "reason": "x"})
    assert response.status_code == 400
    assert "公示期不得少于 5 个工作日" in response.text or "结束日期只能推后" in response.text
    response = client.post(url, {"new_end": "", "reason": ""})
    assert "请填写新的公示结束日期" in response.text and "请填写延长公示期的原因" in response.text
    # a year without a schedule: named at the field
    next_year = today.year + 1
    HolidayYear.objects.filter(year=next_year).delete()
    first_tuesday = next(D(next_year, 1, d) for d in range(2, 9) if D(next_year, 1, d).weekday() == 1)
    response = client.post(url, {"new_end": first_tuesday.isoformat(), "reason": "延长"})
    assert f"{next_year}年的节假日安排尚未录入，无法计算公示期，请联系省委组织部录入" in response.text
    assert not PublicityChange.objects.exists()
    # the city's 组织部 is not the owner of the county's round
    assert login(staff.city_b).post(url, {"new_end": "", "reason": ""}).status_code == 404
    assert login(staff.town).post(url, {"new_end": "", "reason": ""}).status_code == 403


def test_a_publicity_reaching_a_year_without_a_schedule_is_refused(world, staff):
    HolidayYear.objects.filter(year=2027).delete()
    r = county_round(world, staff, [world.member_a], day=D(2026, 12, 20), decision_date=D(2027, 2, 1))
    with pytest.raises(ValidationError) as error:
        publicity.start_publicity(r, by=staff.county, today=D(2026, 12, 28))
    assert error.value.messages == ["2027年的节假日安排尚未录入，无法计算公示期，请联系省委组织部录入"]
    r.refresh_from_db()
    assert not r.publicity_started
    assert set(Nomination.objects.values_list("status", flat=True)) == {Status.SHORTLISTED}
    assert not Nomination.objects.get().steps.filter(action="publicize").exists()
    # A 公示 that ends inside 2026 is fine (2026 comes from chinese-calendar).
    assert publicity.start_publicity(r, by=staff.county, today=D(2026, 12, 21)) == 1
    # The round's page does not fail on a planned period it cannot count yet.
    AwardRound.objects.filter(pk=r.pk).update(publicity_starts=D(2027, 1, 4), publicity_started_at=None)
    r.refresh_from_db()
    assert rounds.shown_publicity_end(r) is None
    assert publicity.publicity_state(r, D(2027, 1, 5)) == publicity.PublicityState.NOT_STARTED


def test_a_basic_organizations_publicity_needs_the_schedule_too(world):
    HolidayYear.objects.filter(year=2027).delete()
    secretary = secretary_of(world.branch_a)
    c = make_commendation(world.branch_a, publicity=True, year=2026, date=D(2026, 12, 20))
    add_award(c, world.member_a)
    with pytest.raises(ValidationError) as error:
        basic_services.open_publicity(c, by=secretary, today=D(2026, 12, 28))
    assert error.value.messages == ["2027年的节假日安排尚未录入，无法计算公示期，请联系省委组织部录入"]
    c.refresh_from_db()
    assert c.status == BasicCommendation.Status.DRAFT and c.publicity_starts is None
    # Across the 2011 National Day week the basic organization's 5 working days end on 10 October too.
    c = basic_services.open_publicity(c, by=secretary, today=STARTS)
    assert basic_services.publicity_end(c) == ENDS


def test_nominees_added_to_a_running_publicity_get_the_full_period(world, staff):
    r = county_round(world, staff, [world.member_a])
    publicity.start_publicity(r, by=staff.county, today=STARTS)
    late = MemberFactory(org=world.branch_a, name="钱晚到")
    n = services.nominate(
        r, category(r), nominating_org=world.branch_a, nominee=late, deeds="x", by=staff.county, today=NOMINATED
    )
    for user in (staff.town, staff.county):
        n = services.forward(n, by=user, today=NOMINATED)
    services.record_discipline(n, by=staff.county, result="clear", note="", date=D(2011, 10, 9))
    assert publicity.start_publicity(r, by=staff.county, today=D(2011, 10, 9)) == 1
    r.refresh_from_db()
    # The start stays; the end moves so that 钱晚到 is public for 5 working days: 9–13 October.
    assert r.publicity_starts == STARTS and rounds.publicity_end(r) == D(2011, 10, 13)
    change = PublicityChange.objects.get()
    assert change.reason == "新增 1 个公示对象，公示期顺延至 2011-10-13，保证每个对象公示满 5 个工作日"
    assert change.by == staff.county
