"""Criteria sets as data: 五个好 for organizations, 五个模范 for members (the Hebei seed's wording),
and the national 五带头 wording as a second member set. An org_department may define its own set
for its subtree and a period."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import score_field
from orgs.models import Org

from ..enums import DEFAULT_LEVELS, Target


def default_levels():
    return [dict(level) for level in DEFAULT_LEVELS]


class CriteriaSet(models.Model):
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    target = models.CharField(_("评价对象"), max_length=10, choices=Target.choices)
    description = models.TextField(_("说明"), blank=True)
    # None: the province-wide set. Otherwise the set applies to this node's subtree.
    owner_org = models.ForeignKey(
        Org, verbose_name=_("适用范围"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(
        "evaluations.Period", verbose_name=_("适用期间"), null=True, blank=True, on_delete=models.CASCADE
    )
    levels = models.JSONField(
        _("评价等次"), default=default_levels, help_text=_("每个等次：key、label（如“满意”）和 score（0—100）")
    )
    active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评价标准")
        verbose_name_plural = _("评价标准")
        constraints = [models.UniqueConstraint(fields=["code", "owner_org", "period"], name="unique_criteria_set")]

    def __str__(self):
        return self.name

    def level_score(self, key: str) -> int | None:
        for level in self.levels:
            if level["key"] == key:
                return level["score"]
        return None

    def level_label(self, key: str) -> str:
        for level in self.levels:
            if level["key"] == key:
                return level["label"]
        return key


class Criterion(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("评价标准"), on_delete=models.CASCADE, related_name="criteria"
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=50)
    description = models.TextField(_("内容"))
    weight = score_field(_("权重"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评价项目")
        verbose_name_plural = _("评价项目")
        ordering = ["criteria_set", "order"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "order"], name="unique_criterion_order")]

    def __str__(self):
        return self.name
