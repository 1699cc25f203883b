"""A small fixed-window rate limiter on the cache: so many events per key per hour.

Used for password-reset and invitation mails (per recipient address, per client address, per
organisation). The count is kept in Django's cache; with several web processes the cache must be
shared (``CACHE_URL`` pointing at Redis) for the limit to hold across them.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

HOUR = 3600


def _key(scope: str, ident: str, window: int, now: float) -> str:
    digest = hashlib.sha256(ident.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{int(now // window)}"


def rate_limit_allow(scope: str, ident: str, *, limit: int, window: int = HOUR) -> bool:
    """Count one event for ``ident``; False once more than ``limit`` fell in this window."""
    if limit <= 0:
        return True
    key = _key(scope, ident, window, time.time())
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 60)
        count = 1
    return count <= limit
