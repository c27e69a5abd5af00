"""Serving the masses (服务人民群众) and keeping the peace (促进社会和谐).

"认真贯彻党的群众路线，普遍推行群众工作站、干群恳谈会、党员联系户等办法，为群众提供政策、信息、技术、法律等
各方面服务，帮助群众解决生产生活中的实际问题" (seed, part 一, 服务人民群众)

"发挥基层党组织维护稳定第一道防线作用，主动排查矛盾纠纷，做好化解工作。" (seed, part 一, 促进社会和谐)

Personal data: a household's telephone is masked like a member's mobile except for the organization's
secretary and the 组织部 in scope; no ID number is ever stored, and free text that looks like one is refused.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Member, Org, User
from orgs.validators import mask_mobile, validate_no_id_number, validate_phone


class ServiceKind(models.TextChoices):
    """“组织党员开展志愿服务、结对帮扶、走访慰问等活动……帮助群众解决生产生活中的实际问题” (seed, part 四.(二).3)."""

    HELP = "help", _("帮扶")
    VISIT = "visit", _("走访慰问")
    SOLVE = "solve", _("解决实际问题")


class Household(models.Model):
    """A household a basic organization's members keep in touch with (党员联系户)."""

    org = models.ForeignKey(Org, verbose_name=_("基层党组织"), on_delete=models.PROTECT, related_name="households")
    head_name = models.CharField(_("户主姓名"), max_length=50)
    village = models.CharField(_("村（社区）"), max_length=100, help_text=_("所在村、社区或小区"))
    size = models.PositiveSmallIntegerField(
        _("家庭人口"), validators=[MinValueValidator(1), MaxValueValidator(99)], default=1
    )
    needs = models.TextField(
        _("困难和需求"),
        blank=True,
        validators=[validate_no_id_number],
        help_text=_("为群众提供政策、信息、技术、法律等各方面服务，帮助群众解决生产生活中的实际问题。"),
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    members = models.ManyToManyField(
        Member, verbose_name=_("联系党员"), through="HouseholdLink", related_name="households", blank=True
    )
    active = models.BooleanField(_("联系中"), default=True, help_text=_("不再联系的户取消勾选，不计入未联系提醒。"))
    created_by = set_null_fk(User, _("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("党员联系户")
        verbose_name_plural = _("党员联系户")
        ordering = ["org", "village", "head_name", "id"]
        indexes = [models.Index(fields=["org", "active"], name="household_org_active")]

    def __str__(self):
        return f"{self.head_name}（{self.village}）"

    @property
    def masked_phone(self):
        return mask_mobile(self.phone)


class HouseholdLink(models.Model):
    """A member responsible for a household (a member may have several; a household one or more members)."""

    household = models.ForeignKey(Household, verbose_name=_("联系户"), on_delete=models.CASCADE, related_name="links")
    member = models.ForeignKey(
        Member, verbose_name=_("联系党员"), on_delete=models.CASCADE, related_name="household_links"
    )
    created_at = models.DateTimeField(_("建立联系时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党员联系户关系")
        verbose_name_plural = _("党员联系户关系")
        constraints = [models.UniqueConstraint(fields=["household", "member"], name="unique_household_member")]

    def __str__(self):
        return f"{self.member} → {self.household}"


class ServiceRecord(models.Model):
    """One service to a household: 帮扶, 走访慰问 or 解决实际问题 — date, what was done, outcome, by which member."""

    household = models.ForeignKey(
        Household, verbose_name=_("联系户"), on_delete=models.CASCADE, related_name="services"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("服务党员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="household_services",
    )
    kind = models.CharField(_("服务类型"), max_length=8, choices=ServiceKind.choices)
    date = models.DateField(_("日期"))
    content = models.TextField(_("服务内容"), validators=[validate_no_id_number])
    outcome = models.TextField(_("效果"), blank=True, validators=[validate_no_id_number])
    recorded_by = set_null_fk(User, _("记录人"), blank=False)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("联系服务记录")
        verbose_name_plural = _("联系服务记录")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["household", "date"], name="service_household_date")]

    def __str__(self):
        return f"{self.household} · {self.get_kind_display()} · {self.date:%Y-%m-%d}"


class MassMeeting(models.Model):
    """干群恳谈会: a dated meeting of cadres and the masses, with the issues raised and the responses."""

    org = models.ForeignKey(Org, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="mass_meetings")
    date = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100)
    attendance = models.PositiveIntegerField(_("参加人数"), validators=[MinValueValidator(1)])
    masses_count = models.PositiveIntegerField(_("其中群众人数"), default=0)
    issues = models.TextField(
        _("群众反映的问题"), validators=[validate_no_id_number], help_text=_("主动听取群众意见建议，接受群众监督。")
    )
    responses = models.TextField(_("答复和解决情况"), blank=True, validators=[validate_no_id_number])
    recorded_by = set_null_fk(User, _("记录人"), blank=False)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("干群恳谈会")
        verbose_name_plural = _("干群恳谈会")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["org", "date"], name="massmeeting_org_date")]

    def __str__(self):
        return f"{self.org} · {self.date:%Y-%m-%d}"


