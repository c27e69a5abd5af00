"""Personal API tokens: created and revoked by their owner on 个人API令牌, shown once, kept only as a hash."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import User


class ApiToken(models.Model):
    """One personal token. The secret itself is never stored: ``digest`` is its SHA-256 (hex); ``prefix``
    (its first characters) lets the owner tell his tokens apart."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途说明"), max_length=60)
    prefix = models.CharField(_("令牌前缀"), max_length=16, editable=False)
    digest = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)

    # last_used_at moves on every use (written with update(), which keeps no history anyway).
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("个人API令牌")
        verbose_name_plural = _("个人API令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} · {self.name} · {self.prefix}…"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    @property
    def state_label(self) -> str:
        if self.revoked_at is not None:
            return _("已撤销")
        if self.expires_at <= timezone.now():
            return _("已过期")
        return _("有效")
