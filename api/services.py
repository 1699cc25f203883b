"""Personal API tokens: create and revoke (one function each, for the audit log).

A token reads ``spt_<prefix>_<secret>``. Only the prefix (to find the row) and the SHA-256
of the secret are stored; the whole token is returned once, when it is made.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from api.models import ApiToken
from packages.roles import Role, role_of

TOKEN_START = "spt_"  # noqa: S105 (the public start of every token)
PREFIX_LENGTH = 10
_ALPHABET = string.ascii_letters + string.digits


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_parts(raw: str) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed token, else None."""
    head = len(TOKEN_START)
    if (
        not raw.startswith(TOKEN_START)
        or len(raw) < head + PREFIX_LENGTH + 2
        or raw[head + PREFIX_LENGTH] != "_"
    ):
        return None
    return raw[head : head + PREFIX_LENGTH], raw[head + PREFIX_LENGTH + 1 :]


def api_token_create(*, user, name: str, now: datetime) -> tuple[ApiToken, str]:
    """A new token for ``user`` acting with exactly that user's rights; returns the row and
    the token text (shown once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the token, e.g. after the system that uses it.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Keep the name under 100 characters.")})
    if not user.is_active or role_of(user) in (Role.ANONYMOUS, Role.NONE):
        raise ValidationError(
            _(
                "%(user)s is neither an active customer contact nor support staff: a token "
                "would have no rights."
            )
            % {"user": user.get_username()}
        )
    for _attempt in range(5):
        prefix = "".join(secrets.choice(_ALPHABET) for _ in range(PREFIX_LENGTH))
        secret = secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user,
                    name=name,
                    prefix=prefix,
                    secret_hash=secret_hash(secret),
                    created_at=now,
                )
        except IntegrityError:  # the prefix was taken: draw another
            continue
        return token, f"{TOKEN_START}{prefix}_{secret}"
    raise RuntimeError("could not draw a free token prefix")


def api_token_revoke(*, token: ApiToken, by, now: datetime) -> ApiToken:
    """Revoke one of ``by``'s own tokens; it stops working at once."""
    if token.user_id != by.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
    return token
