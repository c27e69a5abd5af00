"""Nominations, bottom-up and level by level, with their step log, 公示 and objections.

"评选表彰对象要注重工作实绩和社会公认度，采取自下而上、层层推荐的方式产生。" (seed, part 四)
A basic organization nominates; every level above (乡镇 → 县 → 市 → 省) forwards or rejects each
nomination and can never forward more than its quota; the discipline-inspection opinion
(征求纪检机关意见) is recorded before the list goes to 公示; objections taken during 公示 are
each handled with a recorded outcome.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Member, Org

from .rounds import AwardCategory, AwardRound


class Nomination(models.Model):
    """One nominee (an organization or a member) in one category of one round."""

    class Status(models.TextChoices):
        PENDING = "pending", _("审核中")
        REJECTED = "rejected", _("未通过")
        WITHDRAWN = "withdrawn", _("已撤回")
        SHORTLISTED = "shortlisted", _("拟表彰")
        PUBLICITY = "publicity", _("公示中")
        REMOVED = "removed", _("公示未通过")
        APPROVED = "approved", _("已批准表彰")

    class Discipline(models.TextChoices):
        NONE = "", _("未征求")
        CLEAR = "clear", _("无异议")
        PROBLEM = "problem", _("有问题")

    award_round = models.ForeignKey(
        AwardRound, verbose_name=_("表彰轮次"), on_delete=models.CASCADE, related_name="nominations"
    )
    category = models.ForeignKey(
        AwardCategory, verbose_name=_("表彰类别"), on_delete=models.PROTECT, related_name="nominations"
    )
    nominee_org = models.ForeignKey(
        Org, verbose_name=_("推荐组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nominee_member = models.ForeignKey(
        Member, verbose_name=_("推荐个人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Snapshots taken when nominated: the list, the 公示 and the decision print these.
    nominee_name = models.CharField(_("推荐对象"), max_length=100)
    unit = models.CharField(_("单位"), max_length=100, blank=True)
    post = models.CharField(_("职务"), max_length=100, blank=True)
    city = models.ForeignKey(
        Org,
        verbose_name=_("所属市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("推荐对象所在的设区市（第二级组织），名单按市分组"),
    )
    nominating_org = models.ForeignKey(Org, verbose_name=_("推荐单位"), on_delete=models.PROTECT, related_name="+")
    # Copy of nominating_org.path: "nominations of a subtree" is one index range.
    origin_path = models.CharField(max_length=255, editable=False)
    current_org = models.ForeignKey(
        Org,
        verbose_name=_("当前所在层级"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("现在由哪一级审核（层层推荐）"),
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    deeds = models.TextField(_("事迹材料"))
    attachments = GenericRelation("campaign.Attachment", content_type_field="owner_type", object_id_field="owner_id")
    # "基层党组织也要采取适当方式对优秀共产党员进行表彰奖励" (seed, part 四.(二)): the nominee's own honours
    # from basic organizations (awards.models.basic), cited in support of the nomination.
    cited_honours = models.ManyToManyField(
        "BasicAward", verbose_name=_("引用的基层表彰"), blank=True, related_name="citing_nominations"
    )
    discipline_result = models.CharField(
        _("纪检机关意见"),
        max_length=8,
        choices=Discipline.choices,
        default=Discipline.NONE,
        blank=True,
        help_text=_("征求纪检机关意见：有问题的不能进入公示，本轮也不能再被推荐或表彰"),
    )
    discipline_note = models.TextField(_("纪检机关意见内容"), blank=True)
    discipline_date = models.DateField(_("征求意见日期"), null=True, blank=True)
    removed_reason = models.TextField(_("撤销原因"), blank=True)
    created_by = set_null_fk(settings.AUTH_USER_MODEL, _("推荐人"), blank=False)
    created_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=["cited_honours"])

    class Meta:
        verbose_name = _("推荐")
        verbose_name_plural = _("推荐")
        ordering = ["category__order", "nominee_name", "id"]
        constraints = [
            # A nominee is nominated once per round, whatever the category (awards.rules "once_per_round");
            # a withdrawn nomination frees the place.
            models.UniqueConstraint(
                fields=["award_round", "nominee_member"],
                condition=Q(nominee_member__isnull=False) & ~Q(status="withdrawn"),
                name="unique_member_nomination_per_round",
            ),
            models.UniqueConstraint(
                fields=["award_round", "nominee_org"],
                condition=Q(nominee_org__isnull=False) & ~Q(status="withdrawn"),
                name="unique_org_nomination_per_round",
            ),
            models.CheckConstraint(
                condition=Q(nominee_org__isnull=True, nominee_member__isnull=False)
                | Q(nominee_org__isnull=False, nominee_member__isnull=True),
                name="nomination_one_nominee",
            ),
        ]
        indexes = [
            models.Index(fields=["award_round", "status"], name="nomination_round_status"),
            models.Index(fields=["current_org", "status"], name="nomination_current"),
            models.Index(fields=["origin_path"], name="nomination_origin", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.nominee_name}（{self.category}）"

    @property
    def city_name(self):
        return self.city.name if self.city_id else ""

    @property
    def is_member(self):
        return self.nominee_member_id is not None

    @property
    def nominee(self):
        return self.nominee_member if self.nominee_member_id else self.nominee_org


class NominationStep(models.Model):
    """One entry of a nomination's log: who did what at which level, with a note."""

    class Action(models.TextChoices):
        NOMINATE = "nominate", _("推荐")
        FORWARD = "forward", _("审核上报")
        REJECT = "reject", _("不予上报")
        WITHDRAW = "withdraw", _("撤回")
        DISCIPLINE = "discipline", _("征求纪检意见")
        PUBLICIZE = "publicize", _("公示")
        REMOVE = "remove", _("公示后撤销")
        APPROVE = "approve", _("批准表彰")

    nomination = models.ForeignKey(Nomination, verbose_name=_("推荐"), on_delete=models.CASCADE, related_name="steps")
    org = models.ForeignKey(Org, verbose_name=_("层级"), on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("操作"), max_length=12, choices=Action.choices)
    note = models.TextField(_("意见"), blank=True)
    by = set_null_fk(settings.AUTH_USER_MODEL, _("操作人"), blank=False)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("推荐记录")
        verbose_name_plural = _("推荐记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["org", "action"], name="nominationstep_org_action")]

    def __str__(self):
        return f"{self.org} · {self.get_action_display()}"


class Objection(models.Model):
    """An objection filed on the public 公示 page, handled by the round owner's 组织部."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("异议成立")
        REJECTED = "rejected", _("异议不成立")

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("公示对象"), on_delete=models.CASCADE, related_name="objections"
    )
    content = models.TextField(_("异议内容"))
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=11, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    outcome = models.TextField(_("处理结果"), blank=True)
    handled_by = set_null_fk(settings.AUTH_USER_MODEL, _("处理人"))
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.nomination} · {self.get_status_display()}"
