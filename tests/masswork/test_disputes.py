"""干群恳谈会 and 矛盾纠纷排查化解: rules, pages, scope, counts per organization and month, query counts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from masswork.models import Dispute, DisputeOutcome, DisputeStep, MassMeeting
from masswork.queries import masses as mq
from masswork.services import masses as services
from orgs.validators import contains_id_number
from tests.factories import make_org
from tests.factories.campaign_masses import People, make_dispute

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def people(world):
    return People(world)


def text(response):
    return response.content.decode()


# --- 干群恳谈会 ------------------------------------------------------------------------------------


def test_secretary_records_a_meeting(world, people, login):
    client = login(people.secretary_a)
    response = client.post(
        reverse("masswork:meeting_create"),
        {
            "date": TODAY().isoformat(),
            "place": "村委会",
            "attendance": "40",
            "masses_count": "28",
            "issues": "村道坑洼，雨天难行",
            "responses": "支部承诺年内硬化",
        },
    )
    meeting = MassMeeting.objects.get()
    assert response.status_code == 302 and meeting.org == world.branch_a  # the secretary's only organization
    page = text(client.get(reverse("masswork:meeting_detail", args=[meeting.pk])))
    assert "村道坑洼，雨天难行" in page and "支部承诺年内硬化" in page and "28" in page


def test_meeting_rules(world, people, login):
    client = login(people.secretary_a)
    response = client.post(
        reverse("masswork:meeting_create"),
        {"date": TODAY().isoformat(), "place": "村委会", "attendance": "10", "masses_count": "12", "issues": "x"},
    )
    assert response.status_code == 200
    assert "群众人数不能多于参加人数" in response.context["form"].errors["masses_count"][0]
    tomorrow = TODAY() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.record_meeting(
            world.branch_a, by=people.secretary_a, date=tomorrow, place="x", attendance=3, masses_count=1, issues="x"
        )
    assert "会议日期不能晚于今天" in str(error.value)
    with pytest.raises(PermissionDenied):
        services.record_meeting(
            world.branch_a, by=people.city_lg, date=TODAY(), place="x", attendance=3, masses_count=1, issues="x"
        )
    # a township committee's 干群恳谈会, recorded by the county 组织部
    meeting = services.record_meeting(
        world.town_a, by=people.county_od, date=TODAY(), place="镇政府", attendance=60, masses_count=45, issues="x"
    )
    assert meeting.org == world.town_a
    assert not MassMeeting.objects.filter(org=world.branch_a).exists()


def test_meeting_scope(world, people, login):
    mine = services.record_meeting(
        world.branch_a, by=people.secretary_a, date=TODAY(), place="塔元庄", attendance=3, masses_count=1, issues="x"
    )
    other = services.record_meeting(
        world.branch_b, by=people.secretary_b, date=TODAY(), place="滦州", attendance=3, masses_count=1, issues="x"
    )
    for who in ("city_lg", "county_od", "instructor", "secretary_a"):
        client = login(getattr(people, who))
        page = text(client.get(reverse("masswork:meeting_list")))
        assert "塔元庄" in page and "滦州" not in page, who
        assert client.get(reverse("masswork:meeting_detail", args=[other.pk])).status_code == 404, who
        assert client.get(reverse("masswork:meeting_detail", args=[mine.pk])).status_code == 200, who
    assert login(people.member_a).get(reverse("masswork:meeting_list")).status_code == 403
    assert login(people.member_a).get(reverse("masswork:meeting_detail", args=[mine.pk])).status_code == 403
    assert login(people.instructor).get(reverse("masswork:meeting_create")).status_code == 403


# --- 矛盾纠纷 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("村民张某 130102198005170012", True),
        ("13010219800517001X号", True),
        ("１３０１０２１９８００５１７００１２", True),  # full-width digits
        ("1301 0219 8005 1700 12", True),  # spaced out
        ("手机13912345678", False),
        ("2010年6月1日下午3点", False),
        ("编号1301021980051700123", False),  # 19 digits: not an ID number
    ],
)
def test_id_number_detection(value, found):
    assert contains_id_number(value) is found


def test_dispute_register_refuses_id_numbers_with_a_chinese_message(world, people, login):
    client = login(people.secretary_a)
    response = client.post(
        reverse("masswork:dispute_create"),
        {
            "found_on": TODAY().isoformat(),
            "category": "land",
            "parties": "村民张某（身份证130102198005170012）与李某",
            "summary": "承包地边界争议",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parties"] == [
        "请勿填写身份证号码：此处只描述情况（如“村民张某”），不得包含身份证号"
    ]
    assert not Dispute.objects.exists()
    with pytest.raises(ValidationError):
        make_dispute(world.branch_a, people.secretary_a, summary="涉及130102198005170012")


def test_dispute_handling_and_outcomes(world, people, login):
    dispute = make_dispute(world.branch_a, people.secretary_a)
    client = login(people.secretary_a)
    detail = reverse("masswork:dispute_detail", args=[dispute.pk])
    assert "处理中" in text(client.get(detail))
    # 化解 needs at least one handling step
    response = client.post(
        reverse("masswork:dispute_outcome", args=[dispute.pk]),
        {"outcome": "resolved", "outcome_on": TODAY().isoformat()},
    )
    assert response.status_code == 200
    assert "请先记录化解工作的处理措施" in text(response)
    # a step before the dispute was found is refused
    early = dispute.found_on - datetime.timedelta(days=1)
    response = client.post(
        reverse("masswork:dispute_step", args=[dispute.pk]), {"date": early.isoformat(), "action": "调解"}
    )
    assert "处理日期不能早于发现日期" in text(response)
    response = client.post(
        reverse("masswork:dispute_step", args=[dispute.pk]),
        {"date": TODAY().isoformat(), "action": "支部书记上门调解，双方达成协议"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("masswork:dispute_outcome", args=[dispute.pk]),
        {"outcome": "resolved", "outcome_on": TODAY().isoformat(), "outcome_note": "签订调解协议"},
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.outcome == DisputeOutcome.RESOLVED and dispute.closed
    page = text(client.get(detail))
    assert "支部书记上门调解，双方达成协议" in page and "化解" in page and "登记结果" not in page
    with pytest.raises(ValidationError) as error:
        services.add_dispute_step(dispute, by=people.secretary_a, date=TODAY(), action="再次回访")
    assert "已化解" in str(error.value)
    assert DisputeStep.objects.count() == 1


def test_escalation_needs_a_note_and_unresolved_may_continue(world, people):
    dispute = make_dispute(world.branch_a, people.secretary_a)
    with pytest.raises(ValidationError) as error:
        services.set_dispute_outcome(dispute, by=people.secretary_a, outcome="escalated", date=TODAY())
    assert "上交时请在结果说明中写明上交单位" in str(error.value)
    services.set_dispute_outcome(dispute, by=people.secretary_a, outcome="unresolved", date=TODAY())
    services.add_dispute_step(dispute, by=people.secretary_a, date=TODAY(), action="继续做工作")
    services.set_dispute_outcome(dispute, by=people.county_od, outcome="escalated", date=TODAY(), note="上交镇综治办")
    dispute.refresh_from_db()
    assert dispute.outcome == DisputeOutcome.ESCALATED and dispute.outcome_note == "上交镇综治办"
    with pytest.raises(PermissionDenied):
        services.add_dispute_step(
            make_dispute(world.branch_a, people.secretary_a), by=people.instructor, date=TODAY(), action="x"
        )


def test_dispute_scope_and_roles(world, people, login):
    mine = make_dispute(world.branch_a, people.secretary_a, parties="塔元庄村民甲乙")
    other = make_dispute(world.branch_b, people.secretary_b, parties="滦州村民丙丁")
    for who in ("city_lg", "county_od", "instructor", "sector"):
        client = login(getattr(people, who))
        page = text(client.get(reverse("masswork:dispute_list")))
        assert "塔元庄村民甲乙" in page and "滦州村民丙丁" not in page, who
        assert client.get(reverse("masswork:dispute_detail", args=[other.pk])).status_code == 404, who
    reader = login(people.instructor)
    assert "登记结果" not in text(reader.get(reverse("masswork:dispute_detail", args=[mine.pk])))
    step = reverse("masswork:dispute_step", args=[mine.pk])
    assert reader.post(step, {"date": TODAY().isoformat(), "action": "x"}).status_code == 403
    assert login(people.secretary_b).post(step, {"date": TODAY().isoformat(), "action": "x"}).status_code == 404
    assert not DisputeStep.objects.exists()


def test_counts_per_organization_and_month(world, people, login):
    year = TODAY().year - 1

    def on(month, day=10):
        return datetime.date(year, month, day)

    d1 = make_dispute(world.branch_a, people.secretary_a, found_on=on(3))
    services.add_dispute_step(d1, by=people.secretary_a, date=on(3, 12), action="调解")
    services.set_dispute_outcome(d1, by=people.secretary_a, outcome="resolved", date=on(3, 20))
    d2 = make_dispute(world.branch_a2, people.secretary_a2, found_on=on(3, 15), category="labour")
    services.set_dispute_outcome(d2, by=people.secretary_a2, outcome="escalated", date=on(3, 16), note="上交镇里")
    make_dispute(world.branch_a, people.secretary_a, found_on=on(5))
    make_dispute(world.town_a, people.county_od, found_on=on(5))  # the township's own
    make_dispute(world.branch_b, people.secretary_b, found_on=on(3))  # city B: never counted
    make_dispute(world.branch_a, people.secretary_a, found_on=datetime.date(year - 1, 3, 1))  # another year

    with CaptureQueriesContext(connection) as ctx:
        rows = mq.dispute_counts(people.county_od, world.town_a, year=year)
    assert len(ctx) == 2  # one GROUP BY, one query for the names
    table = [
        (
            r["org"].name,
            r["month"].strftime("%Y-%m"),
            r["found"],
            r["resolved"],
            r["escalated"],
            r["unresolved"],
            r["pending"],
        )
        for r in rows
    ]
    assert table == [
        ("正定镇", f"{year}-05", 1, 0, 0, 0, 1),
        ("塔元庄村党支部", f"{year}-03", 1, 1, 0, 0, 0),
        ("塔元庄村党支部", f"{year}-05", 1, 0, 0, 0, 1),
        ("正定镇中学党支部", f"{year}-03", 1, 0, 1, 0, 0),
    ]
    # one level up: everything under the county rolls into the township
    rows = mq.dispute_counts(people.county_od, world.county_a, year=year)
    assert [(r["org"].name, r["found"]) for r in rows] == [("正定镇", 2), ("正定镇", 2)]
    # the page: the table and its totals, the year switch
    page = login(people.county_od).get(reverse("masswork:dispute_stats") + f"?org={world.town_a.code}&year={year}")
    assert page.status_code == 200
    assert page.context["totals"] == {"found": 4, "resolved": 1, "escalated": 1, "unresolved": 0, "pending": 2}
    assert page.context["years"] == [year, year - 1]
    assert "正定镇中学党支部" in text(page) and "滦州" not in text(page)
    assert (
        login(people.county_od).get(reverse("masswork:dispute_stats") + f"?org={world.town_b.code}").status_code == 404
    )


def test_dispute_list_query_count_is_constant(world, people, login):
    client = login(people.county_od)
    make_dispute(world.branch_a, people.secretary_a)
    client.get(reverse("masswork:dispute_list"))
    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse("masswork:dispute_list"))
    assert response.context["paginator"].count == 1
    for i in range(29):
        make_dispute(make_org(world.town_a, sector="rural", name=f"第{i}村党支部"), people.county_od)
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(reverse("masswork:dispute_list"))
    assert len(response.context["object_list"]) == 30
    assert len(thirty) == len(one)


def test_meeting_list_query_count_is_constant(world, people, login):
    client = login(people.county_od)

    def meeting(org):
        services.record_meeting(
            org, by=people.county_od, date=TODAY(), place="村委会", attendance=9, masses_count=5, issues="x"
        )

    meeting(world.branch_a)
    client.get(reverse("masswork:meeting_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("masswork:meeting_list"))
    for i in range(29):
        meeting(make_org(world.town_a, sector="rural", name=f"第{i}村党支部"))
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(reverse("masswork:meeting_list"))
    assert len(response.context["object_list"]) == 30
    assert len(thirty) == len(one)
