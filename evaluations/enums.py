from django.db import models
from django.utils.translation import gettext_lazy as _


class Target(models.TextChoices):
    ORG = "org", _("党组织")
    MEMBER = "member", _("党员")


class Source(models.TextChoices):
    """考核评议的来源: 上级党组织要对基层党组织、基层党组织对党员开展创先争优活动情况进行考核，
    并采取适当方式组织党员、群众进行评议。"""

    SELF = "self", _("自评")
    SUPERIOR = "superior", _("上级考核")
    PEER = "peer", _("党员评议")
    MASS = "mass", _("群众评议")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class TierLevel(models.TextChoices):
    """晋档升级: 使处于先进的当好标杆、中间状态的规范提高、相对后进的改变面貌。"""

    ADVANCED = "advanced", _("先进")
    MIDDLE = "middle", _("中间")
    BACKWARD = "backward", _("后进")


DEFAULT_LEVELS = [  # i18n: data
    {"key": "satisfied", "label": "满意", "score": 100},
    {"key": "fairly", "label": "比较满意", "score": 80},
    {"key": "basically", "label": "基本满意", "score": 60},
    {"key": "unsatisfied", "label": "不满意", "score": 0},
]


class MemberRatingLevel(models.TextChoices):
    """The basic organization's rating of a member: "考核评议。上级党组织要对基层党组织、基层党组织对党员开展
    创先争优活动情况进行考核" (seed, part 四 (四)). Ordered from best to worst."""

    EXCELLENT = "excellent", _("优秀")
    QUALIFIED = "qualified", _("合格")
    BASIC = "basic", _("基本合格")
    UNQUALIFIED = "unqualified", _("不合格")
