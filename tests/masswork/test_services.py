"""群众工作站: the rules of stations and visits, each refusal with its message at the field and nothing written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from masswork.models import Station, StationDuty, Visit, VisitStatus, VisitTopic
from masswork.services import stations as services
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def station_fields(**extra):
    return {"name": "塔元庄村群众工作站", "address": "村委会一楼", "opening_hours": "周一至周五 8:30—17:30", **extra}


def make_station(world, people, **extra):
    return services.create_station(world.branch_a, by=people.secretary_a, **station_fields(**extra))


def visit_fields(world, **extra):
    return {
        "visited_on": today(),
        "topic": VisitTopic.POLICY,
        "request": "咨询低保申请手续",
        "handled_by": world.member_a,
        **extra,
    }


def refused(call, field=None) -> str:
    with pytest.raises(ValidationError) as error:
        call()
    if field is None:
        return " ".join(error.value.messages)
    return " ".join(error.value.message_dict[field])


def test_secretary_registers_a_station_with_members_on_duty(world, people):
    station = make_station(world, people, phone="0311-88012345", duty_members=[world.member_a])
    assert (station.org, station.active, station.created_by) == (world.branch_a, True, people.secretary_a)
    assert list(station.duty_members.all()) == [world.member_a]
    assert station.history.count() == 1 and station.history.first().history_user == people.secretary_a
    assert StationDuty.history.filter(station_id=station.pk).count() == 1


def test_station_refusals_write_nothing(world, people):
    make_station(world, people)
    duplicate = refused(lambda: make_station(world, people), "name")
    assert duplicate == "本组织已有名为“塔元庄村群众工作站”的群众工作站"
    stranger = refused(lambda: make_station(world, people, name="二站", duty_members=[world.member_b]), "duty_members")
    assert stranger == "王志强不是本组织党员，不能在本组织的群众工作站值班"
    bad_phone = refused(lambda: make_station(world, people, name="三站", phone="12345"), "phone")
    assert "请填写11位手机号码或带区号的固定电话" in bad_phone
    id_number = refused(lambda: make_station(world, people, name="四站", duty_others="张三 130102198005170011"))
    assert "请勿填写身份证号码" in id_number
    assert refused(lambda: make_station(world, people, name="  "), "name") == "请填写工作站名称"
    assert Station.objects.count() == 1 and StationDuty.objects.count() == 0


def test_only_the_secretary_registers(world, people):
    for user in (people.county_od, people.province_lg, people.member, people.secretary_b, people.secretary_a2):
        with pytest.raises(PermissionDenied):
            services.create_station(world.branch_a, by=user, **station_fields())
    # a township committee's secretary covers the villages below it
    station = services.create_station(world.branch_a, by=people.town_secretary, **station_fields())
    assert station.org == world.branch_a
    assert Station.objects.count() == 1


def test_update_station_replaces_the_members_on_duty(world, people):
    other = MemberFactory(org=world.branch_a, name="刘长顺")
    station = make_station(world, people, duty_members=[world.member_a])
    services.update_station(
        station, by=people.secretary_a, fields={"opening_hours": "每天 8:00—18:00"}, duty_members=[other]
    )
    station.refresh_from_db()
    assert station.opening_hours == "每天 8:00—18:00"
    assert list(station.duty_members.all()) == [other]
    assert station.history.count() == 2
    assert StationDuty.history.filter(station_id=station.pk, history_type="-").count() == 1
    second = make_station(world, people, name="二站")
    message = refused(lambda: services.update_station(second, by=people.secretary_a, fields={"name": station.name}))
    assert message == "本组织已有名为“塔元庄村群众工作站”的群众工作站"
    with pytest.raises(PermissionDenied):
        services.update_station(station, by=people.secretary_b, fields={"name": "x"})


def test_record_and_close_a_visit(world, people):
    station = make_station(world, people)
    visit = services.record_visit(station, by=people.secretary_a, **visit_fields(world, visited_on=today() - 3 * DAY))
    assert (visit.status, visit.closed_on, visit.handler) == (VisitStatus.OPEN, None, "张建国")
    services.close_visit(visit, by=people.secretary_a, closed_on=today() - DAY, action="已协助提交申请材料")
    visit.refresh_from_db()
    assert (visit.status, visit.closed_on, visit.action) == (VisitStatus.CLOSED, today() - DAY, "已协助提交申请材料")
    assert [h.status for h in visit.history.order_by("history_date")] == ["open", "closed"]


def test_a_visit_settled_on_the_spot(world, people):
    station = make_station(world, people)
    visit = services.record_visit(
        station, by=people.secretary_a, settle=True, **visit_fields(world, action="当场答复", handled_by=None),
        handler_name="村委会主任 王某",
    )  # fmt: skip
    assert (visit.status, visit.closed_on, visit.handler) == (VisitStatus.CLOSED, today(), "村委会主任 王某")
    message = refused(
        lambda: services.record_visit(station, by=people.secretary_a, settle=True, **visit_fields(world)), "action"
    )
    assert message == "请填写办理情况后再办结"
    assert Visit.objects.count() == 1  # the refused settlement took its visit back


def test_visit_refusals_write_nothing(world, people):
    station = make_station(world, people)

    def record(**extra):
        return lambda: services.record_visit(station, by=people.secretary_a, **visit_fields(world, **extra))

    assert refused(record(visited_on=today() + DAY), "visited_on") == "来访日期不能晚于今天"
    assert refused(record(request="  "), "request") == "请填写群众反映的问题或诉求"
    assert refused(record(handled_by=None), "handler_name") == "请选择经办党员，或填写其他经办人"
    assert refused(record(handled_by=world.member_b), "handled_by") == "经办党员应是本组织党员"
    assert "请填写11位手机号码" in refused(record(visitor_phone="110"), "visitor_phone")
    assert "请勿填写身份证号码" in refused(record(request="身份证130102198005170011丢失"), "request")
    with pytest.raises(PermissionDenied):
        services.record_visit(station, by=people.county_od, **visit_fields(world))
    services.update_station(station, by=people.secretary_a, fields={"active": False})
    assert refused(record()) == "“塔元庄村群众工作站”已停用，不能再登记来访"
    assert Visit.objects.count() == 0


def test_close_refusals(world, people):
    station = make_station(world, people)
    visit = services.record_visit(station, by=people.secretary_a, **visit_fields(world, visited_on=today() - 2 * DAY))

    def close(on, action="已办"):
        return lambda: services.close_visit(visit, by=people.secretary_a, closed_on=on, action=action)

    expected = f"办结日期不能早于来访日期（{today() - 2 * DAY:%Y-%m-%d}）"
    assert refused(close(today() - 3 * DAY), "closed_on") == expected
    assert refused(close(today() + DAY), "closed_on") == "办结日期不能晚于今天"
    assert refused(close(today(), action=" "), "action") == "请填写办理情况后再办结"
    visit.refresh_from_db()
    assert visit.status == VisitStatus.OPEN and visit.history.count() == 1
    services.close_visit(visit, by=people.secretary_a, closed_on=today(), action="已办")
    assert refused(close(today())) == f"该事项已于{today():%Y-%m-%d}办结"
    message = refused(lambda: services.update_visit(visit, by=people.secretary_a, fields={"request": "改"}))
    assert message == f"该事项已于{today():%Y-%m-%d}办结，不能再修改"
