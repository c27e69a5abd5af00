"""The statements of a refresh: a fixed number of set-based ``INSERT … SELECT``, whatever the scale.

Each joins the ORM's aggregates (``sources``) with portable SQL composed by ``common.sql.compose`` (identifiers
quoted by the database API, every value a parameter), so they run on SQLite and PostgreSQL alike.
"""

import contextlib

from django.db import connection, transaction

from common.sql import Fragment, compose, identifiers
from orgs.enums import OrgLevel
from orgs.models import Org

from ..models import BADGE_FIELDS, COUNT_FIELDS, MODEL_SLOTS, PHASE_SLOTS, OrgFigures, OwnSeries, Snapshot
from ..sources_bodies import columns as bodies_columns
from .sources import series_sources, sources, sql_of

STEP = Org.steplen
REFRESH_WORK_MEM = "256MB"  # per sort or hash of the refresh's statements, for its transaction only
SERIES_HEAD = ("snapshot_id", "org_id", "sector", "family", "key1", "key2", "value")


def joined(parts, separator: str = ", ") -> Fragment:
    """Composed fragments joined by ``separator`` (constant SQL text)."""
    return Fragment(separator.join(parts))


# --- milestone applicability as SQL ---------------------------------------------------------------


def applies_sql(milestone, alias: str = "o") -> tuple[str, list]:
    """``Milestone.applies_q`` on the organization row ``alias`` (active is checked by the caller)."""
    parts, params = [], []
    for field, values in (("level", milestone.levels), ("kind", milestone.kinds), ("sector", milestone.sectors)):
        if values:
            marks = Fragment(", ".join(["%s"] * len(values)))
            parts.append(compose("{alias}.{field} IN ({marks})", alias=alias, field=field, marks=marks))
            params += list(values)
    sql = joined(parts, " AND ") or "1 = 1"
    if milestone.provincial_units:  # the registered 省直 reporting bodies too (campaign.models.ReportingBody)
        from campaign.models import ReportingBody

        registered = compose(
            "EXISTS (SELECT 1 FROM {table} rb WHERE rb.{org_id} = {alias}.{id})",
            table=ReportingBody._meta.db_table,
            org_id="org_id",
            alias=alias,
            id="id",
        )
        sql = compose("(({sql}) OR {registered})", sql=Fragment(sql), registered=registered) if parts else registered
    return sql, params


def sum_cases(terms: list[tuple[str, list]]) -> tuple[str, list]:
    """``(CASE WHEN t1 THEN 1 ELSE 0 END + …)`` or ``0``."""
    if not terms:
        return "0", []
    cases = [compose("CASE WHEN {cond} THEN 1 ELSE 0 END", cond=Fragment(cond)) for cond, _ in terms]
    return "(" + joined(cases, " + ") + ")", [p for _, params in terms for p in params]


def _case(template: str, **parts) -> Fragment:
    return compose(template, **{key: Fragment(value) for key, value in parts.items()})


