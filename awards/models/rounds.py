"""Award rounds with categories, windows and top-down quotas.

"2011年“七一”前，省、市、县(市、区)各级党委对先进基层党组织、优秀共产党员和优秀党务工作者进行一次集中表彰。
……评选表彰对象要注重工作实绩和社会公认度，采取自下而上、层层推荐的方式产生。"
"2012年“七一”前，省委将专项表彰“2010—2012年创先争优活动”先进基层党组织、优秀共产党员，以及抓创先争优活动
成绩显著的先进县(市、区)委。" (seed, part 四)
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Org

from ..enums import CategoryCode, NomineeKind, RoundKind


class AwardRound(models.Model):
    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("活动"), null=True, blank=True, on_delete=models.SET_NULL
    )
    name = models.CharField(_("名称"), max_length=100)
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=RoundKind.choices)
    owner_org = models.ForeignKey(
        Org,
        verbose_name=_("表彰机关"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("作出表彰决定的党委（本轮次的所有者）"),
    )
    nomination_opens = models.DateField(_("推荐开始"))
    nomination_closes = models.DateField(_("推荐截止"))
    review_closes = models.DateField(_("审核截止"))
    publicity_starts = models.DateField(_("公示开始"))
    publicity_working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), default=5)
    decision_date = models.DateField(_("表彰决定日期"))
    objection_contact = models.CharField(
        _("异议受理方式"), max_length=300, blank=True, help_text=_("如：省委组织部党员教育处，电话 0311-xxxxxxx")
    )
    objection_requires_identity = models.BooleanField(_("异议须署真实姓名和电话"), default=True)
    # Set when the 公示 actually starts (awards.services.publicity.start_publicity): from then on
    # ``publicity_starts`` is fixed and ``publicity_working_days`` only grows (PublicityChange records why).
    publicity_started_at = models.DateTimeField(_("公示开始时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("表彰轮次")
        verbose_name_plural = _("表彰轮次")
        ordering = ["-nomination_opens"]

    def __str__(self):
        return self.name

    @property
    def publicity_started(self) -> bool:
        return self.publicity_started_at is not None


class PublicityChange(models.Model):
    """One move of a running 公示's end (later only), with who asked for it and why.

    "评选表彰对象要注重工作实绩和社会公认度" (seed, part 四): the notice period is what gives the masses
    their say, so once it has started it is never shortened; each extension keeps its reason.
    """

    award_round = models.ForeignKey(
        AwardRound, verbose_name=_("表彰轮次"), on_delete=models.CASCADE, related_name="publicity_changes"
    )
    old_end = models.DateField(_("原结束日期"))
    new_end = models.DateField(_("新结束日期"))
    old_working_days = models.PositiveSmallIntegerField(_("原公示期（工作日）"))
    new_working_days = models.PositiveSmallIntegerField(_("新公示期（工作日）"))
    reason = models.TextField(_("调整原因"), max_length=500)
    by = set_null_fk(settings.AUTH_USER_MODEL, _("调整人"))
    at = models.DateTimeField(_("调整时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公示期调整记录")
        verbose_name_plural = _("公示期调整记录")
        ordering = ["award_round", "at", "id"]

    def __str__(self):
        return f"{self.award_round} {self.old_end} → {self.new_end}"


class AwardCategory(models.Model):
    award_round = models.ForeignKey(
        AwardRound, verbose_name=_("表彰轮次"), on_delete=models.CASCADE, related_name="categories"
    )
    code = models.CharField(_("类别"), max_length=20, choices=CategoryCode.choices)
    nominee_kind = models.CharField(_("推荐对象"), max_length=10, choices=NomineeKind.choices)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("表彰类别")
        verbose_name_plural = _("表彰类别")
        ordering = ["award_round", "order"]
        constraints = [models.UniqueConstraint(fields=["award_round", "code"], name="unique_round_category")]

    def __str__(self):
        return self.get_code_display()


class Quota(models.Model):
    """How many of a category a node may forward upward; handed out top-down, never more than received."""

    category = models.ForeignKey(
        AwardCategory, verbose_name=_("表彰类别"), on_delete=models.CASCADE, related_name="quotas"
    )
    org = models.ForeignKey(Org, verbose_name=_("组织"), on_delete=models.CASCADE, related_name="+")
    amount = models.PositiveIntegerField(_("名额"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("名额")
        verbose_name_plural = _("名额")
        constraints = [models.UniqueConstraint(fields=["category", "org"], name="unique_quota")]

    def __str__(self):
        return f"{self.org} · {self.category} · {self.amount}"


class HolidayYear(models.Model):
    """A year whose State Council holiday schedule (国务院办公厅关于部分节假日安排的通知) is loaded.

    A year's schedule is this row plus its exceptions to Monday–Friday (``CalendarDay``): without the row
    the year's working days are unknown, and a 公示 reaching into it is refused
    (awards.services.workdays.ScheduleMissing). 2004–2026 come from the chinese-calendar library (a data
    migration); later years are entered by the province's 组织部 when the notice is published each
    December. An *assumed* year (Monday–Friday without holidays) is only for demonstrations and tests.
    """

    class Source(models.TextChoices):
        LIBRARY = "library", _("chinese-calendar 数据")
        MANUAL = "manual", _("按国务院通知录入")
        ASSUMED = "assumed", _("推定（未公布，仅供演示）")

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    notice = models.CharField(_("通知文号"), max_length=60, blank=True, help_text=_("如：国办发明电〔2010〕40号"))
    entered_by = set_null_fk(settings.AUTH_USER_MODEL, _("录入人"))
    updated_at = models.DateTimeField(_("录入时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("年度节假日安排")
        verbose_name_plural = _("年度节假日安排")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)

    @property
    def is_assumed(self) -> bool:
        return self.source == self.Source.ASSUMED


class CalendarDay(models.Model):
    """Exceptions to the Monday–Friday working week of a loaded year (``HolidayYear``): public holidays
    (including the weekend days inside a holiday) and 调休 working weekends."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=50, blank=True, help_text=_("如：国庆节、国庆节调休上班"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"
