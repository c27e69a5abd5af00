"""Supervision (督促检查): inspections, remarks, rectification orders with escalation, leading groups,
contact points, the sector view; every transition and refusal, the permission matrix and query counts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign.models import (
    Attachment,
    ContactVisit,
    Inspection,
    InspectionMethod,
    LeadingGroup,
    Notification,
    RectificationOrder,
    RectificationResponse,
    Remark,
)
from campaign.services import supervision as services
from common.errors import StaleEdit
from orgs.enums import OrgLevel, Role
from tests.factories import make_org, user_with_role
from tests.factories.campaign_supervision import (
    People,
    make_group,
    make_inspection,
    make_leader,
    make_order,
    make_point,
    make_remark,
    png_file,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    return People(world)


def text(response):
    return response.content.decode()


def titles(user):
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


# --- inspections ------------------------------------------------------------------------------


def test_org_department_records_inspection_with_attachment(world, people, login):
    client = login(people.county_od)
    response = client.post(
        reverse("campaign:supervision_inspection_create"),
        {
            "org_code": world.branch_a.code,
            "date": timezone.localdate().isoformat(),
            "method": InspectionMethod.REPORT,
            "inspectors": "王组长、李干事",
            "findings": "听取塔元庄村汇报，方案已公示。",
            "attachments": [png_file("现场.png")],
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("campaign:supervision_inspection_detail", args=[inspection.pk])
    assert (inspection.org, inspection.issuer_org, inspection.issuer_role) == (
        world.branch_a,
        world.county_a,
        Role.ORG_DEPARTMENT,
    )
    attachment = Attachment.objects.get()
    assert attachment.org == world.branch_a and attachment.original_name == "现场.png"
    page = text(client.get(response.url))
    assert "听取塔元庄村汇报，方案已公示。" in page and "王组长、李干事" in page and "现场.png" in page
    # The inspected organization's secretary sees an open inspection and may download its evidence.
    sec = login(people.secretary_a)
    assert sec.get(response.url).status_code == 200
    assert sec.get(reverse("campaign:attachment", args=[attachment.pk])).status_code == 200


def test_inspection_refusals(world, people, login):
    with pytest.raises(PermissionDenied):  # leading group reads, does not inspect
        make_inspection(world.branch_a, people.city_lg)
    with pytest.raises(ValidationError) as error:
        make_inspection(world.branch_a, people.county_od, date=timezone.localdate() + datetime.timedelta(days=1))
    assert error.value.message_dict["date"] == ["检查日期不能晚于今天"]
    assert login(people.city_lg).get(reverse("campaign:supervision_inspection_create")).status_code == 403
    assert login(people.secretary_a).get(reverse("campaign:supervision_inspection_create")).status_code == 403
    # The org_department of another city: the code is outside its scope.
    client = login(people.city_b_od)
    url = reverse("campaign:supervision_inspection_create")
    assert client.get(url, {"org": world.branch_a.code}).status_code == 404
    response = client.post(
        url,
        {"org_code": world.branch_a.code, "date": "2026-01-05", "method": "report", "inspectors": "x", "findings": "y"},
    )
    assert response.status_code == 200
    assert "不在您的管理范围内" in text(response)
    assert not Inspection.objects.exists()


def test_sector_supervisor_inspects_only_its_sector(world, people, login):
    ss = people.county_ss
    inspection = make_inspection(world.branch_a2, ss)  # 中学 (school): its sector
    assert (inspection.issuer_org, inspection.issuer_role) == (world.county_a, Role.SECTOR_SUPERVISOR)
    with pytest.raises(PermissionDenied):
        make_inspection(world.branch_a, ss)  # 农村: another sector
    with pytest.raises(PermissionDenied):
        make_inspection(world.town_a, ss)  # a territorial committee: visible, but not its sector
    client = login(ss)
    url = reverse("campaign:supervision_inspection_create")
    assert client.get(url, {"org": world.branch_a.code}).status_code == 404
    assert client.get(url, {"org": world.town_a.code}).status_code == 403
    response = client.post(
        url,
        {"org_code": world.town_a.code, "date": "2026-01-05", "method": "report", "inspectors": "x", "findings": "y"},
    )
    assert "行业主管部门只能督促检查本领域的组织" in text(response)
    other = make_inspection(world.branch_a, people.county_od)
    assert client.get(reverse("campaign:supervision_inspection_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("campaign:supervision_inspection_detail", args=[inspection.pk])).status_code == 200


def test_covert_visit_hidden_from_the_inspected_secretary(world, people, login):
    covert = make_inspection(
        world.branch_a,
        people.county_od,
        method=InspectionMethod.COVERT_VISIT,
        findings="暗访发现值班缺岗",
        files=[png_file()],
    )
    visible = make_inspection(world.branch_a, people.county_od, method=InspectionMethod.OPEN_VISIT, findings="明查正常")
    attachment = Attachment.objects.get()
    assert attachment.org == world.county_a  # the evidence belongs to the issuing side

    sec = login(people.secretary_a)
    page = text(sec.get(reverse("campaign:supervision_inspection_list")))
    assert reverse("campaign:supervision_inspection_detail", args=[visible.pk]) in page
    assert reverse("campaign:supervision_inspection_detail", args=[covert.pk]) not in page
    overview = text(sec.get(reverse("campaign:supervision")))
    assert reverse("campaign:supervision_inspection_detail", args=[covert.pk]) not in overview
    assert reverse("campaign:supervision_inspection_detail", args=[visible.pk]) in overview
    assert sec.get(reverse("campaign:supervision_inspection_detail", args=[covert.pk])).status_code == 404
    assert sec.get(reverse("campaign:attachment", args=[attachment.pk])).status_code == 404

    for user in (people.county_od, people.city_lg, people.city_od, people.province_od):
        client = login(user)
        page = text(client.get(reverse("campaign:supervision_inspection_list")))
        assert reverse("campaign:supervision_inspection_detail", args=[covert.pk]) in page, user
        assert "暗访发现值班缺岗" in text(
            client.get(reverse("campaign:supervision_inspection_detail", args=[covert.pk]))
        )
    assert login(people.county_od).get(reverse("campaign:attachment", args=[attachment.pk])).status_code == 200
    # A city's 暗访 inside a county is not shown to the county below it (not the issuing side).
    city_covert = make_inspection(world.branch_a, people.city_od, method=InspectionMethod.COVERT_VISIT)
    county = login(people.county_od)
    assert county.get(reverse("campaign:supervision_inspection_detail", args=[city_covert.pk])).status_code == 404
    assert (
        login(people.city_b_od).get(reverse("campaign:supervision_inspection_detail", args=[covert.pk])).status_code
        == 404
    )


# --- remarks ----------------------------------------------------------------------------------


def test_leading_group_remarks_and_the_secretary_reads_it(world, people, login):
    client = login(people.city_lg)
    response = client.post(
        reverse("campaign:supervision_remark_create"),
        {
            "org_code": world.branch_a.code,
            "achievements": "方案扎实，承诺公开",
            "problems": "活动记录不全",
            "direction": "加强党性教育",
        },
    )
    remark = Remark.objects.get()
    assert response.status_code == 302
    assert (remark.author_org, remark.author_role, remark.author) == (world.city_a, Role.LEADING_GROUP, people.city_lg)
    assert titles(people.secretary_a) == ["石家庄市对本组织作了点评"]
    sec = login(people.secretary_a)
    page = text(sec.get(reverse("campaign:supervision_remark_detail", args=[remark.pk])))
    assert "方案扎实，承诺公开" in page and "活动记录不全" in page and "加强党性教育" in page
    assert "加强党性教育" in text(sec.get(reverse("campaign:supervision")))
    assert (
        login(people.secretary_a2).get(reverse("campaign:supervision_remark_detail", args=[remark.pk])).status_code
        == 404
    )
    assert (
        login(people.member_a).get(reverse("campaign:supervision_remark_detail", args=[remark.pk])).status_code == 403
    )
    assert login(people.secretary_a).get(reverse("campaign:supervision_remark_create")).status_code == 403


def test_remark_on_own_node_is_refused(world, people, login):
    with pytest.raises(ValidationError) as error:
        make_remark(world.county_a, people.county_od)
    assert error.value.message_dict == {"org_code": ["点评由上级党组织对下级组织作出，不能点评本级组织“正定县”"]}
    response = login(people.county_od).post(
        reverse("campaign:supervision_remark_create"),
        {"org_code": world.county_a.code, "achievements": "a", "problems": "b", "direction": "c"},
    )
    assert response.status_code == 200
    # At the organization the user picked, not at the top of the form.
    assert response.context["form"].errors == {"org_code": ["点评由上级党组织对下级组织作出，不能点评本级组织“正定县”"]}
    assert "不能点评本级组织“正定县”" in text(response)
    assert not Remark.objects.exists()
    # The city above it may.
    assert make_remark(world.county_a, people.city_od).author_org == world.city_a


def test_sector_supervisor_remarks_only_in_its_sector(world, people, login):
    assert make_remark(world.branch_a2, people.county_ss).author_role == Role.SECTOR_SUPERVISOR
    with pytest.raises(PermissionDenied):
        make_remark(world.branch_a, people.county_ss)
    client = login(people.county_ss)
    assert client.get(reverse("campaign:supervision_remark_create"), {"org": world.branch_a.code}).status_code == 404


# --- rectification orders -----------------------------------------------------------------------


def respond(client, order, text_, files=()):
    data = {"text": text_}
    if files:
        data["attachments"] = list(files)
    return client.post(reverse("campaign:supervision_order_respond", args=[order.pk]), data)


def verify(client, order, verdict, reason=""):
    return client.post(
        reverse("campaign:supervision_order_verify", args=[order.pk]), {"verdict": verdict, "reason": reason}
    )


def test_an_order_to_the_own_node_is_refused_at_the_organization_field(world, people, login):
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    response = login(people.county_od).post(
        reverse("campaign:supervision_order_create"),
        {"org_code": world.county_a.code, "problem": "学习走过场", "requirement": "重新学习", "deadline": deadline},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"org_code": ["限期整改由上级下达给下级组织，不能对本级组织“正定县”下达"]}
    assert not RectificationOrder.objects.exists()


def test_order_workflow_open_responded_reopened_verified(world, people, login):
    issuer = login(people.county_od)
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    response = issuer.post(
        reverse("campaign:supervision_order_create"),
        {"org_code": world.branch_a.code, "problem": "学习走过场", "requirement": "重新组织学习", "deadline": deadline},
    )
    order = RectificationOrder.objects.get()
    assert response.status_code == 302
    assert (order.status, order.issuer_org, order.issued_by) == ("open", world.county_a, people.county_od)
    assert titles(people.secretary_a) == [f"正定县下达限期整改通知，整改期限{deadline:%Y-%m-%d}"]

    sec = login(people.secretary_a)
    page = text(sec.get(reverse("campaign:supervision_order_detail", args=[order.pk])))
    assert "学习走过场" in page and "报送整改情况" in page and "提交验收结论" not in page
    response = respond(sec, order, "已重新组织两次集中学习", [png_file("签到表.png")])
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "responded"
    assert titles(people.county_od) == ["塔元庄村党支部已报送整改情况，请验收"]
    first = RectificationResponse.objects.get()
    assert Attachment.objects.get().owner == first

    issuer = login(people.county_od)
    page = text(issuer.get(reverse("campaign:supervision_order_detail", args=[order.pk])))
    assert "已重新组织两次集中学习" in page and "签到表.png" in page and "提交验收结论" in page
    response = verify(issuer, order, "failed")
    assert "验收不通过时请填写理由" in text(response)
    response = verify(issuer, order, "failed", "缺少学习笔记")
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.reopen_reason) == ("reopened", "缺少学习笔记")
    assert "缺少学习笔记" in text(
        login(people.secretary_a).get(reverse("campaign:supervision_order_detail", args=[order.pk]))
    )

    respond(login(people.secretary_a), order, "补充了学习笔记")
    verify(login(people.county_od), order, "passed")
    order.refresh_from_db()
    assert order.status == "verified" and order.verified_by == people.county_od and order.reopen_reason == ""
    rounds = list(order.responses.values_list("text", "verdict", "reason"))
    assert rounds == [("已重新组织两次集中学习", "failed", "缺少学习笔记"), ("补充了学习笔记", "passed", "")]
    assert "整改情况已验收通过" in titles(people.secretary_a)


def test_order_refusals(world, people, login):
    order = make_order(world.branch_a, people.county_od)
    # Verifying an order nobody has answered yet.
    with pytest.raises(ValidationError) as error:
        services.verify_order(order, by=people.county_od, passed=True)
    assert error.value.messages == ["整改单位尚未报送整改情况，不能验收"]
    response = verify(login(people.county_od), order, "passed")
    assert response.status_code == 200 and "整改单位尚未报送整改情况，不能验收" in text(response)
    # Wrong role inside the scope: 403. Outside: 404.
    assert verify(login(people.secretary_a), order, "passed").status_code == 403
    assert respond(login(people.county_od), order, "x").status_code == 403
    assert respond(login(people.member_a), order, "x").status_code == 403
    assert respond(login(people.secretary_a2), order, "x").status_code == 404
    assert respond(login(people.city_b_od), order, "x").status_code == 404
    assert verify(login(people.city_b_od), order, "passed").status_code == 404
    assert login(people.county_ss).get(reverse("campaign:supervision_order_detail", args=[order.pk])).status_code == 404
    # Responding twice before verification, then after verification.
    services.respond_order(order, by=people.secretary_a, text="已整改")
    with pytest.raises(ValidationError, match="正在等待验收"):
        services.respond_order(order, by=people.secretary_a, text="再报一次")
    services.verify_order(order, by=people.county_od, passed=True)
    response = respond(login(people.secretary_a), order, "验收后又报")
    assert response.status_code == 200 and "该整改通知已验收通过，不能再报送整改情况" in text(response)
    assert order.responses.count() == 1
    with pytest.raises(ValidationError, match="已经验收通过"):
        services.verify_order(order, by=people.county_od, passed=False, reason="x")
    # The city above the issuing county may verify too; the issue itself needs a node above the target.
    with pytest.raises(ValidationError) as error:
        make_order(world.county_a, people.county_od)
    assert error.value.message_dict == {"org_code": ["限期整改由上级下达给下级组织，不能对本级组织“正定县”下达"]}
    with pytest.raises(ValidationError) as error:
        make_order(world.branch_a, people.county_od, deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert error.value.message_dict == {"deadline": ["整改期限不能早于今天"]}
    with pytest.raises(PermissionDenied):
        make_order(world.branch_a, people.city_lg)


def test_a_stale_step_of_an_order_answers_409_on_the_orders_page(world, people, login, monkeypatch):
    """Like every other form, a step refused because the order changed meanwhile (``StaleEdit``) answers 409: the
    order's page again with the message, nothing written."""
    order = make_order(world.branch_a, people.county_od, problem="学习走过场")
    services.respond_order(order, by=people.secretary_a, text="已整改")

    def changed_meanwhile(*args, **kwargs):
        raise StaleEdit

    monkeypatch.setattr(services, "verify_order", changed_meanwhile)
    monkeypatch.setattr(services, "respond_order", changed_meanwhile)
    stale = "该记录已被他人修改，您看到的不是最新内容。请刷新页面查看最新内容后再操作，本次操作未保存。"
    response = verify(login(people.county_od), order, "passed")
    assert response.status_code == 409
    page = text(response)
    assert stale in page and "学习走过场" in page and "提交验收结论" in page  # the order's page, its form again
    response = respond(login(people.secretary_a), order, "补充了学习笔记")
    assert response.status_code == 409 and stale in text(response) and "学习走过场" in text(response)
    order.refresh_from_db()
    assert order.status == "responded" and order.responses.count() == 1


