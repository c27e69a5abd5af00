"""党性分析: the report (one per member per campaign, reviewed by the branch) and the participation the
branch records for members who took part without writing.

"基层党组织要在2010年“七一”前，集中一周时间，组织党员进行一次党性分析，在职党员应撰写党性分析报告，
并组织群众对党员进行评议。" (seed, part 四, (二) 1.)
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Member, Org, User


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审阅")
    ACCEPTED = "accepted", _("已通过")
    RETURNED = "returned", _("已退回")


class PartyAnalysisReport(models.Model):
    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE, related_name="party_analysis_reports"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="party_analysis_reports"
    )
    # The member's organization when the report was started (the branch that reviews it).
    org = models.ForeignKey(Org, verbose_name=_("所在组织"), on_delete=models.CASCADE, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    content = models.TextField(_("报告正文"))
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    review_comment = models.TextField(_("审阅意见"), blank=True)
    reviewed_by = set_null_fk(User, _("审阅人"))
    reviewed_at = models.DateTimeField(_("审阅时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["org_path"])

    class Meta:
        verbose_name = _("党性分析报告")
        verbose_name_plural = _("党性分析报告")
        constraints = [models.UniqueConstraint(fields=["campaign", "member"], name="unique_party_analysis_report")]
        indexes = [
            models.Index(
                fields=["campaign", "org_path"],
                name="pareport_campaign_path",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.campaign}"


class PartyAnalysisParticipation(models.Model):
    """A member took part in the branch's 党性分析 week without a written report (e.g. spoke at the
    meeting): recorded by the secretary. A submitted or accepted report counts as participation too, so
    no row is needed for members who wrote."""

    campaign = models.ForeignKey(
        "campaign.Campaign",
        verbose_name=_("活动"),
        on_delete=models.CASCADE,
        related_name="party_analysis_participations",
    )
    member = models.ForeignKey(
        Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="party_analysis_participations"
    )
    # The member's organization when the participation was recorded.
    org = models.ForeignKey(Org, verbose_name=_("所在组织"), on_delete=models.CASCADE, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    took_part_on = models.DateField(_("参加日期"))
    recorded_by = set_null_fk(User, _("登记人"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["org_path"])

    class Meta:
        verbose_name = _("党性分析参加情况")
        verbose_name_plural = _("党性分析参加情况")
        ordering = ["-took_part_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="unique_party_analysis_participation")
        ]
        indexes = [
            models.Index(
                fields=["campaign", "org_path"],
                name="paparticip_campaign_path",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.took_part_on}"
