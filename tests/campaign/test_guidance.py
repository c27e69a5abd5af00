"""省直 指导小组: a provincial department forms the guidance group of its sector, with members and contact points,
records inspections and remarks as the group, and the dashboards' sector view shows which group guides a sector.

"省直有关部门要成立指导小组，加强对相关领域(行业)创先争优活动的具体指导。" (seed, part 五)
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaign.models import GuidanceContactPoint, GuidanceGroup, GuidanceGroupMember, Inspection, Remark
from campaign.queries import guidance as gq
from campaign.services import guidance as services
from orgs.enums import OrgKind, OrgLevel, Role
from tests.factories import make_org, user_with_role
from tests.factories.campaign_supervision import make_inspection

pytestmark = pytest.mark.django_db
SCHOOL_GROUP = "省教育厅创先争优活动指导小组"


class People:
    """The province's departments for 中小学 (school) and 农村 (rural), its 组织部 and 领导小组, and people lower
    down who hold the same roles (a county's 教育局, the city's 组织部)."""

    def __init__(self, world):
        p = world.province
        self.edu = user_with_role(p, Role.SECTOR_SUPERVISOR, sector="school", username="jyt", full_name="省教育厅")
        self.rural = user_with_role(p, Role.SECTOR_SUPERVISOR, sector="rural", username="ngw", full_name="省委农工委")
        self.province_od = user_with_role(p, Role.ORG_DEPARTMENT, username="sheng_zzb_g")
        self.province_lg = user_with_role(p, Role.LEADING_GROUP, username="sheng_ldxz_g")
        self.city_od = user_with_role(world.city_a, Role.ORG_DEPARTMENT, username="city_od_g")
        self.city_lg = user_with_role(world.city_a, Role.LEADING_GROUP, username="city_lg_g")
        self.county_od = user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="county_od_g")
        self.county_ss = user_with_role(world.county_a, Role.SECTOR_SUPERVISOR, sector="school", username="zdjyj")
        self.secretary = user_with_role(world.branch_a2, Role.SECRETARY, username="sec_school")


@pytest.fixture
def people(world):
    return People(world)


@pytest.fixture
def school_group(people):
    group = services.create_guidance_group(
        by=people.edu, sector="school", department="省教育厅", name=SCHOOL_GROUP, phone="0311-66001234"
    )
    services.add_guidance_member(group, by=people.edu, name="王厅长", post="省教育厅副厅长", group_role="head")
    return group


@pytest.fixture
def rural_group(people):
    return services.create_guidance_group(by=people.rural, sector="rural", department="省委农工委", name="农村指导小组")


def text(response):
    return response.content.decode()


def login(user) -> Client:
    """A client of its own signed in as ``user`` (the ``login`` fixture shares one client)."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


# --- services: who may form a group, for which sector -----------------------------------------------------------


def test_a_department_forms_the_group_of_its_own_sector(world, people, school_group):
    assert (school_group.org, school_group.sector, school_group.department) == (world.province, "school", "省教育厅")
    assert school_group.created_by == people.edu
    assert school_group.history.get().history_user == people.edu
    assert [m.name for m in school_group.members.all()] == ["王厅长"]


def test_another_sector_is_refused_at_the_field_and_nothing_is_written(people):
    with pytest.raises(ValidationError) as error:
        services.create_guidance_group(by=people.edu, sector="rural", department="省教育厅", name="农村指导")
    assert error.value.message_dict == {"sector": ["您只能为本部门主管的领域（中小学）成立指导小组，不能为“农村”成立"]}
    assert not GuidanceGroup.objects.exists()


@pytest.mark.parametrize("who", ["city_od", "county_ss", "province_lg", "secretary"])
def test_only_province_departments_and_the_province_org_department_form_groups(people, who):
    with pytest.raises(PermissionDenied):
        services.create_guidance_group(by=getattr(people, who), sector="school", department="x", name="x")
    assert not GuidanceGroup.objects.exists()


