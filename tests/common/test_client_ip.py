"""One client address for rate limits, the audit log and django-axes (common.net.client_ip)."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory

from common.net import client_ip

rf = RequestFactory()


@pytest.mark.parametrize(
    "hops, forwarded, remote, expected",
    [
        (0, "", "203.0.113.5", "203.0.113.5"),
        (0, "6.6.6.6", "203.0.113.5", "203.0.113.5"),  # no proxy configured: a client's header is ignored
        (1, "198.51.100.7", "127.0.0.1", "198.51.100.7"),  # nginx appended the client it saw
        (1, "6.6.6.6, 198.51.100.7", "127.0.0.1", "198.51.100.7"),  # a forged entry stands further left
        (1, "", "127.0.0.1", "127.0.0.1"),  # straight to the app, bypassing the proxy
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.2", "127.0.0.1", "198.51.100.7"),  # two proxies
        (1, "not-an-address", "127.0.0.1", "127.0.0.1"),
        (1, "2001:db8::1", "::1", "2001:db8::1"),
    ],
)
def test_client_ip(settings, hops, forwarded, remote, expected):
    settings.TRUSTED_PROXY_COUNT = hops
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


def test_axes_counts_failures_under_the_same_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.post("/accounts/login/", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7", REMOTE_ADDR="127.0.0.1")
    assert get_client_ip_address(request) == "198.51.100.7"


def test_login_lockout_behind_the_proxy_is_per_client(client, db, settings):
    """Five failures from one client lock that client out, not everybody behind the proxy."""
    from tests.factories import UserFactory

    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="clerk")
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": "clerk", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    locked = client.post(
        "/accounts/login/",
        {"username": "clerk", "password": "pass-1234-word"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    other = client.post(
        "/accounts/login/",
        {"username": "clerk", "password": "pass-1234-word"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert locked.status_code == 429 or "锁定" in locked.content.decode()
    assert other.status_code == 302
