"""Leading groups at every committee level, the township committees (乡镇党委、街道党工委) too, with their office
(办公室: head, phone, address) and contact points (联系点), worked by a township's own accounts.

"各级党委也要成立活动领导小组，党委主要领导干部和领导小组成员要建立创先争优活动联系点。……领导小组下设办公室"
(seed, part 五)
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaign.models import ContactPoint, ContactVisit, LeadingGroup
from campaign.services import supervision as services
from orgs.enums import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
GROUP = "正定镇创先争优活动领导小组"


def login(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def text(response):
    return response.content.decode()


class Township:
    """正定镇's 组织委员 (组织部 role on the township) and its 领导小组 account; the neighbour township's 组织委员;
    the county's 组织部; a branch secretary."""

    def __init__(self, world):
        self.od = user_with_role(world.town_a, Role.ORG_DEPARTMENT, username="zdz_zzwy", full_name="正定镇组织委员")
        self.lg = user_with_role(world.town_a, Role.LEADING_GROUP, username="zdz_ldxz", full_name="正定镇党委书记")
        self.other_od = user_with_role(world.town_b, Role.ORG_DEPARTMENT, username="lzz_zzwy")
        self.county_od = user_with_role(world.county_a, Role.ORG_DEPARTMENT, username="zd_zzb")
        self.secretary = user_with_role(world.branch_a, Role.SECRETARY, username="tyz_shuji")


@pytest.fixture
def town(world):
    return Township(world)


def test_a_township_committee_forms_its_group_and_a_basic_org_cannot(world, town):
    group = services.create_leading_group(
        world.town_a,
        by=town.od,
        name=GROUP,
        office_contact="刘主任",
        office_phone="0311-88012345",
        office_address="正定镇人民政府二楼",
    )
    assert (group.org, group.office_contact, group.office_address) == (world.town_a, "刘主任", "正定镇人民政府二楼")
    assert group.history.get().history_user == town.od
    with pytest.raises(ValidationError) as error:
        services.create_leading_group(world.branch_a, by=town.od, name="村领导小组")
    assert error.value.message_dict == {
        "org_code": ["领导小组在省、市、县(市、区)和乡镇(街道)党委成立，“塔元庄村党支部”不是这一级党委"]
    }
    for user in (town.lg, town.other_od, town.secretary):
        with pytest.raises(PermissionDenied):
            services.create_leading_group(world.town_a, by=user, name="另一个")
    assert LeadingGroup.objects.count() == 1


def test_a_township_user_works_the_pages(world, town):
    client = login(town.od)
    overview = text(client.get(reverse("campaign:supervision")))
    assert reverse("campaign:supervision_group_list") in overview  # the 领导小组 tab
    create = reverse("campaign:supervision_group_create")
    form = text(client.get(f"{create}?org={world.town_a.code}"))
    assert "办公室负责人" in form and "办公室电话" in form and "办公室地址" in form
    county = client.post(create, {"org_code": world.county_a.code, "name": "县领导小组"})
    assert "找不到编码为“130123”的组织，或它不在您的管理范围内" in text(county)  # above its own node
    response = client.post(
        create,
        {
            "org_code": world.town_a.code,
            "name": GROUP,
            "office_contact": "刘主任",
            "office_phone": "0311-88012345",
            "office_address": "正定镇人民政府二楼",
        },
    )
    group = LeadingGroup.objects.get()
    assert response.status_code == 302 and group.org == world.town_a
    response = client.post(
        reverse("campaign:supervision_group_member_create", args=[group.pk]),
        {"name": "张书记", "post": "镇党委书记", "group_role": "head", "order": 1, "username": "zdz_ldxz"},
    )
    leader = group.members.get()
    assert response.status_code == 302 and leader.user == town.lg
    response = client.post(
        reverse("campaign:supervision_point_create", args=[group.pk]),
        {"leader": leader.pk, "org_code": world.branch_a.code, "notes": "书记联系点"},
    )
    point = ContactPoint.objects.get()
    assert response.status_code == 302 and point.org == world.branch_a
    outside = client.post(
        reverse("campaign:supervision_point_create", args=[group.pk]),
        {"leader": leader.pk, "org_code": world.branch_b.code},
    )
    assert "联系点应是正定镇所辖的基层党组织" in text(outside)

    # the leader (the township's 领导小组 account, linked) logs a visit to his contact point
    leader_client = login(town.lg)
    response = leader_client.post(
        reverse("campaign:supervision_point_detail", args=[point.pk]), {"date": timezone.localdate(), "note": "座谈"}
    )
    assert response.status_code == 302
    assert list(ContactVisit.objects.values_list("note", "recorded_by")) == [("座谈", town.lg.pk)]
    page = text(leader_client.get(reverse("campaign:supervision_group_detail", args=[group.pk])))
    assert "办公室负责人" in page and "刘主任" in page and "0311-88012345" in page and "正定镇人民政府二楼" in page
    assert "张书记" in page and "塔元庄村党支部" in page
    assert leader_client.get(reverse("campaign:supervision_group_edit", args=[group.pk])).status_code == 403

    # the county above reads it; the neighbour township does not find it
    county_list = text(login(town.county_od).get(reverse("campaign:supervision_group_list")))
    assert GROUP in county_list
    other = login(town.other_od)
    assert other.get(reverse("campaign:supervision_group_detail", args=[group.pk])).status_code == 404
    assert GROUP not in text(other.get(reverse("campaign:supervision_group_list")))


def test_the_township_edits_its_office(world, town):
    group = services.create_leading_group(world.town_a, by=town.od, name=GROUP)
    client = login(town.od)
    response = client.post(
        reverse("campaign:supervision_group_edit", args=[group.pk]),
        {"name": GROUP, "office_contact": "陈主任", "office_phone": "0311-88000000", "office_address": "镇党建办"},
    )
    group.refresh_from_db()
    assert response.status_code == 302
    assert (group.office_contact, group.office_phone, group.office_address) == ("陈主任", "0311-88000000", "镇党建办")
    assert [h.office_contact for h in group.history.order_by("history_id")] == ["", "陈主任"]
