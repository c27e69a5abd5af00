"""Tree, organization and member pages: the values a user sees, the writes, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.errors import DomainError
from orgs import services
from orgs.enums import Role
from orgs.models import IdNumberView, Member, Org
from tests.factories import MemberFactory, make_id_number, make_org, user_with_role


@pytest.fixture
def od(world):
    return user_with_role(world.county_a, Role.ORG_DEPARTMENT, full_name="正定县委组织部")


def test_tree_drill_down_shows_counts(world, od, login):
    client = login(od)
    html = client.get(reverse("orgs:tree")).content.decode()
    assert "正定县" in html
    assert "下级组织 3 个 · 党员 2 名" in html  # a township and two branches; two members
    town = client.get(reverse("orgs:org_children", args=[world.county_a.code])).content.decode()
    assert "正定镇" in town and "下级组织 2 个 · 党员 2 名" in town
    branches = client.get(reverse("orgs:org_children", args=[world.town_a.code])).content.decode()
    assert "塔元庄村党支部" in branches and "正定镇中学党支部" in branches
    assert "下级组织 0 个 · 党员 1 名" in branches


def test_org_detail_breadcrumbs_and_children(world, od, login):
    html = login(od).get(reverse("orgs:org_detail", args=[world.town_a.code])).content.decode()
    assert "正定县" in html  # breadcrumb
    assert "塔元庄村党支部" in html
    assert "130123100" in html


def test_add_child_org_updates_rollups(world, od, login):
    client = login(od)
    response = client.post(
        reverse("orgs:org_add", args=[world.town_a.code]),
        {
            "code": "130123100203",
            "name": "正定镇卫生院党支部",
            "kind": "dzb",
            "level": "basic",
            "sector": "health",
            "active": "on",
        },
    )
    assert response.status_code == 302
    org = Org.objects.get(code="130123100203")
    assert Org.objects.get_parent(org) == world.town_a
    for o in (world.town_a, world.county_a, world.city_a, world.province):
        before = o.subtree_orgs
        o.refresh_from_db()
        assert o.subtree_orgs == before + 1
    # a duplicate code is refused at the field
    response = client.post(
        reverse("orgs:org_add", args=[world.town_a.code]),
        {"code": "130123100203", "name": "重复", "kind": "dzb", "level": "basic", "sector": "health"},
    )
    assert response.status_code == 200
    assert "组织编码" in response.content.decode() and "已存在" in response.content.decode()


def _member_post(org, **overrides):
    data = {
        "org_code": org,
        "name": "赵红梅",
        "gender": "f",
        "ethnicity": "回族",
        "birth_date": "1985-03-08",
        "id_number": make_id_number(901, birth=__import__("datetime").date(1985, 3, 8), gender="f"),
        "mobile": "13633330000",
        "join_date": "2008-07-01",
        "status": "full",
        "category": "in_service",
        "post": "村妇女主任",
        "duties": "负责妇女工作",
        "badge_vanguard_post": "on",
    }
    data.update(overrides)
    return data


def test_create_member(world, od, login):
    client = login(od)
    response = client.post(reverse("orgs:member_create"), _member_post(world.branch_a.code))
    assert response.status_code == 302
    member = Member.objects.get(name="赵红梅")
    assert member.org == world.branch_a and member.org_path == world.branch_a.path
    assert member.badges == ["党员先锋岗"]
    world.county_a.refresh_from_db()
    assert world.county_a.subtree_members == 3
    assert member.history.count() == 1
    detail = client.get(reverse("orgs:member_detail", args=[member.pk])).content.decode()
    assert member.masked_id_number in detail and member.id_number not in detail


@pytest.mark.parametrize(
    "overrides, field_message",
    [
        ({"id_number": "130102198503080010"}, "身份证号校验位错误"),
        ({"mobile": "1363333000"}, "手机号码应为以 1 开头的 11 位数字"),
        ({"birth_date": "1985-03-09"}, "出生日期与身份证号不符（身份证号显示为 1985-03-08）"),
        ({"join_date": "2001-07-01"}, "入党时未满18周岁（18周岁生日为 2003-03-08）"),
        ({"join_date": "2999-07-01"}, "入党日期不能晚于今天"),
        ({"birth_date": "1985-02-30"}, "1985-02-30 不是有效日期"),
        ({"org_code": "130223100201"}, "未找到该组织，或不在您的管理范围内"),
        ({"org_code": "130123100"}, "“正定镇”不是基层党组织，党员只能编入基层党组织"),
        ({"name": ""}, "这个字段是必填项"),
    ],
)
def test_create_member_bad_input_shows_chinese_message(world, od, login, overrides, field_message):
    response = login(od).post(reverse("orgs:member_create"), _member_post(world.branch_a.code, **overrides))
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert not Member.objects.filter(name="赵红梅").exists()


def test_duplicate_id_number_refused(world, od, login):
    response = login(od).post(
        reverse("orgs:member_create"),
        _member_post(world.branch_a.code, id_number=world.member_b.id_number, birth_date="1980-05-17"),
    )
    assert "该身份证号已登记，不能重复录入" in response.content.decode()


def _org_post(org, **changes):
    data = {"name": org.name, "kind": org.kind, "level": org.level, "sector": org.sector, "active": "on"}
    return {**data, **changes}


def test_edit_org_saves_the_changed_fields(world, od, login):
    client = login(od)
    url = reverse("orgs:org_edit", args=[world.branch_a.code])
    response = client.post(url, _org_post(world.branch_a, name="塔元庄村党总支"), follow=True)
    assert response.redirect_chain == [(reverse("orgs:org_detail", args=[world.branch_a.code]), 302)]
    assert "组织信息已保存" in response.content.decode()
    world.branch_a.refresh_from_db()
    assert world.branch_a.name == "塔元庄村党总支"


def test_a_refused_org_edit_shows_the_refusal_at_its_field(world, od, login, monkeypatch):
    """A refusal of the service lands at the form's field (it was a 500 before the page had the adapter)."""

    def refuse(org, *, by, fields):
        raise DomainError("同一上级下已有同名组织", field="name")

    monkeypatch.setattr(services, "update_org", refuse)
    response = login(od).post(
        reverse("orgs:org_edit", args=[world.branch_a.code]), _org_post(world.branch_a, name="正定镇中学党支部")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["同一上级下已有同名组织"]}
    assert "同一上级下已有同名组织" in response.content.decode()
    world.branch_a.refresh_from_db()
    assert world.branch_a.name == "塔元庄村党支部"


