"""党建工作指导员 and 大学生村官: assignment rules and pages, the instructor's read-and-remark-only scope on the
organizations assigned (404 elsewhere, 403 for writes), the college-official flag and list."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign.models import Notification, Remark
from campaign.services import instructors as services
from campaign.services import supervision as supervision_services
from orgs import services as org_services
from orgs.enums import Role
from orgs.models import RoleAssignment, User
from tests.factories import MemberFactory, make_org
from tests.factories.campaign_activities import make_activity
from tests.factories.campaign_masses import People, make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    return People(world)


def text(response):
    return response.content.decode()


# --- assignment -----------------------------------------------------------------------------------


def test_instructor_role_only_on_basic_organizations(world, people):
    with pytest.raises(ValidationError) as error:
        org_services.assign_role(people.city_lg, world.town_a, Role.INSTRUCTOR, by=people.city_od)
    assert "党建工作指导员只能派驻到基层党组织" in str(error.value)
    assignment = org_services.assign_role(people.city_lg, world.branch_a, Role.INSTRUCTOR, by=people.city_od)
    assert assignment.get_role_display() == "党建工作指导员"


def test_org_department_assigns_an_existing_higher_level_account(world, people, login):
    client = login(people.city_od)
    response = client.post(
        reverse("campaign:instructor_list"),
        {"action": "assign", "username": "m_city_lg", "org_codes": f"{world.branch_a.code}，{world.branch_a2.code}"},
    )
    assert response.status_code == 302
    assert set(
        RoleAssignment.objects.filter(user=people.city_lg, role=Role.INSTRUCTOR).values_list("org__code", flat=True)
    ) == {world.branch_a.code, world.branch_a2.code}
    page = text(client.get(reverse("campaign:instructor_list")))
    assert "石家庄领导小组" in page and "塔元庄村党支部" in page and "正定镇中学党支部" in page


def test_assignment_refusals(world, people, login):
    client = login(people.county_od)
    # a township is not a basic organization
    response = client.post(
        reverse("campaign:instructor_list"), {"action": "assign", "username": "m_sec_a", "org_codes": world.town_a.code}
    )
    assert "不是基层党组织" in text(response)
    # an organization of the other city is outside the scope
    response = client.post(
        reverse("campaign:instructor_list"),
        {"action": "assign", "username": "m_sec_a", "org_codes": world.branch_b.code},
    )
    assert "不在您的管理范围内" in text(response)
    # an account the county cannot see (city B's)
    response = client.post(
        reverse("campaign:instructor_list"),
        {"action": "assign", "username": "m_city_b_od", "org_codes": world.branch_a.code},
    )
    assert "不在您的管理范围内" in text(response)
    assert not RoleAssignment.objects.filter(role=Role.INSTRUCTOR).exclude(user=people.instructor).exists()
    # only 组织部 manages instructors
    for who in ("city_lg", "secretary_a", "instructor"):
        assert login(getattr(people, who)).get(reverse("campaign:instructor_list")).status_code == 403, who


def test_org_department_creates_a_new_instructor_account(world, people, login):
    client = login(people.county_od)
    response = client.post(
        reverse("campaign:instructor_list"),
        {
            "action": "create",
            "new-username": "zhidaoyuan",
            "new-full_name": "李指导员",
            "new-mobile": "13800001111",
            "new-password1": "Hebei-chuangxian-2010",
            "new-password2": "Hebei-chuangxian-2010",
            "new-org_codes": f"{world.branch_a.code} {world.branch_a2.code}",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="zhidaoyuan")
    assert sorted(user.assignments.values_list("role", "org__code")) == sorted(
        [(Role.INSTRUCTOR, world.branch_a.code), (Role.INSTRUCTOR, world.branch_a2.code)]
    )
    # bad input: nothing half-written
    response = client.post(
        reverse("campaign:instructor_list"),
        {
            "action": "create",
            "new-username": "zhidao2",
            "new-full_name": "王指导员",
            "new-password1": "Hebei-chuangxian-2010",
            "new-password2": "Hebei-chuangxian-2010",
            "new-org_codes": f"{world.branch_a.code} {world.town_a.code}",
        },
    )
    assert response.status_code == 200 and "不是基层党组织" in text(response)
    assert not User.objects.filter(username="zhidao2").exists()


def test_removing_an_instructor(world, people, login):
    assignment = RoleAssignment.objects.get(user=people.instructor)
    assert login(people.city_b_od).post(reverse("campaign:instructor_remove", args=[assignment.pk])).status_code == 404
    response = login(people.county_od).post(reverse("campaign:instructor_remove", args=[assignment.pk]))
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_assign_instructor_service_refuses_outside_scope(world, people):
    with pytest.raises(Exception) as error:
        services.assign_instructor(people.secretary_a, [world.branch_b], by=people.county_od)
    assert "无权" in str(error.value)


# --- what an instructor sees and does -------------------------------------------------------------


def test_instructor_reads_the_assigned_organization_only(world, people, campaign, login):
    make_activity(world.branch_a, campaign, title="塔元庄主题党日")
    other_activity = make_activity(world.branch_a2, campaign, title="中学主题党日")
    make_household(world.branch_a, people.secretary_a, head_name="塔元庄联系户")
    make_household(world.branch_a2, people.secretary_a2, head_name="中学联系户", village="正定镇")
    client = login(people.instructor)
    # organizations and members: the assigned one only, ID numbers and phones masked
    assert client.get(reverse("orgs:org_detail", args=[world.branch_a.code])).status_code == 200
    assert client.get(reverse("orgs:org_detail", args=[world.branch_a2.code])).status_code == 404
    assert client.get(reverse("orgs:org_detail", args=[world.town_a.code])).status_code == 404
    members = text(client.get(reverse("orgs:member_list")))
    assert "张建国" in members and "李秀英" not in members and "王志强" not in members
    detail = client.get(reverse("orgs:member_detail", args=[world.member_a.pk]))
    assert detail.status_code == 200 and world.member_a.id_number not in text(detail)
    assert world.member_a.masked_id_number in text(detail)
    assert client.get(reverse("orgs:member_detail", args=[world.member_a2.pk])).status_code == 404
    # the organization's work
    activities = text(client.get(reverse("campaign:activity_list")))
    assert "塔元庄主题党日" in activities and "中学主题党日" not in activities
    assert client.get(reverse("campaign:activity_detail", args=[other_activity.pk])).status_code == 404
    assert client.get(reverse("campaign:plan_list")).status_code == 200
    households = text(client.get(reverse("masswork:household_list")))
    assert "塔元庄联系户" in households and "中学联系户" not in households
    home = text(client.get(reverse("campaign:instructor_home")))
    assert "塔元庄村党支部" in home and "正定镇中学党支部" not in home


def test_instructor_starts_from_its_page_which_names_the_new_records_to_remark_on(world, people, campaign, login):
    client = login(people.instructor)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("campaign:instructor_home")
    home = text(client.get(reverse("campaign:instructor_home")))
    assert "最新活动记录：暂无" in home and "我还没有点评过" in home and "待点评" not in home
    record = make_activity(world.branch_a, campaign, title="塔元庄主题党日")
    make_activity(world.branch_a2, campaign, title="中学主题党日")  # not his
    home = text(client.get(reverse("campaign:instructor_home")))
    assert "待点评：1 个组织有新的活动记录" in home and "有新的活动记录待点评" in home
    assert reverse("campaign:activity_detail", args=[record.pk]) in home
    assert "塔元庄主题党日" in home and "中学主题党日" not in home
    # a remark of the county's is not his; his own settles what came in before it
    supervision_services.add_remark(
        world.branch_a, by=people.county_od, achievements="好", problems="少", direction="续"
    )
    assert "待点评：1 个组织有新的活动记录" in text(client.get(reverse("campaign:instructor_home")))
    supervision_services.add_remark(
        world.branch_a, by=people.instructor, achievements="好", problems="少", direction="续"
    )
    home = text(client.get(reverse("campaign:instructor_home")))
    assert "待点评" not in home and f"我的上次点评：{timezone.localdate():%Y-%m-%d}" in home
    make_activity(world.branch_a, campaign, title="塔元庄第二次主题党日")
    home = text(client.get(reverse("campaign:instructor_home")))
    assert "待点评：1 个组织有新的活动记录" in home and "塔元庄第二次主题党日" in home


def test_an_instructor_with_other_roles_keeps_its_start_page(world, people, login):
    org_services.assign_role(people.secretary_a2, world.branch_a, Role.INSTRUCTOR, by=people.county_od)
    response = login(people.secretary_a2).get(reverse("home"))
    assert response["Location"] == reverse("workbench:org", args=[world.branch_a2.code])
    org_services.assign_role(people.county_lg, world.branch_a, Role.INSTRUCTOR, by=people.county_od)
    assert login(people.county_lg).get(reverse("home"))["Location"] != reverse("campaign:instructor_home")


def test_instructor_page_query_count_is_constant(world, people, campaign, login):
    client = login(people.instructor)
    make_activity(world.branch_a, campaign)
    client.get(reverse("campaign:instructor_home"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("campaign:instructor_home"))
    for i in range(5):
        org = make_org(world.town_a, sector="rural", name=f"第{i}村")
        org_services.assign_role(people.instructor, org, Role.INSTRUCTOR, by=people.county_od)
        make_activity(org, campaign, title=f"第{i}村主题党日")
        instructor = User.objects.get(pk=people.instructor.pk)  # its assignments as they are now
        supervision_services.add_remark(org, by=instructor, achievements="好", problems="少", direction="续")
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("campaign:instructor_home"))
    assert len(response.context["rows"]) == 6
    assert len(six) == len(one)


def test_instructor_writes_nothing_but_remarks(world, people, campaign, login):
    client = login(people.instructor)
    forbidden = [
        reverse("campaign:activity_create"),
        reverse("masswork:household_create"),
        reverse("masswork:meeting_create"),
        reverse("masswork:dispute_create"),
        reverse("campaign:supervision_inspection_create"),
        reverse("campaign:supervision_order_create"),
        reverse("orgs:member_edit", args=[world.member_a.pk]),
        reverse("orgs:member_create"),
        reverse("campaign:instructor_list"),
    ]
    for url in forbidden:
        assert client.get(url).status_code == 403, url


def test_instructor_remarks_on_the_assigned_organization(world, people, login):
    client = login(people.instructor)
    create = reverse("campaign:supervision_remark_create")
    assert client.get(create + f"?org={world.branch_a.code}").status_code == 200
    assert client.get(create + f"?org={world.branch_a2.code}").status_code == 404
    assert client.get(create + f"?org={world.branch_b.code}").status_code == 404
    response = client.post(
        create,
        {
            "org_code": world.branch_a.code,
            "achievements": "联系户走访扎实",
            "problems": "台账不够规范",
            "direction": "每月至少走访一次",
        },
    )
    remark = Remark.objects.get()
    assert response.status_code == 302
    assert remark.org == world.branch_a and remark.author == people.instructor
    assert remark.get_author_role_display() == "党建工作指导员"
    assert Notification.objects.filter(user=people.secretary_a, title__contains="点评").exists()
    page = text(client.get(reverse("campaign:supervision_remark_detail", args=[remark.pk])))
    assert "每月至少走访一次" in page
    assert "每月至少走访一次" in text(client.get(reverse("campaign:supervision_remark_list")))
    # another organization: refused at the form
    response = client.post(
        create, {"org_code": world.branch_a2.code, "achievements": "x", "problems": "x", "direction": "x"}
    )
    assert response.status_code == 200 and Remark.objects.count() == 1


def test_instructor_reads_remarks_made_by_others_on_its_organization(world, people, login):
    remark = supervision_services.add_remark(
        world.branch_a, by=people.county_od, achievements="好", problems="少", direction="继续"
    )
    other = supervision_services.add_remark(
        world.branch_a2, by=people.county_od, achievements="好", problems="少", direction="中学继续"
    )
    client = login(people.instructor)
    assert client.get(reverse("campaign:supervision_remark_detail", args=[remark.pk])).status_code == 200
    assert client.get(reverse("campaign:supervision_remark_detail", args=[other.pk])).status_code == 404


# --- 大学生村官 ------------------------------------------------------------------------------------


def test_college_official_flag_on_member_form_and_list(world, people, login):
    client = login(people.county_od)
    edit = client.get(reverse("orgs:member_edit", args=[world.member_a.pk]))
    assert "大学生村官" in text(edit)
    world.member_a.college_official = True
    world.member_a.save(update_fields=["college_official"])
    flagged_b = MemberFactory(org=world.branch_b, name="唐山村官", college_official=True)
    MemberFactory(org=world.branch_a, name="普通党员")
    page = text(client.get(reverse("campaign:college_official_list")))
    assert "张建国" in page and "普通党员" not in page and "唐山村官" not in page
    assert world.member_a.mobile not in page and world.member_a.masked_mobile in page
    assert "张建国" not in text(client.get(reverse("campaign:college_official_list") + "?q=李"))
    page = text(client.get(reverse("campaign:college_official_list") + f"?org={world.branch_b.code}"))
    assert "不在您的范围内" in page
    assert "唐山村官" in text(login(people.city_b_od).get(reverse("campaign:college_official_list")))
    assert "张建国" in text(login(people.instructor).get(reverse("campaign:college_official_list")))
    assert login(people.member_a).get(reverse("campaign:college_official_list")).status_code == 403
    assert flagged_b.pk


def test_member_form_saves_the_flag(world, people, login):
    client = login(people.county_od)
    form = client.get(reverse("orgs:member_edit", args=[world.member_a.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "birth_date": world.member_a.birth_date.isoformat(),
            "join_date": world.member_a.join_date.isoformat(),
            "college_official": "on",
        }
    )
    for flag in ("badge_demo_household", "badge_vanguard_post", "badge_responsibility_area"):
        data.pop(flag, None)
    response = client.post(reverse("orgs:member_edit", args=[world.member_a.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    world.member_a.refresh_from_db()
    assert world.member_a.college_official is True


def test_college_official_list_query_count_is_constant(world, people, login):
    client = login(people.county_od)
    MemberFactory(org=world.branch_a, name="村官一", college_official=True)
    client.get(reverse("campaign:college_official_list"))
    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse("campaign:college_official_list"))
    assert response.context["paginator"].count == 1
    for i in range(29):
        MemberFactory(
            org=make_org(world.town_a, sector="rural", name=f"第{i}村"), name=f"村官{i}", college_official=True
        )
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(reverse("campaign:college_official_list"))
    assert len(response.context["object_list"]) == 30
    assert len(thirty) == len(one)
    assert timezone.now()
