import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api import tokens


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The throttle counts live in the cache (Redis under CI): each test starts with a clean budget."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    """An API client for ``user`` with a new personal token (``api(user)``), or anonymous (``api()``)."""

    def _client(user=None, *, token=None):
        client = APIClient()
        if user is not None:
            secret = token or tokens.create_token(user, name="测试")[1]
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    return _client