def own_columns(snapshot: Snapshot, milestones, aliases: set[str]) -> list[tuple[str, str, list]]:
    """(column, SQL expression over ``o`` and the source aliases, params) for every count column."""

    def src(alias, column, default="0"):
        return compose("COALESCE({alias}.{column}, 0)", alias=alias, column=column) if alias in aliases else default

    plan = next((m for m in milestones if m.code == "plan"), None)
    required, required_params = applies_sql(plan) if plan else ("o.level = %s", [OrgLevel.BASIC])
    cur, prev = src("t", "cur"), src("t", "prev")
    flag = "CASE WHEN {cond} THEN 1 ELSE 0 END"
    cols = [
        ("orgs", "1", []),
        ("basic_orgs", "CASE WHEN o.level = %s THEN 1 ELSE 0 END", [OrgLevel.BASIC]),
        ("plan_required", _case(flag, cond=required), required_params),
        (
            "plan_approved",
            _case("CASE WHEN {r} AND {n} > 0 THEN 1 ELSE 0 END", r=required, n=src("p", "approved")),
            required_params,
        ),
        (
            "plan_submitted",
            _case("CASE WHEN {r} AND {n} > 0 THEN 1 ELSE 0 END", r=required, n=src("p", "submitted")),
            required_params,
        ),
        ("commitments_published", src("c", "published"), []),
        ("commitments_fulfilled", src("c", "fulfilled"), []),
        ("members_in_service", src("m", "n"), []),
        ("pa_reports", src("m", "reports"), []),
        ("activities", src("a", "n"), []),
        ("tier_rated", _case("CASE WHEN {cur} > 0 THEN 1 ELSE 0 END", cur=cur), []),
        ("tier_advanced", _case("CASE WHEN {cur} = 3 THEN 1 ELSE 0 END", cur=cur), []),
        ("tier_middle", _case("CASE WHEN {cur} = 2 THEN 1 ELSE 0 END", cur=cur), []),
        ("tier_backward", _case("CASE WHEN {cur} = 1 THEN 1 ELSE 0 END", cur=cur), []),
        ("prev_rated", _case("CASE WHEN {prev} > 0 THEN 1 ELSE 0 END", prev=prev), []),
        ("prev_advanced", _case("CASE WHEN {prev} = 3 THEN 1 ELSE 0 END", prev=prev), []),
        ("moved_up", _case("CASE WHEN {prev} > 0 AND {cur} > {prev} THEN 1 ELSE 0 END", cur=cur, prev=prev), []),
        ("moved_down", _case("CASE WHEN {cur} > 0 AND {prev} > {cur} THEN 1 ELSE 0 END", cur=cur, prev=prev), []),
        ("nominations", src("n", "n"), []),
        ("nominations_approved", src("n", "approved"), []),
        ("rect_open", src("x", "open"), []),
        ("rect_overdue", src("x", "overdue"), []),
        ("rect_verified", src("x", "verified"), []),
        ("reminders_sent", src("d", "n"), []),
        ("households_active", src("h", "n"), []),
        ("households_no_contact", src("h", "no_contact"), []),
        ("service_records", src("sv", "n"), []),
        ("mass_meetings", src("mm", "n"), []),
        ("disputes_found", src("dp", "n"), []),
        ("disputes_resolved", src("dp", "resolved"), []),
        ("disputes_escalated", src("dp", "escalated"), []),
        ("disputes_unresolved", src("dp", "unresolved"), []),
        ("disputes_pending", src("dp", "pending"), []),
        ("bulletins", src("bl", "n"), []),
        (
            "basic_with_instructor",
            _case("CASE WHEN o.level = %s AND {n} > 0 THEN 1 ELSE 0 END", n=src("gi", "n")),
            [OrgLevel.BASIC],
        ),
        ("college_officials", src("m", "college"), []),
        ("members_total", src("m", "total"), []),
        ("pa_participated", src("m", "participated"), []),
        ("pa_written", src("m", "written"), []),
        ("pa_accepted", src("m", "accepted"), []),
        ("pa_accepted_required", src("m", "accepted_required"), []),
        ("members_rated", src("mr", "n"), []),
        ("rated_excellent", src("mr", "excellent"), []),
        ("rated_qualified", src("mr", "qualified"), []),
        ("rated_basic", src("mr", "basic"), []),
        ("rated_unqualified", src("mr", "unqualified"), []),
        ("models_assessed", src("ma", "n"), []),
        *[(f"model{n}_reached", src("mt", f"k{n}"), []) for n in range(1, MODEL_SLOTS + 1)],
        *[(column, src("be", kind), []) for kind, column in BADGE_FIELDS.items()],
        ("wearing_orgs", "CASE WHEN o.level = %s AND bw.oid IS NOT NULL THEN 1 ELSE 0 END", [OrgLevel.BASIC]),
        ("wearing_members", _case("CASE WHEN o.level = %s THEN {n} ELSE 0 END", n=src("bw", "worn")), [OrgLevel.BASIC]),
        (
            "wearing_counted",
            _case("CASE WHEN o.level = %s THEN {n} ELSE 0 END", n=src("bw", "counted")),
            [OrgLevel.BASIC],
        ),
        *bodies_columns(src),
    ]
    due = [m for m in milestones if m.due_date < snapshot.as_of]

    def done(m):
        return _case("{n} > 0", n=src("md", f"m{m.pk}"))

    ms_due = sum_cases([applies_sql(m) for m in due])
    overdue_terms = []
    for m in due:
        cond, params = applies_sql(m)
        overdue_terms.append((_case("{cond} AND NOT ({done})", cond=cond, done=done(m)), params))
    ms_overdue = sum_cases(overdue_terms)
    cols += [("ms_due", *ms_due), ("ms_overdue", *ms_overdue)]
    slots = {p["order"]: n for n, p in enumerate(snapshot.phases, start=1)}
    for n in range(1, PHASE_SLOTS + 1):
        in_phase = [m for m in milestones if slots.get(m.phase.order) == n]
        applicable = sum_cases([applies_sql(m) for m in in_phase])
        done_terms = []
        for m in in_phase:
            cond, params = applies_sql(m)
            done_terms.append((_case("{cond} AND {done}", cond=cond, done=done(m)), params))
        cols += [(f"phase{n}_applicable", *applicable), (f"phase{n}_done", *sum_cases(done_terms))]
    cols.append(("lag", _case("{x} + {ms}", x=src("x", "overdue"), ms=ms_overdue[0]), ms_overdue[1]))
    assert sorted(c for c, *_ in cols) == sorted(COUNT_FIELDS), "a count column is missing"
    return cols


