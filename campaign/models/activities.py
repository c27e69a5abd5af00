"""Activity records of the five activities (五项活动), per basic organization and campaign.

"各领域、各行业、各单位按照实施方案开展创先争优活动，在此基础上全省统一开展“五项活动”" (seed, part 四.(二))
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Member, Org, User

from ..enums import ActivityType
from .attachments import Attachment
from .timeline import Campaign

ACTIVITY_HELP = {
    ActivityType.PARTY_EDUCATION: _(
        "采取重温入党誓词、回顾党的成就、学习党史、学习党的方针政策、领导干部讲党课等形式，对党员普遍进行党性教育。"
    ),
    ActivityType.POST_DEDICATION: _("组织党员开展业务练兵、劳动竞赛、科技创新等活动，在本职岗位上创一流业绩。"),
    ActivityType.SERVE_MASSES: _("组织党员开展志愿服务、结对帮扶、走访慰问等活动，帮助群众解决生产生活中的实际问题。"),
    ActivityType.BADGE_DEMO: _("通过佩戴党徽、党员示范户、党员先锋岗、党员责任区等形式，把党员身份亮出来。"),
    ActivityType.ORG_INNOVATION: _("加强基层党组织班子、阵地、活动、制度和保障的规范化建设，推进党建工作创新。"),
}


class ActivityRecord(models.Model):
    """One activity held by a basic organization: what, when, who took part, with evidence attached."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="activity_records"
    )
    org = models.ForeignKey(Org, verbose_name=_("基层党组织"), on_delete=models.PROTECT, related_name="activities")
    activity_type = models.CharField(
        _("活动类型"),
        max_length=20,
        choices=ActivityType.choices,
        help_text=_("全省统一开展“党性教育”“岗位奉献”“服务群众”“亮牌示范”“组织创新”五项活动。"),
    )
    date = models.DateField(_("活动日期"))
    title = models.CharField(_("活动名称"), max_length=100)
    description = models.TextField(_("活动内容"), blank=True)
    participant_count = models.PositiveIntegerField(_("参加人数"))
    participants = models.ManyToManyField(Member, verbose_name=_("参加党员"), blank=True, related_name="activities")
    attachments = GenericRelation(Attachment, content_type_field="owner_type", object_id_field="owner_id")
    created_by = set_null_fk(User, _("填报人"))
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=["participants"])

    class Meta:
        verbose_name = _("活动记录")
        verbose_name_plural = _("活动记录")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["campaign", "org", "activity_type"], name="activity_campaign_org_type"),
            models.Index(fields=["date", "id"], name="activity_date_id"),
        ]

    def __str__(self):
        return self.title
