"""Reads of API tokens: a user's own list, one of them (404 otherwise), a token's user."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.http import Http404

from api.models import ApiToken
from api.services import secret_hash, token_parts

# last_used_at is written at most this often per token (not a write per request).
LAST_USED_GRAIN = timedelta(minutes=1)


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-pk")


def token_for_user(user, pk) -> ApiToken:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    token = tokens_of(user).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token


def token_authenticate(raw: str, *, now: datetime) -> ApiToken | None:
    """The live token ``raw`` is, with its user, or None (unknown, wrong secret, revoked).

    The secret's hash is compared in constant time; the user's state is the caller's.
    """
    parts = token_parts(raw)
    if parts is None:
        return None
    prefix, secret = parts
    token = (
        ApiToken.objects.select_related("user", "user__contact__customer")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, secret_hash(secret)):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRAIN:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
