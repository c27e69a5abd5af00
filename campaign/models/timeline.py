"""The campaign as data: phases with dates, dated milestones (节点任务), and who has done them.

"全省开展创先争优活动，围绕迎接建党90周年、向党的十八大献礼两个重大节点展开，分四个步骤进行。" (seed, part 四)
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Org, User


class Campaign(models.Model):
    name = models.CharField(_("活动名称"), max_length=100)
    code = models.SlugField(_("活动代码"), max_length=40, unique=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    copied_from = models.ForeignKey(
        "self", verbose_name=_("复制自"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("创先争优活动")
        verbose_name_plural = _("创先争优活动")
        ordering = ["-start_date"]

    def __str__(self):
        return self.name

    def phase_on(self, day: datetime.date | None = None):
        """The phase whose dates contain ``day`` (today by default), or None."""
        day = day or timezone.localdate()
        return self.phases.filter(start_date__lte=day, end_date__gte=day).first()

    def is_running(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.start_date <= day <= self.end_date


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField(_("步骤"))
    name = models.CharField(_("名称"), max_length=50)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    description = models.TextField(_("主要工作"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("活动步骤")
        verbose_name_plural = _("活动步骤")
        ordering = ["campaign", "order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "order"], name="unique_phase_order")]

    def __str__(self):
        return self.name

    def contains(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date


class Milestone(models.Model):
    """A dated task (节点任务) and the organizations it applies to (levels, kinds, sectors; empty = all)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="milestones")
    phase = models.ForeignKey(Phase, verbose_name=_("步骤"), on_delete=models.CASCADE, related_name="milestones")
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("要求"), blank=True, help_text=_("原文摘录"))
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    due_date = models.DateField(_("完成时限"))
    levels = models.JSONField(_("适用层级"), default=list, blank=True)
    kinds = models.JSONField(_("适用组织类别"), default=list, blank=True)
    sectors = models.JSONField(_("适用领域"), default=list, blank=True)
    # "各市、省直有关单位……请及时报省委组织部" (seed, part 五): the cities by level, and the 省直有关单位 registered
    # as reporting bodies (campaign.models.reports.ReportingBody), which no level describes.
    provincial_units = models.BooleanField(
        _("含省直报送单位"),
        default=False,
        help_text=_(
            "除按层级、类别、领域适用的组织外，也适用于登记的省直报送单位（省直部门、系统党委、垂直管理和条块共管单位的主管部门）。"
        ),
    )
    reminders = models.BooleanField(_("到期提醒"), default=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节点任务")
        verbose_name_plural = _("节点任务")
        ordering = ["campaign", "due_date", "order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="unique_milestone_code")]

    def __str__(self):
        return self.name

    @property
    def has_filters(self) -> bool:
        return bool(self.levels or self.kinds or self.sectors)

    def applies_q(self, prefix: str = "") -> Q:
        """A Q over organizations (``prefix`` names the relation, e.g. ``"org__"``) this milestone applies to.

        Levels, kinds and sectors narrow the organizations; ``provincial_units`` adds the registered reporting
        bodies to them (alone, without any filter, it means only those bodies).
        """
        q = Q()
        if self.levels:
            q &= Q(**{f"{prefix}level__in": self.levels})
        if self.kinds:
            q &= Q(**{f"{prefix}kind__in": self.kinds})
        if self.sectors:
            q &= Q(**{f"{prefix}sector__in": self.sectors})
        if self.provincial_units:
            registered = Q(**{f"{prefix}reporting_body__isnull": False})
            q = (q | registered) if self.has_filters else registered
        return Q(**{f"{prefix}active": True}) & q

    def matches(self, level: str, kind: str, sector: str, registered: bool = False) -> bool:
        """``applies_to`` on an (active) organization's attributes; ``registered``: it is a reporting body."""
        by_filters = (
            (not self.levels or level in self.levels)
            and (not self.kinds or kind in self.kinds)
            and (not self.sectors or sector in self.sectors)
        )
        if not self.provincial_units:
            return by_filters
        return (by_filters and self.has_filters) or registered

    def applies_to(self, org: Org) -> bool:
        if not org.active:
            return False
        registered = False
        if self.provincial_units:
            from .reports import ReportingBody

            registered = ReportingBody.objects.filter(org_id=org.pk).exists()
        return self.matches(org.level, org.kind, org.sector, registered)


class MilestoneDone(models.Model):
    """One organization has done one milestone; written by the service that completes the work."""

    milestone = models.ForeignKey(Milestone, verbose_name=_("节点任务"), on_delete=models.CASCADE, related_name="done")
    org = models.ForeignKey(Org, verbose_name=_("组织"), on_delete=models.CASCADE, related_name="milestones_done")
    # Copy of org.path so that "done in a subtree" is one index range.
    org_path = models.CharField(max_length=255, editable=False)
    done_at = models.DateTimeField(_("完成时间"), default=timezone.now)
    by = models.ForeignKey(User, verbose_name=_("确认人"), null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["org_path"])

    class Meta:
        verbose_name = _("节点完成情况")
        verbose_name_plural = _("节点完成情况")
        constraints = [models.UniqueConstraint(fields=["milestone", "org"], name="unique_milestone_done")]
        indexes = [
            models.Index(
                fields=["milestone", "org_path"],
                name="done_milestone_path",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self):
        return f"{self.org} · {self.milestone}"