def test_the_province_org_department_forms_one_for_any_sector(world, people):
    group = services.create_guidance_group(by=people.province_od, sector="health", department="省卫生厅", name="卫生")
    assert group.org == world.province and group.sector == "health"


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"name": SCHOOL_GROUP}, {"name": [f"已有名为“{SCHOOL_GROUP}”的指导小组"]}),
        ({"department": "  "}, {"department": ["请填写此项"]}),
        ({"phone": "12345"}, {"phone": ["请填写11位手机号码或带区号的固定电话（如0311-87654321）"]}),
        ({"sector": "nothing"}, {"sector": ["请选择指导的领域（行业）"]}),
    ],
)
def test_group_fields_are_checked(people, school_group, values, errors):
    data = {"sector": "school", "department": "省教育厅", "name": "第二个小组", "phone": "", **values}
    with pytest.raises(ValidationError) as error:
        services.create_guidance_group(by=people.edu, **data)
    assert error.value.message_dict == errors
    assert GuidanceGroup.objects.count() == 1


def test_members_and_their_rules(world, people, school_group):
    member = services.add_guidance_member(
        school_group, by=people.edu, name="李处长", post="基础教育处处长", phone="13911112222", user=people.county_ss
    )
    assert (member.phone, member.user, member.group_role) == ("13911112222", people.county_ss, "member")
    with pytest.raises(ValidationError) as error:
        services.add_guidance_member(school_group, by=people.edu, name="", post="x", phone="abc")
    assert error.value.message_dict == {"name": ["请填写此项"]}
    with pytest.raises(ValidationError) as error:
        services.add_guidance_member(school_group, by=people.edu, name="赵", post="x", phone="abc")
    assert error.value.message_dict == {"phone": ["请填写11位手机号码或带区号的固定电话（如0311-87654321）"]}
    other = make_org(None, level=OrgLevel.PROVINCE, kind=OrgKind.COMMITTEE, code="140000", name="山西省")
    outsider = user_with_role(other, Role.ORG_DEPARTMENT, username="shanxi")
    with pytest.raises(ValidationError) as error:
        services.add_guidance_member(school_group, by=people.edu, name="外省", post="x", user=outsider)
    assert error.value.message_dict == {"username": ["账号“shanxi”不属于本省，不能关联"]}
    with pytest.raises(PermissionDenied):
        services.add_guidance_member(school_group, by=people.rural, name="农", post="x")
    assert GuidanceGroupMember.objects.count() == 2
    services.update_guidance_member(member, by=people.edu, fields={"post": "处长", "group_role": "deputy"})
    member.refresh_from_db()
    assert (member.post, member.group_role) == ("处长", "deputy")
    services.remove_guidance_member(member, by=people.province_od)
    assert GuidanceGroupMember.objects.count() == 1


def test_contact_points_belong_to_the_groups_sector(world, people, school_group):
    point = services.add_guidance_point(school_group, world.branch_a2, by=people.edu, notes="每学期走访")
    assert point.org == world.branch_a2 and point.created_by == people.edu
    for org in (world.branch_a, world.town_a):
        with pytest.raises(ValidationError) as error:
            services.add_guidance_point(school_group, org, by=people.edu)
        assert error.value.message_dict == {"org_code": [f"联系点应是河北省“中小学”领域的组织，“{org.name}”不是"]}
    with pytest.raises(ValidationError) as error:
        services.add_guidance_point(school_group, world.branch_a2, by=people.edu)
    assert error.value.message_dict == {"org_code": ["“正定镇中学党支部”已是本指导小组的联系点"]}
    assert GuidanceContactPoint.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.remove_guidance_point(point, by=people.province_lg)
    services.remove_guidance_point(point, by=people.edu)
    assert not GuidanceContactPoint.objects.exists()


