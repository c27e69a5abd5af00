"""Information bulletins (信息简报) and the exhibition of achievements (成果展示).

"充分发挥报刊、广播、电视、互联网以及现代远程教育、党建信息网、手机短信平台和信息简报作用，大力宣传各行各业
先进基层党组织和优秀共产党员的典型事迹，大力宣传各行各业开展创先争优活动的经验做法和实际效果。" (seed, part 五)

"一是展示成果。通过举办创先争优活动图片展、理论成果研讨会、编写丛书等多种形式，全面回顾我省开展创先争优活动
情况，集中展示活动成果，特别要展示通过活动促进科学发展的成果。" (seed, part 四.(四))
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Org, User

from .attachments import Attachment
from .publicity import Story

DEFAULT_MASTHEAD = "创先争优活动简报"  # i18n: data


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已印发")


class Bulletin(models.Model):
    """One issue of a leading group office's bulletin ("创先争优活动简报 第12期").

    Issued by the office of a node with a campaign LeadingGroup ("领导小组下设办公室，负责创先争优活动的
    组织指导", seed part 五); the number is given when it is issued and counts per issuing node and year.
    """

    issuer_org = models.ForeignKey(Org, verbose_name=_("编印单位"), on_delete=models.PROTECT, related_name="bulletins")
    masthead = models.CharField(_("简报名称"), max_length=40, default=DEFAULT_MASTHEAD)
    editor = models.CharField(_("编印机关"), max_length=100, help_text=_("如“石家庄市创先争优活动领导小组办公室”"))
    report_to = models.CharField(
        _("报送"), max_length=200, blank=True, help_text=_("版记“报”栏，如“省委创先争优活动领导小组办公室”")
    )
    status = models.CharField(_("状态"), max_length=8, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    number = models.PositiveIntegerField(_("期号"), null=True, blank=True)
    issue_date = models.DateField(_("印发日期"), null=True, blank=True)
    stories = models.ManyToManyField(Story, verbose_name=_("稿件"), through="BulletinItem", related_name="+")
    recipients = models.ManyToManyField(
        Org, verbose_name=_("分发范围"), through="BulletinRecipient", related_name="received_bulletins"
    )
    created_by = set_null_fk(User, _("编辑人"), blank=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    issued_by = set_null_fk(User, _("签发人"))
    issued_at = models.DateTimeField(_("签发时间"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("信息简报")
        verbose_name_plural = _("信息简报")
        ordering = ["-issue_date", "-number", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["issuer_org", "year", "number"], name="unique_bulletin_number"),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self):
        if self.number:
            return _("%(name)s 第%(n)s期") % {"name": self.masthead, "n": self.number}
        return _("%(name)s（草稿）") % {"name": self.masthead}

    @property
    def issued(self):
        return self.status == BulletinStatus.ISSUED


class BulletinItem(models.Model):
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="items")
    story = models.ForeignKey(Story, verbose_name=_("稿件"), on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("简报稿件")
        verbose_name_plural = _("简报稿件")
        ordering = ["bulletin", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["bulletin", "story"], name="unique_bulletin_story")]

    def __str__(self):
        return f"{self.bulletin} · {self.story}"


class BulletinRecipient(models.Model):
    """分发范围: a subordinate organization (a child of the issuing node) the bulletin goes to."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="recipient_rows")
    org = models.ForeignKey(Org, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("简报分发单位")
        verbose_name_plural = _("简报分发单位")
        constraints = [models.UniqueConstraint(fields=["bulletin", "org"], name="unique_bulletin_recipient")]

    def __str__(self):
        return f"{self.bulletin} → {self.org}"


class Exhibition(models.Model):
    """成果展示: one photo exhibition per node, put together by its 组织部, public when it says so."""

    org = models.OneToOneField(Org, verbose_name=_("组织"), on_delete=models.CASCADE, related_name="exhibition")
    title = models.CharField(_("展览名称"), max_length=100, default="创先争优活动成果展")  # i18n: data
    intro = models.TextField(
        _("前言"),
        blank=True,
        help_text=_("集中展示活动成果，特别要展示通过活动促进科学发展的成果。"),
    )
    public = models.BooleanField(_("向社会公开"), default=False)
    updated_by = set_null_fk(User, _("修改人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("成果展示")
        verbose_name_plural = _("成果展示")

    def __str__(self):
        return self.title


class ExhibitionItem(models.Model):
    """A photo of the exhibition: an image attached to an activity record, or a published story's cover."""

    exhibition = models.ForeignKey(Exhibition, on_delete=models.CASCADE, related_name="items")
    attachment = models.ForeignKey(Attachment, verbose_name=_("图片"), on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(_("图片说明"), max_length=200)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    added_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("展览图片")
        verbose_name_plural = _("展览图片")
        ordering = ["exhibition", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exhibition", "attachment"], name="unique_exhibition_attachment"),
        ]

    def __str__(self):
        return self.caption
