"""History on every record (issue 13, item 7): which project models are exempt, and why.

Every model of every app that lives in this repository keeps its history with django-simple-history
(``history = HistoricalRecords(...)``). The few that do not are listed in ``HISTORY_EXEMPT`` with the
reason; ``tests/common/test_history_everywhere.py`` fails for any other model without history and for
any entry here that is stale (the model is gone or has history after all).

A new model therefore either gets ``HistoricalRecords`` (the default; exclude noisy columns such as
``updated_at`` or denormalized copies like ``org_path``) or a line here that says why not.

And the one way a service writes a record with its history's author (issue 15): ``save_as`` (set the author,
save), ``save_checked`` (``check_fields``, the model's validation by field, first), ``delete_as``,
``insert_once`` (a unique constraint's refusal becomes the service's own), ``save_changes`` (set values, save
just those), ``set_rows`` (a record's link rows made exactly a given set), and ``stamp_history`` (for
``SYSTEM`` the request's user stays the author).
``tests/common/test_code_rules.py`` fails on ``_history_user =`` anywhere else but its listed exceptions.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from common.actors import is_system

HISTORY_EXEMPT: dict[str, str] = {
    "dashboards.Snapshot": (
        "one refresh of the dashboard roll-ups, rewritten by the refresh task; the counted records keep their own"
        " history"
    ),
    "dashboards.OrgFigures": "computed roll-up, recomputed wholesale by every dashboard refresh; nobody enters it",
    "dashboards.OrgSeries": "computed roll-up, recomputed wholesale by every dashboard refresh; nobody enters it",
    "dashboards.OwnSeries": (
        "computed per-organization counts behind the roll-ups, rewritten by every dashboard refresh; nobody enters it"
    ),
    "evaluations.MassAnswer": (
        "anonymous by design (no token, no time, random UUID keys so not even the order is known); a history row"
        " would add history_date and a sequential history_id and link answers to the moment a token was used"
    ),
    "campaign.OutgoingMessage": (
        "send queue: the row is its own delivery log (status, attempts, last error, sent time) and the body never"
        " changes once queued; history would copy each SMS/e-mail body on every retry"
    ),
    "campaign.Notification": (
        "system-written inbox message; the reminder engine inserts them set-based in one SQL statement at province"
        " scale (bench_reminders) and the only later change is the reader's own read_at"
    ),
    "campaign.ReminderDelivery": (
        "the reminder engine's idempotency key (INSERT … ON CONFLICT DO NOTHING, claimed by UPDATE … RETURNING):"
        " the row is itself the log of what was decided and when it was sent"
    ),
    "common.Job": (
        "background job bookkeeping with a heartbeat every 30 s (a history row each time); what the job writes"
        " keeps its own history"
    ),
}


def has_history(model) -> bool:
    """True when django-simple-history tracks ``model`` (it sets this on the model's options)."""
    return hasattr(model._meta, "simple_history_manager_attribute")


def is_history_model(model) -> bool:
    """True for the ``Historical…`` models simple-history generates (they point back at what they track)."""
    return getattr(model, "instance_type", None) is not None


def project_app_configs():
    """The installed apps whose code lives in this repository (not in the virtualenv): every app added
    later is included without a list to keep up to date."""
    base = Path(settings.BASE_DIR).resolve()
    configs = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and not {"site-packages", "dist-packages", ".venv"} & set(path.parts):
            configs.append(config)
    return configs


def project_models():
    """Every concrete model of the project's apps, the generated history models left out."""
    return [
        model
        for config in project_app_configs()
        for model in config.get_models()
        if not is_history_model(model) and not model._meta.abstract
    ]


def models_without_history():
    """Labels of project models that neither keep history nor are listed in ``HISTORY_EXEMPT``."""
    return sorted(
        model._meta.label
        for model in project_models()
        if not has_history(model) and model._meta.label not in HISTORY_EXEMPT
    )


# --- writing a record with its history's author -------------------------------------------------------------


def check_fields(record, *, exclude=()) -> None:
    """The model's own validation (ID-number refusal, dates, lengths, formats …) with the errors keyed by field;
    ``exclude``: the fields the service sets itself. Uniqueness and constraints are left to the service's
    transaction (``insert_once``), where they cannot race."""
    record.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)


def save_checked(record, *, by, exclude=(), update_fields=None):
    """``check_fields``, then ``save_as``."""
    check_fields(record, exclude=exclude)
    return save_as(record, by=by, update_fields=update_fields)


def save_as(record, *, by, update_fields=None):
    """Save ``record`` (only ``update_fields`` when given) with ``by`` as the author of its history row. The author
    stays set on the instance, so the history rows of many-to-many changes made next carry it too."""
    record._history_user = by
    record.save(update_fields=update_fields)
    return record


def stamp_history(record, by) -> None:
    """Name ``by`` as the author of ``record``'s next history row, for the save that follows. For ``SYSTEM``
    nothing is set, so django-simple-history records the signed-in user of the request (the data manager in the
    admin), or nobody in a task."""
    if not is_system(by):
        record._history_user = by


def delete_as(record, *, by) -> None:
    """Delete ``record`` with ``by`` as the author of its last history row."""
    record._history_user = by
    record.delete()


def insert_once(record, *, by, taken: ValidationError):
    """Insert ``record`` with ``by`` as its history's author. When a unique constraint refuses it (somebody
    inserted the same one since the service looked), raise ``taken`` — the refusal the service gives when it
    sees the duplicate itself — instead; the savepoint keeps the caller's transaction usable."""
    try:
        with transaction.atomic():
            save_as(record, by=by)
    except IntegrityError:
        raise taken from None
    return record


def set_rows(rows, field: str, wanted, *, by) -> None:
    """Make ``rows`` (a reverse foreign key manager, e.g. ``bulletin.recipient_rows``) exactly one row per object
    of ``wanted`` in the rows' foreign key ``field`` (e.g. ``"org"``): the others deleted, the missing ones inserted
    in one statement with ``by`` as their history's author."""
    key = rows.model._meta.get_field(field).attname
    rows.exclude(**{f"{key}__in": {o.pk for o in wanted}}).delete()
    have = set(rows.values_list(key, flat=True))
    new = [rows.model(**{rows.field.name: rows.instance, field: o}) for o in wanted if o.pk not in have]
    bulk_create_with_history(new, rows.model, default_user=by)


def save_changes(record, values: dict, *, by, also=()):
    """Set ``values`` on ``record`` and save those fields (and the ``also`` fields, such as ``updated_at``)."""
    for name, value in values.items():
        setattr(record, name, value)
    return save_as(record, by=by, update_fields=[*values, *also])