def test_the_sector_of_a_group_is_fixed(people, school_group):
    with pytest.raises(ValidationError) as error:
        services.update_guidance_group(school_group, by=people.edu, fields={"sector": "rural"})
    assert error.value.message_dict == {"sector": ["不能修改指导小组的领域"]}
    school_group.refresh_from_db()
    assert school_group.sector == "school"
    services.update_guidance_group(school_group, by=people.edu, fields={"name": "省教育厅指导小组", "phone": ""})
    school_group.refresh_from_db()
    assert (school_group.name, school_group.sector) == ("省教育厅指导小组", "school")
    with pytest.raises(PermissionDenied):
        services.update_guidance_group(school_group, by=people.rural, fields={"name": "x"})


# --- scope ---------------------------------------------------------------------------------------------------


def test_a_department_sees_only_its_sector_the_province_sees_all(people, school_group, rural_group):
    def seen(user):
        return sorted(gq.groups_for(user).values_list("name", flat=True))

    assert seen(people.edu) == [SCHOOL_GROUP]
    assert seen(people.rural) == ["农村指导小组"]
    assert seen(people.province_od) == seen(people.province_lg) == sorted([SCHOOL_GROUP, "农村指导小组"])
    for user in (people.city_od, people.city_lg, people.county_ss, people.secretary):
        assert seen(user) == []
    assert gq.can_manage(people.province_od, school_group) and not gq.can_manage(people.province_lg, school_group)
    assert not gq.can_manage(people.rural, school_group)


# --- inspections and remarks as the group ------------------------------------------------------------------------


def test_inspection_and_remark_as_the_group(world, people, school_group):
    inspection = make_inspection(world.branch_a2, people.edu)
    assert inspection.guidance_group is None
    from campaign.services.supervision import add_remark, record_inspection

    inspection = record_inspection(
        world.branch_a2,
        by=people.edu,
        date=timezone.localdate(),
        method="open_visit",
        inspectors="王厅长等",
        findings="学校党支部活动扎实",
        guidance_group=school_group,
    )
    assert (inspection.guidance_group, inspection.issuer_org, inspection.issuer_role) == (
        school_group,
        world.province,
        Role.SECTOR_SUPERVISOR,
    )
    remark = add_remark(
        world.branch_a2,
        by=people.province_od,
        achievements="好",
        problems="少",
        direction="继续",
        guidance_group=school_group,
    )
    assert remark.guidance_group == school_group and remark.author_org == world.province


def test_as_the_group_only_in_its_sector_and_only_by_who_manages_it(world, people, school_group):
    from campaign.services.supervision import add_remark, record_inspection

    before = (Inspection.objects.count(), Remark.objects.count())
    kwargs = {"date": timezone.localdate(), "method": "report", "inspectors": "x", "findings": "y"}
    with pytest.raises(ValidationError) as error:
        record_inspection(world.branch_a, by=people.province_od, guidance_group=school_group, **kwargs)
    assert error.value.message_dict == {
        "org_code": [f"“{SCHOOL_GROUP}”指导“中小学”领域，不能以它的名义检查“塔元庄村党支部”"]
    }
    with pytest.raises(ValidationError) as error:
        record_inspection(world.branch_a2, by=people.county_od, guidance_group=school_group, **kwargs)
    assert error.value.message_dict == {"guidance_group": [f"您不能以“{SCHOOL_GROUP}”的名义检查"]}
    with pytest.raises(ValidationError) as error:
        add_remark(
            world.branch_a2,
            by=people.county_od,
            achievements="a",
            problems="b",
            direction="c",
            guidance_group=school_group,
        )
    assert error.value.message_dict == {"guidance_group": [f"您不能以“{SCHOOL_GROUP}”的名义点评"]}
    assert (Inspection.objects.count(), Remark.objects.count()) == before


# --- pages per role ------------------------------------------------------------------------------------------


