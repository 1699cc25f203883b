"""The navigation's unread-events badge: one COUNT on a staff page (an index covers it), none
for anyone else, and only when a template actually shows it."""

from django.utils.functional import SimpleLazyObject

from oncall.selectors import unread_count
from packages.roles import is_support_staff


def unread_events(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not is_support_staff(user):
        return {}
    return {"unread_events": SimpleLazyObject(lambda: unread_count(user))}
