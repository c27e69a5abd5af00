"""User and role management for org_department: permissions, create, roles, account actions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgs import services
from orgs.enums import Role
from orgs.models import RoleAssignment, User
from tests.factories import UserFactory, user_with_role

PASSWORD = "Hebei-2010-chuangxian"


@pytest.fixture
def people(world):
    """The county A manager, every other role inside county A, and county B's own accounts."""
    return {
        "manager": user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="mgr_a", full_name="正定组织部"),
        "manager_b": user_with_role(world.county_b, Role.ORG_DEPARTMENT, username="mgr_b", full_name="滦县组织部"),
        "leading_group": user_with_role(world.county_a, Role.LEADING_GROUP, username="lg_a"),
        "sector_supervisor": user_with_role(world.county_a, Role.SECTOR_SUPERVISOR, sector="rural", username="ss_a"),
        "secretary": user_with_role(world.branch_a, Role.SECRETARY, username="sec_a", full_name="塔元庄书记"),
        "member": user_with_role(world.branch_a, Role.MEMBER, username="mem_a"),
        "secretary_b": user_with_role(world.branch_b, Role.SECRETARY, username="sec_b", full_name="滦州村书记"),
    }


def urls(people):
    """(method, url for county A's data) for every page of this module."""
    target = people["secretary"]
    assignment = RoleAssignment.objects.get(user=target)
    return [
        ("get", reverse("orgs:user_list")),
        ("get", reverse("orgs:user_create")),
        ("get", reverse("orgs:user_detail", args=[target.pk])),
        ("post", reverse("orgs:user_detail", args=[target.pk])),
        ("post", reverse("orgs:role_add", args=[target.pk])),
        ("post", reverse("orgs:role_delete", args=[assignment.pk])),
    ]


def test_anonymous_is_sent_to_login(client, people):
    for method, url in urls(people):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("role", ["leading_group", "sector_supervisor", "secretary", "member"])
def test_wrong_role_is_forbidden(login, people, role):
    client = login(people[role])
    for method, url in urls(people):
        assert getattr(client, method)(url).status_code == 403, url
    assert RoleAssignment.objects.filter(user=people["secretary"]).count() == 1


def test_other_subtree_answers_404(login, people):
    """County B's manager may use the pages, but county A's accounts do not exist for it."""
    client = login(people["manager_b"])
    for method, url in urls(people)[2:]:
        assert getattr(client, method)(url).status_code == 404, url
    assert RoleAssignment.objects.filter(user=people["secretary"]).count() == 1
    assert User.objects.get(pk=people["secretary"].pk).is_active


def test_manager_sees_only_its_subtree(login, people):
    client = login(people["manager"])
    response = client.get(reverse("orgs:user_list"))
    assert response.status_code == 200
    listed = {u.username for u in response.context["object_list"]}
    assert listed == {"mgr_a", "lg_a", "ss_a", "sec_a", "mem_a"}
    html = response.content.decode()
    assert "塔元庄书记" in html and "书记/党务工作者 · 塔元庄村党支部" in html
    assert "sec_b" not in html and "滦州村书记" not in html and "mgr_b" not in html

    response = client.get(reverse("orgs:user_detail", args=[people["secretary"].pk]))
    assert response.status_code == 200
    assert "塔元庄村党支部" in response.content.decode()


def test_province_manager_sees_both_cities(login, world, people):
    province = user_with_role(world.province, Role.ORG_DEPARTMENT, username="mgr_p")
    response = login(province).get(reverse("orgs:user_list"))
    assert {"sec_a", "sec_b", "mgr_a", "mgr_b", "mgr_p"} <= {u.username for u in response.context["object_list"]}


def test_search_and_filters(login, people):
    client = login(people["manager"])
    response = client.get(reverse("orgs:user_list"), {"q": "书记"})
    assert [u.username for u in response.context["object_list"]] == ["sec_a"]
    response = client.get(reverse("orgs:user_list"), {"q": "MEM_"})
    assert [u.username for u in response.context["object_list"]] == ["mem_a"]
    response = client.get(reverse("orgs:user_list"), {"role": "sector_supervisor"})
    assert [u.username for u in response.context["object_list"]] == ["ss_a"]
    # county B's secretary never shows, whatever the search
    response = client.get(reverse("orgs:user_list"), {"q": "sec"})
    assert [u.username for u in response.context["object_list"]] == ["sec_a"]
    services.set_user_active(people["member"], False, by=people["manager"])
    response = client.get(reverse("orgs:user_list"), {"active": "0"})
    assert [u.username for u in response.context["object_list"]] == ["mem_a"]
    assert "停用" in response.content.decode()


