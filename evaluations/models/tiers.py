"""Combined score and tiers (先进 / 中间 / 后进), source weights per subtree, tier targets.

"实施晋档升级。对照创先争优标准，着眼全面提升，加强不同层次党组织建设，使处于先进的当好标杆、
中间状态的规范提高、相对后进的改变面貌，各个领域“五个好”党组织、各条战线“五个模范”党员的比例都有
较大幅度提高。" (seed, part 四 (三) 3)
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import score_field, set_null_fk
from common.numbers import progress
from orgs.models import Org, User

from ..enums import Target, TierLevel

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
NON_NEGATIVE = [MinValueValidator(Decimal(0))]


class SourceWeights(models.Model):
    """How the sources combine for a subtree (``owner_org`` None: the whole province) and a period
    (None: every period), and the thresholds of the tier rule (see evaluations.services.scoring).

    "上级党组织要对基层党组织、基层党组织对党员开展创先争优活动情况进行考核，并采取适当方式组织党员、
    群众进行评议。" (seed, part 四 (四))
    """

    owner_org = models.ForeignKey(
        Org, verbose_name=_("适用范围"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(
        "evaluations.Period", verbose_name=_("适用期间"), null=True, blank=True, on_delete=models.CASCADE
    )
    target = models.CharField(_("评价对象"), max_length=10, choices=Target.choices, default=Target.ORG)
    self_weight = score_field(_("自评权重"), validators=NON_NEGATIVE)
    superior_weight = score_field(_("上级考核权重"), validators=NON_NEGATIVE)
    peer_weight = score_field(_("党员评议权重"), validators=NON_NEGATIVE)
    mass_weight = score_field(_("群众评议权重"), validators=NON_NEGATIVE)
    advanced_score = score_field(_("先进：综合得分不低于"), default=Decimal(85), validators=PERCENT)
    advanced_level_score = score_field(
        _("先进：上级考核每项等次分不低于"),
        default=Decimal(80),
        validators=PERCENT,
        help_text=_("默认 80，即每项不低于“比较满意”"),
    )
    backward_score = score_field(_("后进：综合得分低于"), default=Decimal(60), validators=PERCENT)
    backward_level_score = score_field(
        _("后进：上级考核任一项等次分不高于"),
        default=Decimal(0),
        validators=PERCENT,
        help_text=_("默认 0，即任一项“不满意”即为后进"),
    )
    set_by = set_null_fk(User, _("设置人"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评价来源权重")
        verbose_name_plural = _("评价来源权重")
        constraints = [
            models.UniqueConstraint(fields=["owner_org", "period", "target"], name="unique_source_weights"),
        ]

    def __str__(self):
        return f"{self.owner_org or _('全省')} · {self.period or _('所有期间')} · {self.get_target_display()}"

    def as_weights(self) -> dict[str, Decimal]:
        return {
            "self": self.self_weight,
            "superior": self.superior_weight,
            "peer": self.peer_weight,
            "mass": self.mass_weight,
        }


class Tier(models.Model):
    """The tier of one organization in one period. ``computed`` is written only by
    ``compute_tiers`` (set-based, no history row per run); ``override`` only by a superior with a
    reason (history kept). The effective tier is the override when there is one, else the computed."""

    org = models.ForeignKey(Org, verbose_name=_("组织"), on_delete=models.CASCADE, related_name="tiers")
    period = models.ForeignKey(
        "evaluations.Period", verbose_name=_("考核期间"), on_delete=models.CASCADE, related_name="tiers"
    )
    computed = models.CharField(_("计算档次"), max_length=10, choices=TierLevel.choices, null=True, blank=True)
    score = score_field(_("综合得分"), null=True, blank=True)
    self_score = score_field(_("自评得分"), null=True, blank=True)
    superior_score = score_field(_("上级考核得分"), null=True, blank=True)
    peer_score = score_field(_("党员评议得分"), null=True, blank=True)
    mass_score = score_field(_("群众评议得分"), null=True, blank=True)
    lowest_level_score = score_field(_("上级考核最低等次分"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    override = models.CharField(_("调整档次"), max_length=10, choices=TierLevel.choices, null=True, blank=True)
    override_reason = models.TextField(_("调整理由"), blank=True)
    override_by = set_null_fk(User, _("调整人"))
    override_at = models.DateTimeField(_("调整时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("档次")
        verbose_name_plural = _("档次")
        constraints = [models.UniqueConstraint(fields=["org", "period"], name="unique_tier_org_period")]
        indexes = [models.Index(fields=["period", "computed"], name="tier_period_computed")]

    def __str__(self):
        return f"{self.org} · {self.period} · {self.get_effective_display()}"

    @property
    def effective(self) -> str | None:
        return self.override or self.computed

    def get_effective_display(self) -> str:
        return TierLevel(self.effective).label if self.effective else _("未评定")


class TierTarget(models.Model):
    """A 晋档升级 target a superior sets for its subtree: e.g. 20% of the organizations that were
    中间 in ``from_period`` are 先进 in ``period``; 90% of the 后进 have changed (are no longer 后进)."""

    class Kind(models.TextChoices):
        MIDDLE_UP = "middle_up", _("中间状态升为先进的比例")
        BACKWARD_CHANGE = "backward_change", _("后进改变面貌的比例")
        ADVANCED_KEEP = "advanced_keep", _("先进保持先进的比例")

    owner_org = models.ForeignKey(Org, verbose_name=_("适用范围"), on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(
        "evaluations.Period", verbose_name=_("考核期间"), on_delete=models.CASCADE, related_name="+"
    )
    from_period = models.ForeignKey(
        "evaluations.Period", verbose_name=_("对比期间"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("指标"), max_length=20, choices=Kind.choices)
    percent = score_field(_("目标比例（%）"), validators=PERCENT)
    set_by = set_null_fk(User, _("设置人"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("晋档升级目标")
        verbose_name_plural = _("晋档升级目标")
        constraints = [
            models.UniqueConstraint(fields=["owner_org", "period", "from_period", "kind"], name="unique_tier_target"),
        ]

    def __str__(self):
        return f"{self.owner_org} · {self.get_kind_display()} {self.percent}%"


class TierRun(models.Model):
    """One run of ``compute_tiers`` for a subtree and period: status, progress, time of computation."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    root_org = models.ForeignKey(
        Org, verbose_name=_("计算范围"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(
        "evaluations.Period", verbose_name=_("考核期间"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = set_null_fk(User, _("提交人"))
    total = models.PositiveIntegerField(_("组织数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    history = HistoricalRecords(excluded_fields=["processed"])

    class Meta:
        verbose_name = _("档次计算")
        verbose_name_plural = _("档次计算")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.root_org or _('全省')} · {self.period} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return progress(self.processed, self.total)

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
