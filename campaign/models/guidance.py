"""指导小组 of provincial departments: each guides one sector (领域/行业) across the province.

"省直有关部门要成立指导小组，加强对相关领域(行业)创先争优活动的具体指导。垂直管理单位和条块共管单位的主管部门
要加强对行业、系统创先争优活动的指导。" (seed, part 五)

A group belongs to the province node its department acts from (the node of the department's 行业主管部门 role) and
to one sector. It has members (name, post, phone, optionally an account), contact points (organizations of its
sector it keeps in touch with), and the inspections and remarks it records as the group
(``Inspection.guidance_group``, ``Remark.guidance_group``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.enums import Sector
from orgs.models import Org, User
from orgs.validators import validate_phone

from .supervision import GroupMember


class GuidanceGroup(models.Model):
    org = models.ForeignKey(
        Org,
        verbose_name=_("所在省委"),
        on_delete=models.PROTECT,
        related_name="guidance_groups",
        help_text=_("成立指导小组的省直部门所在的省级党委节点。"),
    )
    sector = models.CharField(
        _("指导领域（行业）"),
        max_length=16,
        choices=Sector.choices,
        help_text=_("省直有关部门要成立指导小组，加强对相关领域(行业)创先争优活动的具体指导。"),
    )
    department = models.CharField(_("成立部门"), max_length=100, help_text=_("如：省委教育工委、省卫生厅"))
    name = models.CharField(_("名称"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    created_by = set_null_fk(User, _("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("指导小组")
        verbose_name_plural = _("指导小组")
        ordering = ["org__path", "sector", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="unique_guidance_group_name"),
        ]
        indexes = [models.Index(fields=["sector", "org"], name="guidance_sector_org")]

    def __str__(self):
        return self.name


class GuidanceGroupMember(GroupMember):
    group = models.ForeignKey(
        GuidanceGroup, verbose_name=_("指导小组"), on_delete=models.CASCADE, related_name="members"
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])

    history = HistoricalRecords()

    class Meta(GroupMember.Meta):
        verbose_name = _("指导小组成员")
        verbose_name_plural = _("指导小组成员")


class GuidanceContactPoint(models.Model):
    """An organization of the group's sector that the group keeps in touch with (联系点)."""

    group = models.ForeignKey(
        GuidanceGroup, verbose_name=_("指导小组"), on_delete=models.CASCADE, related_name="contact_points"
    )
    org = models.ForeignKey(
        Org, verbose_name=_("联系点"), on_delete=models.PROTECT, related_name="guidance_contact_points"
    )
    notes = models.TextField(_("说明"), blank=True)
    created_by = set_null_fk(User, _("建立人"))
    created_at = models.DateTimeField(_("建立时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指导小组联系点")
        verbose_name_plural = _("指导小组联系点")
        ordering = ["group", "org__path", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "org"], name="unique_guidance_contact_point")]

    def __str__(self):
        return f"{self.group} · {self.org}"
