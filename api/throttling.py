"""One rate limit per token (``PORTAL_API_RATE``), counted in the cache."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class PerTokenRateThrottle(SimpleRateThrottle):
    """Keyed by the token's id (two tokens of one user are two budgets); a session by its
    user, anything else by its address. The 429 says when to come back (Retry-After)."""

    scope = "api"

    def get_rate(self) -> str:
        return settings.PORTAL_API_RATE

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return f"api-rate:{ident}"
