"""基层党建述职评议 and the 一定三有 mechanism.

"完善基层党建述职、考核、评议制度，深化“一定三有”机制，健全党领导的基层民主自治机制，推进党建工作创新。"
(seed, part 四.(二).5, “组织创新”活动)

述职评议: the secretary of a basic organization reports (述职) once a year on the party-building work of his
organization; the superior — the 组织部 or the 党委 above it — rates the report (评议: 好/较好/一般/差) with
comments. 一定三有: the seed names the mechanism but not its items, so the items are data: the province's 组织部
(or a county's, for its own subtree) sets them, and each village records per item whether it is in place, with
evidence. Evidence files are campaign attachments (``campaign.services.attachments``: images and PDF only,
checked from the bytes, active PDFs refused).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Org, User
from orgs.validators import validate_no_id_number


class DutyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交，待评议")
    RATED = "rated", _("已评议")


class DutyRating(models.TextChoices):
    GOOD = "good", _("好")
    FAIR = "fair", _("较好")
    AVERAGE = "average", _("一般")
    POOR = "poor", _("差")


class DutyReport(models.Model):
    """A basic organization's annual 述职 and the superior's 评议 of it (one per organization and year)."""

    org = models.ForeignKey(Org, verbose_name=_("基层党组织"), on_delete=models.PROTECT, related_name="duty_reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    report = models.TextField(
        _("述职报告"),
        blank=True,
        validators=[validate_no_id_number],
        help_text=_("本年度抓基层党建工作的情况、存在的问题和下一步打算；也可以上传述职报告文件。"),
    )
    status = models.CharField(_("状态"), max_length=10, choices=DutyStatus.choices, default=DutyStatus.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = set_null_fk(User, _("述职人"))
    rating = models.CharField(_("评议等次"), max_length=8, choices=DutyRating.choices, blank=True)
    comments = models.TextField(_("评议意见"), blank=True, validators=[validate_no_id_number])
    rated_by = set_null_fk(User, _("评议人"))
    rated_org = set_null_fk(Org, _("评议组织"))
    rated_at = models.DateTimeField(_("评议时间"), null=True, blank=True)
    created_by = set_null_fk(User, _("填写人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("基层党建述职")
        verbose_name_plural = _("基层党建述职")
        ordering = ["-year", "org", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="unique_duty_report_org_year")]
        indexes = [models.Index(fields=["year", "status"], name="duty_year_status")]

    def __str__(self):
        return _("%(org)s · %(year)s年度述职") % {"org": self.org, "year": self.year}

    @property
    def submitted(self) -> bool:
        return self.status in (DutyStatus.SUBMITTED, DutyStatus.RATED)


class MeasureStatus(models.TextChoices):
    PENDING = "pending", _("未落实")
    PROGRESS = "progress", _("落实中")
    DONE = "done", _("已落实")


class MeasureItem(models.Model):
    """One item of the 一定三有 mechanism, set by the province's or a county's 组织部 for the villages below it."""

    scope = models.ForeignKey(
        Org,
        verbose_name=_("适用范围"),
        on_delete=models.PROTECT,
        related_name="measure_items",
        help_text=_("设定条目的省或县（市、区）：条目适用于其下的所有村。"),
    )
    # Copy of scope.path (the scope never changes): "items that apply to a village" is a prefix test.
    scope_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(_("条目"), max_length=100)
    description = models.TextField(_("内容和标准"), blank=True, validators=[validate_no_id_number])
    order = models.PositiveSmallIntegerField(_("排序"), default=1, help_text=_("数字小的排在前面。"))
    active = models.BooleanField(_("启用"), default=True, help_text=_("停用的条目不再计入落实情况。"))
    created_by = set_null_fk(User, _("设定人"))
    created_at = models.DateTimeField(_("设定时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("一定三有条目")
        verbose_name_plural = _("一定三有条目")
        ordering = ["scope_path", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["scope", "title"], name="unique_measure_item_scope_title")]

    def __str__(self):
        return self.title


class VillageMeasure(models.Model):
    """A village's state on one 一定三有 item, with its evidence and who recorded it when.

    No row means 未落实: a village records an item once it starts on it.
    """

    item = models.ForeignKey(MeasureItem, verbose_name=_("条目"), on_delete=models.PROTECT, related_name="states")
    village = models.ForeignKey(Org, verbose_name=_("村"), on_delete=models.PROTECT, related_name="measure_states")
    status = models.CharField(
        _("落实情况"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PENDING
    )
    evidence = models.TextField(
        _("落实情况说明"),
        blank=True,
        validators=[validate_no_id_number],
        help_text=_("做了什么、依据什么文件或记录；可以同时上传佐证材料（图片或 PDF）。"),
    )
    updated_by = set_null_fk(User, _("填报人"))
    updated_at = models.DateTimeField(_("填报时间"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("一定三有落实情况")
        verbose_name_plural = _("一定三有落实情况")
        constraints = [models.UniqueConstraint(fields=["item", "village"], name="unique_village_measure")]
        indexes = [models.Index(fields=["village", "status"], name="village_measure_status")]

    def __str__(self):
        return f"{self.village} · {self.item} · {self.get_status_display()}"
