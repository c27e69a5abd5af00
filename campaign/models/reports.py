"""Reports upward: a city's or provincial department's own implementation opinion, sent to the province.

"各市、省直有关单位在本地本部门本系统开展创先争优活动实施意见制定后，请及时报省委组织部。" (seed, part 五)
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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
    submitted_by = models.ForeignKey(
        User, verbose_name=_("报送人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
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
