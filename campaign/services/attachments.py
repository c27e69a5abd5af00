"""Attach checked uploads to campaign objects."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from orgs.models import Org, User

from ..models import Attachment
from ..uploads import check_upload


def attach_files(owner, files, *, org: Org, by: User | None) -> list[Attachment]:
    """Store ``files`` (already validated by AttachmentsField; checked again here) for ``owner``."""
    owner_type = ContentType.objects.get_for_model(owner)
    created = []
    for upload in files:
        content_type, extension = check_upload(upload)
        attachment = Attachment(
            owner_type=owner_type,
            owner_id=owner.pk,
            org=org,
            original_name=upload.name[:200],
            content_type=content_type,
            extension=extension,
            size=upload.size,
            uploaded_by=by,
            uploaded_at=timezone.now(),
        )
        attachment.file.save(attachment_path_name(attachment), upload, save=False)
        attachment.save()
        created.append(attachment)
    return created


def attachment_path_name(attachment: Attachment) -> str:
    return f"upload{attachment.extension}"


def attachments_of(owner):
    return Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk)
