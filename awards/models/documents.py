"""The commendation decision (表彰决定) with its generated documents, and the link from a commended
nominee to the exemplar (先进典型, 示范点) designated from it in phase three.

"2011年“七一”前，省、市、县(市、区)各级党委对先进基层党组织、优秀共产党员和优秀党务工作者进行一次集中表彰。"
(seed, part 四) — the final list produces the decision in the official layout (GB/T 9704-2012), the
certificates (荣誉证书) and the list as xlsx.
"树立先进典型。以受表彰的对象为重点，省、市、县(市、区)分别确定一批不同领域、不同行业、不同单位基层组织和
党员队伍建设工作的示范点" (seed, part 四, (三)) — the exemplar itself is evaluations.Exemplar (对标定位 uses it);
``CommendedExemplar`` records which commendation it came from and what the public page shows.
"""

import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Org

from .nominations import Nomination
from .rounds import AwardCategory, AwardRound

# 发文字号: 发文机关代字 + 年份（六角括号〔〕）+ 发文顺序号, e.g. 冀创组〔2011〕8号, 正组〔2011〕3号
# (GB/T 9704-2012, 7.2.4). The 代字 must begin with the issuer's own 机关代字 (``IssuerPrefix``): the
# service (awards.services.documents.parse_doc_number) checks that; the model only checks the shape.
DOC_NUMBER_PATTERN = (
    r"^(?P<prefix>[^\s\d〔〕\[\]()（）]{1,10})〔(?P<year>\d{4})〕(?P<serial>[1-9]\d{0,5})号$"  # i18n: data
)
doc_number_validator = RegexValidator(
    DOC_NUMBER_PATTERN,
    _("发文字号格式应为“冀创组〔2011〕8号”：机关代字、六角括号〔〕内四位年份、序号（不编虚位）和“号”"),
)