def test_sector_supervisor_issues_orders_in_its_sector_only(world, people, login):
    order = make_order(world.branch_a2, people.county_ss)
    assert order.issuer_role == Role.SECTOR_SUPERVISOR
    with pytest.raises(PermissionDenied):
        make_order(world.branch_a, people.county_ss)
    services.respond_order(order, by=people.secretary_a2, text="已整改")
    assert verify(login(people.county_od), order, "passed").status_code == 403  # not the issuing department
    assert verify(login(people.county_ss), order, "passed").status_code == 302


def overdue(order, days=1):
    RectificationOrder.objects.filter(pk=order.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=days))


def test_escalation_exactly_once_to_the_superior_org_department(world, people):
    by_county = make_order(world.branch_a, people.county_od)
    by_city = make_order(world.county_a, people.city_od)
    not_due = make_order(world.branch_a2, people.county_od)
    done = make_order(world.branch_a, people.county_od, problem="已完成的")
    overdue(by_county)
    overdue(by_city)
    overdue(done)
    services.respond_order(done, by=people.secretary_a, text="ok")
    services.verify_order(done, by=people.county_od, passed=True)
    Notification.objects.all().delete()

    assert services.escalate_overdue_orders() == 2
    assert services.escalate_overdue_orders() == 0  # run twice: nothing twice
    assert titles(people.city_od) == ["限期整改逾期未完成：塔元庄村党支部"]
    assert titles(people.province_od) == ["限期整改逾期未完成：正定县"]
    assert titles(people.county_od) == [] and titles(people.city_b_od) == [] and titles(people.city_lg) == []
    assert RectificationOrder.objects.filter(escalated_at__isnull=False).count() == 2
    not_due.refresh_from_db()
    assert not_due.escalated_at is None
    # A day later it is still overdue: still nothing new.
    assert services.escalate_overdue_orders(today=timezone.localdate() + datetime.timedelta(days=1)) == 0
    assert Notification.objects.count() == 2


