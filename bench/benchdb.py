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


def create(name, *, purpose, template=None, attempts=60):
    """(Re)create ``name`` — dropping a previous copy only if it is ours — and mark it as ours."""
    import psycopg2
    from psycopg2 import sql

    drop(name)
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
    for attempt in range(attempts):  # CREATE … TEMPLATE needs the template without other connections
        try:
            query("postgres", statement)
            break
        except psycopg2.errors.ObjectInUse:
            if attempt == attempts - 1:
                raise
            time.sleep(2)
    query(
        "postgres",
        sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(f"{MARK}: {purpose}")),
    )
