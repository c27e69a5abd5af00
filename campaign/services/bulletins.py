"""Every write of information bulletins (信息简报) and exhibitions of achievements (成果展示).

"充分发挥……手机短信平台和信息简报作用，大力宣传各行各业先进基层党组织和优秀共产党员的典型事迹" (seed, part 五);
"通过举办创先争优活动图片展……集中展示活动成果" (seed, part 四.(四)).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from common.history import save_as, set_rows
from orgs.models import Org, User

from ..models import (
    Attachment,
    Bulletin,
    BulletinItem,
    BulletinStatus,
    Exhibition,
    ExhibitionItem,
    LeadingGroup,
    Story,
    StoryStatus,
)
from ..queries import bulletins as bq
from .notifications import notify

BULLETIN_FIELDS = ("masthead", "editor", "report_to")


# --- bulletins ------------------------------------------------------------------------------------


def _require_office(by: User, org: Org):
    if not bq.can_issue(by, org):
        raise PermissionDenied(_("只有设立创先争优活动领导小组的党委的办公室（组织部、领导小组）可以编发简报"))


def _check_stories(issuer: Org, stories) -> list[Story]:
    stories = list(stories or [])
    for story in stories:
        if story.status != StoryStatus.PUBLISHED:
            raise ValidationError({"stories": _("“%(title)s”尚未发布，不能编入简报") % {"title": story.title}})
        if not story.org.path.startswith(issuer.path):
            raise ValidationError({"stories": _("“%(title)s”不是本地区的稿件") % {"title": story.title}})
    return stories


def _check_recipients(issuer: Org, recipients) -> list[Org]:
    recipients = list(recipients or [])
    for org in recipients:
        if org.depth != issuer.depth + 1 or not org.path.startswith(issuer.path):
            raise ValidationError(
                {"recipients": _("“%(name)s”不是%(issuer)s的下级组织") % {"name": org.name, "issuer": issuer.name}}
            )
    return recipients


def _set_stories(bulletin: Bulletin, stories: list[Story], by: User) -> None:
    """Keep the order of stories already in the bulletin; new ones go to the end."""
    wanted = {s.pk for s in stories}
    bulletin.items.exclude(story_id__in=wanted).delete()
    have = set(bulletin.items.values_list("story_id", flat=True))
    last = bulletin.items.aggregate(m=Max("order"))["m"] or 0
    new = []
    for story in stories:
        if story.pk not in have:
            last += 1
            new.append(BulletinItem(bulletin=bulletin, story=story, order=last))
    bulk_create_with_history(new, BulletinItem, default_user=by)


def _set_recipients(bulletin: Bulletin, recipients: list[Org], by: User) -> None:
    set_rows(bulletin.recipient_rows, "org", recipients, by=by)


def default_editor(org: Org) -> str:
    group = bq.leading_group_of(org)
    return _("%(group)s办公室") % {"group": group.name} if group else ""


@transaction.atomic
def create_bulletin(issuer: Org, *, by: User, stories=(), recipients=(), **fields) -> Bulletin:
    """A draft bulletin of ``issuer``'s leading group office; it gets its number when it is issued."""
    _require_office(by, issuer)
    fields = {k: (v or "").strip() for k, v in fields.items() if k in BULLETIN_FIELDS}
    if not fields.get("editor"):
        fields["editor"] = default_editor(issuer)
    if not fields.get("masthead"):
        fields.pop("masthead", None)
    bulletin = Bulletin(issuer_org=issuer, created_by=by, **fields)
    bulletin.full_clean(exclude=["issuer_org", "created_by", "issued_by"], validate_constraints=False)
    save_as(bulletin, by=by)
    _set_stories(bulletin, _check_stories(issuer, stories), by)
    _set_recipients(bulletin, _check_recipients(issuer, recipients), by)
    return bulletin


