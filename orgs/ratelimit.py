"""Per-address rate limiting for the public pages (no login): a fixed window counted in the cache
(Redis in production). The address itself is never kept, not even in the cache: only a hash."""

import hashlib

from django.core.cache import cache


def address_key(prefix: str, ip: str) -> str:
    return prefix + hashlib.sha256((ip or "-").encode()).hexdigest()[:32]


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one request under ``key``; True once more than ``limit`` came inside ``window`` seconds
    (the window starts with the first request and expires with the key)."""
    if cache.add(key, 1, timeout=window):
        return 1 > limit
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count > limit
