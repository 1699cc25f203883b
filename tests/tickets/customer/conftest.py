"""Fixtures of the customer-portal tests: filing through the real service, quota filling,
another organisation's admin, and small uploads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from packages.models import Component
from sla.models import TicketType
from tests import factories
from tickets.selectors.quota import quota_month_of
from tickets.services.filing import ticket_file


@pytest.fixture
def base_component(db) -> Component:
    return factories.ComponentFactory(code="inbound-calls")


@pytest.fixture
def uncovered_block(db) -> Component:
    """A seeded additional block that the test contracts do not cover."""
    return Component.objects.get(code="autodialer")


@pytest.fixture
def file_ticket(contact, base_component):
    """file_ticket(**overrides) files through ticket_file (the real service) for ``contact``."""

    def make(**overrides):
        values = {
            "contact": contact,
            "ticket_type": TicketType.INCIDENT,
            "priority": 3,
            "component": base_component,
            "subject": "Calls drop after 30 seconds",
            "description": "Since this morning every inbound call drops.",
            "now": timezone.now(),
        }
        values.update(overrides)
        if values["ticket_type"] != TicketType.INCIDENT and "priority" not in overrides:
            values["priority"] = None
        return ticket_file(**values)

    return make


@pytest.fixture
def fill_quota(contact, base_component):
    """fill_quota(contract, used) makes ``used`` service requests count in this month."""

    def fill(contract, used: int, *, now=None):
        month = quota_month_of(now or timezone.now(), contract.time_zone)
        for _ in range(used):
            factories.TicketFactory(
                contract=contract,
                reporter=contact.user,
                service_request=True,
                component=base_component,
                quota_month=month,
            )

    return fill


@pytest.fixture
def other_admin(pro_contract):
    return factories.ContactFactory(
        customer=pro_contract.customer, is_customer_admin=True, user__username="admin@globex.test"
    )


@pytest.fixture
def other_admin_client(other_admin):
    client = Client()
    client.force_login(other_admin.user)
    return client


@pytest.fixture
def upload():
    """upload(name, data) -> an in-memory uploaded file for a POST."""

    def make(
        name: str = "trace.log",
        data: bytes = b"12:00 call dropped\n",
        content_type: str = "text/plain",
    ) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, data, content_type=content_type)

    return make
