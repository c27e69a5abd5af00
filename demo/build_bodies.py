"""The seed's bodies above the branches that the demo shows: the 省直 reporting bodies and one 指导小组.

"各市、省直有关单位在本地本部门本系统开展创先争优活动实施意见制定后，请及时报省委组织部。" and "省直有关部门要成立
指导小组，加强对相关领域(行业)创先争优活动的具体指导。" (seed, part 五): the province's 组织部 enters the system
committees that ``load_demo`` made (省直机关工委, 省委教育工委, 省国资委党委) in the register of reporting bodies, so
that the report_upward milestone, its reminders and the list count them beside the cities; the 高等学校 department
(``gaoxiao_hy``) forms its guidance group with one member and one university as contact point. Nothing here
depends on the date: made once through the services and kept when the demo is rebuilt for another day.
"""

from campaign.models import GuidanceGroup
from campaign.services import guidance
from campaign.services.reports import register_system_committees
from orgs.enums import Sector
from orgs.models import Org, User

from .people import Cast

DEPARTMENT = "gaoxiao_hy"
GROUP_NAME = "省委教育工委创先争优活动指导小组"


def build_bodies(cast: Cast) -> GuidanceGroup | None:
    register_system_committees(cast.province, by=cast.province_department)
    department = User.objects.filter(username=DEPARTMENT, is_active=True).first()
    if department is None:
        return None
    group = GuidanceGroup.objects.filter(org=cast.province, name=GROUP_NAME).first()
    if group is not None:
        return group
    group = guidance.create_guidance_group(
        by=department, sector=Sector.UNIVERSITY, department="省委教育工委", name=GROUP_NAME, phone="0311-87654321"
    )
    guidance.add_guidance_member(
        group, by=department, name="李志刚", post="省委教育工委副书记", group_role="head", phone="13931100501"
    )
    university = (
        Org.objects.filter(path__startswith=cast.province.path, depth=3, sector=Sector.UNIVERSITY, active=True)
        .order_by("path")
        .first()
    )
    if university is not None:
        guidance.add_guidance_point(group, university, by=department, notes="高校创先争优活动联系点")
    return group