def insert_own_rows(snapshot: Snapshot, milestones, kind: str = OrgFigures.Kind.OWN, table: str = "") -> None:
    aggregates = sources(snapshot, milestones)
    aliases = {alias for alias, _, _ in aggregates}
    cols = own_columns(snapshot, milestones, aliases)
    head = ["snapshot_id", "org_id", "path", "depth", "sector", "kind", *(name for name, _, _ in cols)]
    select = joined(compose("{expr} AS {name}", expr=Fragment(expr), name=name) for name, expr, _ in cols)
    params = [snapshot.pk, kind]
    for _, _, p in cols:
        params += p
    joins = []
    for alias, sql, p in aggregates:
        joins.append(compose("LEFT JOIN ({sql}) {alias} ON {alias}.oid = o.id", sql=Fragment(sql), alias=alias))
        params += p
    params.append(True)
    statement = compose(
        "INSERT INTO {table} ({head}) SELECT %s, o.id, o.path, o.depth, o.sector, %s, {select} "
        "FROM {org} o {joins} WHERE o.active = %s",
        table=table or OrgFigures._meta.db_table,
        head=identifiers(head),
        select=select,
        org=Org._meta.db_table,
        joins=joined(joins, " "),
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def insert_own_series(snapshot: Snapshot, table: str = "") -> None:
    """Every active organization's own series counts (one ``INSERT … SELECT`` per family) into ``OwnSeries``
    (or a staging table of the same columns)."""
    for family, queryset in series_sources(snapshot):
        sql, params = sql_of(queryset)
        statement = compose(
            "INSERT INTO {table} ({head}) SELECT %s, b.oid, b.sector, %s, b.key1, b.key2, b.n FROM ({sql}) b",
            table=table or OwnSeries._meta.db_table,
            head=identifiers(SERIES_HEAD),
            sql=Fragment(sql),
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, [snapshot.pk, family, *params])


def analyze(*models) -> None:
    """Fresh planner statistics of ``models``' tables (PostgreSQL). Inside the refresh's transaction too: the rows
    it has just written count. Without them a new snapshot's rows look like none, and the roll-up joined each of
    1.5 million own series rows to a sequential scan of the organizations (minutes at province scale)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(compose("ANALYZE {table}", table=model._meta.db_table))


@contextlib.contextmanager
def one_moment():
    """A transaction that, on PostgreSQL, reads every source in one snapshot (REPEATABLE READ): the figures are
    those of one moment, the one "数据截至" names, even while the statements run one after the other. Only an
    outermost transaction can choose its level (inside a test's transaction, and on SQLite, the statements read
    committed data one by one, which is the same when nothing else writes meanwhile)."""
    outermost = connection.vendor == "postgresql" and not connection.in_atomic_block
    if outermost:
        connection.ensure_connection()  # a health check's query must not be the transaction's first
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        if connection.vendor == "postgresql":
            # The roll-ups group millions of rows (the series: 7.7 million joined rows into 2.1 million groups at
            # province scale); with the default 4 MB they spilled 442 MB to disk in 65 batches (EXPLAIN ANALYZE).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = %s", [REFRESH_WORK_MEM])
        yield
