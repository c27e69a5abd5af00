"""Assessments of an organization or a member, per period and source, one score per criterion."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import score_field
from orgs.models import Member, Org, User

from ..enums import AssessmentStatus, Source, Target
from .criteria import CriteriaSet, Criterion


class Period(models.Model):
    """An assessment period, e.g. "2010年度" or "2012年考核评议"."""

    name = models.CharField(_("名称"), max_length=50)
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("活动"), null=True, blank=True, on_delete=models.SET_NULL
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核期间")
        verbose_name_plural = _("考核期间")
        ordering = ["-start_date"]

    def __str__(self):
        return self.name


class Assessment(models.Model):
    """One assessment (self, superior, peer) of an organization or a member; mass answers are
    aggregated separately (evaluations.models.mass) and enter the combined score as a source."""

    period = models.ForeignKey(Period, verbose_name=_("考核期间"), on_delete=models.PROTECT, related_name="assessments")
    target = models.CharField(_("评价对象"), max_length=10, choices=Target.choices)
    org = models.ForeignKey(Org, verbose_name=_("组织"), on_delete=models.CASCADE, related_name="assessments")
    org_path = models.CharField(max_length=255, editable=False)
    member = models.ForeignKey(
        Member, verbose_name=_("党员"), null=True, blank=True, on_delete=models.CASCADE, related_name="assessments"
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    criteria_set = models.ForeignKey(CriteriaSet, verbose_name=_("评价标准"), on_delete=models.PROTECT)
    author = models.ForeignKey(User, verbose_name=_("评价人"), null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(
        _("状态"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    comment = models.TextField(_("评语"), blank=True)
    score = score_field(_("得分"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["org_path"])

    class Meta:
        verbose_name = _("考核评价")
        verbose_name_plural = _("考核评价")
        indexes = [
            models.Index(
                fields=["period", "source", "org_path"],
                name="assessment_period_path",
                opclasses=["int8_ops", "varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]
        # One self-assessment and one superior assessment per organization and period; one self-assessment
        # (the member's own) and one superior assessment per member and period; each author reviews a
        # member once (党员评议).
        constraints = [
            models.UniqueConstraint(
                fields=["period", "org", "source"],
                condition=models.Q(target="org", source__in=["self", "superior"]),
                name="unique_org_self_superior",
            ),
            models.UniqueConstraint(
                fields=["period", "member", "source"],
                condition=models.Q(target="member", source__in=["self", "superior"]),
                name="unique_member_self_superior",
            ),
            models.UniqueConstraint(
                fields=["period", "member", "author"],
                condition=models.Q(target="member", source="peer"),
                name="unique_member_peer_author",
            ),
        ]

    def __str__(self):
        return f"{self.member or self.org} · {self.get_source_display()}"


class AssessmentScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("评价项目"), on_delete=models.PROTECT)
    level = models.CharField(_("等次"), max_length=20)
    # The level's score (0–100) copied from the criteria set on submit, so that aggregates (the
    # lowest superior level of the 五个好) are plain SQL and later edits of the set change nothing.
    points = score_field(_("等次分"), null=True, blank=True)
    comment = models.CharField(_("说明"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评价得分")
        verbose_name_plural = _("评价得分")
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="unique_assessment_criterion")]

    def __str__(self):
        return f"{self.criterion}: {self.level}"
