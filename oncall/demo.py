"""A small demo rota (``seed_demo``): Iryna on duty Monday to Thursday, Taras Friday to Sunday,
both in the incident hours (09:00–18:00, UTC+03:00), so the weekend has someone. Written only
while the rota is empty, so a manager's edits are never overwritten."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from oncall.models import RotaShift, StaffEvent

DEMO_ROTA = {
    "iryna@vendor.example": (0, 1, 2, 3),
    "taras@vendor.example": (4, 5, 6),
}


@transaction.atomic
def demo_rota_seed() -> int:
    """Returns the shifts created (0 when the rota already has any)."""
    if RotaShift.objects.exists():
        return 0
    users = get_user_model().objects.in_bulk(list(DEMO_ROTA), field_name="username")
    shifts = [
        RotaShift(engineer=users[name], weekday=day, starts=time(9), ends=time(18),
                  time_zone="+03:00")
        for name, days in DEMO_ROTA.items() if name in users
        for day in days
    ]
    RotaShift.objects.bulk_create(shifts)
    return len(shifts)


def demo_history_events_read(*, now: datetime) -> int:
    """The demo history told the staff of a year of tickets: what is older than a day counts
    as read (at the moment it happened), so the badge shows only what is recent."""
    old = StaffEvent.objects.filter(read_at__isnull=True, created_at__lt=now - timedelta(days=1))
    return old.update(read_at=F("created_at"))
