"""Implementation plans (实施方案) of basic organizations, and every submitted version of them.

"基层党组织要结合实际制定创先争优活动实施方案，对党组织和党员参加活动提出明确目标和具体要求。
要把学习实践活动整改落实后续工作纳入其中，并采取适当方式向群众公布，进行承诺，接受群众监督。" (seed, part 四.(一))
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Org, User

from .timeline import Campaign

# The fields a version snapshots and the compare page shows, in display order.
PLAN_CONTENT_FIELDS = ("theme", "carriers", "other_carriers", "goals", "measures", "rectification", "commitments")


class Plan(models.Model):
    """One basic organization's plan for one campaign: draft → submitted → approved | returned → published.

    ``revision`` grows with every write; an edit or a transition made against an older revision is
    refused (somebody else changed the plan in between).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交待审批")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已审批")
        PUBLISHED = "published", _("已公布")

    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="plans")
    org = models.ForeignKey(Org, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="plans")
    theme = models.CharField(_("活动主题"), max_length=200)
    carriers = models.JSONField(
        _("活动载体"),
        default=list,
        blank=True,
        help_text=_("本领域建议的载体，可多选。"),
    )
    other_carriers = models.CharField(_("其他载体"), max_length=300, blank=True)
    goals = models.TextField(_("目标任务"), help_text=_("对党组织和党员参加活动提出明确目标和具体要求。"))
    measures = models.TextField(_("具体措施"))
    rectification = models.TextField(
        _("学习实践活动整改落实后续工作"),
        help_text=_("要把学习实践活动整改落实后续工作纳入其中。"),
    )
    commitments = models.TextField(
        _("承诺事项"),
        blank=True,
        help_text=_("采取适当方式向群众公布，进行承诺，接受群众监督。"),
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(_("修订号"), default=1, editable=False)
    return_reason = models.TextField(_("退回原因"), blank=True)
    created_by = set_null_fk(User, _("编写人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("实施方案")
        verbose_name_plural = _("实施方案")
        ordering = ["-updated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "org"], name="unique_plan_per_org")]
        indexes = [models.Index(fields=["campaign", "status"], name="plan_campaign_status")]

    def __str__(self):
        return f"{self.org} · {self.theme}"

    @property
    def carriers_text(self) -> str:
        return "、".join([*self.carriers, *([self.other_carriers] if self.other_carriers else [])])

    @property
    def status_badge(self) -> str:
        """Bootstrap badge class for the status."""
        return {
            self.Status.DRAFT: "text-bg-secondary",
            self.Status.SUBMITTED: "text-bg-warning",
            self.Status.RETURNED: "text-bg-danger",
            self.Status.APPROVED: "text-bg-info",
            self.Status.PUBLISHED: "text-bg-success",
        }.get(self.status, "text-bg-light")

    def snapshot(self) -> dict:
        return {name: getattr(self, name) for name in PLAN_CONTENT_FIELDS}


class PlanVersion(models.Model):
    """Every submitted version, kept for ever, with the decision taken on it."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("审批通过")
        RETURNED = "returned", _("退回修改")

    plan = models.ForeignKey(Plan, verbose_name=_("实施方案"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    snapshot = models.JSONField(_("内容"))
    submitted_by = set_null_fk(User, _("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"))
    decision = models.CharField(_("审批结果"), max_length=10, choices=Decision.choices, blank=True)
    decided_by = set_null_fk(User, _("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    reason = models.TextField(_("退回原因"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("方案版本")
        verbose_name_plural = _("方案版本")
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_plan_version")]

    def __str__(self):
        return f"{self.plan} · v{self.number}"
