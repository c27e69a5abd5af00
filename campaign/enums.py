"""Choices of the campaign app, in the seed's words."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityType(models.TextChoices):
    """全省统一开展“五项活动” (seed, part 四.(二))."""

    PARTY_EDUCATION = "party_education", _("党性教育")
    POST_DEDICATION = "post_dedication", _("岗位奉献")
    SERVE_MASSES = "serve_masses", _("服务群众")
    BADGE_DEMO = "badge_demo", _("亮牌示范")
    ORG_INNOVATION = "org_innovation", _("组织创新")


class Channel(models.TextChoices):
    INBOX = "inbox", _("站内信")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
