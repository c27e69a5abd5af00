"""Reports upward: a city's or provincial department's own implementation opinion, sent to the province.

"各市、省直有关单位在本地本部门本系统开展创先争优活动实施意见制定后，请及时报省委组织部。" (seed, part 五)

Who must report is data: the cities by their level, and the 省直有关单位 by the register ``ReportingBody`` —
省直部门, the system committees (省直机关工委, 省委教育工委 …) and the 主管部门 of 垂直管理单位 and 条块共管单位
("垂直管理单位和条块共管单位的主管部门要加强对行业、系统创先争优活动的指导"). The report_upward milestone carries
``Milestone.provincial_units``: it applies to the cities and to every registered body, so the milestone, the
reminders and the "who has / hasn't reported" list all read the same rows.
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Org, User

from .attachments import Attachment
from .timeline import Campaign


class ImplementationReport(models.Model):
    """One submitted version of an implementation opinion (实施意见); resubmitting adds a version."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="implementation_reports"
    )
    org = models.ForeignKey(
        Org,
        verbose_name=_("报送单位"),
        on_delete=models.PROTECT,
        related_name="implementation_reports",
        help_text=_("各市、省直有关单位（省委直属的市委和系统党委）。"),
    )
    version = models.PositiveSmallIntegerField(_("版本"))
    title = models.CharField(_("文件标题"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=50, help_text=_("例如：石创组〔2010〕3号"))
    doc_date = models.DateField(_("成文日期"))
    attachments = GenericRelation(Attachment, content_type_field="owner_type", object_id_field="owner_id")
    submitted_by = set_null_fk(User, _("报送人"))
    submitted_at = models.DateTimeField(_("报送时间"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("实施意见报送")
        verbose_name_plural = _("实施意见报送")
        ordering = ["-submitted_at", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "org", "version"], name="unique_report_version"),
        ]

    def __str__(self):
        return self.title


class ReportingBody(models.Model):
    """A 省直有关单位 that must send its implementation opinion to the province's 组织部 (报送单位名录).

    The province's 组织部 keeps the register; the system committees directly under the province were entered by
    the migration that introduced it (``campaign.0007``) and by the demo.
    """

    class Category(models.TextChoices):
        DEPARTMENT = "department", _("省直部门")
        SYSTEM = "system", _("省直系统党（工）委")
        VERTICAL = "vertical", _("垂直管理、条块共管单位的主管部门")

    org = models.OneToOneField(Org, verbose_name=_("报送单位"), on_delete=models.CASCADE, related_name="reporting_body")
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = set_null_fk(User, _("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("省直报送单位")
        verbose_name_plural = _("省直报送单位")
        ordering = ["org__path"]

    def __str__(self):
        return f"{self.org} · {self.get_category_display()}"