def test_list_is_paginated_by_30(login, world, people):
    for n in range(35):
        user_with_role(world.branch_a2, Role.MEMBER, username=f"zz{n:02d}")
    client = login(people["manager"])
    response = client.get(reverse("orgs:user_list"))
    assert len(response.context["object_list"]) == 30
    assert "共 40 个账号" in response.content.decode()
    response = client.get(reverse("orgs:user_list"), {"page": 2})
    assert len(response.context["object_list"]) == 10


def _list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("orgs:user_list"))
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["object_list"])


def test_list_query_count_is_constant(login, world):
    manager = user_with_role(world.town_a, Role.ORG_DEPARTMENT, username="mgr_t")
    client = login(manager)
    client.get(reverse("orgs:user_list"))  # warm up session and content types
    few, rows = _list_queries(client)
    assert rows == 1
    for n in range(29):
        user = user_with_role(world.branch_a, Role.MEMBER, username=f"m{n:02d}")
        RoleAssignment.objects.create(user=user, org=world.branch_a2, role=Role.SECRETARY)
    many, rows = _list_queries(client)
    assert rows == 30
    assert few == many


def test_detail_query_count_is_constant(login, world, people):
    client = login(people["manager"])
    target = people["secretary"]
    url = reverse("orgs:user_detail", args=[target.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for org in (world.branch_a2, world.town_a, world.county_a):
        RoleAssignment.objects.create(user=target, org=org, role=Role.LEADING_GROUP)
    with CaptureQueriesContext(connection) as four:
        response = client.get(url)
    assert len(response.context["roles"]) == 4
    assert len(one.captured_queries) == len(four.captured_queries)


# --- create ------------------------------------------------------------------------------------


def create_data(world, **overrides):
    data = {
        "username": "zhangsan",
        "full_name": "张三",
        "mobile": "13812345678",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "role": Role.SECRETARY,
        "org_code": world.branch_a.code,
        "sector": "",
        "member_id_number": "",
    }
    data.update(overrides)
    return data


def test_create_user_happy_path(login, world, people):
    client = login(people["manager"])
    assert client.get(reverse("orgs:user_create")).status_code == 200
    response = client.post(reverse("orgs:user_create"), create_data(world), follow=True)
    user = User.objects.get(username="zhangsan")
    assert response.redirect_chain[-1][0] == reverse("orgs:user_detail", args=[user.pk])
    assert user.full_name == "张三" and user.mobile == "13812345678" and user.is_active
    assert user.check_password(PASSWORD)
    assert [(a.role, a.org_id) for a in user.assignments.all()] == [(Role.SECRETARY, world.branch_a.pk)]
    assert RoleAssignment.objects.get(user=user).created_by == people["manager"]
    html = response.content.decode()
    assert "已创建账号zhangsan" in html and "塔元庄村党支部" in html


def test_create_sector_supervisor_with_sector(login, world, people):
    client = login(people["manager"])
    data = create_data(world, role=Role.SECTOR_SUPERVISOR, org_code=world.county_a.code, sector="school")
    client.post(reverse("orgs:user_create"), data)
    assignment = RoleAssignment.objects.get(user__username="zhangsan")
    assert (assignment.role, assignment.org, assignment.sector) == (Role.SECTOR_SUPERVISOR, world.county_a, "school")


def test_create_member_linked_to_member_record(login, world, people):
    client = login(people["manager"])
    data = create_data(world, role=Role.MEMBER, member_id_number=world.member_a.id_number.lower())
    client.post(reverse("orgs:user_create"), data)
    user = User.objects.get(username="zhangsan")
    assert user.member == world.member_a
    assert "张建国" in client.get(reverse("orgs:user_detail", args=[user.pk])).content.decode()


BAD_INPUTS = [
    ("username_taken", {"username": "SEC_A"}, "user_form", "username", "已存在一位使用该名字的用户。"),
    ("username_chars", {"username": "张 三"}, "user_form", "username", "请输入合法的用户名"),
    ("no_name", {"full_name": ""}, "user_form", "full_name", "这个字段是必填项。"),
    ("bad_mobile", {"mobile": "12812345678"}, "user_form", "mobile", "手机号码应为以 1 开头的 11 位数字"),
    (
        "short_password",
        {"password1": "a1b2c3", "password2": "a1b2c3"},
        "user_form",
        "password1",
        "密码长度太短。密码必须包含至少 8 个字符。",
    ),
    (
        "numeric_password",
        {"password1": "2837465019283", "password2": "2837465019283"},
        "user_form",
        "password1",
        "密码只包含数字。",
    ),
    (
        "common_password",
        {"password1": "password", "password2": "password"},
        "user_form",
        "password1",
        "这个密码太常见了。",
    ),
    (
        "similar_password",
        {"username": "liubei2010", "password1": "liubei2010", "password2": "liubei2010"},
        "user_form",
        "password1",
        "密码跟 用户名 太相似了。",
    ),
    ("mismatch", {"password2": PASSWORD + "x"}, "user_form", "password2", "输入的两个密码不一致。"),
    (
        "unknown_org",
        {"org_code": "999999"},
        "role_form",
        "org_code",
        "未找到该组织，或不在您的管理范围内",
    ),
    (
        "other_subtree_org",
        {"org_code": "130223100201"},
        "role_form",
        "org_code",
        "未找到该组织，或不在您的管理范围内",
    ),
    ("above_own_node", {"org_code": "130100"}, "role_form", "org_code", "未找到该组织，或不在您的管理范围内"),
    (
        "sector_missing",
        {"role": Role.SECTOR_SUPERVISOR, "org_code": "130123"},
        "role_form",
        "sector",
        "行业主管部门必须选择领域",
    ),
    ("secretary_on_township", {"org_code": "130123100"}, "role_form", "org_code", "书记和党员角色只能授予基层党组织"),
    (
        "member_on_county",
        {"role": Role.MEMBER, "org_code": "130123"},
        "role_form",
        "org_code",
        "书记和党员角色只能授予基层党组织",
    ),
    ("bad_role", {"role": "admin"}, "role_form", "role", "选择一个有效的选项。"),
    (
        "bad_id_number",
        {"role": Role.MEMBER, "member_id_number": "130102198005170000"},
        "role_form",
        "member_id_number",
        "身份证号校验位错误",
    ),
]


@pytest.mark.parametrize(("case", "overrides", "form", "field", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_create_user_bad_input(login, world, people, case, overrides, form, field, message):
    client = login(people["manager"])
    before = User.objects.count(), RoleAssignment.objects.count()
    response = client.post(reverse("orgs:user_create"), create_data(world, **overrides))
    assert response.status_code == 200
    errors = response.context[form].errors[field]
    assert any(message in e for e in errors), errors
    assert message in response.content.decode()
    assert (User.objects.count(), RoleAssignment.objects.count()) == before


def test_create_member_with_id_of_another_org(login, world, people):
    """The member record must belong to the basic org the role is on."""
    client = login(people["manager"])
    data = create_data(world, role=Role.MEMBER, member_id_number=world.member_a2.id_number)
    response = client.post(reverse("orgs:user_create"), data)
    assert "“塔元庄村党支部”中没有该身份证号的党员" in response.context["role_form"].errors["member_id_number"]
    data = create_data(world, role=Role.SECRETARY, member_id_number=world.member_a.id_number)
    response = client.post(reverse("orgs:user_create"), data)
    assert "只有“党员”角色可以关联党员档案" in response.context["role_form"].errors["member_id_number"]
    assert not User.objects.filter(username="zhangsan").exists()


def test_create_member_record_already_linked(login, world, people):
    client = login(people["manager"])
    services.link_member(people["member"], world.member_a, by=people["manager"])
    data = create_data(world, role=Role.MEMBER, member_id_number=world.member_a.id_number)
    response = client.post(reverse("orgs:user_create"), data)
    assert "该党员档案已关联其他账号" in response.context["role_form"].errors["member_id_number"]
    assert not User.objects.filter(username="zhangsan").exists()


# --- roles ---------------------------------------------------------------------------------------


def test_add_role(login, world, people):
    client = login(people["manager"])
    target = people["secretary"]
    url = reverse("orgs:role_add", args=[target.pk])
    response = client.post(url, {"role": Role.LEADING_GROUP, "org_code": world.town_a.code}, follow=True)
    assert "已授予“正定镇”的领导小组角色" in response.content.decode()
    assert set(target.assignments.values_list("role", "org__code")) == {
        (Role.SECRETARY, world.branch_a.code),
        (Role.LEADING_GROUP, world.town_a.code),
    }


def test_add_role_bad_input(login, world, people):
    client = login(people["manager"])
    target = people["secretary"]
    url = reverse("orgs:role_add", args=[target.pk])
    response = client.post(url, {"role": Role.SECTOR_SUPERVISOR, "org_code": world.county_a.code})
    assert response.context["role_form"].errors["sector"] == ["行业主管部门必须选择领域"]
    response = client.post(url, {"role": Role.SECRETARY, "org_code": world.branch_b.code})
    assert "不在您的管理范围内" in response.context["role_form"].errors["org_code"][0]
    assert target.assignments.count() == 1


def test_add_member_role_links_record(login, world, people):
    client = login(people["manager"])
    target = people["secretary"]
    data = {"role": Role.MEMBER, "org_code": world.branch_a.code, "member_id_number": world.member_a.id_number}
    client.post(reverse("orgs:role_add", args=[target.pk]), data)
    target.refresh_from_db()
    assert target.member == world.member_a


def test_add_member_role_is_all_or_nothing(login, world, people):
    """An account already tied to another member record gets neither the role nor the link."""
    client = login(people["manager"])
    target = people["secretary"]
    services.link_member(target, world.member_a2, by=people["manager"])
    data = {"role": Role.MEMBER, "org_code": world.branch_a.code, "member_id_number": world.member_a.id_number}
    response = client.post(reverse("orgs:role_add", args=[target.pk]), data)
    assert response.context["role_form"].errors["member_id_number"] == ["该账号已关联其他党员档案"]
    assert list(target.assignments.values_list("role", flat=True)) == [Role.SECRETARY]
    target.refresh_from_db()
    assert target.member == world.member_a2


def test_remove_role(login, world, people):
    client = login(people["manager"])
    target = people["secretary"]
    extra = RoleAssignment.objects.create(user=target, org=world.branch_a2, role=Role.SECRETARY)
    response = client.post(reverse("orgs:role_delete", args=[extra.pk]), follow=True)
    assert "已撤销“正定镇中学党支部”的书记/党务工作者角色" in response.content.decode()
    assert list(target.assignments.values_list("org__code", flat=True)) == [world.branch_a.code]
    # the last role in scope: the account leaves the manager's list
    last = target.assignments.get()
    response = client.post(reverse("orgs:role_delete", args=[last.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("orgs:user_list")
    assert "sec_a" not in {u.username for u in response.context["object_list"]}
    assert client.get(reverse("orgs:user_detail", args=[target.pk])).status_code == 404


def test_cannot_remove_own_org_department_role(login, people):
    manager = people["manager"]
    client = login(manager)
    own = manager.assignments.get()
    response = client.post(reverse("orgs:role_delete", args=[own.pk]), follow=True)
    assert "不能撤销自己的组织部角色" in response.content.decode()
    assert manager.assignments.filter(pk=own.pk).exists()


def test_get_on_delete_is_not_allowed(login, people):
    own = RoleAssignment.objects.get(user=people["secretary"])
    assert login(people["manager"]).get(reverse("orgs:role_delete", args=[own.pk])).status_code == 405
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_roles_outside_the_subtree_stay_hidden_and_untouchable(login, world, people):
    """A city-B account that also holds a role in county A: A sees and changes only that role."""
    client = login(people["manager"])
    both = people["secretary_b"]
    inside = RoleAssignment.objects.create(user=both, org=world.branch_a2, role=Role.SECRETARY)
    outside = RoleAssignment.objects.get(user=both, org=world.branch_b)
    response = client.get(reverse("orgs:user_detail", args=[both.pk]))
    assert [a.pk for a in response.context["roles"]] == [inside.pk]
    html = response.content.decode()
    assert "滦州村党支部" not in html
    assert 'value="deactivate"' not in html and 'name="new_password1"' not in html
    assert "该账号在您的管理范围之外还有角色" in html
    # the role outside cannot be withdrawn, the account neither disabled nor its password reset
    assert client.post(reverse("orgs:role_delete", args=[outside.pk])).status_code == 404
    assert client.post(reverse("orgs:user_detail", args=[both.pk]), {"action": "deactivate"}).status_code == 403
    data = {"action": "password", "new_password1": "Neu-Pass-2010", "new_password2": "Neu-Pass-2010"}
    assert client.post(reverse("orgs:user_detail", args=[both.pk]), data).status_code == 403
    both.refresh_from_db()
    assert both.is_active and both.check_password("pass-1234-word")
    assert RoleAssignment.objects.filter(pk=outside.pk).exists()


def test_staff_account_is_not_manageable(login, world, people):
    admin = user_with_role(world.branch_a, Role.SECRETARY, username="root_a", is_staff=True, is_superuser=True)
    client = login(people["manager"])
    assert client.post(reverse("orgs:user_detail", args=[admin.pk]), {"action": "deactivate"}).status_code == 403
    admin.refresh_from_db()
    assert admin.is_active


# --- account actions -----------------------------------------------------------------------------


def test_deactivate_then_login_is_refused(client, login, world, people):
    target = people["secretary"]
    manager_client = login(people["manager"])
    url = reverse("orgs:user_detail", args=[target.pk])
    response = manager_client.post(url, {"action": "deactivate"}, follow=True)
    assert "账号已停用，该用户将无法登录" in response.content.decode()
    target.refresh_from_db()
    assert not target.is_active
    manager_client.logout()

    response = client.post(reverse("login"), {"username": "sec_a", "password": "pass-1234-word"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session

    login(people["manager"]).post(url, {"action": "activate"})
    client.logout()
    response = client.post(reverse("login"), {"username": "sec_a", "password": "pass-1234-word"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(target.pk)


def test_deactivated_user_session_ends(client, world, people):
    target = people["secretary"]
    client.force_login(target, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("orgs:tree")).status_code == 200
    services.set_user_active(target, False, by=people["manager"])
    response = client.get(reverse("orgs:tree"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_cannot_deactivate_self(login, people):
    manager = people["manager"]
    client = login(manager)
    response = client.post(reverse("orgs:user_detail", args=[manager.pk]), {"action": "deactivate"}, follow=True)
    assert "不能停用自己的账号" in response.content.decode()
    manager.refresh_from_db()
    assert manager.is_active


def test_reset_password(client, login, people):
    target = people["secretary"]
    manager_client = login(people["manager"])
    url = reverse("orgs:user_detail", args=[target.pk])
    data = {"action": "password", "new_password1": "short", "new_password2": "short"}
    response = manager_client.post(url, data)
    assert "密码长度太短。密码必须包含至少 8 个字符。" in response.context["password_form"].errors["new_password1"][0]
    data = {"action": "password", "new_password1": "Neu-Pass-2010", "new_password2": "Neu-Pass-2011"}
    response = manager_client.post(url, data)
    assert response.context["password_form"].errors["new_password2"] == ["输入的两个密码不一致。"]
    target.refresh_from_db()
    assert target.check_password("pass-1234-word")

    data = {"action": "password", "new_password1": "Neu-Pass-2010", "new_password2": "Neu-Pass-2010"}
    response = manager_client.post(url, data, follow=True)
    assert "新密码已设置" in response.content.decode()
    manager_client.logout()
    assert client.post(reverse("login"), {"username": "sec_a", "password": "pass-1234-word"}).status_code == 200
    assert client.post(reverse("login"), {"username": "sec_a", "password": "Neu-Pass-2010"}).status_code == 302


def test_services_refuse_accounts_outside_scope(world, people):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.set_user_active(people["secretary_b"], False, by=people["manager"])
    with pytest.raises(PermissionDenied):
        services.reset_password(people["secretary_b"], "Neu-Pass-2010", by=people["manager"])
    with pytest.raises(PermissionDenied):
        services.link_member(people["secretary_b"], world.member_b, by=people["manager"])
    fresh = UserFactory(username="norole")
    with pytest.raises(PermissionDenied):
        services.set_user_active(fresh, False, by=people["manager"])