def _lock_bulletin(bulletin: Bulletin) -> Bulletin:
    return Bulletin.objects.select_for_update().select_related("issuer_org").get(pk=bulletin.pk)


@transaction.atomic
def update_bulletin(bulletin: Bulletin, *, by: User, fields: dict, stories=None, recipients=None) -> Bulletin:
    bulletin = _lock_bulletin(bulletin)
    _require_office(by, bulletin.issuer_org)
    if bulletin.issued:
        raise ValidationError(_("简报已印发，不能再修改"), code="issued")
    fields = {k: (v or "").strip() for k, v in fields.items() if k in BULLETIN_FIELDS}
    for name, value in fields.items():
        setattr(bulletin, name, value)
    bulletin.full_clean(exclude=["issuer_org", "created_by", "issued_by"], validate_constraints=False)
    save_as(bulletin, by=by, update_fields=[*fields, "updated_at"])
    if stories is not None:
        _set_stories(bulletin, _check_stories(bulletin.issuer_org, stories), by)
    if recipients is not None:
        _set_recipients(bulletin, _check_recipients(bulletin.issuer_org, recipients), by)
    return bulletin


@transaction.atomic
def move_bulletin_item(item: BulletinItem, *, by: User, up: bool) -> None:
    bulletin = _lock_bulletin(item.bulletin)
    _require_office(by, bulletin.issuer_org)
    if bulletin.issued:
        raise ValidationError(_("简报已印发，不能再修改"), code="issued")
    _swap(list(bulletin.items.order_by("order", "id")), item.pk, up)


def _swap(rows, pk, up: bool) -> None:
    """Renumber ``rows`` 1..n with the row ``pk`` moved one place up or down."""
    index = next(i for i, row in enumerate(rows) if row.pk == pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows, start=1):
        if row.order != position:
            row.order = position
            row.save(update_fields=["order"])


@transaction.atomic
def delete_bulletin(bulletin: Bulletin, *, by: User) -> None:
    bulletin = _lock_bulletin(bulletin)
    _require_office(by, bulletin.issuer_org)
    if bulletin.issued:
        raise ValidationError(_("简报已印发，不能删除"), code="issued")
    bulletin.delete()


@transaction.atomic
def issue_bulletin(
    bulletin: Bulletin, *, by: User, issue_date: datetime.date | None = None, today: datetime.date | None = None
) -> Bulletin:
    """Issue (印发) a draft: it takes the next number of its issuing node and year, and its readers are told.

    The leading group's row is locked while the number is chosen, so two offices' clerks issuing at the same
    moment never get the same number (the unique constraint is the last guard).
    """
    today = today or timezone.localdate()
    issue_date = issue_date or today
    bulletin = _lock_bulletin(bulletin)
    issuer = bulletin.issuer_org
    _require_office(by, issuer)
    if bulletin.issued:
        raise ValidationError(_("简报已经印发"), code="issued")
    if issue_date > today:
        raise ValidationError({"issue_date": _("印发日期不能晚于今天")})
    items = list(bulletin.items.select_related("story", "story__org"))
    if not items:
        raise ValidationError({"stories": _("请至少编入一篇已发布的稿件")})
    _check_stories(issuer, [i.story for i in items])
    if not bulletin.recipient_rows.exists():
        raise ValidationError({"recipients": _("请选择分发范围（下级组织）")})
    LeadingGroup.objects.select_for_update().filter(org=issuer).first()
    last = Bulletin.objects.filter(issuer_org=issuer, year=issue_date.year).aggregate(m=Max("number"))["m"] or 0
    bulletin.year = issue_date.year
    bulletin.number = last + 1
    bulletin.issue_date = issue_date
    bulletin.status = BulletinStatus.ISSUED
    bulletin.issued_by = by
    bulletin.issued_at = timezone.now()
    save_as(
        bulletin,
        by=by,
        update_fields=["year", "number", "issue_date", "status", "issued_by", "issued_at", "updated_at"],
    )
    readers = [u for u in bq.readers_to_notify(bulletin) if u.pk != by.pk]
    notify(
        readers,
        title=_("%(editor)s印发《%(title)s》") % {"editor": bulletin.editor or issuer.name, "title": bulletin.title},
        body=_("本期要目：%(titles)s") % {"titles": "；".join(i.story.title for i in items)[:300]},
        url=reverse("campaign:bulletin_detail", args=[bulletin.pk]),
    )
    return bulletin


