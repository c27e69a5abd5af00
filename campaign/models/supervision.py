"""Supervision (督促检查): inspections, remarks, rectification orders, leading groups and contact points.

"加强督促检查。采取听取汇报、专题调度、交流研讨、明查暗访等形式，了解活动进展情况，研究解决遇到的问题，
总结推广经验做法，推动活动顺利开展。行业主管部门要加强对本行业、本系统开展创先争优活动的具体指导和督促检查。
上级党组织负责人要对基层党组织和党员开展创先争优活动情况适时进行点评，实事求是肯定取得的成绩，指出存在的问题和
努力方向。对思想不重视、工作不得力的，要求限期整改。" (seed, part 五)

"各级党委也要成立活动领导小组，党委主要领导干部和领导小组成员要建立创先争优活动联系点。" (seed, part 五)
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.enums import Role
from orgs.models import Org, User


class InspectionMethod(models.TextChoices):
    """“采取听取汇报、专题调度、交流研讨、明查暗访等形式” (seed, part 五)."""

    REPORT = "report", _("听取汇报")
    DISPATCH = "dispatch", _("专题调度")
    SEMINAR = "seminar", _("交流研讨")
    OPEN_VISIT = "open_visit", _("明查")
    COVERT_VISIT = "covert_visit", _("暗访")


ISSUER_ROLE_CHOICES = [
    (Role.LEADING_GROUP.value, Role.LEADING_GROUP.label),
    (Role.ORG_DEPARTMENT.value, Role.ORG_DEPARTMENT.label),
    (Role.SECTOR_SUPERVISOR.value, Role.SECTOR_SUPERVISOR.label),
]


class Inspection(models.Model):
    """One inspection (检查) of an organization.

    ``issuer_org`` is the node the inspecting department acted from. A 暗访 record is seen only by the
    issuing side (users whose scope contains ``issuer_org``), never by the inspected organization.
    """

    org = models.ForeignKey(
        Org, verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="supervision_inspections"
    )
    issuer_org = models.ForeignKey(Org, verbose_name=_("检查单位"), on_delete=models.PROTECT, related_name="+")
    issuer_role = models.CharField(_("检查部门"), max_length=20, choices=ISSUER_ROLE_CHOICES)
    date = models.DateField(_("检查日期"))
    method = models.CharField(
        _("检查方式"),
        max_length=16,
        choices=InspectionMethod.choices,
        help_text=_("采取听取汇报、专题调度、交流研讨、明查暗访等形式，了解活动进展情况。"),
    )
    inspectors = models.CharField(_("检查人员"), max_length=300)
    findings = models.TextField(_("检查情况"), help_text=_("了解活动进展情况，研究解决遇到的问题，总结推广经验做法。"))
    guidance_group = models.ForeignKey(
        "campaign.GuidanceGroup",
        verbose_name=_("以指导小组名义"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
        help_text=_("省直有关部门的指导小组对本领域(行业)组织的检查。"),
    )
    created_by = set_null_fk(User, _("登记人"), blank=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("督促检查")
        verbose_name_plural = _("督促检查")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["org", "date"], name="inspection_org_date")]

    def __str__(self):
        return f"{self.org} · {self.get_method_display()} · {self.date:%Y-%m-%d}"

    @property
    def is_covert(self):
        return self.method == InspectionMethod.COVERT_VISIT


class Remark(models.Model):
    """A superior's remark (点评) on a subordinate organization.

    "上级党组织负责人要对基层党组织和党员开展创先争优活动情况适时进行点评，实事求是肯定取得的成绩，
    指出存在的问题和努力方向。" (seed, part 五)
    """

    org = models.ForeignKey(
        Org, verbose_name=_("点评对象"), on_delete=models.PROTECT, related_name="supervision_remarks"
    )
    author_org = models.ForeignKey(Org, verbose_name=_("点评单位"), on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(
        _("点评部门"), max_length=20, choices=[*ISSUER_ROLE_CHOICES, (Role.INSTRUCTOR.value, Role.INSTRUCTOR.label)]
    )
    author = set_null_fk(User, _("点评人"), blank=False)
    achievements = models.TextField(_("取得的成绩"), help_text=_("实事求是肯定取得的成绩。"))
    problems = models.TextField(_("存在的问题"), help_text=_("指出存在的问题。"))
    direction = models.TextField(_("努力方向"), help_text=_("指出努力方向。"))
    guidance_group = models.ForeignKey(
        "campaign.GuidanceGroup",
        verbose_name=_("以指导小组名义"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="remarks",
    )
    created_at = models.DateTimeField(_("点评时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("点评")
        verbose_name_plural = _("点评")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.author_org} → {self.org}"


class RectificationOrder(models.Model):
    """A rectification order (限期整改): "对思想不重视、工作不得力的，要求限期整改。" (seed, part 五)

    open → responded → verified | reopened (→ responded again …). Once the deadline has passed without
    verification the issuer's superior 组织部 is told, exactly once (``escalated_at``).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        RESPONDED = "responded", _("待验收")
        VERIFIED = "verified", _("已验收")
        REOPENED = "reopened", _("验收未通过，重新整改")

    UNFINISHED = (Status.OPEN, Status.RESPONDED, Status.REOPENED)
    AWAITING_RESPONSE = (Status.OPEN, Status.REOPENED)

    org = models.ForeignKey(
        Org, verbose_name=_("整改单位"), on_delete=models.PROTECT, related_name="rectification_orders"
    )
    issuer_org = models.ForeignKey(Org, verbose_name=_("下达单位"), on_delete=models.PROTECT, related_name="+")
    issuer_role = models.CharField(_("下达部门"), max_length=20, choices=ISSUER_ROLE_CHOICES)
    issued_by = set_null_fk(User, _("下达人"), blank=False)
    problem = models.TextField(_("存在的问题"), help_text=_("对思想不重视、工作不得力的，要求限期整改。"))
    requirement = models.TextField(_("整改要求"))
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reopen_reason = models.TextField(_("验收未通过的理由"), blank=True)
    verified_by = set_null_fk(User, _("验收人"))
    verified_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("逾期上报时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("下达时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("限期整改")
        verbose_name_plural = _("限期整改")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "deadline"], name="rectification_status_deadline")]

    def __str__(self):
        return f"{self.org} · {self.deadline:%Y-%m-%d}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.status != self.Status.VERIFIED and self.deadline < today

    @property
    def awaits_response(self):
        return self.status in self.AWAITING_RESPONSE