class IssuerPrefix(models.Model):
    """The 机关代字 of an issuing committee, the first part of its document numbers (冀, 石, 正 …).

    Without a row the default applies (awards.services.documents.default_prefix: 冀 for 河北省, the
    first character of a city's or county's name); the 组织部 covering the committee may change it.
    """

    org = models.OneToOneField(Org, verbose_name=_("发文机关"), on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(_("机关代字"), max_length=4, help_text=_("如：冀、石、正；发文字号以它开头"))
    updated_by = set_null_fk(settings.AUTH_USER_MODEL, _("修改人"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("机关代字")
        verbose_name_plural = _("机关代字")

    def __str__(self):
        return f"{self.org} · {self.prefix}"


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("未生成")
    QUEUED = "queued", _("排队中")
    GENERATING = "generating", _("生成中")
    READY = "ready", _("已生成")
    FAILED = "failed", _("生成失败")


class Decision(models.Model):
    """The commendation decision of one round; its files are rendered by a Celery task."""

    award_round = models.OneToOneField(
        AwardRound, verbose_name=_("表彰轮次"), on_delete=models.CASCADE, related_name="decision"
    )
    masthead = models.CharField(
        _("发文机关标志"),
        max_length=40,
        default="中共河北省委文件",  # i18n: data
        help_text=_("版头红色大字，如：中共河北省委文件"),
    )
    doc_number = models.CharField(
        _("发文字号"),
        max_length=40,
        unique=True,
        validators=[doc_number_validator],
        error_messages={"unique": _("该发文字号已被另一份表彰决定使用")},
        help_text=_("如：冀创组〔2011〕8号"),
    )
    issuing_body = models.CharField(
        _("发文机关署名"),
        max_length=60,
        default="中共河北省委",  # i18n: data
        help_text=_("如：中共河北省委"),
    )
    title = models.CharField(
        _("标题"), max_length=200, help_text=_("如：中共河北省委关于表彰全省创先争优活动先进基层党组织……的决定")
    )
    addressee = models.CharField(
        _("主送机关"),
        max_length=300,
        blank=True,
        help_text=_("如：各市委，省委各部委，省直各部门党组（党委），各人民团体党组，各高等学校党委："),
    )
    body = models.TextField(_("正文"), help_text=_("每段一行；打印时段首空两字"))
    attachment_title = models.CharField(
        _("附件名称"),
        max_length=200,
        help_text=_("如：全省创先争优活动先进基层党组织、优秀共产党员和优秀党务工作者名单"),
    )
    signed_on = models.DateField(_("成文日期"), help_text=_("以阿拉伯数字印出，如：2011年6月28日"))
    # The parts of ``doc_number``, kept by ``save()``: a number is unique per issuer and year.
    issuer_org = models.ForeignKey(
        Org,
        verbose_name=_("发文机关"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    doc_year = models.PositiveSmallIntegerField(_("发文年份"), null=True, blank=True, editable=False)
    doc_serial = models.PositiveIntegerField(_("发文顺序号"), null=True, blank=True, editable=False)

    status = models.CharField(
        _("文件状态"), max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    progress = models.PositiveSmallIntegerField(_("生成进度"), default=0)
    # Incremented at each request to generate: a task finishing for an older request writes nothing.
    generation = models.PositiveIntegerField(default=0, editable=False)
    error = models.TextField(_("错误信息"), blank=True)
    started_at = models.DateTimeField(_("开始生成时间"), null=True, blank=True)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    list_count = models.PositiveIntegerField(_("名单人数"), default=0)
    # MEDIA_ROOT is outside the web root: these files are only served by permission-checked views.
    decision_file = models.FileField(_("表彰决定（PDF）"), upload_to="awards/decisions/", blank=True)
    certificates_file = models.FileField(_("荣誉证书（PDF）"), upload_to="awards/decisions/", blank=True)
    list_file = models.FileField(_("表彰名单（xlsx）"), upload_to="awards/decisions/", blank=True)

    created_by = set_null_fk(settings.AUTH_USER_MODEL, _("创建人"), blank=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=[
            "progress",
            "generation",
            "error",
            "started_at",
            "updated_at",
            "decision_file",
            "certificates_file",
            "list_file",
        ]
    )

    class Meta:
        verbose_name = _("表彰决定")
        verbose_name_plural = _("表彰决定")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_org", "doc_year", "doc_serial"], name="unique_decision_number_per_issuer_year"
            ),
        ]

    def __str__(self):
        return f"{self.doc_number} {self.title}"

    def save(self, *args, **kwargs):
        """Keep the issuer (the round's owner), year and serial in step with ``doc_number``, whoever saves."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "doc_number" in update_fields:
            match = re.match(DOC_NUMBER_PATTERN, self.doc_number or "")
            self.issuer_org_id = self.award_round.owner_org_id if self.award_round_id else None
            self.doc_year = int(match["year"]) if match else None
            self.doc_serial = int(match["serial"]) if match else None
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "issuer_org", "doc_year", "doc_serial"}
        super().save(*args, **kwargs)

    @property
    def running(self):
        return self.status in (DecisionStatus.QUEUED, DecisionStatus.GENERATING)

    @property
    def ready(self):
        return self.status == DecisionStatus.READY


class CommendedExemplar(models.Model):
    """A commended nominee designated as an exemplar (evaluations.Exemplar), with what the public
    exemplar page shows: copies of the list's name, unit, post and category — never an ID or phone."""

    exemplar = models.OneToOneField(
        "evaluations.Exemplar", verbose_name=_("先进典型"), on_delete=models.CASCADE, related_name="commendation"
    )
    award_round = models.ForeignKey(
        AwardRound, verbose_name=_("表彰轮次"), on_delete=models.CASCADE, related_name="exemplars"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("受表彰对象"), on_delete=models.CASCADE, related_name="exemplars"
    )
    category = models.ForeignKey(AwardCategory, verbose_name=_("表彰类别"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    unit = models.CharField(_("单位"), max_length=100, blank=True)
    post = models.CharField(_("职务"), max_length=100, blank=True)
    city_name = models.CharField(_("所属市"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("确定时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("受表彰先进典型")
        verbose_name_plural = _("受表彰先进典型")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name