def test_pages_per_role(world, people, school_group, rural_group, client):
    url = reverse("campaign:guidance_list")
    detail = reverse("campaign:guidance_detail", args=[school_group.pk])
    assert client.get(url).status_code == 302 and client.get(detail).status_code == 302  # anonymous: login
    page = text(login(people.edu).get(url))
    assert SCHOOL_GROUP in page and "农村指导小组" not in page and reverse("campaign:guidance_create") in page
    page = text(login(people.province_lg).get(url))
    assert SCHOOL_GROUP in page and "农村指导小组" in page and reverse("campaign:guidance_create") not in page
    assert login(people.province_lg).get(reverse("campaign:guidance_create")).status_code == 403
    for user in (people.city_od, people.county_ss, people.city_lg):
        assert login(user).get(url).status_code == 403
    assert login(people.secretary).get(url).status_code == 403
    assert login(people.rural).get(detail).status_code == 404  # another sector: outside its scope
    assert login(people.city_od).get(detail).status_code == 404  # the province's group: outside a city's scope
    lg_page = text(login(people.province_lg).get(detail))
    assert "王厅长" in lg_page and "以本小组名义登记检查" not in lg_page
    assert login(people.province_lg).get(reverse("campaign:guidance_edit", args=[school_group.pk])).status_code == 403
    edu_page = text(login(people.edu).get(detail))
    assert "以本小组名义登记检查" in edu_page and "0311-66001234" in edu_page
    assert (
        login(people.rural).get(reverse("campaign:guidance_member_create", args=[school_group.pk])).status_code == 404
    )
    # the tab shows for those who read groups
    tabs = text(login(people.edu).get(reverse("campaign:supervision")))
    assert reverse("campaign:guidance_list") in tabs
    assert reverse("campaign:guidance_list") not in text(login(people.county_od).get(reverse("campaign:supervision")))


def test_create_edit_members_and_points_through_the_pages(world, people):
    client = login(people.edu)
    create = reverse("campaign:guidance_create")
    form = text(client.get(create))
    assert '<option value="school"' in form and '<option value="rural"' not in form
    refused = client.post(create, {"sector": "school", "department": "", "name": "x"})
    assert refused.status_code == 200 and not GuidanceGroup.objects.exists()
    response = client.post(create, {"sector": "school", "department": "省教育厅", "name": SCHOOL_GROUP, "phone": ""})
    group = GuidanceGroup.objects.get()
    assert response.status_code == 302 and response.url == reverse("campaign:guidance_detail", args=[group.pk])
    duplicate = client.post(create, {"sector": "school", "department": "省教育厅", "name": SCHOOL_GROUP})
    assert f"已有名为“{SCHOOL_GROUP}”的指导小组" in text(duplicate)

    response = client.post(
        reverse("campaign:guidance_member_create", args=[group.pk]),
        {"name": "王厅长", "post": "副厅长", "phone": "0311-1", "group_role": "head", "order": 1},
    )
    assert "请填写11位手机号码或带区号的固定电话" in text(response)
    response = client.post(
        reverse("campaign:guidance_member_create", args=[group.pk]),
        {
            "name": "王厅长",
            "post": "副厅长",
            "phone": "13911113333",
            "group_role": "head",
            "order": 1,
            "username": "nobody",
        },
    )
    assert "找不到本省的账号“nobody”" in text(response)
    response = client.post(
        reverse("campaign:guidance_member_create", args=[group.pk]),
        {
            "name": "王厅长",
            "post": "副厅长",
            "phone": "13911113333",
            "group_role": "head",
            "order": 1,
            "username": "zdjyj",
        },
    )
    member = group.members.get()
    assert response.status_code == 302 and member.user == people.county_ss
    response = client.post(
        reverse("campaign:guidance_member_edit", args=[member.pk]),
        {"name": "王厅长", "post": "厅长", "phone": "13911113333", "group_role": "head", "order": 1},
    )
    member.refresh_from_db()
    assert response.status_code == 302 and member.post == "厅长" and member.user is None
    assert [h.post for h in member.history.order_by("history_id")] == ["副厅长", "厅长"]

    points = reverse("campaign:guidance_point_create", args=[group.pk])
    outside = client.post(points, {"org_code": world.branch_a.code})
    assert "找不到编码为“130123100201”的组织，或它不在您的范围内" in text(outside)  # another sector: not in its scope
    province_client = login(people.province_od)
    outside = province_client.post(points, {"org_code": world.branch_a.code})
    assert "联系点应是河北省“中小学”领域的组织，“塔元庄村党支部”不是" in text(outside)
    response = client.post(points, {"org_code": world.branch_a2.code, "notes": "联系学校"})
    point = group.contact_points.get()
    assert response.status_code == 302 and point.org == world.branch_a2
    page = text(client.get(reverse("campaign:guidance_detail", args=[group.pk])))
    assert "正定镇中学党支部" in page and "联系学校" in page and "13911113333" in page

    assert client.get(reverse("campaign:guidance_point_delete", args=[point.pk])).status_code == 405
    assert login(people.province_lg).post(reverse("campaign:guidance_point_delete", args=[point.pk])).status_code == 403
    assert client.post(reverse("campaign:guidance_point_delete", args=[point.pk])).status_code == 302
    assert client.post(reverse("campaign:guidance_member_delete", args=[member.pk])).status_code == 302
    assert not group.contact_points.exists() and not group.members.exists()


