"""The admin writes through the portal's services: same scope, same checks and Chinese messages at the
field, history with the staff user, the same audit rows; logs read-only; nothing the portal forbids."""

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

PERMISSIONS = [
    "view_member",
    "change_member",
    "add_member",
    "delete_member",
    "view_org",
    "change_org",
    "add_org",
    "delete_org",
    "view_roleassignment",
    "add_roleassignment",
    "change_roleassignment",
    "delete_roleassignment",
    "view_idnumberview",
    "change_idnumberview",
    "view_importjob",
    "change_importjob",
    "view_user",
    "change_user",
    "add_user",
    "delete_user",
]


@pytest.fixture
def staff(world):
    """正定县 组织部, a staff account with every model permission of the app: the scope still limits it."""
    user = user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="zd_staff", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="orgs", codename__in=PERMISSIONS))
    return user


def change_url(obj):
    return reverse(f"admin:orgs_{obj._meta.model_name}_change", args=[obj.pk])


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


def test_a_member_changed_in_the_admin_is_in_history_with_the_staff_user(login, world, staff):
    client = login(staff)
    member = world.member_a
    response = post_change(client, member, mobile="13800000009", post="村委会主任")
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.mobile, member.post) == ("13800000009", "村委会主任")
    latest = member.history.order_by("-history_date", "-history_id").first()
    assert latest.history_type == "~"
    assert latest.history_user == staff
    # The change form showed the full ID number: recorded like the portal's edit page.
    assert IdNumberView.objects.filter(user=staff, member=member, purpose="edit").exists()


def test_a_bad_id_number_is_refused_at_the_field_and_nothing_is_written(login, world, staff):
    client = login(staff)
    member = world.member_a
    before = (member.history.count(), member.id_number)
    response = post_change(client, member, id_number="110105194912310021", mobile="13800000009")
    assert response.status_code == 200
    assert field_errors(response, "id_number") == ["身份证号校验位错误"]
    assert "身份证号校验位错误" in response.content.decode()
    member.refresh_from_db()
    assert (member.history.count(), member.id_number, member.mobile) == (*before, "13911110001")


def test_an_id_number_of_the_other_gender_is_refused_as_in_the_portal(login, world, staff):
    client = login(staff)
    woman = make_id_number(7, birth=world.member_a.birth_date, gender=Gender.FEMALE, area=OTHER_AREA)
    response = post_change(client, world.member_a, id_number=woman)
    assert field_errors(response, "gender") == ["性别与身份证号不符（身份证号显示为女）"]
    world.member_a.refresh_from_db()
    assert world.member_a.id_number != woman


def test_the_id_number_of_another_member_is_refused(login, world, staff):
    client = login(staff)
    response = post_change(client, world.member_a, id_number=world.member_a2.id_number)
    assert field_errors(response, "id_number") == ["该身份证号已登记，不能重复录入"]


