"""Fixtures for the beat jobs: a fixed clock and tickets filed through the real services.

``t0`` is 10:00 (UTC+03:00) two days ago: inside the seeded incident hours (09:00–18:00 every
day) and inside the ``contract`` fixture's validity. An Advanced priority-1 incident filed then
is due for reaction at 11:00 (at risk from 10:48) and for resolution at 12:00 (at risk 11:36).
"""

import datetime as dt

import pytest
from django.utils import timezone

from packages.models import SupportPackage
from sla.models import TicketType
from tests import factories
from tickets.services.filing import QuotaChoice, ticket_file

UTC3 = dt.timezone(dt.timedelta(hours=3))


@pytest.fixture
def t0():
    day = timezone.localdate() - dt.timedelta(days=2)
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=UTC3)


@pytest.fixture
def component(db):
    return factories.ComponentFactory()


@pytest.fixture
def file_incident(contact, component, t0):
    """File an incident for ``contact`` (priority 1 at ``t0`` unless told otherwise)."""

    def file(*, priority=1, now=None, assignee=None, subject="Calls drop"):
        ticket = ticket_file(
            contact=contact,
            ticket_type=TicketType.INCIDENT,
            priority=priority,
            component=component,
            subject=subject,
            description="Since the update.",
            now=now or t0,
        )
        if assignee is not None:
            ticket.assignee = assignee
            ticket.save(update_fields=["assignee"])
        return ticket

    return file


@pytest.fixture
def file_request(contact, component):
    """File a service request (counting against the quota) at ``now``."""

    def file(*, now, defer=False, subject="Reset a password"):
        return ticket_file(
            contact=contact,
            ticket_type=TicketType.SERVICE_REQUEST,
            priority=None,
            component=component,
            subject=subject,
            description="Please.",
            now=now,
            quota_choice=QuotaChoice.DEFER if defer else None,
        )

    return file


@pytest.fixture
def small_quota(contract):
    """Shrink the Advanced quota (30) so tests stay short; returns the new limit."""
    SupportPackage.objects.filter(pk=contract.package_id).update(monthly_request_quota=3)
    contract.package.refresh_from_db()
    return 3


@pytest.fixture
def staff(db):
    """Two engineers (one inactive), one manager."""
    return {
        "engineer": factories.EngineerFactory(username="eng1@vendor.test"),
        "inactive": factories.EngineerFactory(username="gone@vendor.test", is_active=False),
        "manager": factories.ManagerFactory(username="boss@vendor.test"),
    }


@pytest.fixture
def mail_server(settings):
    """The fake mail server (tests/tickets/jobs/mailers.py) as the portal's mail backend."""
    from tests.tickets.jobs.mailers import SERVER

    settings.EMAIL_BACKEND = "tests.tickets.jobs.mailers.FakeSmtpBackend"
    SERVER.reset()
    yield SERVER
    SERVER.reset()
