"""A person's e-mail choices per kind of event (priority 1 and breaches cannot be turned off)."""

from __future__ import annotations

from django.db import transaction

from oncall.models import MANDATORY_KINDS, EventKind, NotificationPreference


@transaction.atomic
def preferences_save(*, user, email: dict[str, bool]) -> dict[str, bool]:
    """Store the choices; a mandatory kind stays on whatever was asked. Returns what holds."""
    result = {}
    for kind in EventKind.values:
        wanted = bool(email.get(kind, True)) or kind in MANDATORY_KINDS
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"email": wanted}
        )
        result[kind] = wanted
    return result
