"""The live update: per-node deltas rolled up.

Every DASHBOARD_REFRESH_SECONDS beat runs ``refresh``; when the latest snapshot still describes the same day,
periods, award round and phases, it is brought up to date in place instead of being rewritten. In one
transaction that reads every source in one snapshot (``statements.one_moment``):

1. the own rows and the own series of every active organization are computed again (the same statements as a
   full refresh) into temporary tables — this is what reads the sources, so nothing is missed: no trigger,
   signal or counter in the other apps is needed, and a record that only moved to another month, stage or
   tier is seen as well;
2. two statements compare them with the stored own rows and own series: the organizations that changed;
3. for those (usually a handful), the difference new − old is added to the tree rows and the series of the
   organization and each of its active ancestors (one UPDATE per row touched), and the own rows and own series
   take the new values;
4. the snapshot's ``refreshed_at`` (shown as "数据截至") and ``revision`` move on. A reader sees the snapshot
   before or after, never half; a second updater finds the snapshot locked and skips (it would find nothing
   new), so a slow update never makes the beat's runs queue up behind it.

A change of structure (an organization added, moved, deactivated or of another sector) or more than
``DELTA_MAX`` changed organizations (e.g. tiers computed for the whole province) make a full refresh instead.
"""

import time

from django.db import connection
from django.db.models import F
from django.utils import timezone

from common.sql import Fragment, compose, identifiers
from orgs.models import Org

from ..models import COUNT_FIELDS, OrgFigures, OrgSeries, OwnSeries, Snapshot
from .statements import SERIES_HEAD, STEP, insert_own_rows, insert_own_series, joined, one_moment

STAGING = "dash_live_staging"
STAGING_SERIES = "dash_live_series"
DELTA_MAX = 3000
SERIES_DELTA_MAX = 30000
CHUNK = 500
SERIES_KEYS = ("org_id", "sector", "family", "key1", "key2")


class NeedsFullRefresh(Exception):
    """The structure changed, or too much did: a new snapshot is cheaper and simpler."""


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(items) -> Fragment:
    return Fragment(", ".join(["%s"] * len(items)))


def _pairs(template: str, columns) -> Fragment:
    """``template`` (with ``{c}``) for each column, joined by commas."""
    return joined(compose(template, c=c) for c in columns)


def _changed_orgs(snapshot: Snapshot) -> list[int]:
    """The organizations whose staged own row differs from the stored one; NeedsFullRefresh on a structural change."""
    differs = joined((compose("o.{c} <> n.{c}", c=c) for c in COUNT_FIELDS), " OR ")
    structural = Fragment("o.id IS NULL OR o.path <> n.path OR o.depth <> n.depth OR o.sector <> n.sector")
    own = OrgFigures.Kind.OWN
    table, staged = OrgFigures._meta.db_table, STAGING
    with connection.cursor() as cursor:
        cursor.execute(
            compose(
                "SELECT COUNT(*) FROM {table} o WHERE o.snapshot_id = %s AND o.kind = %s AND NOT EXISTS "
                "(SELECT 1 FROM {staged} n WHERE n.org_id = o.org_id)",
                table=table,
                staged=staged,
            ),
            [snapshot.pk, own],
        )
        if cursor.fetchone()[0]:
            raise NeedsFullRefresh("an organization left")
        cursor.execute(
            compose(
                "SELECT n.org_id, CASE WHEN {structural} THEN 1 ELSE 0 END FROM {staged} n "
                "LEFT JOIN {table} o ON o.snapshot_id = %s AND o.kind = %s AND o.org_id = n.org_id "
                "WHERE {structural} OR {differs}",
                table=table,
                staged=staged,
                structural=structural,
                differs=differs,
            ),
            [snapshot.pk, own],
        )
        rows = cursor.fetchall()
    if any(structural for _, structural in rows):
        raise NeedsFullRefresh("an organization was added or moved")
    if len(rows) > DELTA_MAX:
        raise NeedsFullRefresh(f"{len(rows)} organizations changed")
    return [org_id for org_id, _ in rows]


