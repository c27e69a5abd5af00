"""What the organization and member importers share: cell parsing, errors, scope, the apply frame.

An importer works on the whole file at once (set-based): it parses every row, loads what already
exists with a few queries (by code, by ID number, in chunks), decides per row create / update /
unchanged, and reports every bad row. ``dry_run`` writes nothing; ``apply`` re-validates inside one
transaction and writes everything or nothing.
"""

import datetime
from collections import namedtuple
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.sql import compose, copy_rows

from .. import queries
from ..enums import choice_by_label
from ..validators import DATE_RE, nonexistent_date
from .columns import NO, YES

PROGRESS_EVERY = 5000
WRITE_BATCH = 2000

_Node = namedtuple("_Node", "path sector")


def cell_text(value) -> str:
    """A cell as trimmed text: numbers typed into a code column come back without ".0"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def cell_date(value) -> datetime.date:
    """YYYY-MM-DD text or a real Excel date cell; ``ValueError`` otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        value = value.strip()
        if len(value) == 10 and value[4] == value[7] == "-":
            try:
                return datetime.date.fromisoformat(value)  # the usual YYYY-MM-DD, without the regular expression
            except ValueError:
                pass  # no such day, or not ASCII digits: the general path below decides
        match = DATE_RE.match(value)
        if match:
            return datetime.date(*(int(part) for part in match.groups()))
    raise ValueError(value)


def chunk_size() -> int:
    limit = connection.features.max_query_params
    return min(limit - 10, 5000) if limit else 5000


def chunks(items, size=None):
    items = list(items)
    size = size or chunk_size()
    for start in range(0, len(items), size):
        yield items[start : start + size]


def bulk_update_with_history(objs, model, field_names, *, user, reason, batch_size=WRITE_BATCH):
    """Update ``objs`` and record one history row each, like simple_history's
    ``bulk_update_with_history``. On PostgreSQL the rows are written with one
    ``UPDATE … FROM (VALUES …)`` per batch: Django's ``bulk_update`` builds a CASE per field and
    row and needed minutes for 30,000 members; elsewhere (SQLite) it is used as is."""
    from simple_history.utils import bulk_update_with_history as simple_bulk_update

    if not objs:
        return
    if connection.vendor != "postgresql":
        simple_bulk_update(
            objs, model, field_names, batch_size=batch_size, default_user=user, default_change_reason=reason
        )
        return
    from psycopg2.extras import execute_values

    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    pk = meta.pk
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
    columns = ", ".join(quote(f.column) for f in [pk, *fields])
    template = "(" + ", ".join(f"%s::{f.cast_db_type(connection)}" for f in [pk, *fields]) + ")"
    # Identifiers come from the model's meta, quoted; every value is a parameter.
    key = quote(pk.column)
    sql = " ".join(
        ["UPDATE", quote(meta.db_table), "AS t SET", assignments, "FROM (VALUES %s) AS v", f"({columns})"]
        + ["WHERE", f"t.{key}", "=", f"v.{key}"]
    )
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            rows = [
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in [pk, *fields]]
                for obj in objs[start : start + batch_size]
            ]
            execute_values(cursor.cursor, sql, rows, template=template, page_size=batch_size)
        _copy_history(objs, model, user=user, reason=reason, history_type="~", date=timezone.now())


# Fields whose Python value COPY takes as it is (common.sql.copy_value); any other is prepared by the field.
_PLAIN_FIELDS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def _column_values(fields):
    """A function giving an object's values for ``fields`` as COPY takes them."""
    plain = [f.get_internal_type() in _PLAIN_FIELDS for f in fields]
    if all(plain):
        names = [f.attname for f in fields]
        return lambda obj: [getattr(obj, name) for name in names]
    return lambda obj: [
        getattr(obj, f.attname) if simple else f.get_db_prep_save(getattr(obj, f.attname), connection)
        for f, simple in zip(fields, plain, strict=True)
    ]


def _copy_history(objs, model, *, user, reason, history_type, date):
    """The history rows simple_history's ``bulk_history_create`` writes (one per object: its tracked fields,
    the date, the user, the reason, "+" or "~"), written with COPY."""
    from simple_history.utils import get_history_manager_for_model

    history = get_history_manager_for_model(model).model
    tracked = [f.attname for f in history.tracked_fields]
    meta = {
        "history_date": date,
        "history_change_reason": reason,
        "history_type": history_type,
        "history_user_id": getattr(user, "pk", None),
    }
    columns = [f.attname for f in history._meta.concrete_fields if not f.primary_key or f.attname in tracked]
    unknown = set(columns) - set(tracked) - set(meta)
    if unknown:  # a custom history field nobody fills here: better refuse than write NULLs
        raise RuntimeError(f"history columns not filled by orgs.io.base: {sorted(unknown)}")
    fields = {f.attname: f for f in model._meta.concrete_fields}
    values = _column_values([fields[name] for name in tracked])
    tail = [meta[name] for name in columns if name not in tracked]
    order = [*tracked, *(name for name in columns if name not in tracked)]
    copy_rows(
        history._meta.db_table,
        [history._meta.get_field(name).column for name in order],
        (values(obj) + tail for obj in objs),
    )


