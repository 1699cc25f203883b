"""Staff and tickets for the on-duty and notification tests (filed through the real services)."""

import datetime as dt

import pytest

from oncall.models import RotaChange, RotaShift
from sla.models import TicketType
from tests import factories
from tickets.models import OutboxMessage
from tickets.services.filing import ticket_file

UTC3 = dt.timezone(dt.timedelta(hours=3))


@pytest.fixture
def people(db):
    """Two engineers, an inactive one and a manager (each with an address)."""
    return {
        "iryna": factories.EngineerFactory(username="iryna@vendor.test", email="iryna@vendor.test"),
        "taras": factories.EngineerFactory(username="taras@vendor.test", email="taras@vendor.test"),
        "gone": factories.EngineerFactory(
            username="gone@vendor.test", email="gone@vendor.test", is_active=False
        ),
        "oksana": factories.ManagerFactory(
            username="oksana@vendor.test", email="oksana@vendor.test"
        ),
    }


@pytest.fixture
def only_on_duty(now):
    """Put one person alone on duty from the day before ``now`` to the day after (a one-off
    change), so ``office_hours`` on ``now``'s date is inside it."""

    def put(user):
        start = now - dt.timedelta(days=1)
        RotaChange.objects.create(
            engineer=user, starts_at=start, ends_at=start + dt.timedelta(days=3), on_duty=True
        )

    return put


@pytest.fixture
def office_hours(now):
    """11:30 at UTC+03:00 on ``now``'s date there: inside the incident calendar's hours, whatever
    instant the suite runs at."""
    local = now.astimezone(dt.timezone(dt.timedelta(hours=3)))
    return local.replace(hour=11, minute=30, second=0, microsecond=0).astimezone(dt.UTC)


@pytest.fixture
def weekly(db):
    def add(user, weekday, starts, ends, zone="+03:00"):
        return RotaShift.objects.create(
            engineer=user, weekday=weekday, starts=starts, ends=ends, time_zone=zone
        )

    return add


@pytest.fixture
def component(db):
    return factories.ComponentFactory()


@pytest.fixture
def file(contact, component, now):
    def file_it(*, priority=3, ticket_type=TicketType.INCIDENT, at=None, **kwargs):
        return ticket_file(
            contact=contact, ticket_type=ticket_type,
            priority=priority if ticket_type == TicketType.INCIDENT else None,
            component=component, subject="Calls drop", description="Since the update.",
            now=at or now, **kwargs,
        )

    return file_it


def staff_mail(ticket=None):
    """The staff notifications queued (not the customer's own mail, not the SLA digests)."""
    rows = OutboxMessage.objects.filter(dedupe_key__startswith="staff:").order_by("pk")
    return list(rows.filter(ticket=ticket) if ticket is not None else rows)