class RectificationResponse(models.Model):
    """One round of the organization's response (整改情况 + evidence) and its verification."""

    class Verdict(models.TextChoices):
        PENDING = "", _("待验收")
        PASSED = "passed", _("通过")
        FAILED = "failed", _("不通过")

    order = models.ForeignKey(
        RectificationOrder, verbose_name=_("整改通知"), on_delete=models.CASCADE, related_name="responses"
    )
    text = models.TextField(_("整改情况"))
    responded_by = set_null_fk(User, _("报送人"), blank=False)
    responded_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    verdict = models.CharField(_("验收结论"), max_length=10, choices=Verdict.choices, blank=True, default="")
    reason = models.TextField(_("验收意见"), blank=True)
    verified_by = set_null_fk(User, _("验收人"))
    verified_at = models.DateTimeField(_("验收时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("整改情况")
        verbose_name_plural = _("整改情况")
        ordering = ["order", "responded_at", "id"]

    def __str__(self):
        return f"{self.order} · {self.responded_at:%Y-%m-%d}"


class LeadingGroup(models.Model):
    """领导小组 of a party committee (province, city, county or township level), with its office (办公室).

    "各级党委也要成立活动领导小组……领导小组下设办公室，负责创先争优活动的组织指导。" (seed, part 五)
    Every committee level has one: the province, the cities, the counties and the township committees
    (乡镇党委、街道党工委; the system committees directly under the province sit at that level in the data too).
    """

    org = models.OneToOneField(Org, verbose_name=_("所属党委"), on_delete=models.PROTECT, related_name="leading_group")
    name = models.CharField(_("名称"), max_length=100)
    office_contact = models.CharField(_("办公室负责人"), max_length=50, blank=True)
    office_phone = models.CharField(_("办公室电话"), max_length=30, blank=True)
    office_address = models.CharField(_("办公室地址"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("领导小组")
        verbose_name_plural = _("领导小组")
        ordering = ["org__path"]

    def __str__(self):
        return self.name


class GroupMember(models.Model):
    """A member of a 领导小组 (``LeadingGroupMember``) or of a 指导小组 (``guidance.GuidanceGroupMember``): name,
    post, role in the group, optionally the member's account, place in the group's list."""

    class GroupRole(models.TextChoices):
        HEAD = "head", _("组长")
        DEPUTY = "deputy", _("副组长")
        MEMBER = "member", _("成员")

    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=100)
    group_role = models.CharField(_("小组职务"), max_length=10, choices=GroupRole.choices, default=GroupRole.MEMBER)
    user = set_null_fk(User, _("平台账号"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        abstract = True
        ordering = ["group", "order", "id"]

    def __str__(self):
        return f"{self.name}（{self.get_group_role_display()}）"


class LeadingGroupMember(GroupMember):
    group = models.ForeignKey(
        LeadingGroup, verbose_name=_("领导小组"), on_delete=models.CASCADE, related_name="members"
    )

    history = HistoricalRecords()

    class Meta(GroupMember.Meta):
        verbose_name = _("领导小组成员")
        verbose_name_plural = _("领导小组成员")


class ContactPoint(models.Model):
    """联系点: a leader's link to a basic organization in the group's subtree.

    "党委主要领导干部和领导小组成员要建立创先争优活动联系点。" (seed, part 五)
    """

    leader = models.ForeignKey(
        LeadingGroupMember, verbose_name=_("联系领导"), on_delete=models.CASCADE, related_name="contact_points"
    )
    org = models.ForeignKey(Org, verbose_name=_("联系点"), on_delete=models.PROTECT, related_name="contact_points")
    notes = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("建立时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("联系点")
        verbose_name_plural = _("联系点")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["leader", "org"], name="unique_contact_point")]

    def __str__(self):
        return f"{self.leader.name} · {self.org}"


class ContactVisit(models.Model):
    """One visit to a contact point (走访记录)."""

    point = models.ForeignKey(ContactPoint, verbose_name=_("联系点"), on_delete=models.CASCADE, related_name="visits")
    date = models.DateField(_("日期"))
    note = models.TextField(_("情况记录"))
    recorded_by = set_null_fk(User, _("记录人"), blank=False)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("联系点走访记录")
        verbose_name_plural = _("联系点走访记录")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.point} · {self.date:%Y-%m-%d}"