def test_edit_member_without_a_change_says_so(world, od, login):
    client = login(od)
    url = reverse("orgs:member_edit", args=[world.member_a.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    response = client.post(url, data, follow=True)
    assert response.redirect_chain == [(reverse("orgs:member_detail", args=[world.member_a.pk]), 302)]
    assert "没有修改任何内容" in response.content.decode()
    response = client.post(url, dict(data, post="村党支部书记"), follow=True)
    assert "党员信息已保存" in response.content.decode()


def test_edit_member_to_a_registered_id_number_is_refused_at_the_field(world, od, login):
    client = login(od)
    url = reverse("orgs:member_edit", args=[world.member_a.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    response = client.post(url, dict(data, id_number=world.member_b.id_number))
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == ["该身份证号已登记，不能重复录入"]


def test_edit_member_keeps_history(world, od, login):
    client = login(od)
    url = reverse("orgs:member_edit", args=[world.member_a.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("org",)}
    data.update({"post": "村党支部书记", "birth_date": "1980-05-17", "join_date": "2005-07-01"})
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    world.member_a.refresh_from_db()
    assert world.member_a.post == "村党支部书记"
    detail = client.get(reverse("orgs:member_detail", args=[world.member_a.pk])).content.decode()
    assert "村民小组长" in detail and "村党支部书记" in detail  # what the edit overwrote is kept
    assert IdNumberView.objects.filter(user=od, member=world.member_a, purpose="edit").count() == 1


def test_stale_edit_is_refused(world, od, login):
    client = login(od)
    url = reverse("orgs:member_edit", args=[world.member_a.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update({"birth_date": "1980-05-17", "join_date": "2005-07-01"})
    # somebody else saves first
    other = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    other_client = client.__class__()
    other_client.force_login(other, backend="django.contrib.auth.backends.ModelBackend")
    first = dict(data, post="第一人修改")
    assert other_client.post(url, first).status_code == 302
    response = client.post(url, dict(data, post="第二人修改"))
    assert response.status_code == 200
    assert "该党员信息在您编辑期间已被他人修改" in response.content.decode()
    world.member_a.refresh_from_db()
    assert world.member_a.post == "第一人修改"


def test_transfer_member(world, od, login):
    client = login(od)
    response = client.post(
        reverse("orgs:member_transfer", args=[world.member_a.pk]),
        {"to_org": world.branch_a2.code, "reason": "工作调动"},
    )
    assert response.status_code == 302
    world.member_a.refresh_from_db()
    assert world.member_a.org == world.branch_a2 and world.member_a.org_path == world.branch_a2.path
    counts = dict(
        Org.objects.filter(pk__in=[world.branch_a.pk, world.branch_a2.pk, world.town_a.pk]).values_list(
            "code", "subtree_members"
        )
    )
    assert counts == {world.branch_a.code: 0, world.branch_a2.code: 2, world.town_a.code: 2}
    assert world.member_a.history.first().history_change_reason == "工作调动"
    # out of scope target
    response = client.post(reverse("orgs:member_transfer", args=[world.member_a.pk]), {"to_org": world.branch_b.code})
    assert "不在您的管理范围内" in response.content.decode()


def test_full_id_number_only_on_request_and_audited(world, od, login):
    client = login(od)
    detail = client.get(reverse("orgs:member_detail", args=[world.member_a.pk])).content.decode()
    assert world.member_a.id_number not in detail
    response = client.post(reverse("orgs:member_id_number", args=[world.member_a.pk]))
    assert world.member_a.id_number in response.content.decode()
    assert IdNumberView.objects.filter(user=od, member=world.member_a, purpose="detail").count() == 1
    leader = user_with_role(world.province, Role.LEADING_GROUP)
    html = login(leader).get(reverse("orgs:member_detail", args=[world.member_a.pk])).content.decode()
    assert "显示完整号码" not in html and world.member_a.id_number not in html


def test_member_list_search_and_filters(world, od, login):
    client = login(od)
    url = reverse("orgs:member_list")
    assert "张建国" in client.get(url, {"q": "张"}).content.decode()
    assert "李秀英" not in client.get(url, {"q": "张"}).content.decode()
    assert "张建国" in client.get(url, {"q": world.member_a.id_number}).content.decode()
    html = client.get(url, {"sector": "school"}).content.decode()
    assert "李秀英" in html and "张建国" not in html
    html = client.get(url, {"org": world.branch_a.code}).content.decode()
    assert "张建国" in html and "李秀英" not in html
    html = client.get(url, {"category": "retired"}).content.decode()
    assert "没有符合条件的党员" in html
    html = client.get(url, {"status": "full", "kind": "dzb"}).content.decode()
    assert "共 2 名" in html


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_rows(world, od, login):
    client = login(od)
    urls = [
        reverse("orgs:member_list"),
        reverse("orgs:member_list") + "?sector=rural&q=党",
        reverse("orgs:tree"),
        reverse("orgs:org_children", args=[world.town_a.code]),
        reverse("orgs:org_detail", args=[world.town_a.code]),
    ]
    MemberFactory(org=world.branch_a, name="党员一")  # one matching row before, thirty more after
    before = {url: _count_queries(client, url) for url in urls}
    for i in range(30):
        branch = make_org(world.town_a, sector="rural", name=f"新村{i}党支部")
        MemberFactory(org=branch, name=f"党员新{i}")
    after = {url: _count_queries(client, url) for url in urls}
    assert before == after
