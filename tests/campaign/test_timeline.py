"""The campaign page, milestone lists, manual completion, copying a campaign, the phase helpers, the inbox."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign.models import Campaign, MilestoneDone, Notification
from campaign.services.timeline import (
    copy_campaign,
    current_campaign,
    ensure_phase,
    mark_done,
    phase_order_on,
)
from orgs.enums import OrgLevel, Role
from tests.factories import make_org, user_with_role

pytestmark = pytest.mark.django_db


def progress_of(response, code):
    for phase in response.context["phases"]:
        for row in phase.milestones:
            if row.milestone.code == code:
                return row
    raise AssertionError(code)


@pytest.fixture
def people(world):
    return {
        "leading_group": user_with_role(world.city_a, Role.LEADING_GROUP),
        "org_department": user_with_role(world.county_a, Role.ORG_DEPARTMENT),
        "sector_supervisor": user_with_role(world.city_a, Role.SECTOR_SUPERVISOR, sector="rural"),
        "secretary": user_with_role(world.branch_a, Role.SECRETARY),
        "member": user_with_role(world.branch_a, Role.MEMBER),
    }


# --- phase helpers ------------------------------------------------------------------------------------------------


def test_phase_order_and_ensure_phase(seed_campaign):
    assert phase_order_on(seed_campaign, datetime.date(2010, 4, 1)) == 1
    assert phase_order_on(seed_campaign, datetime.date(2010, 6, 1)) == 2
    assert phase_order_on(seed_campaign, datetime.date(2012, 11, 7)) == 4
    assert phase_order_on(seed_campaign, datetime.date(2013, 1, 1)) is None

    assert ensure_phase(seed_campaign, {1}, today=datetime.date(2010, 5, 1)) == 1
    with pytest.raises(ValidationError) as exc:
        ensure_phase(seed_campaign, {1}, today=datetime.date(2010, 7, 1))
    assert exc.value.messages == ["当前处于第二步骤（全面争创，扎实推进），不能进行此项操作"]
    with pytest.raises(ValidationError) as exc:
        ensure_phase(seed_campaign, {1, 2, 3, 4}, today=datetime.date(2010, 3, 1))
    assert exc.value.messages == ["活动尚未开始，不能进行此项操作"]
    with pytest.raises(ValidationError) as exc:
        ensure_phase(seed_campaign, {4}, today=datetime.date(2013, 3, 1))
    assert exc.value.messages == ["活动已经结束，不能进行此项操作"]


def test_current_campaign_prefers_the_running_one(seed_campaign, campaign):
    assert current_campaign() == campaign
    assert current_campaign(datetime.date(2011, 1, 1)) == seed_campaign
    assert phase_order_on(campaign) == 1


# --- the campaign page ----------------------------------------------------------------------------------------------


def test_timeline_counts_only_the_users_scope(world, campaign, people, login):
    plan = campaign.milestones.get(code="plan")
    mark_done(campaign, "plan", world.branch_a)
    mark_done(campaign, "plan", world.branch_b)  # the other subtree: must not count
    mark_done(campaign, "summary", world.town_b)
    response = login(people["org_department"]).get(reverse("campaign:timeline"))
    assert response.status_code == 200
    assert response.context["campaign"] == campaign
    assert response.context["current_phase"].order == 1
    row = progress_of(response, "plan")
    assert (row.applicable, row.done, row.percent) == (2, 1, 50)
    summary = progress_of(response, "summary")  # applies to every level: county, township, two branches
    assert (summary.applicable, summary.done) == (4, 0)
    mobilize = progress_of(response, "mobilize")  # province/city/county: the county itself
    assert (mobilize.applicable, mobilize.done) == (1, 0)
    html = response.content.decode()
    assert "当前步骤" in html and "广泛发动，安排部署" in html
    assert reverse("campaign:milestone_orgs", args=[plan.pk]) in html
    assert "50%" in html

    # The province sees everything.
    province = user_with_role(world.province, Role.ORG_DEPARTMENT)
    row = progress_of(login(province).get(reverse("campaign:timeline")), "plan")
    assert (row.applicable, row.done) == (3, 2)


def test_timeline_of_a_picked_campaign(world, seed_campaign, campaign, people, login):
    response = login(people["secretary"]).get(reverse("campaign:timeline_campaign", args=[seed_campaign.code]))
    assert response.context["campaign"] == seed_campaign
    assert response.context["current_phase"] is None
    assert [c.code for c in response.context["campaigns"]] == [campaign.code, seed_campaign.code]
    assert progress_of(response, "plan").applicable == 1  # the secretary's own branch
    assert login(people["secretary"]).get(reverse("campaign:timeline_campaign", args=["nope"])).status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_timeline_query_count_does_not_grow_with_orgs(world, campaign, people, login):
    client = login(people["org_department"])
    url = reverse("campaign:timeline")
    before = _queries(client, url)
    for _ in range(30):
        org = make_org(world.town_a)
        mark_done(campaign, "plan", org)
        mark_done(campaign, "study", org)
    assert _queries(client, url) == before
    assert progress_of(client.get(url), "plan").applicable == 32


# --- not-done list and manual completion ----------------------------------------------------------------------------


def test_not_done_list_shows_scope_orgs_without_completion(world, campaign, people, login):
    plan = campaign.milestones.get(code="plan")
    mark_done(campaign, "plan", world.branch_a)
    client = login(people["org_department"])
    response = client.get(reverse("campaign:milestone_orgs", args=[plan.pk]))
    assert [r["org"] for r in response.context["object_list"]] == [world.branch_a2]
    assert "正定镇中学党支部" in response.content.decode()
    assert "滦州村党支部" not in response.content.decode()
    done = client.get(reverse("campaign:milestone_orgs", args=[plan.pk]) + "?status=done")
    assert [r["org"] for r in done.context["object_list"]] == [world.branch_a]
    # plan is marked by the plans workflow: no manual buttons
    assert all(not r["can_mark"] for r in response.context["object_list"])


def test_not_done_list_query_count_1_vs_30(world, campaign, people, login):
    client = login(people["org_department"])
    study = campaign.milestones.get(code="study")
    url = reverse("campaign:milestone_orgs", args=[study.pk])
    town = make_org(world.county_a, level=OrgLevel.TOWNSHIP)
    # Only the new township's subtree is listed for this user.
    user = user_with_role(town, Role.ORG_DEPARTMENT)
    client = login(user)
    make_org(town)
    one = _queries(client, url)
    for _ in range(29):
        make_org(town)
    assert len(client.get(url).context["object_list"]) == 30
    assert _queries(client, url) == one


def test_manual_mark_and_unmark_by_secretary(world, campaign, people, login):
    study = campaign.milestones.get(code="study")
    client = login(people["secretary"])
    page = client.get(reverse("campaign:milestone_orgs", args=[study.pk]))
    assert [(r["org"], r["can_mark"]) for r in page.context["object_list"]] == [(world.branch_a, True)]
    url = reverse("campaign:milestone_mark", args=[study.pk, world.branch_a.code])
    response = client.post(url, {"note": "5月8日组织集中学习"}, follow=True)
    assert "已登记塔元庄村党支部完成“组织学习”" in response.content.decode()
    done = MilestoneDone.objects.get(milestone=study, org=world.branch_a)
    assert (done.by, done.note, done.org_path) == (people["secretary"], "5月8日组织集中学习", world.branch_a.path)
    assert client.post(url, {"note": "again"}).status_code == 302
    assert MilestoneDone.objects.filter(milestone=study).count() == 1

    response = client.post(reverse("campaign:milestone_unmark", args=[study.pk, world.branch_a.code]), follow=True)
    assert "已撤销" in response.content.decode()
    assert not MilestoneDone.objects.filter(milestone=study).exists()


def test_org_department_marks_any_org_in_scope(world, campaign, people, login):
    mobilize = campaign.milestones.get(code="mobilize")
    client = login(people["org_department"])
    client.post(reverse("campaign:milestone_mark", args=[mobilize.pk, world.county_a.code]), {"note": "已召开动员大会"})
    assert MilestoneDone.objects.filter(milestone=mobilize, org=world.county_a).exists()


def test_manual_mark_refusals(world, campaign, people, login):
    study = campaign.milestones.get(code="study")
    # other subtree → 404, wrong role → 403
    assert (
        login(people["org_department"])
        .post(reverse("campaign:milestone_mark", args=[study.pk, world.branch_b.code]))
        .status_code
        == 404
    )
    for role in ("leading_group", "sector_supervisor", "member"):
        response = login(people[role]).post(reverse("campaign:milestone_mark", args=[study.pk, world.branch_a.code]))
        assert response.status_code == 403, role
    assert (
        login(people["org_department"])
        .get(reverse("campaign:milestone_mark", args=[study.pk, world.branch_a.code]))
        .status_code
        == 405
    )
    # a later phase has not started
    summary = campaign.milestones.get(code="summary")
    client = login(people["secretary"])
    response = client.post(reverse("campaign:milestone_mark", args=[summary.pk, world.branch_a.code]), follow=True)
    start = summary.phase.start_date.isoformat()
    assert f"“搞好总结”属于第四步骤（系统总结，完善机制），该步骤{start}才开始，现在不能登记完成" in (
        response.content.decode()
    )
    # a milestone another workflow records
    plan = campaign.milestones.get(code="plan")
    response = client.post(reverse("campaign:milestone_mark", args=[plan.pk, world.branch_a.code]), follow=True)
    assert "该节点任务由相应业务自动登记完成，不能手工标记" in response.content.decode()
    # a finished campaign
    past = Campaign.objects.get(code="cxzy-2010").milestones.get(code="study")
    response = client.post(reverse("campaign:milestone_mark", args=[past.pk, world.branch_a.code]), follow=True)
    assert "活动已经结束，不能再登记完成情况" in response.content.decode()
    assert not MilestoneDone.objects.exists()


def test_not_done_page_explains_a_phase_not_started(world, campaign, people, login):
    summary = campaign.milestones.get(code="summary")
    page = login(people["secretary"]).get(reverse("campaign:milestone_orgs", args=[summary.pk]))
    assert "现在不能登记完成" in page.content.decode()
    assert all(not r["can_mark"] for r in page.context["object_list"])


# --- copying a campaign ---------------------------------------------------------------------------------------------


@pytest.fixture
def province_department(world):
    return user_with_role(world.province, Role.ORG_DEPARTMENT)


def test_copy_campaign_shifts_every_date(world, seed_campaign, province_department, login):
    client = login(province_department)
    url = reverse("campaign:campaign_copy", args=[seed_campaign.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "2013年创先争优活动", "code": "cxzy-2013", "start_date": "2013-04-01"})
    new = Campaign.objects.get(code="cxzy-2013")
    assert response.status_code == 302 and response.url == reverse("campaign:timeline_campaign", args=["cxzy-2013"])
    delta = datetime.date(2013, 4, 1) - seed_campaign.start_date
    assert (new.name, new.start_date, new.end_date, new.copied_from) == (
        "2013年创先争优活动",
        datetime.date(2013, 4, 1),
        seed_campaign.end_date + delta,
        seed_campaign,
    )
    assert [(p.order, p.name, p.start_date, p.end_date) for p in new.phases.all()] == [
        (p.order, p.name, p.start_date + delta, p.end_date + delta) for p in seed_campaign.phases.all()
    ]
    old = {m.code: m for m in seed_campaign.milestones.all()}
    copied = list(new.milestones.all())
    assert len(copied) == len(old) == 16
    for m in copied:
        assert m.due_date == old[m.code].due_date + delta
        assert (m.levels, m.reminders, m.phase.order) == (
            old[m.code].levels,
            old[m.code].reminders,
            old[m.code].phase.order,
        )


def test_copy_campaign_form_errors_in_chinese(world, seed_campaign, province_department, login):
    client = login(province_department)
    url = reverse("campaign:campaign_copy", args=[seed_campaign.code])
    response = client.post(url, {"name": "新活动", "code": "cxzy-2010", "start_date": "2013-04-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["活动代码“cxzy-2010”已被使用，请换一个"]
    response = client.post(url, {"name": "新活动", "code": "活动 2013", "start_date": "2013-13-01"})
    errors = response.context["form"].errors
    assert errors["code"] == ["活动代码只能包含英文字母、数字、连字符和下划线"]
    assert errors["start_date"] == ["请输入有效日期，格式为 YYYY-MM-DD"]
    response = client.post(url, {"name": "", "code": "x", "start_date": ""})
    assert set(response.context["form"].errors) == {"name", "start_date"}
    assert "这个字段是必填项。" in response.context["form"].errors["name"]
    assert Campaign.objects.count() == 1


def test_only_the_province_department_copies(world, seed_campaign, people, login, client):
    url = reverse("campaign:campaign_copy", args=[seed_campaign.code])
    for user in people.values():
        assert login(user).get(url).status_code == 403
        assert login(user).post(url, {"name": "x", "code": "x", "start_date": "2014-01-01"}).status_code == 403
    assert not Campaign.objects.filter(code="x").exists()
    # the service refuses too
    with pytest.raises(Exception, match="省级组织部门"):
        copy_campaign(
            seed_campaign, name="x", code="x", start_date=datetime.date(2014, 1, 1), by=people["org_department"]
        )


# --- permission matrix ----------------------------------------------------------------------------------------------

ALL = {"leading_group", "org_department", "sector_supervisor", "secretary", "member"}


def _matrix(world, campaign):
    study = campaign.milestones.get(code="study")
    return [
        ("timeline", "get", reverse("campaign:timeline"), None, ALL),
        ("timeline_campaign", "get", reverse("campaign:timeline_campaign", args=[campaign.code]), None, ALL),
        ("milestone_orgs", "get", reverse("campaign:milestone_orgs", args=[study.pk]), None, ALL),
        (
            "milestone_mark",
            "post",
            reverse("campaign:milestone_mark", args=[study.pk, world.branch_a.code]),
            reverse("campaign:milestone_mark", args=[study.pk, world.branch_b.code]),
            {"org_department", "secretary"},
        ),
        (
            "milestone_unmark",
            "post",
            reverse("campaign:milestone_unmark", args=[study.pk, world.branch_a.code]),
            reverse("campaign:milestone_unmark", args=[study.pk, world.branch_b.code]),
            {"org_department", "secretary"},
        ),
        ("campaign_copy", "get", reverse("campaign:campaign_copy", args=[campaign.code]), None, set()),
        ("inbox", "get", reverse("campaign:inbox"), None, ALL),
        ("inbox_read_all", "post", reverse("campaign:inbox_read_all"), None, ALL),
    ]


def test_permission_matrix(world, campaign, people, client, login):
    for name, method, url, other, allowed in _matrix(world, campaign):
        client.logout()
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name
        for role, user in people.items():
            client = login(user)
            response = getattr(client, method)(url)
            if role in allowed:
                assert response.status_code in (200, 302), (name, role, response.status_code)
            else:
                assert response.status_code == 403, (name, role, response.status_code)
            if other and role in allowed:
                assert getattr(client, method)(other).status_code == 404, (name, role)
    nobody = user_with_role(world.branch_a, Role.MEMBER)
    nobody.assignments.all().delete()
    assert login(nobody).get(reverse("campaign:timeline")).status_code == 403
    assert login(nobody).get(reverse("campaign:inbox")).status_code == 200


def test_milestone_list_rows_per_role(world, campaign, people, login):
    summary = campaign.milestones.get(code="summary")
    url = reverse("campaign:milestone_orgs", args=[summary.pk])
    expected = {
        "leading_group": {"石家庄市", "正定县", "正定镇", "塔元庄村党支部", "正定镇中学党支部"},
        "org_department": {"正定县", "正定镇", "塔元庄村党支部", "正定镇中学党支部"},
        "sector_supervisor": {"石家庄市", "正定县", "正定镇", "塔元庄村党支部"},
        "secretary": {"塔元庄村党支部"},
        "member": {"塔元庄村党支部"},
    }
    for role, names in expected.items():
        rows = login(people[role]).get(url).context["object_list"]
        assert {r["org"].name for r in rows} == names, role


# --- inbox ----------------------------------------------------------------------------------------------------------


def test_inbox_lists_only_own_messages_unread_first(world, people, login):
    me, other = people["secretary"], people["member"]
    old = Notification.objects.create(user=me, title="旧消息", read_at=timezone.now())
    new = Notification.objects.create(user=me, title="新消息")
    Notification.objects.create(user=other, title="别人的消息")
    response = login(me).get(reverse("campaign:inbox"))
    assert list(response.context["object_list"]) == [new, old]
    html = response.content.decode()
    assert "新消息" in html and "别人的消息" not in html
    assert response.context["inbox_unread"] == 1


def test_inbox_open_marks_read_and_shows_the_whole_message_with_its_link(world, people, login):
    """A digest lists several items and ends with what to do: opening it shows all of it (a jump to the first
    item's page hid the rest), and its local link is the button 前往办理."""
    me = people["secretary"]
    body = "第一项：制定方案已逾期\n第二项：党性分析还有3天到期\n请抓紧办理，完成后及时登记。"
    note = Notification.objects.create(user=me, title="提醒：2项节点任务待办理", body=body, url="/campaign/plans/1/")
    response = login(me).get(reverse("campaign:inbox_open", args=[note.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "第二项：党性分析还有3天到期" in html and "请抓紧办理，完成后及时登记。" in html
    assert '<a class="btn btn-primary" href="/campaign/plans/1/">前往办理</a>' in html
    assert "非本站地址" not in html
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.parametrize(
    "url", ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""]
)
def test_inbox_open_refuses_open_redirects(world, people, login, url):
    me = people["secretary"]
    note = Notification.objects.create(user=me, title="通知", body="内容", url=url)
    response = login(me).get(reverse("campaign:inbox_open", args=[note.pk]))
    assert response.status_code == 200
    assert "内容" in response.content.decode()


def test_inbox_other_users_message_is_404(world, people, login):
    theirs = Notification.objects.create(user=people["member"], title="别人的消息")
    assert login(people["secretary"]).get(reverse("campaign:inbox_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_inbox_mark_all_read(world, people, login):
    me = people["secretary"]
    Notification.objects.bulk_create([Notification(user=me, title=f"消息{i}") for i in range(3)])
    theirs = Notification.objects.create(user=people["member"], title="别人的消息")
    response = login(me).post(reverse("campaign:inbox_read_all"), follow=True)
    assert "已将3条消息标为已读" in response.content.decode()
    assert not Notification.objects.filter(user=me, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_inbox_query_count_1_vs_30(world, people, login):
    me = people["secretary"]
    client = login(me)
    Notification.objects.create(user=me, title="消息")
    one = _queries(client, reverse("campaign:inbox"))
    Notification.objects.bulk_create([Notification(user=me, title=f"消息{i}") for i in range(29)])
    assert len(client.get(reverse("campaign:inbox")).context["object_list"]) == 30
    assert _queries(client, reverse("campaign:inbox")) == one
