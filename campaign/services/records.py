"""Steps several campaign services end with: insert, change, delete one record with its history's author."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


def insert_once(record, *, by, taken: ValidationError):
    """Insert ``record`` with ``by`` as its history's author. When a unique constraint refuses it (somebody
    inserted the same one since the service looked), raise ``taken`` — the refusal the service gives when it
    sees the duplicate itself — instead; the savepoint keeps the caller's transaction usable."""
    record._history_user = by
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise taken from None
    return record


def save_changes(record, values: dict, *, by, also=()):
    """Set ``values`` on ``record`` and save those fields (and the ``also`` fields, such as ``updated_at``)."""
    for name, value in values.items():
        setattr(record, name, value)
    record._history_user = by
    record.save(update_fields=[*values, *also])
    return record


def delete_as(record, *, by) -> None:
    record._history_user = by
    record.delete()
