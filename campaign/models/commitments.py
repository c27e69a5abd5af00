"""Public commitments (公开承诺) of organizations and members, and how they are kept (兑现).

"并采取适当方式向群众公布，进行承诺，接受群众监督。" (seed, part 四.(一));
"继续开展蹲点调研、公开承诺、行风评议等工作" (seed, part 三).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Member, Org, User

from .plans import Plan
from .timeline import Campaign


class Fulfilment(models.TextChoices):
    NONE = "none", _("未兑现")
    PARTIAL = "partial", _("部分兑现")
    DONE = "done", _("已兑现")


class Commitment(models.Model):
    """A commitment made by an organization (``member`` empty) or by one of its members.

    Draft while being written; once published its content is fixed and the masses can read it
    on the organization's public page; 兑现 records then track how it is kept.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已公开")

    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="commitments")
    org = models.ForeignKey(Org, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="commitments")
    member = models.ForeignKey(
        Member,
        verbose_name=_("承诺党员"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="commitments",
        help_text=_("为空表示党组织的承诺"),
    )
    plan = models.OneToOneField(
        Plan,
        verbose_name=_("来自实施方案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitment",
    )
    content = models.TextField(_("承诺内容"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    fulfilment = models.CharField(_("兑现情况"), max_length=10, choices=Fulfilment.choices, default=Fulfilment.NONE)
    created_by = set_null_fk(User, _("填写人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("公开承诺")
        verbose_name_plural = _("公开承诺")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["org", "status"], name="commitment_org_status")]

    def __str__(self):
        return self.content[:30]

    @property
    def fulfilment_badge(self) -> str:
        return {Fulfilment.NONE: "text-bg-secondary", Fulfilment.PARTIAL: "text-bg-warning"}.get(
            self.fulfilment, "text-bg-success"
        )

    @property
    def is_member_commitment(self) -> bool:
        return self.member_id is not None


class FulfilmentRecord(models.Model):
    """One 兑现 record: what was done on a date, the resulting status, and evidence (attachments)."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("公开承诺"), on_delete=models.CASCADE, related_name="records"
    )
    date = models.DateField(_("兑现日期"))
    description = models.TextField(_("兑现情况说明"))
    fulfilment = models.CharField(_("兑现状态"), max_length=10, choices=Fulfilment.choices)
    recorded_by = set_null_fk(User, _("记录人"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("兑现记录")
        verbose_name_plural = _("兑现记录")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.commitment} · {self.date}"
