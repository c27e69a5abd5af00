"""One run, one database (bench/benchdb.py): a bench's own database has a unique name, is never created over an
existing one, and is dropped only while it still carries the run's own mark."""

import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="needs PostgreSQL (DATABASE_URL)"
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import benchdb  # noqa: E402
from psycopg2 import sql  # noqa: E402


def _drop(name):
    benchdb.query("postgres", sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def test_scratch_database_is_unique_marked_and_dropped():
    with benchdb.Scratch("portal_benchdb_test", purpose="test") as name:
        assert name.startswith("portal_benchdb_test_") and len(name) <= 63
        assert benchdb.is_ours(name)
        assert benchdb.RUN in benchdb.mark_of(name)
        other = benchdb.unique_name("portal_benchdb_test")
        assert other != name
    assert not benchdb.exists(name)


def test_scratch_copy_of_a_template_leaves_the_template_alone():
    template = f"portal_benchdb_test_{uuid.uuid4().hex[:8]}"
    benchdb.query("postgres", sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template)))
    try:
        benchdb.query(template, "CREATE TABLE precious (x int); INSERT INTO precious VALUES (1)")
        with benchdb.Scratch("portal_benchdb_test", purpose="test", template=template) as name:
            benchdb.query(name, "DELETE FROM precious")
        assert not benchdb.exists(name)
        assert benchdb.query(template, "SELECT count(*) FROM precious") == [(1,)]
    finally:
        _drop(template)


def test_never_created_over_an_existing_database_nor_drops_one_whose_mark_changed():
    name = f"portal_benchdb_test_{uuid.uuid4().hex[:8]}"
    benchdb.query("postgres", sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with pytest.raises(benchdb.NotOurs, match="已存在"):
            benchdb.create_new(name, purpose="test")
        assert benchdb.exists(name)
        _drop(name)
        mark = benchdb.create_new(name, purpose="test")
        # somebody else re-marks (or replaces) the database meanwhile: it is no longer this run's to drop
        benchdb.query(
            "postgres",
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal("portal-bench: other run")
            ),
        )
        with pytest.raises(benchdb.NotOurs):
            benchdb.drop_own(name, mark)
        assert benchdb.exists(name)
    finally:
        _drop(name)


def test_working_inside_an_unmarked_database_needs_the_flag():
    name = f"portal_benchdb_test_{uuid.uuid4().hex[:8]}"
    benchdb.query("postgres", sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with pytest.raises(benchdb.NotOurs, match="--allow-unmarked"):
            benchdb.require_existing(name, allow=False, flag="--allow-unmarked")
        benchdb.require_existing(name, allow=True, flag="--allow-unmarked")
    finally:
        _drop(name)
    with pytest.raises(SystemExit, match="不存在"):
        benchdb.require_existing(name, allow=True, flag="--allow-unmarked")