def test_escalation_skips_levels_without_org_department(world, people):
    county_b_od = user_with_role(world.county_b, Role.ORG_DEPARTMENT, username="county_b_od")
    people.city_b_od.assignments.all().delete()  # 唐山 has no 组织部 account: the province is the nearest
    order = make_order(world.branch_b, county_b_od)
    overdue(order)
    Notification.objects.all().delete()
    assert services.escalate_overdue_orders() == 1
    assert titles(people.province_od) == ["限期整改逾期未完成：滦州村党支部"]
    assert Notification.objects.count() == 1


def test_daily_task_and_beat_schedule(world, people, settings):
    from campaign.tasks import escalate_overdue_orders
    from config.celery import app

    order = make_order(world.branch_a, people.county_od)
    overdue(order)
    assert escalate_overdue_orders.delay().get() == 1
    assert escalate_overdue_orders.delay().get() == 0
    assert titles(people.city_od) == ["限期整改逾期未完成：塔元庄村党支部"]
    entry = settings.CELERY_BEAT_SCHEDULE["escalate-overdue-rectification-orders"]
    assert entry["task"] == "campaign.escalate_overdue_orders"
    assert "campaign.escalate_overdue_orders" in app.tasks


def test_order_overview_counts(world, people, login):
    a = make_order(world.branch_a, people.county_od)
    b = make_order(world.branch_a2, people.county_od)
    c = make_order(world.branch_a, people.county_od)
    make_order(world.branch_b, people.city_b_od)  # the other city's: never counted here
    overdue(a)
    services.respond_order(c, by=people.secretary_a, text="ok")
    services.verify_order(c, by=people.county_od, passed=True)
    response = login(people.county_od).get(reverse("campaign:supervision"))
    assert response.context["order_counts"] == {"open": 2, "overdue": 1, "responded": 0, "verified": 1}
    page = text(response)
    assert 'id="count-open">2<' in page and 'id="count-overdue">1<' in page and 'id="count-verified">1<' in page
    listing = login(people.county_od).get(reverse("campaign:supervision_order_list"), {"state": "overdue"})
    assert [o.pk for o in listing.context["object_list"]] == [a.pk]
    assert b.pk not in [o.pk for o in listing.context["object_list"]]
    sec = login(people.secretary_a).get(reverse("campaign:supervision"))
    assert sec.context["order_counts"] == {"open": 1, "overdue": 1, "responded": 0, "verified": 1}


