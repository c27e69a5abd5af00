"""Writes of activity records (五项活动): create, edit, delete, with their attachments.

"全省统一开展“党性教育”“岗位奉献”“服务群众”“亮牌示范”“组织创新”五项活动" (seed, part 四.(二)) — in the
second step (全面争创，扎实推进) and after, while the campaign runs.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.actors import is_system, recorded_user
from orgs.models import Member, Org, User

from ..enums import ActivityType
from ..models import ActivityRecord, Attachment, Campaign
from ..queries.activities import can_write_activity
from ..uploads import check_upload
from .attachments import attach_files
from .timeline import current_campaign, ensure_phase, mark_done, unmark_done

# Phase two (全面争创，扎实推进) onwards.
ACTIVITY_PHASES = (2, 3, 4)
FIELDS = ("activity_type", "date", "title", "description", "participant_count")


def _check_files(files) -> list:
    """Every file checked before anything is written: a refusal stores nothing."""
    files = list(files or [])
    try:
        for upload in files:
            check_upload(upload)
    except ValidationError as error:
        raise ValidationError({"files": error.messages}) from None
    return files


def _campaign_for_writing(campaign: Campaign | None, today: datetime.date | None) -> Campaign:
    campaign = campaign or current_campaign(today)
    if campaign is None:
        raise ValidationError(_("当前没有创先争优活动，不能填报活动记录"), code="phase")
    ensure_phase(campaign, ACTIVITY_PHASES, today=today)
    return campaign


def _validate(campaign: Campaign, org: Org, data: dict, participants: list[Member], today: datetime.date):
    errors = {}
    date = data["date"]
    if date > today:
        errors["date"] = _("活动日期不能晚于今天")
    elif date < campaign.start_date or date > campaign.end_date:
        errors["date"] = _("活动日期应在本次活动期间（%(start)s 至 %(end)s）") % {
            "start": campaign.start_date,
            "end": campaign.end_date,
        }
    strangers = [m.name for m in participants if m.org_id != org.pk]
    if strangers:
        errors["participants"] = _("%(names)s 不是本组织党员") % {"names": "、".join(strangers)}
    elif data["participant_count"] < len(participants):
        errors["participant_count"] = _("参加人数不能少于所选参加党员人数（%(n)s 人）") % {"n": len(participants)}
    if errors:
        raise ValidationError(errors)


def _sync_five_activities(campaign: Campaign, org: Org, by: User | None) -> None:
    """The 五项活动 milestone is done once the organization has recorded all five kinds."""
    kinds = ActivityRecord.objects.filter(campaign=campaign, org=org).values("activity_type").distinct().count()
    if kinds >= len(ActivityType.values):
        mark_done(campaign, "five_activities", org, by=by)
    else:
        unmark_done(campaign, "five_activities", org)


def create_activity(
    org: Org,
    *,
    by: User,
    activity_type: str,
    date: datetime.date,
    title: str,
    participant_count: int,
    description: str = "",
    participants=(),
    files=(),
    campaign: Campaign | None = None,
    today: datetime.date | None = None,
) -> ActivityRecord:
    """Record one activity of a basic organization (its secretary, or 组织部 in scope)."""
    if not can_write_activity(by, org):
        raise PermissionDenied
    today = today or timezone.localdate()
    campaign = _campaign_for_writing(campaign, today)
    participants = list(participants)
    data = {
        "activity_type": activity_type,
        "date": date,
        "title": title,
        "description": description,
        "participant_count": participant_count,
    }
    _validate(campaign, org, data, participants, today)
    files = _check_files(files)
    with transaction.atomic():
        record = ActivityRecord.objects.create(campaign=campaign, org=org, created_by=by, **data)
        record.participants.set(participants)
        _sync_five_activities(campaign, org, by)
        attach_files(record, files, org=org, by=by)  # last: files reach the disk only when all else passed
    return record


def update_activity(
    record: ActivityRecord,
    *,
    by: User,
    fields: dict,
    participants=(),
    files=(),
    remove_attachments=(),
    today: datetime.date | None = None,
) -> ActivityRecord:
    """Change a record (same people, same phases as creating it); add and remove attachments. ``SYSTEM``: the
    admin, after it scoped the record (no files there)."""
    if not is_system(by) and not can_write_activity(by, record.org):
        raise PermissionDenied
    today = today or timezone.localdate()
    ensure_phase(record.campaign, ACTIVITY_PHASES, today=today)
    participants = list(participants)
    data = {name: fields.get(name, getattr(record, name)) for name in FIELDS}
    _validate(record.campaign, record.org, data, participants, today)
    files = _check_files(files)
    with transaction.atomic():
        for name, value in data.items():
            setattr(record, name, value)
        record.save(update_fields=[*FIELDS, "updated_at"])
        record.participants.set(participants)
        delete_attachments(record.attachments.filter(pk__in=[a.pk for a in remove_attachments]))
        _sync_five_activities(record.campaign, record.org, recorded_user(by))
        attach_files(record, files, org=record.org, by=recorded_user(by))
    return record


def delete_activity(record: ActivityRecord, *, by: User, today: datetime.date | None = None) -> None:
    if not can_write_activity(by, record.org):
        raise PermissionDenied
    ensure_phase(record.campaign, ACTIVITY_PHASES, today=today)
    with transaction.atomic():
        delete_attachments(record.attachments.all())
        campaign, org = record.campaign, record.org
        record.delete()
        _sync_five_activities(campaign, org, by)


def delete_attachments(attachments) -> None:
    """Delete the rows now and the files once the transaction has committed."""
    rows = list(attachments)
    names = [(a.file.storage, a.file.name) for a in rows]
    Attachment.objects.filter(pk__in=[a.pk for a in rows]).delete()

    def remove_files():
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)
