"""At login: note in the session whether the user has an authenticator app, and when it was
last used (the inactivity clock starts)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.middleware import TWO_FACTOR_ON, session_touch
from accounts.two_factor import two_factor_enabled


@receiver(user_logged_in, dispatch_uid="accounts.session_start")
def _session_start(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        session[TWO_FACTOR_ON] = two_factor_enabled(user)
        session_touch(session)