def _apply_deltas(snapshot: Snapshot, org_ids: list[int]) -> None:
    """Own rows of ``org_ids`` take the staged values; their differences go up to every ancestor's tree row."""
    fields = ["org_id", "path", "depth", "sector", *COUNT_FIELDS]
    old, new = {}, {}
    for chunk in _chunks(org_ids):
        rows = OrgFigures.objects.filter(snapshot=snapshot, org_id__in=chunk, kind=OrgFigures.Kind.OWN)
        old.update({row["org_id"]: row for row in rows.values("id", *fields)})
        with connection.cursor() as cursor:
            cursor.execute(
                compose(
                    "SELECT {fields} FROM {staged} WHERE org_id IN ({marks})",
                    fields=identifiers(fields),
                    staged=STAGING,
                    marks=_marks(chunk),
                ),
                chunk,
            )
            for values in cursor.fetchall():
                row = dict(zip(fields, values, strict=True))
                new[row["org_id"]] = row
    deltas: dict[tuple[str, str], list[int]] = {}
    for org_id in org_ids:
        before, after = old[org_id], new[org_id]
        delta = [after[c] - before[c] for c in COUNT_FIELDS]
        path = after["path"]
        for k in range(1, after["depth"] + 1):
            key = (path[: STEP * k], after["sector"])
            total = deltas.setdefault(key, [0] * len(COUNT_FIELDS))
            for n, d in enumerate(delta):
                total[n] += d
    tree = {}
    for paths in _chunks(sorted({path for path, _ in deltas})):
        # by the (snapshot, kind, depth, path) index: the path index holds own rows only
        depths = sorted({len(path) // STEP for path in paths})
        rows = OrgFigures.objects.filter(snapshot=snapshot, kind=OrgFigures.Kind.TREE, depth__in=depths, path__in=paths)
        tree.update({(r["path"], r["sector"]): r["id"] for r in rows.values("id", "path", "sector")})
    updates, missing = [], []
    for key, delta in deltas.items():
        if not any(delta):
            continue
        if key in tree:
            updates.append([*delta, tree[key]])
        else:
            missing.append((key, delta))
    if missing:  # a sector newly counted under an ancestor: its tree row is written now
        ancestors = {o.path: o for o in Org.objects.filter(path__in={k[0] for k, _ in missing}, active=True)}
        OrgFigures.objects.bulk_create(
            [
                OrgFigures(
                    snapshot=snapshot,
                    org_id=ancestors[path].pk,
                    path=path,
                    depth=ancestors[path].depth,
                    sector=sector,
                    kind=OrgFigures.Kind.TREE,
                    **dict(zip(COUNT_FIELDS, delta, strict=True)),
                )
                for (path, sector), delta in missing
                if path in ancestors
            ]
        )
    table = OrgFigures._meta.db_table
    with connection.cursor() as cursor:
        if updates:
            cursor.executemany(
                compose(
                    "UPDATE {table} SET {sets} WHERE id = %s", table=table, sets=_pairs("{c} = {c} + %s", COUNT_FIELDS)
                ),
                updates,
            )
        cursor.executemany(
            compose("UPDATE {table} SET {sets} WHERE id = %s", table=table, sets=_pairs("{c} = %s", COUNT_FIELDS)),
            [[new[org_id][c] for c in COUNT_FIELDS] + [old[org_id]["id"]] for org_id in org_ids],
        )


def _changed_series(snapshot: Snapshot) -> list[tuple]:
    """(org, sector, family, key1, key2, new − old) of every own series count that changed."""
    match = joined((compose("o.{c} = n.{c}", c=c) for c in SERIES_KEYS), " AND ")
    names = {"own": OwnSeries._meta.db_table, "staged": STAGING_SERIES, "match": match}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One hash full join: 5.8 s against 14.3 s for the two halves below (1.5 million rows a side, province
            # scale, same load; EXPLAIN ANALYZE). Without ANALYZE of the staging table: with statistics the planner
            # chose a nested loop of 1.5 million index probes, 48.6 s.
            cursor.execute(
                compose(
                    "SELECT {either}, COALESCE(n.value, 0) - COALESCE(o.value, 0) FROM {staged} n "
                    "FULL JOIN (SELECT * FROM {own} WHERE snapshot_id = %s) o ON {match} "
                    "WHERE COALESCE(n.value, 0) <> COALESCE(o.value, 0)",
                    either=_pairs("COALESCE(n.{c}, o.{c})", SERIES_KEYS),
                    **names,
                ),
                [snapshot.pk],
            )
        else:
            cursor.execute(
                compose(
                    "SELECT {new_keys}, n.value - COALESCE(o.value, 0) "
                    "FROM {staged} n LEFT JOIN {own} o ON o.snapshot_id = %s AND {match} "
                    "WHERE o.value IS NULL OR o.value <> n.value "
                    "UNION ALL SELECT {old_keys}, -o.value FROM {own} o "
                    "WHERE o.snapshot_id = %s AND NOT EXISTS (SELECT 1 FROM {staged} n WHERE {match})",
                    new_keys=_pairs("n.{c}", SERIES_KEYS),
                    old_keys=_pairs("o.{c}", SERIES_KEYS),
                    **names,
                ),
                [snapshot.pk, snapshot.pk],
            )
        cells = cursor.fetchall()
    if len(cells) > SERIES_DELTA_MAX:
        raise NeedsFullRefresh(f"{len(cells)} series counts changed")
    return cells


def _apply_series_deltas(snapshot: Snapshot, cells: list[tuple]) -> None:
    """Each changed own count's difference goes up to the series of the organization and its active ancestors
    (a row is added where the key is new, removed where it falls to 0); the own series take the staged values."""
    org_ids = sorted({cell[0] for cell in cells})
    paths = {}
    for chunk in _chunks(org_ids):
        paths.update(dict(Org.objects.filter(pk__in=chunk).values_list("pk", "path")))
    prefixes = sorted({paths[o][: STEP * k] for o in org_ids for k in range(1, len(paths[o]) // STEP + 1)})
    active = {}  # the active organizations with children: a leaf's subtree series are its own (rollup)
    for chunk in _chunks(prefixes):
        rows = Org.objects.filter(path__in=chunk, active=True, numchild__gt=0).values_list("path", "pk")
        active.update(dict(rows))
    deltas: dict[tuple, int] = {}
    for org_id, sector, family, key1, key2, delta in cells:
        path = paths[org_id]
        for k in range(1, len(path) // STEP + 1):
            ancestor = active.get(path[: STEP * k])
            if ancestor is not None:
                key = (ancestor, sector, family, key1, key2)
                deltas[key] = deltas.get(key, 0) + delta
    names = {"table": OrgSeries._meta.db_table, "own": OwnSeries._meta.db_table, "staged": STAGING_SERIES}
    missing = []
    with connection.cursor() as cursor:
        for (ancestor, sector, family, key1, key2), delta in deltas.items():
            if not delta:
                continue
            cursor.execute(
                compose(
                    "UPDATE {table} SET value = value + %s WHERE snapshot_id = %s AND org_id = %s "
                    "AND family = %s AND sector = %s AND key1 = %s AND key2 = %s",
                    **names,
                ),
                [delta, snapshot.pk, ancestor, family, sector, key1, key2],
            )
            if cursor.rowcount == 0:
                missing.append((ancestor, sector, family, key1, key2, delta))
        touched = sorted({key[0] for key in deltas})
        for chunk in _chunks(touched):
            cursor.execute(
                compose(
                    "DELETE FROM {table} WHERE snapshot_id = %s AND value = 0 AND org_id IN ({marks})",
                    marks=_marks(chunk),
                    **names,
                ),
                [snapshot.pk, *chunk],
            )
        for chunk in _chunks(org_ids):
            cursor.execute(
                compose(
                    "DELETE FROM {own} WHERE snapshot_id = %s AND org_id IN ({marks})", marks=_marks(chunk), **names
                ),
                [snapshot.pk, *chunk],
            )
            cursor.execute(
                compose(
                    "INSERT INTO {own} ({head}) SELECT %s, org_id, sector, family, key1, key2, value "
                    "FROM {staged} WHERE org_id IN ({marks})",
                    head=identifiers(SERIES_HEAD),
                    marks=_marks(chunk),
                    **names,
                ),
                [snapshot.pk, *chunk],
            )
    OrgSeries.objects.bulk_create(
        [
            OrgSeries(snapshot=snapshot, org_id=a, sector=s, family=f, key1=k1, key2=k2, value=v)
            for a, s, f, k1, k2, v in missing
        ]
    )


def update_snapshot(snapshot: Snapshot, milestones) -> int | None:
    """Bring ``snapshot`` up to date in place (see above); returns the number of organizations that changed, or
    None when another update of it is running. Raises NeedsFullRefresh (nothing written) when a new snapshot is
    needed."""
    started = time.monotonic()
    with one_moment():
        read_at = timezone.now()  # before the transaction's first read: every write committed by then is counted
        # One updater at a time (two beat runs, a button): the second skips instead of waiting.
        mine = Snapshot.objects.select_for_update(skip_locked=True).filter(pk=snapshot.pk).first()
        if mine is None:
            return None
        with connection.cursor() as cursor:
            for name, like in ((STAGING, OrgFigures._meta.db_table), (STAGING_SERIES, OwnSeries._meta.db_table)):
                cursor.execute(compose("DROP TABLE IF EXISTS {name}", name=name))
                # The same columns as the stored table, no index, no constraint (SQLite and PostgreSQL alike).
                cursor.execute(
                    compose("CREATE TEMPORARY TABLE {name} AS SELECT * FROM {like} WHERE 1 = 0", name=name, like=like)
                )
        insert_own_rows(snapshot, milestones, table=STAGING)
        insert_own_series(snapshot, table=STAGING_SERIES)
        org_ids = _changed_orgs(snapshot)  # raises NeedsFullRefresh: the atomic block rolls everything back
        cells = _changed_series(snapshot)
        if org_ids:
            _apply_deltas(snapshot, org_ids)
        if cells:
            _apply_series_deltas(snapshot, cells)
        with connection.cursor() as cursor:
            for name in (STAGING, STAGING_SERIES):
                cursor.execute(compose("DROP TABLE {name}", name=name))
        changed = len(set(org_ids) | {cell[0] for cell in cells})
        Snapshot.objects.filter(pk=snapshot.pk).update(
            refreshed_at=read_at,
            revision=F("revision") + (1 if changed else 0),
            update_seconds=time.monotonic() - started,
            changed_orgs=changed,
        )
    return changed
