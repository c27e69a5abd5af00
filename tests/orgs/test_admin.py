"""The admin of organizations and members, for superusers and data managers (数据管理员) only: the scope of the
portal (another county's row is 404), the portal's services for every write (same checks, Chinese message at the
field, same history rows), ID numbers masked with an audited "显示完整身份证号", logs read-only."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from orgs.enums import Gender, Role
from orgs.models import IdNumberView, ImportJob, Member, RoleAssignment
from orgs.validators import mask_id_number
from tests.factories import UserFactory, make_id_number, user_with_role

# The factories number people of area 130102: an ID number of another area is nobody's yet.
OTHER_AREA = "130105"
PASSWORD = "pass-1234-word"


@pytest.fixture
def manager(world):
    """正定县's 数据管理员: no staff flag, no model permission, only the role."""
    return user_with_role(world.county_a, Role.DATA_MANAGER, username="zd_data")


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(form, **overrides):
    """What the browser posts back for an unchanged admin form, with ``overrides``."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if isinstance(value, datetime.date):
            value = value.isoformat()
        data[name] = "" if value is None else value
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post_change(client, obj, **overrides):
    form = client.get(change_url(obj)).context["adminform"].form
    return client.post(change_url(obj), form_data(form, **overrides))


def field_errors(response, name):
    return response.context["adminform"].form.errors.get(name, [])


# --- who may use the admin ----------------------------------------------------------------------------------


def test_only_superusers_and_data_managers_sign_in(client, world, manager, admin_user):
    login_url = reverse("admin:login")
    # 组织部 staff with every model permission, a secretary without staff: refused with the Chinese message.
    staff = user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="zd_staff", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="orgs"))
    secretary = user_with_role(world.branch_a, Role.SECRETARY, username="zd_sec")
    for refused in (staff, secretary):
        response = client.post(login_url, {"username": refused.username, "password": PASSWORD})
        assert response.status_code == 200
        assert "该账号不是数据管理员" in response.content.decode()
        assert client.get(reverse("admin:index")).status_code == 302  # back to the login

    response = client.post(login_url, {"username": manager.username, "password": PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert "数据管理" in page.content.decode()


def test_a_signed_in_user_without_the_role_is_refused_every_page(login, world):
    staff = user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="zd_staff", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="orgs"))
    client = login(staff)
    for url in (
        reverse("admin:index"),
        reverse("admin:orgs_member_changelist"),
        change_url(world.member_a),
        reverse("admin:orgs_org_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login")), url
    # The login page itself: shown again, not a redirect loop.
    assert client.get(reverse("admin:login")).status_code == 200


def test_a_data_manager_whose_account_is_disabled_is_refused(login, manager):
    manager.is_active = False
    manager.save()
    response = login(manager).get(reverse("admin:index"))
    assert response.status_code == 302


# --- the subtree --------------------------------------------------------------------------------------------


def test_a_data_manager_lists_only_his_subtree(login, world, manager):
    client = login(manager)
    orgs = client.get(reverse("admin:orgs_org_changelist")).content.decode()
    assert "塔元庄村党支部" in orgs and "正定县" in orgs
    assert "滦州村党支部" not in orgs and "滦县" not in orgs and "石家庄市" not in orgs
    members = client.get(reverse("admin:orgs_member_changelist")).content.decode()
    assert "张建国" in members and "李秀英" in members
    assert "王志强" not in members
    # A search does not reach outside either.
    found = client.get(reverse("admin:orgs_member_changelist"), {"q": "王志强"})
    assert list(found.context["cl"].result_list) == []


def test_another_countys_rows_answer_404(login, world, manager):
    client = login(manager)
    member = world.member_b
    version = member.history.first().history_id
    for url in (
        change_url(member),
        change_url(world.branch_b),
        change_url(world.county_b),
        reverse("admin:orgs_member_history", args=[member.pk]),
        reverse("admin:orgs_member_simple_history", args=[member.pk, version]),
        reverse("admin:orgs_org_history", args=[world.branch_b.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(change_url(member), {"name": "改名"})
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.name == "王志强"


def test_a_bad_id_in_the_url_answers_404(login, world, manager):
    client = login(manager)
    member = world.member_a
    for url in (
        "/admin/orgs/member/abc/change/",
        "/admin/orgs/member/99999999999999999999/change/",
        "/admin/orgs/member/abc/history/",
        f"/admin/orgs/member/{member.pk}/history/abc/",
        f"/admin/orgs/member/{member.pk}/history/99999999999999999999/",
        "/admin/orgs/org/-1/change/",
    ):
        assert client.get(url).status_code == 404, url


# --- ID numbers -------------------------------------------------------------------------------------------


def test_id_numbers_are_masked_in_the_list_and_the_form(login, world, manager):
    client = login(manager)
    member = world.member_a
    page = client.get(reverse("admin:orgs_member_changelist")).content.decode()
    assert mask_id_number(member.id_number) in page
    assert member.id_number not in page
    form = client.get(change_url(member)).content.decode()
    assert mask_id_number(member.id_number) in form
    assert member.id_number not in form
    assert not IdNumberView.objects.exists()  # nothing full was shown


def test_show_full_id_numbers_writes_one_audit_row_per_member(login, world, manager):
    client = login(manager)
    chosen = [world.member_a, world.member_a2, world.member_b]  # the last is another county's: not shown
    response = client.post(
        reverse("admin:orgs_member_changelist"),
        {"action": "show_full_id_numbers", "_selected_action": [m.pk for m in chosen]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert world.member_a.id_number in page and world.member_a2.id_number in page
    assert world.member_b.id_number not in page
    rows = IdNumberView.objects.filter(user=manager, purpose="admin_show")
    assert sorted(rows.values_list("member__name", flat=True)) == ["张建国", "李秀英"]
    assert all(row.count == 1 for row in rows)


def test_the_history_page_masks_id_numbers_and_reverts_nothing(login, world, manager):
    client = login(manager)
    member = world.member_a
    old = member.id_number
    new = make_id_number(99, birth=member.birth_date, gender=member.gender, area=OTHER_AREA)
    assert post_change(client, member, id_number=new).status_code == 302
    page = client.get(reverse("admin:orgs_member_history", args=[member.pk])).content.decode()
    assert mask_id_number(new) in page
    assert old not in page and new not in page
    version = member.history.order_by("history_id").first()
    revert = reverse("admin:orgs_member_simple_history", args=[member.pk, version.history_id])
    old_form = client.get(revert)
    assert old_form.status_code == 200
    assert old not in old_form.content.decode() and mask_id_number(old) in old_form.content.decode()
    assert client.post(revert, {"name": "旧名"}).status_code == 403
    member.refresh_from_db()
    assert member.id_number == new


# --- writes go through the services ----------------------------------------------------------------------


def test_a_member_changed_in_the_admin_goes_through_the_service(login, world, manager):
    client = login(manager)
    member = world.member_a
    number = member.id_number
    response = post_change(client, member, mobile="13800000009", post="村委会主任")
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.mobile, member.post, member.id_number) == ("13800000009", "村委会主任", number)
    latest = member.history.order_by("-history_date", "-history_id").first()
    assert latest.history_type == "~"
    assert latest.history_user == manager
    assert (latest.mobile, latest.id_number) == ("13800000009", number)


def test_a_bad_id_number_is_refused_at_the_field_and_nothing_is_written(login, world, manager):
    client = login(manager)
    member = world.member_a
    before = (member.history.count(), member.id_number)
    response = post_change(client, member, id_number="110105194912310021", mobile="13800000009")
    assert response.status_code == 200
    assert field_errors(response, "id_number") == ["身份证号校验位错误"]
    member.refresh_from_db()
    assert (member.history.count(), member.id_number, member.mobile) == (*before, "13911110001")

    response = post_change(client, member, id_number="1301**********0000")
    assert field_errors(response, "id_number") == ["请输入完整的身份证号（18 位或 15 位），或保持原脱敏显示不变"]


def test_an_id_number_of_the_other_gender_or_another_member_is_refused(login, world, manager):
    client = login(manager)
    woman = make_id_number(7, birth=world.member_a.birth_date, gender=Gender.FEMALE, area=OTHER_AREA)
    response = post_change(client, world.member_a, id_number=woman)
    assert field_errors(response, "gender") == ["性别与身份证号不符（身份证号显示为女）"]
    response = post_change(client, world.member_a, id_number=world.member_a2.id_number)
    assert field_errors(response, "id_number") == ["该身份证号已登记，不能重复录入"]
    world.member_a.refresh_from_db()
    assert world.member_a.id_number not in (woman, world.member_a2.id_number)


def test_a_member_added_in_the_admin_goes_through_the_service(login, world, manager):
    client = login(manager)
    url = reverse("admin:orgs_member_add")
    form = client.get(url).context["adminform"].form
    fields = dict(
        name="赵新民",
        gender=Gender.MALE,
        ethnicity="汉族",
        birth_date="1980-05-17",
        id_number=make_id_number(321, gender=Gender.MALE, area=OTHER_AREA),
        mobile="13800000021",
        join_date="2006-07-01",
        status=world.member_a.status,
        category=world.member_a.category,
    )
    # Another county's organization is not his to fill.
    response = client.post(url, form_data(form, org_code=world.branch_b.code, **fields))
    assert field_errors(response, "org_code") == ["未找到该组织，或不在您的管理范围内"]
    assert not Member.objects.filter(name="赵新民").exists()

    world.branch_a.refresh_from_db()
    before = world.branch_a.subtree_members
    response = client.post(url, form_data(form, org_code=world.branch_a.code, **fields))
    assert response.status_code == 302
    member = Member.objects.get(name="赵新民")
    assert (member.org, member.org_path, member.org_sector) == (world.branch_a, world.branch_a.path, "rural")
    world.branch_a.refresh_from_db()
    assert world.branch_a.subtree_members == before + 1  # the service's roll-up
    assert member.history.get().history_user == manager


def test_an_organization_changed_in_the_admin_goes_through_update_org(login, world, manager):
    client = login(manager)
    response = post_change(client, world.branch_a, sector="school")
    assert response.status_code == 302
    world.branch_a.refresh_from_db()
    world.member_a.refresh_from_db()
    assert world.branch_a.sector == "school"
    assert world.member_a.org_sector == "school"  # the service keeps the members' copy
    latest = world.branch_a.history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_type, latest.sector) == (manager, "~", "school")


def test_members_and_organizations_are_never_deleted_or_added_as_orgs(login, world, manager, admin_user):
    for client in (login(manager), login(admin_user)):
        member_delete = reverse("admin:orgs_member_delete", args=[world.member_a.pk])
        assert client.post(member_delete, {"post": "yes"}).status_code == 403
        org_delete = reverse("admin:orgs_org_delete", args=[world.branch_a.pk])
        assert client.post(org_delete, {"post": "yes"}).status_code == 403
        assert client.get(reverse("admin:orgs_org_add")).status_code == 403
    assert Member.objects.filter(pk=world.member_a.pk).exists()


# --- accounts and roles -------------------------------------------------------------------------------------


def test_a_data_manager_reads_accounts_and_roles_but_grants_nothing(login, world, manager):
    client = login(manager)
    account = user_with_role(world.branch_a, Role.SECRETARY, username="zd_secretary")
    other = user_with_role(world.branch_b, Role.SECRETARY, username="lx_secretary")
    users = client.get(reverse("admin:orgs_user_changelist")).content.decode()
    assert "zd_secretary" in users and "lx_secretary" not in users
    page = client.get(change_url(account)).content.decode()
    assert "pbkdf2" not in page and 'name="is_superuser"' not in page and 'name="_save"' not in page
    assert client.get(change_url(other)).status_code == 404
    assert client.get(reverse("admin:orgs_roleassignment_add")).status_code == 403
    role = account.assignments.get()
    assert client.post(reverse("admin:orgs_roleassignment_delete", args=[role.pk]), {"post": "yes"}).status_code == 403
    assert RoleAssignment.objects.filter(pk=role.pk).exists()


def test_a_superuser_grants_a_role_through_the_service(login, world, admin_user):
    client = login(admin_user)
    account = UserFactory(username="zd_new")
    url = reverse("admin:orgs_roleassignment_add")
    data = {"user": account.pk, "org": world.town_a.pk, "role": Role.SECTOR_SUPERVISOR, "sector": ""}
    response = client.post(url, data)
    assert response.status_code == 200
    assert field_errors(response, "sector") == ["行业主管部门必须选择领域"]
    assert not RoleAssignment.objects.filter(user=account).exists()

    response = client.post(url, {**data, "role": Role.DATA_MANAGER})
    assert response.status_code == 302
    granted = RoleAssignment.objects.get(user=account, role=Role.DATA_MANAGER)
    assert granted.history.get().history_user == admin_user
    response = client.post(reverse("admin:orgs_roleassignment_delete", args=[granted.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=granted.pk).exists()
    assert granted.history.filter(history_type="-").get().history_user == admin_user


# --- logs -----------------------------------------------------------------------------------------------------


def test_logs_are_read_only(login, world, manager, admin_user):
    view = IdNumberView.objects.create(user=admin_user, member=world.member_a, purpose="detail")
    job = ImportJob.objects.create(kind="members", original_name="党员.xlsx", created_by=manager, file="imports/x.xlsx")
    for client in (login(manager), login(admin_user)):
        assert client.get(reverse("admin:orgs_importjob_add")).status_code == 403
        assert client.get(reverse("admin:orgs_idnumberview_add")).status_code == 403
        assert client.get(change_url(view)).status_code == 200  # shown …
        assert 'name="_save"' not in client.get(change_url(view)).content.decode()  # … read-only
        assert client.post(change_url(job), {"status": "done"}).status_code == 403
        assert client.post(change_url(view), {"purpose": "x"}).status_code == 403
        assert client.post(reverse("admin:orgs_importjob_delete", args=[job.pk]), {"post": "yes"}).status_code == 403
        assert (
            client.post(reverse("admin:orgs_idnumberview_delete", args=[view.pk]), {"post": "yes"}).status_code == 403
        )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED
    assert IdNumberView.objects.filter(pk=view.pk, purpose="detail").exists()


def test_a_data_manager_reads_the_id_number_log_of_his_subtree_only(login, world, manager, admin_user):
    IdNumberView.objects.create(user=admin_user, member=world.member_a, purpose="detail")
    IdNumberView.objects.create(user=admin_user, member=world.member_b, purpose="detail")
    page = login(manager).get(reverse("admin:orgs_idnumberview_changelist")).content.decode()
    assert "张建国" in page and "王志强" not in page


def test_the_admin_pages_open(login, world, manager, admin_user):
    role = RoleAssignment.objects.create(user=UserFactory(username="zd_view"), org=world.branch_a, role=Role.SECRETARY)
    job = ImportJob.objects.create(kind="orgs", original_name="组织.xlsx", created_by=manager, file="imports/y.xlsx")
    for client in (login(manager), login(admin_user)):
        for obj in (world.branch_a, world.member_a, role, job):
            opts = obj._meta
            assert client.get(reverse(f"admin:orgs_{opts.model_name}_changelist")).status_code == 200
            assert client.get(change_url(obj)).status_code == 200
        for obj in (world.branch_a, world.member_a, role):
            assert client.get(reverse(f"admin:orgs_{obj._meta.model_name}_history", args=[obj.pk])).status_code == 200
        assert client.get(reverse("admin:orgs_member_add")).status_code == 200
    page = login(admin_user).get(change_url(role)).content.decode()
    assert 'name="_save"' not in page  # a role is withdrawn and granted again, never edited
