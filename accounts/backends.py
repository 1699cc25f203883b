"""Authentication: Django's model backend, refusing the contacts of a deactivated customer.

Axes' backend stands before this one (settings.AUTHENTICATION_BACKENDS) and refuses any
attempt while the account or the address is locked out. A refused contact gets the same
"enter a correct username and password" as a wrong password: nothing tells a visitor whether
the account exists or why it cannot log in.
"""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from packages.roles import ENGINEERS_GROUP, MANAGERS_GROUP, remember_staff_groups

# The annotations that carry the session user's staff groups.
STAFF_GROUPS = {"in_managers_group": MANAGERS_GROUP, "in_engineers_group": ENGINEERS_GROUP}


def customer_allows_login(user) -> bool:
    """False for a contact whose organisation is deactivated; True for everyone else."""
    contact = getattr(user, "contact", None) if user is not None else None
    return contact is None or contact.customer.is_active


class PortalBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and customer_allows_login(user)

    def get_user(self, user_id):
        """The session's user with its contact, customer and staff role in one query; a
        session of a deactivated user, or of a contact whose customer was deactivated since,
        ends at once."""
        user_model = get_user_model()
        in_group = {
            field: Exists(Group.objects.filter(user=OuterRef("pk"), name=name))
            for field, name in STAFF_GROUPS.items()
        }
        user = (
            user_model._default_manager.select_related("contact__customer")
            .annotate(**in_group)
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        remember_staff_groups(user, {name for f, name in STAFF_GROUPS.items() if getattr(user, f)})
        return user


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check, for logins that come with a request (the login pages, the admin's, the
    test client). A call without one (a management command, a script) has no visitor to
    throttle and goes straight to the next backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
