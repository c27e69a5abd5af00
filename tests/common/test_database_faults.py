"""After the database drops every connection (a restart, a failover), no request fails: persistent
connections are health-checked before reuse (CONN_HEALTH_CHECKS)."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from orgs.enums import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="needs PostgreSQL (DATABASE_URL)"
)


def _terminate_other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _get(url, cookie):
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 (http:// of the test server)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (the live test server)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def gunicorn_server(db, transactional_db):
    """The portal under gunicorn (one sync worker: its connection is kept between requests, as in
    production) against the test database."""
    db_settings = connection.settings_dict
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db_settings['USER']}@{db_settings['HOST'] or '127.0.0.1'}:"
        f"{db_settings['PORT'] or 5432}/{db_settings['NAME']}",
        "DB_CONN_MAX_AGE": "600",
    }
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(os.environ.get("GUNICORN_LOG", os.devnull), "w"),  # noqa: SIM115
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_no_request_fails_after_connections_are_dropped(gunicorn_server, client, world, settings):
    user = user_with_role(world.county_a, Role.ORG_DEPARTMENT)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    url = f"{gunicorn_server}/orgs/"
    assert _get(url, cookie) == 200
    statuses = []
    for _ in range(3):
        assert _terminate_other_connections() >= 1  # the worker's kept connection
        statuses += [_get(url, cookie) for _ in range(5)]
    assert statuses == [200] * 15
