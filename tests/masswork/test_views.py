"""群众工作站 pages: who sees what (another county's user gets 404), the filters, writing through the forms,
refusals at the field, masked telephones, constant queries, no inline script or style."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from masswork.models import Station, Visit, VisitStatus, VisitTopic
from masswork.services import stations as services

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def text(response):
    return response.content.decode()


@pytest.fixture
def stations(world, people):
    """A station in each county, each with an open and a closed visit."""
    a = services.create_station(
        world.branch_a, by=people.secretary_a, name="塔元庄村群众工作站", address="村委会", opening_hours="周一至周五",
        phone="13911112222", duty_members=[world.member_a],
    )  # fmt: skip
    b = services.create_station(
        world.branch_b, by=people.secretary_b, name="滦州村群众工作站", address="村委会", opening_hours="周末"
    )
    visits = {}
    for station, by, member in ((a, people.secretary_a, world.member_a), (b, people.secretary_b, world.member_b)):
        visits[station.pk] = [
            services.record_visit(
                station, by=by, visited_on=today() - 2 * DAY, topic=VisitTopic.LEGAL,
                request=f"{station.name}土地纠纷咨询", handled_by=member, visitor_name="村民李某",
                visitor_phone="13833334444",
            ),
            services.record_visit(
                station, by=by, visited_on=today(), topic=VisitTopic.TECHNIQUE, request=f"{station.name}果树修剪",
                handled_by=member, action="现场指导", settle=True,
            ),
        ]  # fmt: skip
    return a, b, visits


def test_lists_show_only_the_scope(world, people, stations, login):
    a, b, _visits = stations
    page = text(login(people.county_od).get(reverse("masswork:station_list")))
    assert "塔元庄村群众工作站" in page and "滦州村群众工作站" not in page
    page = text(login(people.province_lg).get(reverse("masswork:station_list")))
    assert "塔元庄村群众工作站" in page and "滦州村群众工作站" in page
    visits = text(login(people.county_b_od).get(reverse("masswork:visit_list")))
    assert "滦州村群众工作站土地纠纷咨询" in visits and "塔元庄" not in visits
    assert "共 2 件：办理中 1，已办结 1" in visits


def test_another_countys_user_gets_404(world, people, stations, login):
    a, b, visits = stations
    client = login(people.county_b_od)
    for url in (
        reverse("masswork:station_detail", args=[a.pk]),
        reverse("masswork:station_edit", args=[a.pk]),
        reverse("masswork:visit_create", args=[a.pk]),
        reverse("masswork:visit_detail", args=[visits[a.pk][0].pk]),
        reverse("masswork:visit_edit", args=[visits[a.pk][0].pk]),
        reverse("masswork:visit_list") + f"?station={a.pk}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("masswork:visit_close", args=[visits[a.pk][0].pk])).status_code == 404
    # the wrong role inside the scope: 403; anonymous: the login page
    assert login(people.county_od).get(reverse("masswork:station_edit", args=[a.pk])).status_code == 403
    assert login(people.member).get(reverse("masswork:station_list")).status_code == 403
    client.logout()
    response = client.get(reverse("masswork:station_detail", args=[a.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_filters(world, people, stations, login):
    a, b, _visits = stations
    client = login(people.province_lg)
    page = text(client.get(reverse("masswork:station_list"), {"org": world.county_b.code}))
    assert "滦州村群众工作站" in page and "塔元庄村群众工作站" not in page
    page = text(client.get(reverse("masswork:visit_list"), {"org": world.county_a.code, "status": "open"}))
    assert "塔元庄村群众工作站土地纠纷咨询" in page and "果树修剪" not in page and "滦州" not in page
    page = text(client.get(reverse("masswork:visit_list"), {"topic": "technique", "since": today().isoformat()}))
    assert page.count("果树修剪") == 2 and "土地纠纷" not in page
    # an organization outside the scope: the field says so, nothing is listed
    response = login(people.county_od).get(reverse("masswork:station_list"), {"org": world.county_b.code})
    assert "未找到该组织，或不在您的管理范围内" in text(response) and list(response.context["object_list"]) == []
    services.update_station(b, by=people.secretary_b, fields={"active": False})
    page = text(login(people.province_lg).get(reverse("masswork:station_list"), {"active": "0"}))
    assert "滦州村群众工作站" in page and "塔元庄村群众工作站" not in page


def test_phones_are_masked_outside_the_full_data_roles(world, people, stations, login):
    a, _b, visits = stations
    url = reverse("masswork:visit_detail", args=[visits[a.pk][0].pk])
    assert "13833334444" in text(login(people.secretary_a).get(url))
    assert "13833334444" in text(login(people.county_od).get(url))
    page = text(login(people.province_lg).get(url))
    assert "138****4444" in page and "13833334444" not in page
    page = text(login(people.province_lg).get(reverse("masswork:station_detail", args=[a.pk])))
    assert "139****2222" in page and "张建国" in page


def test_secretary_registers_a_station_and_a_visit(world, people, login):
    client = login(people.secretary_a)
    form = client.get(reverse("masswork:station_create"))
    assert "张建国" in text(form)  # the only organization: its members are offered for duty
    response = client.post(
        reverse("masswork:station_create"),
        {"name": "塔元庄村群众工作站", "address": "村委会", "opening_hours": "周一至周五",
         "duty_members": [world.member_a.pk], "active": "on"},
    )  # fmt: skip
    station = Station.objects.get()
    assert response.status_code == 302 and station.org == world.branch_a
    response = client.post(
        reverse("masswork:visit_create", args=[station.pk]),
        {"visited_on": today().isoformat(), "topic": "living", "request": "房屋漏雨", "handler_name": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["handler_name"] == ["请选择经办党员，或填写其他经办人"]
    assert not Visit.objects.exists()
    response = client.post(
        reverse("masswork:visit_create", args=[station.pk]),
        {"visited_on": today().isoformat(), "topic": "living", "request": "房屋漏雨", "handled_by": world.member_a.pk},
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and visit.status == VisitStatus.OPEN
    response = client.post(reverse("masswork:visit_close", args=[visit.pk]), {"closed_on": today().isoformat()})
    assert "请填写办理情况后再办结" in text(response) or "这个字段是必填项" in text(response)
    response = client.post(
        reverse("masswork:visit_close", args=[visit.pk]),
        {"closed_on": (today() - 5 * DAY).isoformat(), "action": "已修缮"},
    )
    assert "办结日期不能早于来访日期" in text(response)
    response = client.post(
        reverse("masswork:visit_close", args=[visit.pk]), {"closed_on": today().isoformat(), "action": "已修缮"}
    )
    visit.refresh_from_db()
    assert response.status_code == 302 and visit.status == VisitStatus.CLOSED
    page = text(client.get(reverse("masswork:visit_detail", args=[visit.pk])))
    assert "已办结" in page and "登记办结" not in page


def test_township_secretary_picks_the_organization(world, people, login):
    client = login(people.town_secretary)
    form = text(client.get(reverse("masswork:station_create")))
    assert "所属组织" in form and "id_duty_members" not in form
    response = client.post(
        reverse("masswork:station_create"),
        {"org": world.branch_b.code, "name": "x", "address": "x", "opening_hours": "x"},
    )
    assert "未找到该组织，或不在您的管理范围内" in text(response) and not Station.objects.exists()
    client.post(
        reverse("masswork:station_create"),
        {"org": world.branch_a.code, "name": "村站", "address": "x", "opening_hours": "x", "active": "on"},
    )
    assert Station.objects.get().org == world.branch_a


def test_lists_read_a_constant_number_of_queries(world, people, stations, login):
    client = login(people.province_lg)
    urls = [reverse("masswork:station_list"), reverse("masswork:visit_list")]
    for url in urls:
        client.get(url)
    with CaptureQueriesContext(connection) as few:
        for url in urls:
            client.get(url)
    a, _b, _visits = stations
    for n in range(12):
        station = services.create_station(
            world.branch_a, by=people.secretary_a, name=f"站{n}", address="x", opening_hours="x"
        )
        services.record_visit(
            station, by=people.secretary_a, visited_on=today(), topic="other", request="x", handler_name="y"
        )
    with CaptureQueriesContext(connection) as many:
        for url in urls:
            client.get(url)
    assert len(many) == len(few)


def test_no_inline_script_or_style(world, people, stations, login):
    a, _b, visits = stations
    client = login(people.secretary_a)
    for url in (
        reverse("masswork:station_list"),
        reverse("masswork:station_create"),
        reverse("masswork:station_detail", args=[a.pk]),
        reverse("masswork:visit_list"),
        reverse("masswork:visit_detail", args=[visits[a.pk][0].pk]),
        reverse("masswork:visit_create", args=[a.pk]),
    ):
        html = text(client.get(url))
        assert "style=" not in html and "<script>" not in html, url
