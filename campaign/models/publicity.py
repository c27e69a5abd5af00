"""Publicity (搞好舆论宣传): exemplary deeds and experience articles, reviewed by the superior, then public.

"大力宣传各行各业先进基层党组织和优秀共产党员的典型事迹，大力宣传各行各业开展创先争优活动的经验做法和实际效果。"
(seed, part 五)
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import set_null_fk
from orgs.models import Org, User

from .attachments import Attachment
from .timeline import Campaign

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "blockquote", "a"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitize_html(value: str) -> str:
    """The story body with only the allowed tags; links get rel="noopener"; no script, style or on* attributes."""
    import nh3

    return nh3.clean(
        value or "",
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        link_rel="noopener",
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
    )


class StoryKind(models.TextChoices):
    DEEDS = "deeds", _("典型事迹")
    EXPERIENCE = "experience", _("经验做法")


class StoryStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已审核")
    PUBLISHED = "published", _("已发布")
    REJECTED = "rejected", _("已退回")


class Story(models.Model):
    """A publicity article about an organization: written in scope, reviewed by the superior, then published."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="stories")
    org = models.ForeignKey(Org, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="stories")
    kind = models.CharField(
        _("类别"),
        max_length=12,
        choices=StoryKind.choices,
        help_text=_("大力宣传先进基层党组织和优秀共产党员的典型事迹，大力宣传开展创先争优活动的经验做法和实际效果。"),
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(
        _("正文"),
        help_text=_("可用标签：p、br、strong、em、ul、ol、li、h3、h4、blockquote、a（链接）；其他标签和脚本会被清除。"),
    )
    cover = set_null_fk(Attachment, _("封面图片"))
    attachments = GenericRelation(Attachment, content_type_field="owner_type", object_id_field="owner_id")
    status = models.CharField(_("状态"), max_length=12, choices=StoryStatus.choices, default=StoryStatus.DRAFT)
    reject_reason = models.TextField(_("退回理由"), blank=True)
    created_by = set_null_fk(User, _("撰稿人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = set_null_fk(User, _("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("宣传稿件")
        verbose_name_plural = _("宣传稿件")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="story_status_published"),
        ]

    def __str__(self):
        return self.title

    @property
    def safe_body(self):
        """Sanitized again on render: a row written around the service is still harmless."""
        return mark_safe(sanitize_html(self.body))  # noqa: S308  (nh3 output: only the allowed tags remain)

    @property
    def editable(self):
        return self.status in (StoryStatus.DRAFT, StoryStatus.REJECTED)