def test_a_member_added_in_the_admin_goes_through_the_service(login, world, staff):
    client = login(staff)
    url = reverse("admin:orgs_member_add")
    form = client.get(url).context["adminform"].form
    data = form_data(
        form,
        org_code=world.branch_a.code,
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
    world.branch_a.refresh_from_db()
    before = world.branch_a.subtree_members
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member = Member.objects.get(name="赵新民")
    assert (member.org, member.org_path, member.org_sector) == (world.branch_a, world.branch_a.path, "rural")
    world.branch_a.refresh_from_db()
    assert world.branch_a.subtree_members == before + 1  # the service's roll-up
    assert member.history.get().history_user == staff


def test_a_member_outside_the_scope_cannot_be_changed(login, world, staff):
    client = login(staff)
    response = client.post(change_url(world.member_b), {"name": "改名"})
    assert response.status_code == 302  # the admin's "does not exist" redirect
    world.member_b.refresh_from_db()
    assert world.member_b.name == "王志强"


def test_members_and_organizations_are_never_deleted_or_added_in_the_admin(login, world, staff):
    client = login(staff)
    member_delete = reverse("admin:orgs_member_delete", args=[world.member_a.pk])
    assert client.post(member_delete, {"post": "yes"}).status_code == 403
    assert Member.objects.filter(pk=world.member_a.pk).exists()
    assert client.post(reverse("admin:orgs_org_delete", args=[world.branch_a.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:orgs_org_add")).status_code == 403


def test_an_organization_changed_in_the_admin_goes_through_update_org(login, world, staff):
    client = login(staff)
    response = post_change(client, world.branch_a, sector="school")
    assert response.status_code == 302
    world.branch_a.refresh_from_db()
    world.member_a.refresh_from_db()
    assert world.branch_a.sector == "school"
    assert world.member_a.org_sector == "school"  # the service keeps the members' copy
    assert world.branch_a.history.order_by("-history_id").first().history_user == staff


def test_the_history_page_masks_id_numbers_and_reverts_nothing(login, world, staff):
    client = login(staff)
    member = world.member_a
    old = member.id_number
    new = make_id_number(99, birth=member.birth_date, gender=member.gender, area=OTHER_AREA)
    assert post_change(client, member, id_number=new).status_code == 302
    page = client.get(reverse("admin:orgs_member_history", args=[member.pk])).content.decode()
    assert mask_id_number(new) in page
    assert old not in page and new not in page
    version = member.history.order_by("history_id").first()
    revert = reverse("admin:orgs_member_simple_history", args=[member.pk, version.history_id])
    assert client.post(revert, {"name": "旧名"}).status_code == 403
    member.refresh_from_db()
    assert member.id_number == new


def test_a_role_the_service_refuses_is_shown_at_the_field(login, world, staff):
    client = login(staff)
    account = UserFactory(username="zd_new")
    RoleAssignment.objects.create(user=account, org=world.branch_a, role=Role.SECRETARY)
    url = reverse("admin:orgs_roleassignment_add")
    data = {"user": account.pk, "org": world.town_a.pk, "role": Role.SECTOR_SUPERVISOR, "sector": ""}
    response = client.post(url, data)
    assert response.status_code == 200
    assert field_errors(response, "sector") == ["行业主管部门必须选择领域"]
    assert not RoleAssignment.objects.filter(user=account, role=Role.SECTOR_SUPERVISOR).exists()

    response = client.post(url, {**data, "sector": "rural"})
    assert response.status_code == 302
    granted = RoleAssignment.objects.get(user=account, role=Role.SECTOR_SUPERVISOR)
    assert granted.created_by == staff
    assert granted.history.get().history_user == staff


def test_a_role_outside_the_scope_cannot_be_granted(login, world, staff):
    client = login(staff)
    account = UserFactory(username="zd_other")
    RoleAssignment.objects.create(user=account, org=world.branch_a, role=Role.SECRETARY)
    url = reverse("admin:orgs_roleassignment_add")
    response = client.post(url, {"user": account.pk, "org": world.branch_b.pk, "role": Role.SECRETARY})
    assert response.status_code == 200
    assert field_errors(response, "org")
    assert not RoleAssignment.objects.filter(org=world.branch_b).exists()


def test_withdrawing_a_role_goes_through_the_service(login, world, staff):
    client = login(staff)
    own = staff.assignments.get()
    response = client.post(reverse("admin:orgs_roleassignment_delete", args=[own.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(pk=own.pk).exists()  # 不能撤销自己的组织部角色
    messages = [str(m) for m in client.get(response.url).context["messages"]]
    assert "不能撤销自己的组织部角色" in messages

    account = UserFactory(username="zd_sec")
    role = RoleAssignment.objects.create(user=account, org=world.branch_a, role=Role.SECRETARY)
    response = client.post(reverse("admin:orgs_roleassignment_delete", args=[role.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=role.pk).exists()
    assert role.history.filter(history_type="-").get().history_user == staff


def test_logs_are_read_only(login, world, staff, admin_user):
    IdNumberView.objects.create(user=staff, member=world.member_a, purpose="detail")
    job = ImportJob.objects.create(kind="members", original_name="党员.xlsx", created_by=staff, file="imports/x.xlsx")
    for client in (login(staff), login(admin_user)):
        assert client.get(reverse("admin:orgs_importjob_add")).status_code == 403
        assert client.post(change_url(job), {"status": "done"}).status_code == 403
        assert client.post(reverse("admin:orgs_importjob_delete", args=[job.pk]), {"post": "yes"}).status_code == 403
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED
    view = IdNumberView.objects.get()
    client = login(admin_user)
    assert client.post(change_url(view), {"purpose": "x"}).status_code == 403
    assert client.post(reverse("admin:orgs_idnumberview_delete", args=[view.pk]), {"post": "yes"}).status_code == 403
    assert IdNumberView.objects.filter(pk=view.pk, purpose="detail").exists()


def test_the_admin_pages_open(login, world, staff, admin_user):
    role = RoleAssignment.objects.create(user=UserFactory(username="zd_view"), org=world.branch_a, role=Role.SECRETARY)
    job = ImportJob.objects.create(kind="orgs", original_name="组织.xlsx", created_by=staff, file="imports/y.xlsx")
    view = IdNumberView.objects.create(user=staff, member=world.member_a, purpose="detail")
    for client in (login(staff), login(admin_user)):
        for obj in (world.branch_a, world.member_a, role, job):
            opts = obj._meta
            assert client.get(reverse(f"admin:orgs_{opts.model_name}_changelist")).status_code == 200
            assert client.get(change_url(obj)).status_code == 200
        for obj in (world.branch_a, world.member_a, role):
            assert client.get(reverse(f"admin:orgs_{obj._meta.model_name}_history", args=[obj.pk])).status_code == 200
        assert client.get(reverse("admin:orgs_member_add")).status_code == 200
        assert client.get(reverse("admin:orgs_roleassignment_add")).status_code == 200
    assert client.get(change_url(view)).status_code == 200
    page = client.get(change_url(role)).content.decode()
    assert 'name="_save"' not in page  # a role is withdrawn and granted again, never edited


def test_only_a_superuser_sets_privileges(login, world, staff, admin_user):
    account = UserFactory(username="zd_priv")
    RoleAssignment.objects.create(user=account, org=world.branch_a, role=Role.SECRETARY)
    page = login(staff).get(change_url(account)).content.decode()
    assert 'name="full_name"' in page
    assert 'name="is_superuser"' not in page and 'name="is_staff"' not in page
    # A staff account (its own included) is not managed by staff: shown, not editable.
    assert 'name="_save"' not in login(staff).get(change_url(staff)).content.decode()
    assert 'name="is_superuser"' in login(admin_user).get(change_url(account)).content.decode()
    client = login(staff)
    assert client.get(reverse("admin:orgs_user_add")).status_code == 403
    assert client.post(reverse("admin:orgs_user_delete", args=[account.pk]), {"post": "yes"}).status_code == 403
    assert type(account).objects.filter(pk=account.pk).exists()
