"""Publicity (搞好舆论宣传): write, submit, review (approve / reject with a reason), publish.

"大力宣传各行各业先进基层党组织和优秀共产党员的典型事迹，大力宣传各行各业开展创先争优活动的经验做法和实际效果。"
(seed, part 五) — written in scope, reviewed by the superior's 组织部, then shown on the public page.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgs import queries
from orgs.enums import Role
from orgs.models import Org, RoleAssignment, User

from ..models import Campaign, Story, StoryStatus
from ..models.publicity import sanitize_html
from ..queries.activities import can_review_story, can_write_story
from ..uploads import check_upload
from .activities import delete_attachments
from .attachments import attach_files
from .inbox import mark_read_about
from .notifications import notify
from .timeline import current_campaign

TRANSITIONS = {
    "submit": ({StoryStatus.DRAFT, StoryStatus.REJECTED}, StoryStatus.SUBMITTED),
    "approve": ({StoryStatus.SUBMITTED}, StoryStatus.APPROVED),
    "reject": ({StoryStatus.SUBMITTED, StoryStatus.APPROVED}, StoryStatus.REJECTED),
    "publish": ({StoryStatus.APPROVED}, StoryStatus.PUBLISHED),
}


def _clean_content(title: str, body: str) -> tuple[str, str]:
    body = sanitize_html(body)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("请填写标题")
    if not strip_tags(body).strip():
        errors["body"] = _("正文不能为空（只保留允许的标签后没有文字）")
    if errors:
        raise ValidationError(errors)
    return title.strip(), body


def check_image(upload) -> None:
    """A cover is an image (checked by its bytes, and it must open), within the size limit."""
    try:
        check_upload(upload, allowed=("image/",))
    except ValidationError as error:
        if error.code == "type":
            raise ValidationError(_("封面只能上传图片（JPG、PNG、GIF、WebP）"), code="type") from None
        raise


def _check_cover(cover):
    if cover is None:
        return None
    try:
        check_image(cover)
    except ValidationError as error:
        raise ValidationError({"cover": error.messages}) from None
    return cover


def _store_cover(story: Story, cover, by: User) -> None:
    old = story.cover
    (attachment,) = attach_files(story, [cover], org=story.org, by=by, field="cover")
    story.cover = attachment
    story.save(update_fields=["cover"])
    if old is not None:
        delete_attachments([old])


def create_story(
    org: Org,
    *,
    by: User,
    kind: str,
    title: str,
    body: str,
    cover=None,
    campaign: Campaign | None = None,
    today: datetime.date | None = None,
) -> Story:
    """A draft story about ``org`` (its secretary or 组织部 in scope writes it); the body is sanitized."""
    if not can_write_story(by, org):
        raise PermissionDenied
    campaign = campaign or current_campaign(today)
    if campaign is None:
        raise ValidationError(_("当前没有创先争优活动，不能撰写宣传稿件"))
    title, body = _clean_content(title, body)
    cover = _check_cover(cover)
    with transaction.atomic():
        story = Story.objects.create(campaign=campaign, org=org, kind=kind, title=title, body=body, created_by=by)
        if cover is not None:
            _store_cover(story, cover, by)
    return story


def update_story(
    story: Story, *, by: User, kind: str, title: str, body: str, cover=None, remove_cover: bool = False
) -> Story:
    """Edit a draft or a rejected story; submitted, approved and published ones are frozen."""
    if not can_write_story(by, story.org):
        raise PermissionDenied
    title, body = _clean_content(title, body)
    cover = _check_cover(cover)
    with transaction.atomic():
        current = Story.objects.select_for_update().get(pk=story.pk)
        if not current.editable:
            raise ValidationError(_("稿件已提交审核或已发布，不能再修改"), code="state")
        story.kind, story.title, story.body = kind, title, body
        story.save(update_fields=["kind", "title", "body", "updated_at"])
        if cover is not None:
            _store_cover(story, cover, by)
        elif remove_cover and story.cover is not None:
            old, story.cover = story.cover, None
            story.save(update_fields=["cover"])
            delete_attachments([old])
    return story


def _transition(story: Story, action: str, *, by: User, reason: str = "") -> Story:
    sources, target = TRANSITIONS[action]
    allowed = can_write_story(by, story.org) if action == "submit" else can_review_story(by, story)
    if not allowed:
        raise PermissionDenied
    if action == "reject" and not reason.strip():
        raise ValidationError({"reason": _("退回时请填写理由")})
    now = timezone.now()
    with transaction.atomic():
        current = Story.objects.select_for_update().get(pk=story.pk)
        if current.status not in sources:
            raise ValidationError(
                _("稿件当前为“%(status)s”，不能%(action)s")
                % {"status": current.get_status_display(), "action": ACTION_LABELS[action]},
                code="state",
            )
        story.status = target
        fields = ["status", "updated_at"]
        if action == "submit":
            story.submitted_at = now
            fields.append("submitted_at")
        elif action in ("approve", "reject"):
            story.reviewed_by, story.reviewed_at = by, now
            story.reject_reason = reason.strip() if action == "reject" else ""
            fields += ["reviewed_by", "reviewed_at", "reject_reason"]
        elif action == "publish":
            story.published_at = now
            fields.append("published_at")
        story.save(update_fields=fields)
        mark_read_about(by, reverse("campaign:story_detail", args=[story.pk]))  # 待审核 / 被退回: acted on
        _tell(story, action)
    return story


ACTION_LABELS = {
    "submit": gettext_lazy("提交审核"),
    "approve": gettext_lazy("审核通过"),
    "reject": gettext_lazy("退回"),
    "publish": gettext_lazy("发布"),
}


def submit_story(story: Story, *, by: User) -> Story:
    return _transition(story, "submit", by=by)


def approve_story(story: Story, *, by: User) -> Story:
    return _transition(story, "approve", by=by)


def reject_story(story: Story, *, by: User, reason: str) -> Story:
    return _transition(story, "reject", by=by, reason=reason)


def publish_story(story: Story, *, by: User) -> Story:
    return _transition(story, "publish", by=by)


def _tell(story: Story, action: str) -> None:
    url = reverse("campaign:story_detail", args=[story.pk])
    if action == "submit":
        # The nearest superior that has a 组织部 account reviews it.
        rows = RoleAssignment.objects.filter(
            role=Role.ORG_DEPARTMENT, org__path__in=story.org.ancestor_paths(include_self=False), user__is_active=True
        ).select_related("org", "user")
        users = [a.user for a in queries.nearest_departments(story.org, rows)]
        if users:
            notify(users, title=_("宣传稿件待审核：%(title)s") % {"title": story.title}, url=url)
    elif action in ("reject", "publish") and story.created_by_id:
        if action == "reject":
            title = _("宣传稿件被退回：%(title)s") % {"title": story.title}
        else:
            title = _("宣传稿件已发布：%(title)s") % {"title": story.title}
        notify([story.created_by], title=title, body=story.reject_reason, url=url)
