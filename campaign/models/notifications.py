"""Notifications: the in-app inbox, outgoing e-mail/SMS, and reminder delivery rows.

A reminder is a stored row with a unique key (milestone, organization, offset, audience): the daily job
inserts the row before anything is sent, so re-runs, retries and two beat processes send nothing twice.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.models import Org, User

from ..enums import Channel
from .timeline import Milestone


class Notification(models.Model):
    """One message in a user's in-app inbox."""

    # No index of its own: notification_user_read leads with the user.
    user = models.ForeignKey(
        User, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内信")
        verbose_name_plural = _("站内信")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read")]

    def __str__(self):
        return self.title


class ReminderDelivery(models.Model):
    """The stored proof that one reminder was decided; the unique key is the idempotency key."""

    class Audience(models.TextChoices):
        ORG = "org", _("本组织")
        SUPERIOR = "superior", _("上级组织部")

    OVERDUE = -1

    # No index of their own: the unique key below leads with the milestone (one index less for every reminder), and
    # nothing reads the rows by organization alone. No database constraint either (as dashboards.OrgFigures): the
    # daily run inserts one row per (milestone, organization) — 1.7 million when a whole campaign falls due on the
    # province — each born from a SELECT over the existing milestones and organizations, and the constraints'
    # triggers looked both up again once per row at commit (bench/README.md, 提醒). Deleting a milestone or an
    # organization through Django still deletes its rows (on_delete=CASCADE).
    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="deliveries", db_index=False, db_constraint=False
    )
    org = models.ForeignKey(
        Org, on_delete=models.CASCADE, related_name="reminder_deliveries", db_index=False, db_constraint=False
    )
    offset = models.SmallIntegerField(_("提前天数"), help_text=_("7、3、1 天前；-1 表示已逾期"))
    audience = models.CharField(_("对象"), max_length=10, choices=Audience.choices, default=Audience.ORG)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        constraints = [
            models.UniqueConstraint(fields=["milestone", "org", "offset", "audience"], name="unique_reminder_delivery")
        ]

    def __str__(self):
        return f"{self.milestone} · {self.org} · {self.offset}"


class OutgoingMessage(models.Model):
    """An e-mail or SMS waiting to be sent, with its status (sent once, never twice)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("收件地址"), max_length=254)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    delivery = models.ForeignKey(
        ReminderDelivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("外发消息")
        verbose_name_plural = _("外发消息")
        indexes = [models.Index(fields=["status", "created_at"], name="outgoing_status")]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient}"
