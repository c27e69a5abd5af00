import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(db):
    from tests.factories import World

    return World()


@pytest.fixture
def login(client):
    """Log ``user`` in on the test client (bypasses axes' request requirement)."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login