class DisputeCategory(models.TextChoices):
    NEIGHBOR = "neighbor", _("邻里纠纷")
    LAND = "land", _("土地纠纷")
    FAMILY = "family", _("婚姻家庭纠纷")
    LABOUR = "labour", _("劳动争议")
    DEBT = "debt", _("债务纠纷")
    OTHER = "other", _("其他")


class DisputeOutcome(models.TextChoices):
    PENDING = "", _("处理中")
    RESOLVED = "resolved", _("化解")
    ESCALATED = "escalated", _("上交")
    UNRESOLVED = "unresolved", _("未化解")


class Dispute(models.Model):
    """A dispute found by a basic organization (矛盾纠纷排查), its handling steps and the outcome.

    "主动排查矛盾纠纷，做好化解工作。" (seed, part 一). The parties are described without ID numbers.
    """

    org = models.ForeignKey(Org, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="disputes")
    found_on = models.DateField(_("排查发现日期"))
    category = models.CharField(_("纠纷类别"), max_length=10, choices=DisputeCategory.choices)
    parties = models.TextField(
        _("当事人情况"),
        validators=[validate_no_id_number],
        help_text=_("只描述身份和关系（如“村民张某与邻居李某”），不得填写身份证号。"),
    )
    summary = models.TextField(_("纠纷情况"), validators=[validate_no_id_number])
    outcome = models.CharField(
        _("处理结果"), max_length=10, choices=DisputeOutcome.choices, blank=True, default=DisputeOutcome.PENDING
    )
    outcome_on = models.DateField(_("结果日期"), null=True, blank=True)
    outcome_note = models.TextField(_("结果说明"), blank=True, validators=[validate_no_id_number])
    recorded_by = set_null_fk(User, _("登记人"), blank=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["org", "found_on"], name="dispute_org_found")]

    def __str__(self):
        return f"{self.org} · {self.get_category_display()} · {self.found_on:%Y-%m-%d}"

    @property
    def closed(self):
        """化解 and 上交 end the organization's handling; 未化解 may still take further steps."""
        return self.outcome in (DisputeOutcome.RESOLVED, DisputeOutcome.ESCALATED)


class DisputeStep(models.Model):
    """One dated handling step (调解、走访、协调 …)."""

    dispute = models.ForeignKey(Dispute, verbose_name=_("矛盾纠纷"), on_delete=models.CASCADE, related_name="steps")
    date = models.DateField(_("日期"))
    action = models.TextField(_("处理措施"), validators=[validate_no_id_number])
    recorded_by = set_null_fk(User, _("记录人"), blank=False)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("化解工作记录")
        verbose_name_plural = _("化解工作记录")
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.dispute} · {self.date:%Y-%m-%d}"