def bulk_create_with_history(objs, model, *, user, reason, batch_size=WRITE_BATCH):
    """Insert ``objs`` and one "+" history row each, like simple_history's ``bulk_create_with_history``
    (used as is on SQLite). On PostgreSQL the primary keys are taken from the table's sequence in one
    statement and the objects and their history rows are written with COPY (``common.sql.copy_rows``):
    the ORM's INSERTs spent most of their time building SQL in Python. ``auto_now``/``auto_now_add``
    fields get the same time as the history rows. The objects come back saved (pk set)."""
    from simple_history.utils import bulk_create_with_history as simple_bulk_create

    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return simple_bulk_create(objs, model, batch_size=batch_size, default_user=user, default_change_reason=reason)
    now = timezone.now()
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields]
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [compose("{table}", table=meta.db_table), pk.column, len(objs)],
        )
        for obj, (key,) in zip(objs, cursor.fetchall(), strict=True):
            setattr(obj, pk.attname, key)
            for name in stamped:
                setattr(obj, name, now)
            obj._state.adding = False
            obj._state.db = connection.alias
        values = _column_values(fields)
        for start in range(0, len(objs), batch_size * 10):
            copy_rows(meta.db_table, [f.column for f in fields], map(values, objs[start : start + batch_size * 10]))
        _copy_history(objs, model, user=user, reason=reason, history_type="+", date=now)
    return objs


@dataclass
class Outcome:
    """What a dry run or an apply found: every error, and the counts (新增 / 更新 / 未变)."""

    errors: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.errors


class Importer:
    kind = ""
    columns = ()

    def __init__(self, user, table, *, progress=None):
        self.change_reason = _("批量导入")  # a plain str in the language of the run (raw writes take it too)
        self.user = user
        self.table = table
        self.progress = progress
        self.errors = []
        self._labels = {}
        self._column_index = {name: i for i, name in enumerate(self.columns)}
        queries.assignments(user)  # loaded once: every scope check below is then free

    # --- helpers for subclasses -----------------------------------------------------------

    def error(self, row, column, message):
        self.errors.append({"row": row, "column": column, "message": str(message)})

    def label(self, choices, text):
        """The value for a Chinese label (``orgs.enums.choice_by_label``), cached per file."""
        key = (choices, text)
        if key not in self._labels:
            self._labels[key] = choice_by_label(choices, text)
        return self._labels[key]

    def choice(self, row, column, choices, text):
        value = self.label(choices, text)
        if value is None:
            allowed = "、".join(str(label) for label in choices.labels)
            self.error(row, column, _("无法识别“%(value)s”，可填写：%(allowed)s") % {"value": text, "allowed": allowed})
        return value

    def required(self, row, column, text, *, max_length=None) -> bool:
        if not text:
            self.error(row, column, _("不能为空"))
            return False
        return self.max_length(row, column, text, max_length)

    def max_length(self, row, column, text, max_length) -> bool:
        if max_length and len(text) > max_length:
            self.error(row, column, _("不能超过 %(n)s 个字") % {"n": max_length})
            return False
        return True

    def date(self, row, column, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            self.error(row, column, _("不能为空"))
            return None
        try:
            return cell_date(value)
        except ValueError:
            text = cell_text(value)
            if DATE_RE.match(text):  # the right shape, but no such day: say so rather than ask for the format
                self.error(row, column, nonexistent_date(text))
                return None
            self.error(
                row,
                column,
                _("日期“%(value)s”无效，应为 YYYY-MM-DD 格式（如 2010-07-01）") % {"value": cell_text(value)},
            )
            return None

    def covers(self, path: str, sector: str = "") -> bool:
        """May the importing user manage the node at ``path``? (the scope gateway, no query)"""
        return queries.covers(self.user, _Node(path, sector), queries.MANAGE_ROLES)

    def report(self, done, total, phase):
        if self.progress:
            self.progress(done, total, phase)

    # --- the two entry points -------------------------------------------------------------

    def plan(self):
        """Validate every row; return what would be written (subclasses)."""
        raise NotImplementedError

    def write(self, plan):
        raise NotImplementedError

    def summary(self, plan) -> dict:
        raise NotImplementedError

    def _outcome(self, plan):
        if not self.table.rows:
            self.error(None, "", _("文件中没有数据行：请从第 2 行起填写数据。"))
        order = self._column_index
        errors = sorted(self.errors, key=lambda e: (e["row"] or 0, order.get(e["column"], -1)))
        return Outcome(errors=errors, summary={**self.summary(plan), "rows": len(self.table.rows)})

    def dry_run(self) -> Outcome:
        """Every bad row, and what an apply would do. Writes nothing."""
        self.errors = []
        return self._outcome(self.plan())

    def apply(self) -> Outcome:
        """Re-validate and write, all rows or none. Errors found now mean nothing is written."""
        self.errors = []
        with transaction.atomic():
            plan = self.plan()
            outcome = self._outcome(plan)
            if outcome.ok:
                self.write(plan)
        return outcome
