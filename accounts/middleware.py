"""Sessions that end after inactivity, and the second step of a two-factor login.

``SessionIdleMiddleware``: a session unused for ``PORTAL_SESSION_IDLE_MINUTES`` is logged out
(the session's own expiry, SESSION_COOKIE_AGE, is the same length and is pushed forward at most
once a minute, so an active user is not written to the database on every request).

``TwoFactorMiddleware``: a logged-in user whose session is not verified yet is sent to enter a
code (they have an authenticator app) or to set one up (two-factor login is required for them
and they have none); only the two-factor pages, logging out and the language switch stay open.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.two_factor import two_factor_enabled, two_factor_required

LAST_SEEN = "accounts_last_seen"
TWO_FACTOR_ON = "accounts_two_factor_on"
TOUCH_EVERY = 60


def session_touch(session) -> None:
    session[LAST_SEEN] = int(timezone.now().timestamp())


class SessionIdleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > settings.PORTAL_SESSION_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after a period of inactivity. Log in again to go on."),
                )
            elif last is None or now - last >= TOUCH_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def session_two_factor_on(request) -> bool:
    """Whether this session's user has an authenticator app (kept in the session: a contact
    without one costs no query per request)."""
    value = request.session.get(TWO_FACTOR_ON)
    if value is None:
        value = two_factor_enabled(request.user)
        request.session[TWO_FACTOR_ON] = value
    return value


def _open_paths() -> tuple[str, ...]:
    return (
        reverse("two_factor_verify"),
        reverse("two_factor_setup"),
        reverse("logout"),
        reverse("admin:logout"),
        reverse("set_language"),
        settings.STATIC_URL,
    )


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path_info.startswith(_open_paths())
        ):
            if session_two_factor_on(request):
                return self._to("two_factor_verify", request)
            if two_factor_required(user):
                return self._to("two_factor_setup", request)
        return self.get_response(request)

    @staticmethod
    def _to(name: str, request):
        target = request.get_full_path() if request.method == "GET" else ""
        url = reverse(name)
        return redirect(f"{url}?{urlencode({'next': target})}" if target else url)
