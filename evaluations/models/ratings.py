"""The basic organization's rating of its members per period, and the release of the results to them.

"考核评议。上级党组织要对基层党组织、基层党组织对党员开展创先争优活动情况进行考核，并采取适当方式组织
党员、群众进行评议。" (seed, part 四 (四))

Both rows keep the organization that made them (``org``: the member's organization when rated), so a
member who moves to another branch takes his rating with him while the old branch's board and release
still find the results it made.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Member, Org, User

from ..enums import MemberRatingLevel
from .assessments import Period


class MemberRating(models.Model):
    """优秀 / 合格 / 基本合格 / 不合格 for one member in one period, with the reason where it departs
    from the scores (evaluations.services.ratings)."""

    period = models.ForeignKey(
        Period, verbose_name=_("考核期间"), on_delete=models.PROTECT, related_name="member_ratings"
    )
    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="ratings")
    org = models.ForeignKey(Org, verbose_name=_("评定组织"), on_delete=models.CASCADE, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    level = models.CharField(_("评定等次"), max_length=12, choices=MemberRatingLevel.choices)
    reason = models.TextField(_("评定理由"), blank=True)
    rated_by = set_null_fk(User, _("评定人"))
    rated_at = models.DateTimeField(_("评定时间"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["org_path"])

    class Meta:
        verbose_name = _("党员评定等次")
        verbose_name_plural = _("党员评定等次")
        ordering = ["period", "org_path", "member_id"]
        constraints = [models.UniqueConstraint(fields=["period", "member"], name="unique_member_rating")]
        indexes = [
            models.Index(
                fields=["period", "org_path"],
                name="memberrating_period_path",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.period} · {self.get_level_display()}"


class MemberResultsRelease(models.Model):
    """The organization published its members' results of a period (branch assessment, rating and the
    masses' evaluation): from then on each member sees his own."""

    period = models.ForeignKey(Period, verbose_name=_("考核期间"), on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        Org, verbose_name=_("组织"), on_delete=models.CASCADE, related_name="member_results_releases"
    )
    org_path = models.CharField(max_length=255, editable=False)
    released_by = set_null_fk(User, _("发布人"))
    released_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["org_path"])

    class Meta:
        verbose_name = _("党员评议结果发布")
        verbose_name_plural = _("党员评议结果发布")
        ordering = ["-released_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["period", "org"], name="unique_member_results_release")]

    def __str__(self):
        return f"{self.org} · {self.period}"
