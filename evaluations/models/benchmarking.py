"""对标定位: exemplars (示范点, 先进典型), the benchmarks organizations and members set against them,
catch-up measures and their progress.

"树立先进典型。以受表彰的对象为重点，省、市、县(市、区)分别确定一批不同领域、不同行业、不同单位基层组织和
党员队伍建设工作的示范点" and "搞好对标定位。所有基层党组织和党员，都要对照本行业、本系统的先进典型，对照工作
标准，查找自身差距，明确努力方向，制定跟进、赶超的具体措施" (seed, part 四, (三)).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Member, Org, User


class ExemplarKind(models.TextChoices):
    DEMONSTRATION_SITE = "site", _("示范点")
    ADVANCED_MODEL = "model", _("先进典型")


class Exemplar(models.Model):
    """An exemplar designated by the org_department of a province, city or county committee
    (``designated_by_org``): an organization (示范点 or 先进典型) or a member (先进典型)."""

    kind = models.CharField(_("类型"), max_length=8, choices=ExemplarKind.choices)
    org = models.ForeignKey(
        Org, verbose_name=_("组织"), null=True, blank=True, on_delete=models.CASCADE, related_name="exemplars"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("党员"), null=True, blank=True, on_delete=models.CASCADE, related_name="exemplars"
    )
    # Path of the exemplar's organization (the member's organization for a member).
    org_path = models.CharField(max_length=255, editable=False)
    designated_by_org = models.ForeignKey(
        Org, verbose_name=_("确定单位"), on_delete=models.PROTECT, related_name="designated_exemplars"
    )
    level = models.CharField(_("级别"), max_length=10, editable=False)
    sector = models.CharField(_("所属领域"), max_length=16, blank=True, editable=False)
    profile = models.TextField(_("典型事迹"), help_text=_("主要做法和经验，供对标学习"))
    active = models.BooleanField(_("有效"), default=True)
    designated_by = set_null_fk(User, _("确定人"), blank=False)
    designated_at = models.DateTimeField(_("确定时间"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["org_path"])

    class Meta:
        verbose_name = _("先进典型")
        verbose_name_plural = _("先进典型")
        ordering = ["-designated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(org__isnull=False, member__isnull=True) | Q(org__isnull=True, member__isnull=False)),
                name="exemplar_org_xor_member",
            ),
            models.CheckConstraint(condition=~Q(kind="site") | Q(org__isnull=False), name="exemplar_site_is_org"),
        ]

    def __str__(self):
        return str(self.member or self.org)

    @property
    def subject_name(self):
        return self.member.name if self.member_id else self.org.name


class Benchmark(models.Model):
    """An organization (its secretary) or a member compares itself with an exemplar."""

    exemplar = models.ForeignKey(
        Exemplar, verbose_name=_("对标典型"), on_delete=models.PROTECT, related_name="benchmarks"
    )
    org = models.ForeignKey(Org, verbose_name=_("组织"), on_delete=models.CASCADE, related_name="benchmarks")
    org_path = models.CharField(max_length=255, editable=False)
    member = models.ForeignKey(
        Member, verbose_name=_("党员"), null=True, blank=True, on_delete=models.CASCADE, related_name="benchmarks"
    )
    gaps = models.TextField(_("查找差距"))
    direction = models.TextField(_("努力方向"), blank=True)
    created_by = set_null_fk(User, _("填写人"), blank=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["org_path"])

    class Meta:
        verbose_name = _("对标定位")
        verbose_name_plural = _("对标定位")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org_path"], name="benchmark_path", opclasses=["varchar_pattern_ops"])]

    def __str__(self):
        return f"{self.member or self.org} → {self.exemplar}"


class CatchUpMeasure(models.Model):
    """赶超措施 with a deadline; ``percent`` is the latest progress entry's figure."""

    benchmark = models.ForeignKey(Benchmark, on_delete=models.CASCADE, related_name="measures")
    content = models.TextField(_("赶超措施"))
    deadline = models.DateField(_("完成时限"))
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    created_by = set_null_fk(User, _("填写人"), blank=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("赶超措施")
        verbose_name_plural = _("赶超措施")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["deadline", "percent"], name="measure_deadline")]

    def __str__(self):
        return self.content[:30]

    @property
    def done(self):
        return self.percent >= 100


class MeasureProgress(models.Model):
    measure = models.ForeignKey(CatchUpMeasure, on_delete=models.CASCADE, related_name="progress")
    date = models.DateField(_("日期"))
    note = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"))
    by = set_null_fk(User, _("填写人"), blank=False)
    created_at = models.DateTimeField(_("填写时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("措施进展")
        verbose_name_plural = _("措施进展")
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.date} {self.percent}%"
