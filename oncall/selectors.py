"""Reads: who is on duty now (the rota's rows fed to ``oncall.rota.on_duty``), who wants which
mail, and a person's events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet

from oncall.models import (
    MANDATORY_KINDS,
    NotificationPreference,
    RotaChange,
    RotaShift,
    StaffEvent,
)
from oncall.rota import OneOff, Shift, on_duty
from packages.roles import ENGINEERS_GROUP, MANAGERS_GROUP

STAFF = Q(groups__name__in=[ENGINEERS_GROUP, MANAGERS_GROUP])


def staff_users() -> QuerySet:
    """Active engineers and managers (who may be on the rota or be told anything)."""
    return get_user_model().objects.filter(STAFF, is_active=True).distinct()


def on_duty_ids(now: datetime) -> frozenset[int]:
    """The people on duty at ``now`` (three small queries, whatever the size of the rota)."""
    shifts = [
        Shift(weekday, starts, ends, engineer, zone)
        for weekday, starts, ends, engineer, zone in RotaShift.objects.values_list(
            "weekday", "starts", "ends", "engineer_id", "time_zone"
        )
    ]
    one_offs = [
        OneOff(starts, ends, engineer, on)
        for starts, ends, engineer, on in RotaChange.objects.filter(
            starts_at__lte=now, ends_at__gt=now
        ).values_list("starts_at", "ends_at", "engineer_id", "on_duty")
    ]
    people = staff_users().values_list("pk", "groups__name")
    active_staff, engineers = set(), set()
    for pk, group in people:
        active_staff.add(pk)
        if group == ENGINEERS_GROUP:
            engineers.add(pk)
    return on_duty(
        now, shifts=shifts, one_offs=one_offs, active_staff=active_staff,
        active_engineers=engineers,
    )


def manager_ids() -> frozenset[int]:
    users = get_user_model().objects.filter(groups__name=MANAGERS_GROUP, is_active=True)
    return frozenset(users.values_list("pk", flat=True))


def email_muted(kind: str) -> frozenset[int]:
    """Who turned e-mail off for this kind (nobody, for priority 1 and breaches)."""
    if kind in MANDATORY_KINDS:
        return frozenset()
    rows = NotificationPreference.objects.filter(kind=kind, email=False)
    return frozenset(rows.values_list("user_id", flat=True))


def preferences_of(user) -> dict[str, bool]:
    """kind -> e-mail on, for every kind (no row: on)."""
    from oncall.models import EventKind

    chosen = dict(
        NotificationPreference.objects.filter(user=user).values_list("kind", "email")
    )
    return {kind: chosen.get(kind, True) or kind in MANDATORY_KINDS for kind in EventKind.values}


@dataclass(frozen=True)
class Mailboxes:
    """Addresses by user id, for the active people among ``ids``."""

    by_id: dict[int, str]

    def of(self, ids) -> list[str]:
        return sorted({self.by_id[i] for i in ids if self.by_id.get(i)})


def mailboxes(ids) -> Mailboxes:
    users = get_user_model().objects.filter(pk__in=set(ids), is_active=True).exclude(email="")
    return Mailboxes(dict(users.values_list("pk", "email")))


def unread_count(user) -> int:
    return StaffEvent.objects.filter(recipient=user, read_at__isnull=True).count()


def events_of(user) -> QuerySet:
    """A person's events, unread first, newest first, with what the list shows."""
    return (
        StaffEvent.objects.filter(recipient=user)
        .select_related("ticket__customer")
        .order_by(F("read_at").desc(nulls_first=True), "-created_at", "-pk")
    )


def rota_rows(*, now: datetime) -> dict:
    """What the rota page lists: the weekly pattern and the one-offs not over yet."""
    return {
        "shifts": RotaShift.objects.select_related("engineer").order_by(
            "weekday", "starts", "pk"
        ),
        "changes": RotaChange.objects.filter(ends_at__gt=now)
        .select_related("engineer")
        .order_by("starts_at", "pk"),
    }
