"""The 亮牌示范 register: 党员示范户, 党员先锋岗, 党员责任区 and 示范岗位 with place and dates, and 佩戴党徽 per
organization and month.

"“亮牌示范”活动。通过佩戴党徽、党员示范户、党员先锋岗、党员责任区等形式，把党员身份亮出来，促进党员发挥先锋
模范作用。有计划地在各领域、各行业确立一批党员示范岗位，发挥带动作用。" (seed, part 四.(二).4)

Both models carry copies of their organization's path and sector (``org_path``, ``org_sector``, like
``orgs.Member``), so a subtree, or one sector of it, is read off one index range; the sector copy follows the
organization (``_follow_org_sector``).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from common.numbers import percent
from orgs.models import Member, Org, User
from orgs.validators import validate_no_id_number


class BadgeKind(models.TextChoices):
    """The forms of 亮牌示范 the register keeps (佩戴党徽 is counted per organization: ``BadgeWearing``)."""

    DEMO_HOUSEHOLD = "demo_household", _("党员示范户")
    VANGUARD_POST = "vanguard_post", _("党员先锋岗")
    RESPONSIBILITY_AREA = "responsibility_area", _("党员责任区")
    MODEL_POST = "model_post", _("示范岗位")


# The member's own badge flag (orgs.Member) that is true exactly while the member holds a current entry of the kind.
MEMBER_FLAG = {
    BadgeKind.DEMO_HOUSEHOLD: "badge_demo_household",
    BadgeKind.VANGUARD_POST: "badge_vanguard_post",
    BadgeKind.RESPONSIBILITY_AREA: "badge_responsibility_area",
}
# Kinds that are always one member's; a 示范岗位 may be a member's or a post the organization set.
MEMBER_KINDS = frozenset(MEMBER_FLAG)


def current_q(today: datetime.date, prefix: str = "") -> Q:
    """Entries in force on ``today``: started, and not ended before it."""
    return Q(**{f"{prefix}start_date__lte": today}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})
    )


class BadgeEntry(models.Model):
    """One entry of the register: a member's 示范户 / 先锋岗 / 责任区, or a 示范岗位, with where and when."""

    kind = models.CharField(_("类别"), max_length=20, choices=BadgeKind.choices)
    member = models.ForeignKey(
        Member,
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="badge_entries",
    )
    post_name = models.CharField(
        _("岗位名称"),
        max_length=100,
        blank=True,
        help_text=_("示范岗位可以只写岗位名称（如“便民服务窗口”），由哪名党员担任可以以后再定。"),
    )
    org = models.ForeignKey(
        Org,
        verbose_name=_("组织"),
        on_delete=models.PROTECT,
        related_name="badge_entries",
        help_text=_("党员所在的组织；示范岗位为设岗的组织。"),
    )
    org_path = models.CharField(max_length=255, editable=False)
    org_sector = models.CharField(max_length=16, blank=True, default="", editable=False)
    place = models.CharField(
        _("地点"),
        max_length=200,
        validators=[validate_no_id_number],
        error_messages={"blank": _("请填写地点：示范户的住址、所在岗位或责任区的范围")},
        help_text=_("示范户的住址、先锋岗或示范岗位所在的岗位、责任区的范围。"),
    )
    description = models.TextField(
        _("示范内容"),
        blank=True,
        validators=[validate_no_id_number],
        help_text=_("把党员身份亮出来，促进党员发挥先锋模范作用。"),
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True, help_text=_("仍在示范的不填。"))
    created_by = set_null_fk(User, _("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["org_path", "org_sector", "updated_at"])

    class Meta:
        verbose_name = _("亮牌示范登记")
        verbose_name_plural = _("亮牌示范登记")
        ordering = ["org_path", "id"]
        indexes = [
            models.Index(
                fields=["org_path", "id"], name="badge_orgpath_id", opclasses=["varchar_pattern_ops", "int8_ops"]
            ),
            models.Index(
                fields=["org_sector", "org_path", "id"],
                name="badge_sector_orgpath_id",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(
                fields=["kind", "org_path", "id"],
                name="badge_kind_orgpath_id",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(fields=["member", "kind"], name="badge_member_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.holder}"

    @property
    def holder(self) -> str:
        """Who or what is shown: the member's name, else the post's name."""
        if self.member_id:
            return self.member.name
        return self.post_name

    def state(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.start_date and self.start_date > today:
            return "pending"
        if self.end_date and self.end_date < today:
            return "ended"
        return "current"

    @property
    def state_label(self):
        return {"pending": _("未开始"), "ended": _("已结束"), "current": _("示范中")}[self.state()]

    @property
    def is_current(self) -> bool:
        return self.state() == "current"

    def clean(self):
        """Each refusal lands on the field that is wrong, in Chinese."""
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("结束日期不能早于开始日期（%(d)s）") % {"d": self.start_date.isoformat()}
        if self.kind in MEMBER_KINDS and not self.member_id:
            errors["member"] = _("%(kind)s须落实到党员，请选择党员") % {"kind": self.get_kind_display()}
        if self.kind == BadgeKind.MODEL_POST and not self.member_id and not (self.post_name or "").strip():
            errors["post_name"] = _("示范岗位须选择担任的党员或填写岗位名称")
        if self.member_id and self.org_id and not self.member.org_path.startswith(self.org.path):
            errors["member"] = _("%(name)s不是“%(org)s”（含下级组织）的党员") % {
                "name": self.member.name,
                "org": self.org.name,
            }
        if errors:
            raise ValidationError(errors)


def first_of_month(value: datetime.date) -> datetime.date:
    return value.replace(day=1)


class BadgeWearing(models.Model):
    """佩戴党徽 in one organization for one month: how many of its members wore the badge, of how many."""

    org = models.ForeignKey(Org, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="badge_wearings")
    org_path = models.CharField(max_length=255, editable=False)
    org_sector = models.CharField(max_length=16, blank=True, default="", editable=False)
    month = models.DateField(_("月份"), help_text=_("按月登记；同一月份再次登记即更新该月的数字。"))
    wearing = models.PositiveIntegerField(_("佩戴党徽人数"))
    total = models.PositiveIntegerField(_("党员总数"), validators=[MinValueValidator(1, message=_("党员总数至少为1"))])
    note = models.CharField(_("说明"), max_length=200, blank=True, validators=[validate_no_id_number])
    recorded_by = set_null_fk(User, _("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["org_path", "org_sector", "updated_at"])

    class Meta:
        verbose_name = _("佩戴党徽情况")
        verbose_name_plural = _("佩戴党徽情况")
        ordering = ["-month", "org_path", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="unique_badge_wearing_month")]
        indexes = [
            models.Index(
                fields=["org_path", "month"],
                name="badgewearing_path_month",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(
                fields=["org_sector", "org_path", "month"],
                name="badgewearing_sector_path",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "date_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.org} · {self.month:%Y-%m}"

    @property
    def rate(self) -> Decimal | None:
        """Share wearing, in percent with one decimal (None when nobody is counted)."""
        return percent(self.wearing, self.total)

    def clean(self):
        errors = {}
        if self.month:
            self.month = first_of_month(self.month)
        if self.wearing is not None and self.total is not None and self.wearing > self.total:
            errors["wearing"] = _("佩戴党徽人数（%(w)s）不能多于党员总数（%(t)s）") % {
                "w": self.wearing,
                "t": self.total,
            }
        if self.org_id and self.total is not None and self.total > self.org.subtree_members:
            errors["total"] = _("党员总数不能多于本组织的党员人数（%(n)s名）") % {"n": self.org.subtree_members}
        if errors:
            raise ValidationError(errors)


@receiver(post_save, sender=Org, dispatch_uid="campaign_badges_follow_org_sector")
def _follow_org_sector(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """Keep the sector copies right when an organization's sector changes (as orgs.services does for members)."""
    if created or raw or (update_fields is not None and "sector" not in update_fields):
        return
    for model in (BadgeEntry, BadgeWearing):
        model.objects.filter(org_id=instance.pk).exclude(org_sector=instance.sector).update(org_sector=instance.sector)
