"""The login stays rate-limited when django-axes' store fails: it fails closed and keeps counting.

What django-axes 8 does on its own when its store fails (found by tests/common/test_login_ratelimit.py):

- the database handler with its tables unreadable (dropped, locked out, the database down) or the cache handler
  with Redis down: ``is_allowed`` raises inside ``authenticate()``, the login answers 500;
- its tables readable but not writable: every attempt answers 500 and none is counted, but the right password's
  500 carries a fresh CSRF cookie (``login()`` rotated it before axes failed to record the login): an unlimited
  password oracle;
- an authentication backend that raises (its database or directory gone) answers 500 and counts nothing.

The handlers below wrap axes' own: an error of the store counts as "not allowed" (``is_allowed``), a failure that
cannot be recorded is counted in the Django cache (Redis in production) instead and added to the store's count
once it is back, and a login whose success cannot be recorded is undone (session flushed). Each marks the request
``axes_unavailable``; the portal's login view (orgs/views/accounts.py) then answers 503 "登录服务暂不可用，请稍后重试"
for every outcome alike, so a password cannot be told right from wrong while the store is failing. The admin's
login gets the same closing through these handlers (a refused login there reads as a wrong password).

The database handler stays the portal's choice (settings AXES_HANDLER): counts live with the accounts, survive a
Redis restart (Redis runs without persistence), and the fallback counter in Redis covers the database's
partial failures.
"""

import hashlib
import logging

from axes.conf import settings
from axes.handlers.cache import AxesCacheHandler
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

logger = logging.getLogger(__name__)

FALLBACK_PREFIX = "login-guard:failures:"


def mark_unavailable(request) -> None:
    if request is not None:
        request.axes_unavailable = True


def is_unavailable(request) -> bool:
    return bool(getattr(request, "axes_unavailable", False))


def _fallback_key(username) -> str:
    return FALLBACK_PREFIX + hashlib.sha256(str(username or "").encode()).hexdigest()


def _fallback_timeout(request) -> int:
    cool_off = get_cool_off(request)
    return max(60, int(cool_off.total_seconds())) if cool_off else 24 * 3600


def fallback_failures(username) -> int:
    """Failures counted for ``username`` while the store could not record them (0 when the cache fails too)."""
    try:
        return int(cache.get(_fallback_key(username)) or 0)
    except Exception as exc:  # Redis down: nothing can have been counted there since; axes' own count stands
        logger.warning("login guard: fallback counter unreadable (%s)", type(exc).__name__)
        return 0


def count_fallback_failure(request, username) -> None:
    key = _fallback_key(username)
    try:
        if not cache.add(key, 1, timeout=_fallback_timeout(request)):
            cache.incr(key)
    except Exception:
        logger.exception("login guard: fallback counter unwritable; the login stays closed")


def clear_fallback(username) -> None:
    try:
        cache.delete(_fallback_key(username))
    except Exception:
        logger.exception("login guard: fallback counter not cleared")


class FailClosedMixin:
    """Wraps an axes handler: errors of its store close the login instead of answering 500 or opening it."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        return failures + fallback_failures(get_client_username(request, credentials))

    def is_allowed(self, request, credentials=None) -> bool:
        try:
            return super().is_allowed(request, credentials)
        except Exception:
            logger.exception("login guard: axes store unreadable, login refused")
            mark_unavailable(request)
            return False

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        try:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        except Exception:
            logger.exception("login guard: failed login not recorded by axes, counted in the fallback")
            mark_unavailable(request)
            if request is not None:
                count_fallback_failure(request, get_client_username(request, credentials))
            return None

    def user_logged_in(self, sender, request, user, **kwargs):
        try:
            result = super().user_logged_in(sender, request, user, **kwargs)
        except Exception:
            logger.exception("login guard: successful login not recorded by axes, login undone")
            mark_unavailable(request)
            undo_login(request)
            return None
        if settings.AXES_RESET_ON_SUCCESS:
            clear_fallback(user.get_username())
        return result

    def user_logged_out(self, sender, request, user, **kwargs):
        try:
            return super().user_logged_out(sender, request, user, **kwargs)
        except Exception:  # a logout must always work
            logger.exception("login guard: logout not recorded by axes")
            return None

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False) -> int:
        count = super().reset_attempts(ip_address=ip_address, username=username, ip_or_username=ip_or_username)
        if username:
            clear_fallback(username)
        return count


def undo_login(request) -> None:
    """Leave the request logged out, whatever login() had already put into the session."""
    if request is None:
        return
    try:
        request.session.flush()
    except Exception:
        logger.exception("login guard: session not flushed; emptied in memory")
        request.session.clear()
    request.user = AnonymousUser()


class FailClosedDatabaseHandler(FailClosedMixin, AxesDatabaseHandler):
    """axes' database handler, failing closed (the portal's AXES_HANDLER)."""


class FailClosedCacheHandler(FailClosedMixin, AxesCacheHandler):
    """axes' cache handler, failing closed. With Redis down nothing can be counted: every login is refused until
    it is back, and what it held is lost when it restarts without persistence (hence not the portal's choice)."""
