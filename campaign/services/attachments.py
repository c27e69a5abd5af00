"""Attach checked uploads to campaign objects."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from orgs.models import Org, User

from ..models import Attachment
from ..uploads import check_upload


def attach_files(owner, files, *, org: Org, by: User | None, field: str = "files") -> list[Attachment]:
    """Store ``files`` (already validated by AttachmentsField; checked again here) for ``owner``. Every file is
    checked before any is stored; a refused one is reported at the form's ``field`` (its name and the rule)."""
    owner_type = ContentType.objects.get_for_model(owner)
    try:
        checked = [(upload, *check_upload(upload)) for upload in files]
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    created = []
    for upload, content_type, extension in checked:
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
