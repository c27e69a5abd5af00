"""The login stays rate-limited when what is behind it fails (common/login_guard.py, orgs/views/accounts.py).

Real faults, no mocks: django-axes' tables renamed away or made read-only by a trigger, the user table gone
(the authentication backend raises), Redis stopped under axes' cache handler. Every time: no 500, no login,
the Chinese "登录服务暂不可用，请稍后重试", and the failures keep counting — once the fault is gone the right password
is still locked out. Before the fix each of these answered 500 for every attempt and counted nothing; with axes'
tables read-only the right password's 500 even came with a fresh CSRF cookie, telling it from a wrong one.
"""

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
from axes.models import AccessAttempt, AccessLog
from axes.utils import reset
from django.conf import settings
from django.db import connection
from django.urls import reverse

from common import login_guard
from orgs.enums import Role
from tests.factories import user_with_role

PASSWORD = "pass-1234-word"  # tests.factories.UserFactory
UNAVAILABLE = "登录服务暂不可用，请稍后重试"
USERNAME = "sec_guard"
POSTGRES = connection.vendor == "postgresql"

# The faults are DDL (a renamed table, a trigger), committed like a real outage and undone before the flush.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def account(world):
    login_guard.clear_fallback(USERNAME)
    yield user_with_role(world.branch_a, Role.SECRETARY, username=USERNAME)
    login_guard.clear_fallback(USERNAME)


def login_post(client, password):
    return client.post(reverse("login"), {"username": USERNAME, "password": password})


def logged_in(client):
    return client.session.get("_auth_user_id")


def assert_unavailable(response):
    assert response.status_code == 503
    html = response.content.decode()
    assert UNAVAILABLE in html
    assert "用户名或密码错误" not in html and "Traceback" not in html


def assert_locked(response):
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()


def execute(*statements):
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@contextmanager
def table_gone(*tables):
    """The tables renamed away (a botched migration, a half-done restore): every query on them fails."""
    execute(*(f"ALTER TABLE {table} RENAME TO {table}_away" for table in tables))
    try:
        yield
    finally:
        execute(*(f"ALTER TABLE {table}_away RENAME TO {table}" for table in tables))


AXES_TABLES = ("axes_accessattempt", "axes_accesslog")


@contextmanager
def axes_read_only():
    """axes' tables readable but not writable (a full disk, a read-only replica): a trigger refuses every write."""
    if POSTGRES:
        execute(
            "CREATE FUNCTION refuse_axes_write() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'axes store is read-only'; END $$",
            *(
                f"CREATE TRIGGER refuse_write BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_axes_write()"
                for table in AXES_TABLES
            ),
        )
        undo = [f"DROP TRIGGER refuse_write ON {table}" for table in AXES_TABLES] + [
            "DROP FUNCTION refuse_axes_write()"
        ]
    else:
        names = [
            (f"refuse_{op.lower()}_{table}", op, table)
            for table in AXES_TABLES
            for op in ("INSERT", "UPDATE", "DELETE")
        ]
        execute(
            *(
                f"CREATE TRIGGER {name} BEFORE {op} ON {table} BEGIN SELECT RAISE(ABORT, 'read-only'); END"
                for name, op, table in names
            )
        )
        undo = [f"DROP TRIGGER {name}" for name, _op, _table in names]
    try:
        yield
    finally:
        execute(*undo)


def test_axes_tables_gone_login_refused_and_failures_still_counted(client, account):
    limit = settings.AXES_FAILURE_LIMIT
    with table_gone(*AXES_TABLES):
        for n in range(limit):
            assert_unavailable(login_post(client, f"wrong-{n}"))
        # the (N+1)th attempt with the right password: refused, not logged in
        assert_unavailable(login_post(client, PASSWORD))
        assert logged_in(client) is None
    assert login_guard.fallback_failures(USERNAME) == limit + 1

    # The store is back: the failures made during the fault still count — locked out, the right password too.
    assert_locked(login_post(client, PASSWORD))
    assert logged_in(client) is None

    # Lifting the lockout (as a password reset does) lifts those failures too.
    reset(username=USERNAME)
    assert login_guard.fallback_failures(USERNAME) == 0
    response = login_post(client, PASSWORD)
    assert response.status_code == 302 and logged_in(client) == str(account.pk)


def test_axes_tables_read_only_right_and_wrong_password_look_alike(client, account):
    limit = settings.AXES_FAILURE_LIMIT
    with axes_read_only():
        wrong = login_post(client, "wrong-0")
        right = login_post(client, PASSWORD)
        for response in (wrong, right):
            assert_unavailable(response)
        # nothing tells the right password from a wrong one: same answer, same cookies, no session
        assert sorted(wrong.cookies) == sorted(right.cookies) == [settings.CSRF_COOKIE_NAME]
        assert logged_in(client) is None
        assert not AccessLog.objects.exists()
        for n in range(1, limit):
            assert_unavailable(login_post(client, f"wrong-{n}"))
        assert_unavailable(login_post(client, PASSWORD))
        assert logged_in(client) is None
        assert not AccessAttempt.objects.exists()  # nothing could be written to axes' store ...
    # ... the failures were counted all the same (the right password is not a failure, but the last one was
    # refused by the count before its password was checked, and that counts)
    assert login_guard.fallback_failures(USERNAME) == limit + 1

    assert_locked(login_post(client, PASSWORD))
    assert logged_in(client) is None


def test_authentication_backend_error_is_refused_and_counted(client, account):
    limit = settings.AXES_FAILURE_LIMIT
    with table_gone("orgs_user"):  # ModelBackend's query fails: the backend raises
        for n in range(limit - 1):
            assert_unavailable(login_post(client, f"wrong-{n}" if n % 2 else PASSWORD))
        # each attempt counted as a failure: the limit-th locks the account out like a wrong password would
        assert_locked(login_post(client, PASSWORD))
    assert logged_in(client) is None
    assert AccessAttempt.objects.get(username=USERNAME).failures_since_start == limit

    assert_locked(login_post(client, PASSWORD))
    assert logged_in(client) is None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_redis(port):
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server is missing: scripts/install.sh installs it")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    pytest.fail("redis-server did not start")


@pytest.fixture
def own_redis():
    """A Redis server of this test's own (never the machine's), to stop and start again."""
    port = _free_port()
    servers = [_start_redis(port)]

    class Server:
        location = f"redis://127.0.0.1:{port}/0"

        @staticmethod
        def stop():
            servers[-1].terminate()
            servers[-1].wait(timeout=10)

        @staticmethod
        def start():
            servers.append(_start_redis(port))

    yield Server
    for process in servers:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def test_cache_handler_with_redis_stopped_refuses_every_login(client, account, settings, own_redis):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": own_redis.location}
    }
    settings.AXES_HANDLER = "common.login_guard.FailClosedCacheHandler"
    response = login_post(client, "wrong-0")
    assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()

    own_redis.stop()
    for n in range(1, settings.AXES_FAILURE_LIMIT + 1):
        assert_unavailable(login_post(client, f"wrong-{n}"))
    assert_unavailable(login_post(client, PASSWORD))
    assert logged_in(client) is None

    # Redis is back (empty: it keeps nothing across a restart, which is why the portal counts in the database).
    own_redis.start()
    response = login_post(client, PASSWORD)
    assert response.status_code == 302 and logged_in(client) == str(account.pk)