# --- leading groups and contact points ----------------------------------------------------------


def test_leading_group_members_contact_points_and_visits(world, people, login):
    client = login(people.city_od)
    response = client.post(
        reverse("campaign:supervision_group_create"),
        {
            "org_code": world.city_a.code,
            "name": "石家庄市创先争优活动领导小组",
            "office_contact": "赵主任",
            "office_phone": "0311-1234",
        },
    )
    group = LeadingGroup.objects.get()
    assert response.status_code == 302 and group.org == world.city_a
    duplicate = client.post(
        reverse("campaign:supervision_group_create"), {"org_code": world.city_a.code, "name": "又一个"}
    )
    assert "“石家庄市”已成立领导小组" in text(duplicate)
    branch = client.post(reverse("campaign:supervision_group_create"), {"org_code": world.branch_a.code, "name": "村"})
    assert "领导小组在省、市、县(市、区)和乡镇(街道)党委成立，“塔元庄村党支部”不是这一级党委" in text(branch)

    response = client.post(
        reverse("campaign:supervision_group_member_create", args=[group.pk]),
        {"name": "李书记", "post": "市委书记", "group_role": "head", "order": 1, "username": "city_lg"},
    )
    assert response.status_code == 302
    leader = group.members.get()
    assert leader.user == people.city_lg
    bad_user = client.post(
        reverse("campaign:supervision_group_member_create", args=[group.pk]),
        {"name": "外人", "post": "x", "group_role": "member", "order": 2, "username": "city_b_od"},
    )
    assert "找不到账号“city_b_od”，或它不在您的管理范围内" in text(bad_user)

    url = reverse("campaign:supervision_point_create", args=[group.pk])
    outside = client.post(url, {"leader": leader.pk, "org_code": world.branch_b.code})
    assert "联系点应是石家庄市所辖的基层党组织" in text(outside)
    not_basic = client.post(url, {"leader": leader.pk, "org_code": world.town_a.code})
    assert "联系点应是石家庄市所辖的基层党组织" in text(not_basic)
    response = client.post(url, {"leader": leader.pk, "org_code": world.branch_a.code, "notes": "每季度走访"})
    point = leader.contact_points.get()
    assert response.status_code == 302 and point.org == world.branch_a

    # The leader (linked account, a leading_group user) logs a visit; the managing 组织部 may too.
    lg = login(people.city_lg)
    response = lg.post(
        reverse("campaign:supervision_point_detail", args=[point.pk]), {"date": timezone.localdate(), "note": "座谈"}
    )
    assert response.status_code == 302
    future = lg.post(
        reverse("campaign:supervision_point_detail", args=[point.pk]),
        {"date": timezone.localdate() + datetime.timedelta(days=3), "note": "x"},
    )
    assert "走访日期不能晚于今天" in text(future)
    assert list(ContactVisit.objects.values_list("note", "recorded_by")) == [("座谈", people.city_lg.pk)]
    page = text(lg.get(reverse("campaign:supervision_group_detail", args=[group.pk])))
    assert "李书记" in page and "塔元庄村党支部" in page and "0311-1234" in page
    assert lg.get(reverse("campaign:supervision_group_edit", args=[group.pk])).status_code == 403
    assert lg.get(reverse("campaign:supervision_group_create")).status_code == 403
    # A county 组织部 cannot see the city's group; the other city cannot either.
    assert login(people.county_od).get(reverse("campaign:supervision_group_detail", args=[group.pk])).status_code == 404
    assert login(people.city_b_od).get(reverse("campaign:supervision_point_detail", args=[point.pk])).status_code == 404
    # A member with contact points is not removed silently.
    client = login(people.city_od)
    response = client.post(reverse("campaign:supervision_group_member_delete", args=[leader.pk]), follow=True)
    assert "李书记还有联系点，请先撤销其联系点" in text(response)
    client.post(reverse("campaign:supervision_point_delete", args=[point.pk]))
    client.post(reverse("campaign:supervision_group_member_delete", args=[leader.pk]))
    assert not group.members.exists()


