"""The bench scripts drop only databases they created (bench/benchdb.py)."""

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


@pytest.fixture
def name():
    name = f"portal_benchdb_test_{uuid.uuid4().hex[:8]}"
    yield name
    benchdb.query("postgres", sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def test_a_database_somebody_else_made_is_never_dropped(name):
    benchdb.query("postgres", sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    benchdb.query(name, "CREATE TABLE precious (x int)")
    with pytest.raises(benchdb.NotOurs, match="不是基准测试脚本创建的"):
        benchdb.create(name, purpose="test")
    with pytest.raises(benchdb.NotOurs):
        benchdb.drop(name)
    assert benchdb.query(name, "SELECT count(*) FROM precious") == [(0,)]


def test_our_own_database_is_marked_rebuilt_and_dropped(name):
    benchdb.create(name, purpose="test")
    assert benchdb.is_ours(name)
    benchdb.query(name, "CREATE TABLE scratch (x int)")
    benchdb.create(name, purpose="test again")  # rebuilt: the old copy was ours
    assert benchdb.query(name, "SELECT to_regclass('scratch')") == [(None,)]
    benchdb.drop(name)
    assert not benchdb.exists(name)
