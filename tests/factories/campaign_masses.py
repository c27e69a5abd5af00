"""Factories for serving the masses, bulletins and exhibitions: people on the World, records through the services."""

import datetime

from django.utils import timezone

from campaign.models import LeadingGroup
from masswork.models import ServiceKind
from masswork.services import masses as services
from orgs.enums import Role
from tests.factories import MemberFactory, UserFactory, user_with_role


class People:
    """Accounts on ``world`` — both cities have their own, so a leak across subtrees would show."""

    def __init__(self, world):
        w = world
        self.province_od = user_with_role(w.province, Role.ORG_DEPARTMENT, username="m_prov_od")
        self.city_od = user_with_role(w.city_a, Role.ORG_DEPARTMENT, username="m_city_od", full_name="石家庄组织部")
        self.city_lg = user_with_role(w.city_a, Role.LEADING_GROUP, username="m_city_lg", full_name="石家庄领导小组")
        self.county_od = user_with_role(w.county_a, Role.ORG_DEPARTMENT, username="m_county_od", full_name="正定组织部")
        self.county_lg = user_with_role(w.county_a, Role.LEADING_GROUP, username="m_county_lg")
        self.sector = user_with_role(w.county_a, Role.SECTOR_SUPERVISOR, sector="rural", username="m_sector")
        self.secretary_a = user_with_role(w.branch_a, Role.SECRETARY, username="m_sec_a", full_name="塔元庄书记")
        self.secretary_a2 = user_with_role(w.branch_a2, Role.SECRETARY, username="m_sec_a2", full_name="中学书记")
        self.member_a = user_with_role(w.branch_a, Role.MEMBER, username="m_member_a", full_name="张建国")
        self.member_a.member = w.member_a
        self.member_a.save(update_fields=["member"])
        self.instructor = user_with_role(w.branch_a, Role.INSTRUCTOR, username="m_instructor", full_name="县指导员")
        self.city_b_od = user_with_role(w.city_b, Role.ORG_DEPARTMENT, username="m_city_b_od", full_name="唐山组织部")
        self.secretary_b = user_with_role(w.branch_b, Role.SECRETARY, username="m_sec_b", full_name="滦州村书记")
        self.no_role = UserFactory(username="m_nobody")


def second_member(org, name="李长顺"):
    return MemberFactory(org=org, name=name)


def make_household(org, by, *, head_name="王大娘", village="塔元庄村", members=(), phone="13912345678", **fields):
    return services.create_household(
        org,
        by=by,
        members=members,
        head_name=head_name,
        village=village,
        size=fields.pop("size", 3),
        needs=fields.pop("needs", "孤寡老人，需要照料"),
        phone=phone,
        active=fields.pop("active", True),
    )


def make_service(household, by, *, days_ago=1, kind=ServiceKind.VISIT, member=None, content="走访慰问，送去米面油"):
    return services.record_service(
        household,
        by=by,
        kind=kind,
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        content=content,
        outcome="老人很满意",
        member=member,
    )


def make_dispute(
    org, by, *, category="neighbor", found_on=None, parties="村民张某与邻居李某", summary="宅基地边界争执"
):
    return services.record_dispute(
        org,
        by=by,
        found_on=found_on or timezone.localdate() - datetime.timedelta(days=3),
        category=category,
        parties=parties,
        summary=summary,
    )


def make_leading_group(org, name=None):
    return LeadingGroup.objects.create(org=org, name=name or f"{org.name}创先争优活动领导小组")
