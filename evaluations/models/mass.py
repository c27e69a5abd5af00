"""群众评议 without accounts: batches of one-time tokens, anonymous answers, paper tallies.

"各领域、各行业、各单位开展创先争优活动，要让广大群众充分参与到活动中来，主动听取群众意见建议，接受群众监督" (seed,
part 三); "考核评议。……并采取适当方式组织党员、群众进行评议。" (seed, part 四).

Nothing here identifies a respondent: a token is stored only as its SHA-256 digest (a leaked table
cannot be replayed), an answer row knows its batch, the criterion, the level and — for a member
batch — the member being evaluated, but not the token, the time, the address or the browser.
Answer rows carry random UUID keys, so not even their order can be matched to the order in which
tokens were used.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Member, Org, User

from ..enums import Target
from .assessments import Period
from .criteria import CriteriaSet, Criterion


class MassBatchStatus(models.TextChoices):
    GENERATING = "generating", _("正在生成二维码表")
    READY = "ready", _("已生成")
    FAILED = "failed", _("生成失败")


class MassBatch(models.Model):
    """A batch of one-time tokens handed out to the masses to evaluate one organization (``target``
    org) or each member of one organization (``target`` member: ``tokens_per_target`` tokens for
    every member)."""

    period = models.ForeignKey(Period, verbose_name=_("考核期间"), on_delete=models.PROTECT, related_name="+")
    target = models.CharField(_("评议对象"), max_length=10, choices=Target.choices)
    org = models.ForeignKey(Org, verbose_name=_("组织"), on_delete=models.CASCADE, related_name="mass_batches")
    org_path = models.CharField(max_length=255, editable=False)
    criteria_set = models.ForeignKey(CriteriaSet, verbose_name=_("评价标准"), on_delete=models.PROTECT)
    title = models.CharField(_("名称"), max_length=100, blank=True)
    tokens_per_target = models.PositiveIntegerField(_("每个对象的二维码数"))
    token_count = models.PositiveIntegerField(_("发放二维码数"), default=0, editable=False)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    public_base_url = models.CharField(_("网址前缀"), max_length=200, editable=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=MassBatchStatus.choices, default=MassBatchStatus.GENERATING
    )
    sheet = models.FileField(_("二维码表"), upload_to="mass/", blank=True)
    created_by = set_null_fk(User, _("创建人"), blank=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["org_path", "sheet", "public_base_url"])

    class Meta:
        verbose_name = _("群众评议批次")
        verbose_name_plural = _("群众评议批次")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["period", "target", "org_path"],
                name="massbatch_period_path",
                opclasses=["int8_ops", "varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["org_path"], name="massbatch_path", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.title or f"{self.org} · {self.get_target_display()}"

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at


class MassToken(models.Model):
    """One printed QR code. ``digest`` is sha256(token); the token itself is never stored."""

    batch = models.ForeignKey(MassBatch, on_delete=models.CASCADE, related_name="tokens")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评议二维码")
        verbose_name_plural = _("评议二维码")
        indexes = [models.Index(fields=["batch", "member"], name="masstoken_batch_member")]

    def __str__(self):
        return f"{self.batch_id}:{self.digest[:8]}"


class MassAnswer(models.Model):
    """One level chosen for one criterion on one answer sheet. Deliberately no token, no time, no
    address, no browser: only what is needed to count."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    batch = models.ForeignKey(MassBatch, on_delete=models.CASCADE, related_name="answers")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("等次"), max_length=20)

    class Meta:
        verbose_name = _("群众评议答卷")
        verbose_name_plural = _("群众评议答卷")
        indexes = [models.Index(fields=["batch", "member", "criterion"], name="massanswer_batch_crit")]

    def __str__(self):
        return f"{self.criterion_id}:{self.level}"


class MassTally(models.Model):
    """Paper ballots counted by hand: how many ballots chose ``level`` for ``criterion``."""

    batch = models.ForeignKey(MassBatch, on_delete=models.CASCADE, related_name="tallies")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, verbose_name=_("评价项目"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("等次"), max_length=20)
    count = models.PositiveIntegerField(_("票数"))
    entered_by = set_null_fk(User, _("录入人"), blank=False)
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("纸质选票统计")
        verbose_name_plural = _("纸质选票统计")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "member", "criterion", "level"],
                name="unique_mass_tally",
            )
        ]

    def __str__(self):
        return f"{self.criterion_id}:{self.level}={self.count}"