def test_group_services_refuse_outside_roles(world, people):
    with pytest.raises(PermissionDenied):
        make_group(world.city_a, people.city_lg)
    with pytest.raises(PermissionDenied):
        make_group(world.city_a, people.county_od)
    group = make_group(world.county_a, people.county_od)
    leader = make_leader(group, people.county_od)
    with pytest.raises(PermissionDenied):
        make_point(leader, world.branch_a, people.city_b_od)
    point = make_point(leader, world.branch_a, people.county_od)
    with pytest.raises(PermissionDenied):
        services.log_visit(point, by=people.secretary_a, date=timezone.localdate(), note="x")


# --- sector guidance --------------------------------------------------------------------------


def test_sector_view_lists_own_sector_with_counts(world, people, login):
    make_inspection(world.branch_a2, people.county_ss)
    make_inspection(world.branch_a2, people.county_od)
    make_order(world.branch_a2, people.county_ss)
    make_inspection(world.branch_a, people.county_od)  # 农村: not its sector
    response = login(people.county_ss).get(reverse("campaign:supervision_sector"))
    rows = [(o.name, o.inspection_count, o.open_order_count) for o in response.context["object_list"]]
    assert rows == [("正定镇中学党支部", 2, 1)]
    assert "中小学" in text(response)
    assert login(people.county_od).get(reverse("campaign:supervision_sector")).status_code == 403


