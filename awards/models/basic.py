"""A basic organization's own commendation of its members (基层表彰).

"基层党组织也要采取适当方式对优秀共产党员进行表彰奖励。" (seed, part 四.(二))

A basic organization runs a simple round of its own: no quotas from above, no 公示 unless it chooses
one. The secretary writes the round (``BasicCommendation``), adds the organization's own members
(``BasicAward``) and announces it; the honours then appear on each member's record and can be cited
in a higher nomination. The 组织部 above may annul a round or one award with a reason, kept, never
deleted.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Member, Org

DEFAULT_HONOUR = "优秀共产党员"  # i18n: data


class BasicCommendation(models.Model):
    """One round of a basic organization's own commendation."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLICITY = "publicity", _("公示中")
        ANNOUNCED = "announced", _("已公布")
        ANNULLED = "annulled", _("已撤销")

    org = models.ForeignKey(
        Org, verbose_name=_("表彰组织"), on_delete=models.PROTECT, related_name="basic_commendations"
    )
    # Copy of org.path: "commendations of a subtree" is one index range.
    org_path = models.CharField(max_length=255, editable=False)
    campaign = set_null_fk("campaign.Campaign", _("活动"))
    title = models.CharField(_("表彰名称"), max_length=100, help_text=_("如：2011年度优秀共产党员表彰"))
    year = models.PositiveSmallIntegerField(_("年度"))
    date = models.DateField(_("表彰日期"))
    method = models.TextField(
        _("评选方式"),
        max_length=500,
        help_text=_("基层党组织也要采取适当方式对优秀共产党员进行表彰奖励：如党员大会评选、支委会研究决定。"),
    )
    publicity = models.BooleanField(
        _("公布前进行公示"),
        default=False,
        help_text=_("可选：公示期间名单在公开页面公示（只显示姓名和岗位），公示期满后才能公布表彰结果。"),
    )
    publicity_working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), default=5)
    publicity_contact = models.CharField(
        _("意见反映方式"), max_length=200, blank=True, help_text=_("如：村党支部书记，电话 0311-xxxxxxx")
    )
    publicity_starts = models.DateField(_("公示开始"), null=True, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    announced_at = models.DateTimeField(_("公布时间"), null=True, blank=True, editable=False)
    announced_by = set_null_fk(settings.AUTH_USER_MODEL, _("公布人"))
    annulled_reason = models.TextField(_("撤销原因"), blank=True)
    annulled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)
    annulled_by = set_null_fk(settings.AUTH_USER_MODEL, _("撤销人"))
    created_by = set_null_fk(settings.AUTH_USER_MODEL, _("创建人"), blank=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("基层表彰")
        verbose_name_plural = _("基层表彰")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["org_path"], name="basiccomm_orgpath", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["org", "status"], name="basiccomm_org_status"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


class BasicAward(models.Model):
    """One member commended in a basic organization's round; the name and post are kept as given then."""

    commendation = models.ForeignKey(
        BasicCommendation, verbose_name=_("基层表彰"), on_delete=models.CASCADE, related_name="awards"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("受表彰党员"), on_delete=models.PROTECT, related_name="basic_awards"
    )
    # Snapshots: the public page and the record print these (never the ID number, phone or birth date).
    member_name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("岗位"), max_length=100, blank=True)
    honour = models.CharField(_("荣誉称号"), max_length=50, default=DEFAULT_HONOUR)
    citation = models.TextField(_("主要事迹"), max_length=1000, blank=True)
    annulled_reason = models.TextField(_("撤销原因"), blank=True)
    annulled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)
    annulled_by = set_null_fk(settings.AUTH_USER_MODEL, _("撤销人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("基层表彰对象")
        verbose_name_plural = _("基层表彰对象")
        ordering = ["commendation", "id"]
        constraints = [
            models.UniqueConstraint(fields=["commendation", "member"], name="unique_basic_award_member"),
        ]
        indexes = [models.Index(fields=["member", "annulled_at"], name="basicaward_member")]

    def __str__(self):
        return f"{self.member_name} · {self.honour}"

    @property
    def is_annulled(self):
        return self.annulled_at is not None
