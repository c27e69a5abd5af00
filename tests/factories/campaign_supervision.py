"""Factories for supervision (督促检查): people with roles on the World, and records made through the services."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaign.models import InspectionMethod
from campaign.services import supervision as services
from orgs.enums import Role
from tests.factories import user_with_role


def png_file(name="evidence.png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (6, 4), (179, 0, 27)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class People:
    """Accounts on ``world``: both cities have their own, so a leak across subtrees would show."""

    def __init__(self, world):
        w = world
        self.province_od = user_with_role(w.province, Role.ORG_DEPARTMENT, username="prov_od", full_name="省委组织部")
        self.city_od = user_with_role(w.city_a, Role.ORG_DEPARTMENT, username="city_od", full_name="石家庄组织部")
        self.city_lg = user_with_role(w.city_a, Role.LEADING_GROUP, username="city_lg", full_name="石家庄领导小组")
        self.county_od = user_with_role(w.county_a, Role.ORG_DEPARTMENT, username="county_od", full_name="正定组织部")
        self.county_ss = user_with_role(
            w.county_a, Role.SECTOR_SUPERVISOR, sector="school", username="county_ss", full_name="正定教育局"
        )
        self.secretary_a = user_with_role(w.branch_a, Role.SECRETARY, username="sec_a", full_name="塔元庄书记")
        self.secretary_a2 = user_with_role(w.branch_a2, Role.SECRETARY, username="sec_a2", full_name="中学书记")
        self.member_a = user_with_role(w.branch_a, Role.MEMBER, username="member_a", full_name="党员甲")
        self.city_b_od = user_with_role(w.city_b, Role.ORG_DEPARTMENT, username="city_b_od", full_name="唐山组织部")
        self.secretary_b = user_with_role(w.branch_b, Role.SECRETARY, username="sec_b", full_name="滦州村书记")


def make_inspection(org, by, *, method=InspectionMethod.OPEN_VISIT, date=None, findings="活动扎实", files=()):
    return services.record_inspection(
        org,
        by=by,
        date=date or timezone.localdate(),
        method=method,
        inspectors="检查组",
        findings=findings,
        files=files,
    )


def make_remark(org, by, *, direction="继续努力"):
    return services.add_remark(org, by=by, achievements="成绩突出", problems="宣传不够", direction=direction)


def make_order(org, by, *, deadline=None, problem="工作不得力"):
    return services.issue_order(
        org,
        by=by,
        problem=problem,
        requirement="一周内整改到位",
        deadline=deadline or timezone.localdate() + datetime.timedelta(days=7),
    )


def make_group(org, by, *, name=None):
    return services.create_leading_group(
        org, by=by, name=name or f"{org.name}创先争优活动领导小组", office_contact="王主任"
    )


def make_leader(group, by, *, name="李书记", post="市委书记", group_role="head", user=None):
    return services.add_group_member(group, by=by, name=name, post=post, group_role=group_role, user=user)


def make_point(leader, org, by, *, notes=""):
    return services.create_contact_point(leader, org, by=by, notes=notes)
