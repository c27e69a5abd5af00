"""群众工作站: stations where the masses come with their questions, and the visits each one handles.

"认真贯彻党的群众路线，普遍推行群众工作站、干群恳谈会、党员联系户等办法，为群众提供政策、信息、技术、法律等
各方面服务，帮助群众解决生产生活中的实际问题" (seed, part 一, 服务人民群众)

Personal data: a visitor may stay anonymous (name and telephone are optional); a telephone is masked like a
member's mobile except for the station's secretary and the 组织部 in scope; free text that looks like an ID
number is refused (``orgs.validators.validate_no_id_number``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Member, Org, User
from orgs.validators import mask_mobile, validate_no_id_number, validate_phone


class VisitTopic(models.TextChoices):
    """The seed's kinds of service.

    "为群众提供政策、信息、技术、法律等各方面服务，帮助群众解决生产生活中的实际问题" (seed, part 一).
    """

    POLICY = "policy", _("政策咨询")
    INFORMATION = "information", _("信息服务")
    TECHNIQUE = "technique", _("技术服务")
    LEGAL = "legal", _("法律服务")
    LIVING = "living", _("生产生活困难")
    OPINION = "opinion", _("意见建议")
    OTHER = "other", _("其他")


class VisitStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已办结")


class Station(models.Model):
    """A 群众工作站 of an organization: where it is, when it is open, who is on duty."""

    org = models.ForeignKey(Org, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="mass_stations")
    name = models.CharField(_("工作站名称"), max_length=100, help_text=_("如“塔元庄村群众工作站”"))
    address = models.CharField(_("地点"), max_length=200, help_text=_("村委会、社区服务中心等的具体位置"))
    opening_hours = models.CharField(_("开放时间"), max_length=100, help_text=_("如“每周一至周五 8:30—17:30”"))
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    duty_members = models.ManyToManyField(
        Member, verbose_name=_("值班党员"), through="StationDuty", related_name="mass_stations", blank=True
    )
    duty_others = models.TextField(
        _("其他值班人员"),
        blank=True,
        validators=[validate_no_id_number],
        help_text=_("不是本组织党员的值班人员（如村委会委员），写姓名和电话，每行一人。"),
    )
    active = models.BooleanField(_("开放中"), default=True, help_text=_("停用的工作站不再登记来访。"))
    created_by = set_null_fk(User, _("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("群众工作站")
        verbose_name_plural = _("群众工作站")
        ordering = ["org", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="unique_station_org_name")]
        indexes = [models.Index(fields=["org", "active"], name="station_org_active")]

    def __str__(self):
        return self.name

    @property
    def masked_phone(self):
        return mask_mobile(self.phone)


class StationDuty(models.Model):
    """A member of the station's organization on duty at the station."""

    station = models.ForeignKey(Station, verbose_name=_("群众工作站"), on_delete=models.CASCADE, related_name="duties")
    member = models.ForeignKey(Member, verbose_name=_("值班党员"), on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("安排时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("群众工作站值班党员")
        verbose_name_plural = _("群众工作站值班党员")
        constraints = [models.UniqueConstraint(fields=["station", "member"], name="unique_station_duty")]

    def __str__(self):
        return f"{self.member} @ {self.station}"


class Visit(models.Model):
    """One visit to a station: who came (optional), what was asked, what was done, who handled it, when closed."""

    station = models.ForeignKey(Station, verbose_name=_("群众工作站"), on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("来访日期"))
    visitor_name = models.CharField(
        _("来访群众"),
        max_length=50,
        blank=True,
        validators=[validate_no_id_number],
        help_text=_("可以不填，或只写称呼（如“村民张某”）。"),
    )
    visitor_phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    topic = models.CharField(_("事项类别"), max_length=12, choices=VisitTopic.choices)
    request = models.TextField(_("反映的问题或诉求"), validators=[validate_no_id_number])
    action = models.TextField(_("办理情况"), blank=True, validators=[validate_no_id_number])
    handled_by = set_null_fk(Member, _("经办党员"))
    handler_name = models.CharField(
        _("其他经办人"), max_length=50, blank=True, help_text=_("经办人不是本组织党员时填写姓名和职务。")
    )
    status = models.CharField(_("办理状态"), max_length=8, choices=VisitStatus.choices, default=VisitStatus.OPEN)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    recorded_by = set_null_fk(User, _("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("群众来访")
        verbose_name_plural = _("群众来访")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["station", "visited_on"], name="visit_station_date"),
            models.Index(fields=["station", "status"], name="visit_station_status"),
        ]

    def __str__(self):
        return f"{self.station} · {self.get_topic_display()} · {self.visited_on:%Y-%m-%d}"

    @property
    def closed(self):
        return self.status == VisitStatus.CLOSED

    @property
    def handler(self) -> str:
        """Who handled it, as shown: the member's name, else the name typed."""
        return self.handled_by.name if self.handled_by_id else self.handler_name

    @property
    def masked_phone(self):
        return mask_mobile(self.visitor_phone)
