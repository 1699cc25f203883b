"""Fixtures of the engineers' queue and workspace tests.

``t0`` is 10:00 (UTC+03:00) yesterday: inside incident hours (09:00–18:00 every day) and
service-desk hours on weekdays, so a ticket filed then starts its clocks at once.
"""

import datetime as dt

import pytest
from django.utils import timezone

from packages.models import Component
from tests import factories
from tickets.services.filing import ticket_file

UTC3 = dt.timezone(dt.timedelta(hours=3))


@pytest.fixture
def t0() -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(10), UTC3)


@pytest.fixture
def t0_weekday(t0) -> dt.datetime:
    """``t0`` moved back to the last weekday (service requests run Monday to Friday)."""
    while t0.weekday() >= 5:
        t0 -= dt.timedelta(days=1)
    return t0


@pytest.fixture
def base_component(db) -> Component:
    return Component.objects.get(code="inbound-calls")


@pytest.fixture
def uncovered_block(db) -> Component:
    return Component.objects.get(code="reporting")


@pytest.fixture
def file_ticket(contact, base_component):
    """file_ticket(now=..., ticket_type="incident", priority=1, ...) through the real service."""

    def make(*, now, ticket_type="incident", priority=1, component=None, by=None, **kwargs):
        return ticket_file(
            contact=by or contact,
            ticket_type=ticket_type,
            priority=priority if ticket_type == "incident" else None,
            component=component or base_component,
            subject=kwargs.pop("subject", "Calls drop"),
            description=kwargs.pop("description", "Every call drops after 30 seconds."),
            now=now,
            **kwargs,
        )

    return make


@pytest.fixture
def other_engineer(db):
    return factories.EngineerFactory(username="taras@vendor.test", first_name="Taras")
