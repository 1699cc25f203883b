"""A small rate limiter on the cache: so many events per key per hour.

The hour starts with a key's first event (the counter is created with that lifetime and counts
up until it expires), so there is no shared boundary at which a burst could count twice.

Used for password-reset and invitation mails (per recipient address, per client address, per
organisation). The count is kept in Django's cache; with several web processes the cache must be
shared (``CACHE_URL`` pointing at Redis) for the limit to hold across them.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

HOUR = 3600


def _key(scope: str, ident: str) -> str:
    digest = hashlib.sha256(ident.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def rate_limit_allow(scope: str, ident: str, *, limit: int, window: int = HOUR) -> bool:
    """Count one event for ``ident``; False once more than ``limit`` fell within ``window``
    seconds of the first one counted."""
    if limit <= 0:
        return True
    key = _key(scope, ident)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
