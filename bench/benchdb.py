"""Databases the benchmarks build, and only those.

Every database a bench script creates carries a comment (``COMMENT ON DATABASE … IS 'portal-bench …'``).
A script drops or rebuilds a database only when it carries that mark: a database of the same name that
somebody else made (a real portal, a colleague's copy) is never dropped — the script stops and says so.
Names are quoted by psycopg2's ``sql.Identifier``, never pasted into SQL.
"""

import os
import time

MARK = "portal-bench"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


class NotOurs(SystemExit):
    pass


def _connect(dbname="postgres"):
    import psycopg2

    conn = psycopg2.connect(f"{PG}/{dbname}")
    conn.autocommit = True
    return conn


def query(dbname, statement, params=None):
    """Run one statement (a string or a psycopg2 ``sql.Composed``) and return its rows, if any."""
    conn = _connect(dbname)
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else None
    finally:
        conn.close()


def exists(name) -> bool:
    return bool(query("postgres", "SELECT 1 FROM pg_database WHERE datname = %s", [name]))


def is_ours(name) -> bool:
    rows = query("postgres", "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
    return bool(rows) and (rows[0][0] or "").startswith(MARK)


def _refuse(name):
    raise NotOurs(
        f"数据库 {name} 已存在，但不是基准测试脚本创建的（没有 '{MARK}' 标记）：不删除、不覆盖。"
        f"请换一个名称（--database），或自行处理该数据库。"
    )


def drop(name, *, attempts=60):
    """Drop ``name`` if this module created it; refuse if somebody else did; nothing if it is absent."""
    import psycopg2
    from psycopg2 import sql

    if not exists(name):
        return
    if not is_ours(name):
        _refuse(name)
    for attempt in range(attempts):  # somebody may still be connected (a psql, an EXPLAIN): wait for them
        try:
            query("postgres", sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            return
        except psycopg2.errors.ObjectInUse:
            if attempt == attempts - 1:
                raise
            time.sleep(2)


def _create(statement, attempts: int) -> None:
    """Run a CREATE DATABASE, waiting while its template still has other connections (ObjectInUse)."""
    import psycopg2

    for attempt in range(attempts):
        try:
            query("postgres", statement)
            return
        except psycopg2.errors.ObjectInUse:
            if attempt == attempts - 1:
                raise
            time.sleep(2)


def create(name, *, purpose, template=None, attempts=60):
    """(Re)create ``name`` — dropping a previous copy only if it is ours — and mark it as ours."""
    from psycopg2 import sql

    drop(name)
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
    _create(statement, attempts)
    query(
        "postgres",
        sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(f"{MARK}: {purpose}")),
    )


# --- one run, one database ---------------------------------------------------------------------------------
#
# The functions above keep a *fixed* name (portal_bench_province, …) and replace it only when it carries the
# mark. Two people (or two helpers) running benches on the same server would still replace each other's
# marked copy; so the benches that write use a database of their own per run: a unique name, created fresh
# (never over an existing one), marked with the run's own token, and dropped at the end only if the mark is
# still that token. A bench that works inside a database it did not create (in a transaction it rolls back)
# must be told so explicitly (``require_existing(…, allow=…)``).

RUN = f"{os.getpid()}-{os.urandom(3).hex()}"


def unique_name(prefix: str) -> str:
    """``prefix`` + UTC time + process id + random: a name nobody else has (63 bytes at most)."""
    stamp = time.strftime("%Y%m%d_%H%M%S", time.gmtime())
    suffix = f"_{stamp}_{RUN.replace('-', '_')}_{os.urandom(2).hex()}"  # twice in one second: still two names
    return (prefix[: 63 - len(suffix)] + suffix).lower()


def _server_version() -> int:
    conn = _connect()
    try:
        return conn.server_version
    finally:
        conn.close()


def mark_of(name):
    rows = query("postgres", "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
    return (rows[0][0] or "") if rows else None


def create_new(name, *, purpose, template=None, attempts=60) -> str:
    """Create ``name``, which must not exist yet (nothing is dropped or replaced), and mark it with this run's
    token. Returns the mark."""
    from psycopg2 import sql

    if exists(name):
        raise NotOurs(f"数据库 {name} 已存在：本次运行只使用自己新建的数据库，不覆盖已有的。")
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        if not exists(template):
            raise SystemExit(f"模板数据库 {template} 不存在")
        # PostgreSQL 15 copies through the WAL by default (every page of a 5 GB set written twice); a file copy
        # (one checkpoint) is what a bench copy wants.
        strategy = sql.SQL(" STRATEGY FILE_COPY" if _server_version() >= 150000 else "")
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}{}").format(
            sql.Identifier(name), sql.Identifier(template), strategy
        )
    _create(statement, attempts)
    mark = f"{MARK}: {purpose} [run {RUN}]"
    query("postgres", sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(mark)))
    return mark


def drop_own(name, mark, *, attempts=60) -> None:
    """Drop ``name`` only if it still carries exactly ``mark`` (the one ``create_new`` returned)."""
    import psycopg2
    from psycopg2 import sql

    if not exists(name):
        return
    if mark_of(name) != mark:
        _refuse(name)
    for attempt in range(attempts):
        try:
            query("postgres", sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            return
        except psycopg2.errors.ObjectInUse:
            if attempt == attempts - 1:
                raise
            time.sleep(2)


class Scratch:
    """``with Scratch("portal_bench_import", purpose=…, template=…) as name:`` — a database of this run only,
    dropped on the way out (also on an error or Ctrl-C) unless ``keep``. Close your connections to it first
    (``django.db.connections.close_all()``); the drop waits up to two minutes for stragglers."""

    def __init__(self, prefix, *, purpose, template=None, keep=False):
        self.name = unique_name(prefix)
        self.purpose, self.template, self.keep = purpose, template, keep
        self.mark = None

    def __enter__(self):
        self.mark = create_new(self.name, purpose=self.purpose, template=self.template)
        return self.name

    def __exit__(self, *exc):
        if self.keep:
            print(f"保留数据库 {self.name}（--keep；用完请自行删除：DROP DATABASE {self.name}）", flush=True)
            return False
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110  (Django not set up in this process: nothing to close)
            pass
        drop_own(self.name, self.mark)
        return False


def require_existing(name, *, allow: bool, flag: str) -> None:
    """A bench about to work *inside* an existing database (everything rolled back at the end): it must exist,
    and unless it is a bench database (marked) the caller must have been told so by ``flag``."""
    if not exists(name):
        raise SystemExit(f"数据库 {name} 不存在：请先运行 bench/bench_pages.py --scales province 构建省级数据集")
    if not is_ours(name) and not allow:
        raise NotOurs(
            f"数据库 {name} 不是基准测试脚本创建的（没有 '{MARK}' 标记）：默认不在其中运行。"
            f"确认无妨（所有写入都会回滚）请加 {flag}。"
        )
