"""Rolling the own rows and own series up the tree, one level at a time from the deepest.

A subtree's figures are the organization's own plus its children's subtrees: each level's statement reads the
own rows of that depth and the subtree rows of the level below, grouped by parent. Every row is read once per
level it passes instead of once per ancestor: joining every own series row to each of its ancestors by path
prefix read 7.7 million joined rows for 2.1 million series at province scale (bench/README.md, 看板).

An inactive organization has no own row, but it carries its active descendants' counts up like any other (a
subtree row is written for an active ancestor only, as when each row was joined to its active ancestors): the
levels are computed over every organization, and the rows of inactive ones are left out at the end.
"""

from django.db import connection

from common.sql import Fragment, compose, identifiers
from orgs.models import Org

from ..models import COUNT_FIELDS, OrgFigures, OrgSeries, OwnSeries, Snapshot
from .statements import SERIES_HEAD, STEP, joined

MAP = "dash_roll_map"
SERIES_COLUMNS = ("org_id", "sector", "family", "key1", "key2", "value")


def _level(depth: int) -> str:
    return "dash_roll_level" + str(int(depth))


def _run(cursor, template: str, params: list, **parts) -> None:
    cursor.execute(compose(template, **parts), params)


def insert_tree_rows(snapshot: Snapshot, max_depth: int) -> None:
    """Per depth from the deepest up: the organization's own rows and its children's tree rows, summed per sector
    (the tree rows of the level below are read by the ``(snapshot, kind, depth, path)`` index)."""
    own, tree = OrgFigures.Kind.OWN, OrgFigures.Kind.TREE
    parts = {
        "table": OrgFigures._meta.db_table,
        "org": Org._meta.db_table,
        "head": identifiers(["snapshot_id", "org_id", "path", "depth", "sector", "kind", *COUNT_FIELDS]),
        "sums": joined(compose("SUM(u.{c})", c=c) for c in COUNT_FIELDS),
        "cols": joined(compose("f.{c}", c=c) for c in COUNT_FIELDS),
    }
    with connection.cursor() as cursor:
        for depth in range(max_depth, 0, -1):
            _run(
                cursor,
                "INSERT INTO {table} ({head}) SELECT %s, o.id, o.path, o.depth, u.sector, %s, {sums} FROM ("
                "SELECT f.org_id AS oid, f.sector, {cols} FROM {table} f "
                "WHERE f.snapshot_id = %s AND f.kind = %s AND f.depth = %s "
                "UNION ALL SELECT p.id AS oid, f.sector, {cols} FROM {table} f "
                "JOIN {org} p ON p.path = SUBSTR(f.path, 1, %s) "
                "WHERE f.snapshot_id = %s AND f.kind = %s AND f.depth = %s"
                ") u JOIN {org} o ON o.id = u.oid GROUP BY o.id, o.path, o.depth, u.sector ORDER BY o.id",
                [snapshot.pk, tree, snapshot.pk, own, depth, STEP * depth, snapshot.pk, tree, depth + 1],
                **parts,
            )
        _run(
            cursor,
            "DELETE FROM {table} WHERE snapshot_id = %s AND kind = %s "
            "AND org_id IN (SELECT id FROM {org} WHERE active = %s)",
            [snapshot.pk, tree, False],
            **parts,
        )


def insert_series(snapshot: Snapshot, max_depth: int) -> None:
    """The series of every subtree: per depth from the deepest up, the own series of the organizations of that
    depth and of their children that are leaves, and the subtree series of their other children (a temporary table
    per level), summed; each level's rows of
    active organizations with children go to ``OrgSeries`` in organization order (the order of its index). A
    leaf's subtree series are its own series: they are not copied (two thirds of the rows at province scale, 1.4 of
    2.1 million), ``queries.node_series`` and the live update read or keep them in ``OwnSeries``."""
    parts = {
        "map": MAP,
        "org": Org._meta.db_table,
        "own": OwnSeries._meta.db_table,
        "table": OrgSeries._meta.db_table,
        "head": identifiers(SERIES_HEAD),
        "columns": identifiers(SERIES_COLUMNS),
    }
    with connection.cursor() as cursor:
        _run(cursor, "DROP TABLE IF EXISTS {map}", [], **parts)
        columns = "id integer, depth integer, parent_id integer, written boolean, target integer, enters integer"
        _run(cursor, "CREATE TEMPORARY TABLE {map} ({columns})", [], map=MAP, columns=Fragment(columns))
        # Every organization with its depth and parent (the row whose path is its own minus one step), whether its
        # subtree series are written (active and not a leaf: a leaf's are its own series, read from OwnSeries), and
        # where its own series enter the roll-up: a leaf's straight into its parent's level (its subtree series are
        # its own; two thirds of the own series at province scale are leaves', and going through a level of their
        # own wrote and re-read 1.3 million rows), any other organization's into its own level.
        _run(
            cursor,
            "INSERT INTO {map} (id, depth, parent_id, written, target, enters) "
            "SELECT o.id, o.depth, p.id, CASE WHEN o.active = %s AND o.numchild > 0 THEN 1 ELSE 0 END = 1, "
            "CASE WHEN o.numchild = 0 THEN p.id ELSE o.id END, "
            "CASE WHEN o.numchild = 0 THEN o.depth - 1 ELSE o.depth END "
            "FROM {org} o LEFT JOIN {org} p ON p.path = SUBSTR(o.path, 1, LENGTH(o.path) - %s)",
            [True, STEP],
            **parts,
        )
        # Temporary tables get no statistics by themselves: without them the planner joined each own series row to
        # a sequential scan of the map (minutes at province scale).
        _run(cursor, "ANALYZE {map}", [], **parts)
        below = None
        for depth in range(max_depth, 0, -1):
            level = _level(depth)
            _run(cursor, "DROP TABLE IF EXISTS {level}", [], level=level)
            _run(
                cursor,
                "CREATE TEMPORARY TABLE {level} (org_id integer, sector varchar(16), family varchar(12), "
                "key1 varchar(40), key2 varchar(40), value integer)",
                [],
                level=level,
            )
            children, params = Fragment(""), [snapshot.pk, depth]
            if below:
                children = compose(
                    "UNION ALL SELECT m.parent_id, c.sector, c.family, c.key1, c.key2, c.value "
                    "FROM {below} c JOIN {map} m ON m.id = c.org_id",
                    below=below,
                    map=MAP,
                )
            _run(
                cursor,
                "INSERT INTO {level} ({columns}) SELECT u.oid, u.sector, u.family, u.key1, u.key2, SUM(u.value) FROM ("
                "SELECT m.target AS oid, s.sector, s.family, s.key1, s.key2, s.value FROM {map} m "
                "JOIN {own} s ON s.snapshot_id = %s AND s.org_id = m.id WHERE m.enters = %s {children}"
                ") u GROUP BY u.oid, u.sector, u.family, u.key1, u.key2",
                params,
                level=level,
                children=children,
                **parts,
            )
            _run(
                cursor,
                "INSERT INTO {table} ({head}) SELECT %s, l.org_id, l.sector, l.family, l.key1, l.key2, l.value "
                "FROM {level} l JOIN {map} m ON m.id = l.org_id WHERE m.written = %s ORDER BY l.org_id",
                [snapshot.pk, True],
                level=level,
                **parts,
            )
            _run(cursor, "ANALYZE {level}", [], level=level)
            if below:
                _run(cursor, "DROP TABLE {below}", [], below=below)
            below = level
        _run(cursor, "DROP TABLE {below}", [], below=below)
        _run(cursor, "DROP TABLE {map}", [], **parts)
