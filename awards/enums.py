from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundKind(models.TextChoices):
    CONCENTRATED = "concentrated", _("集中表彰")
    SPECIAL = "special", _("专项表彰")


class NomineeKind(models.TextChoices):
    ORG = "org", _("组织")
    MEMBER = "member", _("个人")


class CategoryCode(models.TextChoices):
    ADVANCED_ORG = "advanced_org", _("先进基层党组织")
    EXCELLENT_MEMBER = "excellent_member", _("优秀共产党员")
    EXCELLENT_WORKER = "excellent_worker", _("优秀党务工作者")
    ADVANCED_COUNTY = "advanced_county", _("先进县(市、区)委")