# --- exhibitions ----------------------------------------------------------------------------------


def _require_exhibit_manager(by: User, org: Org):
    if not bq.can_manage_exhibition(by, org):
        raise PermissionDenied(_("只有组织部可以编排成果展示"))


@transaction.atomic
def save_exhibition(org: Org, *, by: User, title: str, intro: str = "", public: bool = False) -> Exhibition:
    """Create or change the exhibition of ``org`` (one per node); ``public`` puts it on the public pages."""
    _require_exhibit_manager(by, org)
    exhibition = Exhibition.objects.select_for_update().filter(org=org).first() or Exhibition(org=org)
    exhibition.title = (title or "").strip()
    exhibition.intro = (intro or "").strip()
    exhibition.public = bool(public)
    exhibition.updated_by = by
    exhibition.full_clean(exclude=["org", "updated_by"], validate_unique=False)
    save_as(exhibition, by=by)
    return exhibition


def _ensure_exhibition(org: Org, by: User) -> Exhibition:
    exhibition = Exhibition.objects.select_for_update().filter(org=org).first()
    if exhibition is None:
        exhibition = Exhibition(org=org, updated_by=by)
        save_as(exhibition, by=by)
    return exhibition


@transaction.atomic
def add_exhibition_item(org: Org, attachment: Attachment, *, by: User, caption: str) -> ExhibitionItem:
    """Put a photo of the node's subtree (activity-record image or published story cover) into its exhibition."""
    _require_exhibit_manager(by, org)
    if not bq.candidate_images(org).filter(pk=attachment.pk).exists():
        raise ValidationError(
            {"attachment": _("只能选用本地区活动记录中的图片或已发布稿件的封面图片")}, code="not_candidate"
        )
    caption = (caption or "").strip()
    if not caption:
        raise ValidationError({"caption": _("请填写图片说明")})
    exhibition = _ensure_exhibition(org, by)
    if exhibition.items.filter(attachment=attachment).exists():
        raise ValidationError({"attachment": _("这张图片已在展览中")}, code="duplicate")
    last = exhibition.items.aggregate(m=Max("order"))["m"] or 0
    item = ExhibitionItem(exhibition=exhibition, attachment=attachment, caption=caption, order=last + 1, added_by=by)
    item.full_clean(exclude=["exhibition", "attachment", "added_by"], validate_constraints=False)
    item.save()
    return item


@transaction.atomic
def update_exhibition_item(item: ExhibitionItem, *, by: User, caption: str) -> ExhibitionItem:
    _require_exhibit_manager(by, item.exhibition.org)
    caption = (caption or "").strip()
    if not caption:
        raise ValidationError({"caption": _("请填写图片说明")})
    item.caption = caption
    item.full_clean(exclude=["exhibition", "attachment", "added_by"], validate_constraints=False)
    item.save(update_fields=["caption"])
    return item


@transaction.atomic
def move_exhibition_item(item: ExhibitionItem, *, by: User, up: bool) -> None:
    exhibition = Exhibition.objects.select_for_update().select_related("org").get(pk=item.exhibition_id)
    _require_exhibit_manager(by, exhibition.org)
    _swap(list(exhibition.items.order_by("order", "id")), item.pk, up)


@transaction.atomic
def remove_exhibition_item(item: ExhibitionItem, *, by: User) -> None:
    _require_exhibit_manager(by, item.exhibition.org)
    item.delete()