# --- permission matrix and query counts ---------------------------------------------------------


@pytest.fixture
def records(world, people):
    """One of everything in 石家庄 (city A) and in 唐山 (city B)."""
    county_b_od = user_with_role(world.county_b, Role.ORG_DEPARTMENT, username="county_b_od")
    group_a = make_group(world.city_a, people.city_od)
    group_b = make_group(world.city_b, people.city_b_od)
    leader_a = make_leader(group_a, people.city_od)
    leader_b = make_leader(group_b, people.city_b_od, name="唐山书记")
    return {
        "inspection": make_inspection(world.branch_a, people.county_od, findings="石家庄的检查"),
        "inspection_b": make_inspection(world.branch_b, county_b_od, findings="唐山的检查"),
        "remark": make_remark(world.branch_a, people.county_od, direction="石家庄的方向"),
        "remark_b": make_remark(world.branch_b, county_b_od, direction="唐山的方向"),
        "order": make_order(world.branch_a, people.county_od, problem="石家庄的问题"),
        "order_b": make_order(world.branch_b, county_b_od, problem="唐山的问题"),
        "group": group_a,
        "group_b": group_b,
        "point": make_point(leader_a, world.branch_a, people.city_od),
        "point_b": make_point(leader_b, world.branch_b, people.city_b_od),
    }


