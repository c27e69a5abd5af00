"""Choices of the organizations app. Labels are the seed's own words."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class OrgKind(models.TextChoices):
    COMMITTEE = "dw", _("党委")
    WORK_COMMITTEE = "dgw", _("党工委")
    GENERAL_BRANCH = "dzz", _("党总支")
    BRANCH = "dzb", _("党支部")


class OrgLevel(models.TextChoices):
    """Where a node sits: the geographic tiers, then basic-level organizations. Beside the cities, directly
    under the province committee: the system committees (省直机关工委, 省委教育工委, 省国资委党委 …) and the
    主管部门 of 垂直管理、条块共管 units, which lead the organizations of their sector and report to the
    province's 组织部 like a city (seed, part 五; DESIGN "The hierarchy")."""

    PROVINCE = "province", _("省")
    PROVINCIAL = "provincial", _("省直")
    CITY = "city", _("市")
    COUNTY = "county", _("县(市、区)")
    TOWNSHIP = "township", _("乡镇(街道)")
    BASIC = "basic", _("基层党组织")


class Sector(models.TextChoices):
    """领域, from part three of the seed (加强创先争优活动的分类指导)."""

    RURAL = "rural", _("农村")
    COMMUNITY = "community", _("街道社区")
    SOE = "soe", _("国有企业")
    FINANCE = "finance", _("金融机构")
    ORGAN = "organ", _("机关")
    UNIVERSITY = "university", _("高等学校")
    RESEARCH = "research", _("科研院所")
    CULTURE = "culture", _("文化")
    HEALTH = "health", _("卫生")
    SPORTS = "sports", _("体育")
    VOCATIONAL = "vocational", _("中等职业学校")
    SCHOOL = "school", _("中小学")
    PRIVATE = "private", _("非公有制经济组织")
    SOCIAL = "social", _("社会组织")


# 活动载体 the seed suggests per sector; offered as choices when a plan is written. A chosen carrier is stored as
# its Chinese text (gettext_noop: marked, not translated here); the form shows it translated.
SECTOR_CARRIERS = {
    Sector.RURAL: [
        gettext_noop("三级联创"),
        gettext_noop("治难转后"),
        gettext_noop("领头雁工程"),
        gettext_noop("设岗定责"),
        gettext_noop("依岗承诺"),
    ],
    Sector.COMMUNITY: [
        gettext_noop("三有一化"),
        gettext_noop("党建示范社区"),
        gettext_noop("党员联系和服务群众"),
        gettext_noop("文明和谐社区"),
    ],
    Sector.SOE: [
        gettext_noop("四好领导班子"),
        gettext_noop("四强党组织"),
        gettext_noop("四优共产党员"),
        gettext_noop("党员责任区"),
        gettext_noop("党员先锋岗"),
    ],
    Sector.FINANCE: [
        gettext_noop("四好领导班子"),
        gettext_noop("四强党组织"),
        gettext_noop("四优共产党员"),
        gettext_noop("党员责任区"),
        gettext_noop("党员先锋岗"),
    ],
    Sector.ORGAN: [
        gettext_noop("讲党性、重品行、作表率"),
        gettext_noop("蹲点调研"),
        gettext_noop("公开承诺"),
        gettext_noop("行风评议"),
        gettext_noop("主题实践活动"),
    ],
    Sector.UNIVERSITY: [
        gettext_noop("教书育人"),
        gettext_noop("教师队伍建设"),
        gettext_noop("党员示范服务"),
        gettext_noop("志愿服务"),
    ],
    Sector.RESEARCH: [gettext_noop("课题攻关党员先锋团队")],
    Sector.CULTURE: [gettext_noop("争当人民满意艺术家")],
    Sector.HEALTH: [gettext_noop("争当白衣天使")],
    Sector.SPORTS: [gettext_noop("课题攻关党员先锋团队")],
    Sector.VOCATIONAL: [gettext_noop("争当师德标兵")],
    Sector.SCHOOL: [gettext_noop("争当师德标兵")],
    Sector.PRIVATE: [
        gettext_noop("扩大党的组织和工作覆盖"),
        gettext_noop("建立健全党建工作制度"),
        gettext_noop("促进生产经营"),
    ],
    Sector.SOCIAL: [
        gettext_noop("扩大党的组织和工作覆盖"),
        gettext_noop("建立健全党建工作制度"),
        gettext_noop("促进业务活动"),
    ],
}


class Gender(models.TextChoices):
    MALE = "m", _("男")
    FEMALE = "f", _("女")


class MemberStatus(models.TextChoices):
    FULL = "full", _("正式")
    PROBATIONARY = "probationary", _("预备")


class MemberCategory(models.TextChoices):
    IN_SERVICE = "in_service", _("在职")
    RETIRED = "retired", _("离退休")
    MOBILE = "mobile", _("流动")
    STUDENT = "student", _("学生")
    FARMER = "farmer", _("农民")
    OTHER = "other", _("其他")


class Role(models.TextChoices):
    LEADING_GROUP = "leading_group", _("领导小组")
    ORG_DEPARTMENT = "org_department", _("组织部")
    SECTOR_SUPERVISOR = "sector_supervisor", _("行业主管部门")
    SECRETARY = "secretary", _("书记/党务工作者")
    MEMBER = "member", _("党员")
    # "注重发挥党建工作指导员和大学生“村官”在创先争优活动中的作用。" (seed, part 五): reads and remarks on the
    # basic organizations it is assigned to, nothing else.
    INSTRUCTOR = "instructor", _("党建工作指导员")
    # "数据管理员": fixes records in Django admin inside its subtree (every change through the services or
    # recorded with the same history); in the portal it reads like any role, full ID numbers only through the
    # admin's audited "显示完整身份证号".
    DATA_MANAGER = "data_manager", _("数据管理员")


def choice_by_label(choices, label):
    """The value whose Chinese label is ``label`` (import files carry labels), or None."""
    label = (label or "").strip()
    for value, text in choices.choices:
        if str(text) == label:
            return value
    return None