def test_inspection_form_as_the_group(world, people, school_group):
    client = login(people.edu)
    url = reverse("campaign:supervision_inspection_create")
    form = text(client.get(f"{url}?group={school_group.pk}"))
    assert "以指导小组名义" in form and f'<option value="{school_group.pk}" selected>' in form
    assert "以指导小组名义" not in text(login(people.county_od).get(url))  # it manages no group
    response = client.post(
        url,
        {
            "guidance_group": school_group.pk,
            "org_code": world.branch_a2.code,
            "date": timezone.localdate().isoformat(),
            "method": "open_visit",
            "inspectors": "王厅长",
            "findings": "学校党支部活动扎实",
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and inspection.guidance_group == school_group
    detail = text(client.get(reverse("campaign:supervision_inspection_detail", args=[inspection.pk])))
    assert SCHOOL_GROUP in detail and reverse("campaign:guidance_detail", args=[school_group.pk]) in detail
    group_page = text(client.get(reverse("campaign:guidance_detail", args=[school_group.pk])))
    assert "以本小组名义的检查（1）" in group_page and "正定镇中学党支部" in group_page
    # the inspected branch's secretary sees who inspected it, without a link to the province's group page
    secretary = text(
        login(people.secretary).get(reverse("campaign:supervision_inspection_detail", args=[inspection.pk]))
    )
    assert SCHOOL_GROUP in secretary and reverse("campaign:guidance_detail", args=[school_group.pk]) not in secretary

    remark_url = reverse("campaign:supervision_remark_create")
    response = login(people.province_od).post(
        remark_url,
        {
            "guidance_group": school_group.pk,
            "org_code": world.branch_a.code,
            "achievements": "a",
            "problems": "b",
            "direction": "c",
        },
    )
    assert f"“{SCHOOL_GROUP}”指导“中小学”领域，不能以它的名义点评“塔元庄村党支部”" in text(response)
    assert not Remark.objects.exists()


# --- the dashboards' sector view -------------------------------------------------------------------------------


def test_the_sector_view_shows_which_group_guides_the_sector(world, people, school_group, rural_group):
    province = text(login(people.province_lg).get(reverse("dashboards:sectors", args=[world.province.code])))
    assert SCHOOL_GROUP in province and "农村指导小组" in province
    assert reverse("campaign:guidance_detail", args=[school_group.pk]) in province
    edu = text(login(people.edu).get(reverse("dashboards:sectors", args=[world.province.code])))
    assert SCHOOL_GROUP in edu and "农村指导小组" not in edu  # its dashboard counts its own sector only
    # lower down: the name of the group that guides the sector, without a link to the province's page
    city = text(login(people.city_lg).get(reverse("dashboards:sectors", args=[world.city_a.code]) + "?sector=school"))
    assert SCHOOL_GROUP in city and "农村指导小组" not in city
    assert reverse("campaign:guidance_detail", args=[school_group.pk]) not in city
    # the 本领域 page of a sector supervisor names its group too
    county = text(login(people.county_ss).get(reverse("campaign:supervision_sector")))
    assert f"指导小组：{SCHOOL_GROUP}" in county
