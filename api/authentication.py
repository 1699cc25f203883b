"""How an API request says who it is: a personal token (``Authorization: Bearer …``), or
the portal's session (the docs page, with CSRF). Either way the request then acts as that
user, through the same services and selectors as the pages."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    get_authorization_header,
)
from rest_framework.exceptions import AuthenticationFailed

from api.selectors.tokens import token_authenticate
from packages.roles import Role, role_of

KEYWORDS = (b"bearer", b"token")


def may_use_api(user) -> bool:
    """An active user with a role; a contact also needs an active organisation."""
    if user is None or not user.is_active or role_of(user) in (Role.ANONYMOUS, Role.NONE):
        return False
    if role_of(user) == Role.CONTACT:
        return user.contact.customer.is_active
    return True


class PersonalTokenAuthentication(BaseAuthentication):
    """A personal token. Unknown, revoked, or its user deactivated: 401."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() not in KEYWORDS:
            return None
        if len(words) != 2:
            raise AuthenticationFailed(_("Send the header as “Authorization: Bearer <token>”."))
        try:
            raw = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("This token is unknown or revoked.")) from None
        token = token_authenticate(raw, now=timezone.now())
        if token is None:
            raise AuthenticationFailed(_("This token is unknown or revoked."))
        if not may_use_api(token.user):
            raise AuthenticationFailed(_("The token's user can no longer sign in."))
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class PortalSessionAuthentication(SessionAuthentication):
    """The signed-in portal user (CSRF checked on writes), under the same rules as a token."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None or not may_use_api(found[0]):
            return None
        return found