LISTS = [
    ("campaign:supervision", "石家庄的问题", "唐山的问题"),
    ("campaign:supervision_inspection_list", "塔元庄村党支部", "滦州村党支部"),
    ("campaign:supervision_remark_list", "石家庄的方向", "唐山的方向"),
    ("campaign:supervision_order_list", "石家庄的问题", "唐山的问题"),
    ("campaign:supervision_group_list", "石家庄市", "唐山市"),
    ("campaign:supervision_point_list", "塔元庄村党支部", "滦州村党支部"),
]


@pytest.mark.parametrize(("name", "mine", "theirs"), LISTS)
def test_list_permissions(client, world, people, records, login, name, mine, theirs):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert login(people.member_a).get(url).status_code == 403
    page = text(login(people.city_lg).get(url))
    assert mine in page and theirs not in page
    page = text(login(people.city_b_od).get(url))
    assert theirs in page and mine not in page


DETAILS = [
    ("campaign:supervision_inspection_detail", "inspection", "石家庄的检查"),
    ("campaign:supervision_remark_detail", "remark", "石家庄的方向"),
    ("campaign:supervision_order_detail", "order", "石家庄的问题"),
    ("campaign:supervision_group_detail", "group", "石家庄市"),
    ("campaign:supervision_point_detail", "point", "塔元庄村党支部"),
]


@pytest.mark.parametrize(("name", "key", "content"), DETAILS)
def test_detail_permissions(client, world, people, records, login, name, key, content):
    url = reverse(name, args=[records[key].pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert login(people.city_b_od).get(url).status_code == 404  # the other subtree
    ok = login(people.city_lg).get(url)
    assert ok.status_code == 200 and content in text(ok)
    # Inside the scope with the wrong role: member_a sees branch_a but supervises nothing; a city sector
    # supervisor sees the city node but has no leading-group role.
    if key == "group":
        wrong = user_with_role(world.city_a, Role.SECTOR_SUPERVISOR, sector="school", username="city_ss")
    else:
        wrong = people.member_a
    assert login(wrong).get(url).status_code == 403


FORMS = [
    ("campaign:supervision_inspection_create", None, {Role.LEADING_GROUP, Role.SECRETARY}),
    ("campaign:supervision_remark_create", None, {Role.SECRETARY}),
    ("campaign:supervision_order_create", None, {Role.LEADING_GROUP, Role.SECRETARY}),
    ("campaign:supervision_group_create", None, {Role.LEADING_GROUP, Role.SECRETARY}),
    ("campaign:supervision_sector", None, {Role.LEADING_GROUP, Role.SECRETARY}),
]


@pytest.mark.parametrize(("name", "arg", "refused"), FORMS)
def test_form_permissions(client, world, people, login, name, arg, refused):
    url = reverse(name)
    assert client.get(url).status_code == 302
    by_role = {Role.LEADING_GROUP: people.city_lg, Role.SECRETARY: people.secretary_a}
    for role in refused:
        assert login(by_role[role]).get(url).status_code == 403, role
    right = people.county_ss if name == "campaign:supervision_sector" else people.city_od
    assert login(right).get(url).status_code == 200


def test_manage_pages_permissions(client, world, people, records, login):
    group, group_b, point = records["group"], records["group_b"], records["point"]
    leader = group.members.get()
    urls = [
        reverse("campaign:supervision_group_edit", args=[group.pk]),
        reverse("campaign:supervision_group_member_create", args=[group.pk]),
        reverse("campaign:supervision_group_member_edit", args=[leader.pk]),
        reverse("campaign:supervision_point_create", args=[group.pk]),
    ]
    for url in urls:
        client.logout()
        assert client.get(url).status_code == 302
        assert login(people.city_b_od).get(url).status_code == 404, url
        assert login(people.city_lg).get(url).status_code == 403, url
        assert login(people.city_od).get(url).status_code == 200, url
    assert login(people.city_od).get(reverse("campaign:supervision_group_edit", args=[group_b.pk])).status_code == 404
    assert login(people.city_lg).post(reverse("campaign:supervision_point_delete", args=[point.pk])).status_code == 403


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_counts_do_not_grow(world, people, login):
    """Every list costs the same number of queries for 1 row and for 30."""
    group = make_group(world.city_a, people.city_od)
    leader = make_leader(group, people.city_od)
    branches = [world.branch_a]

    def add_rows():
        for org in branches:
            make_inspection(org, people.county_od)
            make_remark(org, people.city_lg)
            make_order(org, people.county_od)
            make_point(leader, org, people.city_od)

    add_rows()
    urls = [
        reverse("campaign:supervision"),
        reverse("campaign:supervision_inspection_list"),
        reverse("campaign:supervision_remark_list"),
        reverse("campaign:supervision_order_list"),
        reverse("campaign:supervision_group_list"),
        reverse("campaign:supervision_point_list"),
    ]
    lg = login(people.city_lg)
    one = {url: _count_queries(lg, url) for url in urls}
    sector_one = _count_queries(login(people.county_ss), reverse("campaign:supervision_sector"))
    branches[:] = [make_org(world.town_a, sector="school", name=f"学校{n}党支部") for n in range(29)]
    for n in range(28):
        make_group(make_org(world.city_a, level=OrgLevel.COUNTY, name=f"县{n}"), people.city_od)
    add_rows()
    lg = login(people.city_lg)
    thirty = {url: _count_queries(lg, url) for url in urls}
    assert thirty == one
    assert len(login(people.city_lg).get(urls[1]).context["object_list"]) == 30
    assert _count_queries(login(people.county_ss), reverse("campaign:supervision_sector")) == sector_one
    assert len(login(people.county_ss).get(reverse("campaign:supervision_sector")).context["object_list"]) == 30
