"""API clients per role, each with a personal token (the way integrations call the API).

``api_for(user)`` makes another. Every test starts with an empty cache (the rate limit counts
there) and a rate no test reaches unless it sets ``settings.PORTAL_API_RATE`` itself.
"""

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from api.services import api_token_create
from packages.models import Component
from tickets.services.filing import ticket_file


@pytest.fixture(autouse=True)
def _api_rate_and_cache(settings):
    settings.PORTAL_API_RATE = "100000/minute"
    cache.clear()
    yield
    cache.clear()


def token_text(user, name="Tests") -> str:
    return api_token_create(user=user, name=name, now=timezone.now())[1]


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_text(user)}")
    return client


@pytest.fixture
def contact_api(contact):
    return api_for(contact.user)


@pytest.fixture
def customer_admin_api(customer_admin):
    return api_for(customer_admin.user)


@pytest.fixture
def other_contact_api(other_contact):
    return api_for(other_contact.user)


@pytest.fixture
def engineer_api(engineer):
    return api_for(engineer)


@pytest.fixture
def manager_api(manager):
    return api_for(manager)


@pytest.fixture
def base_function(db):
    return Component.objects.get(code="inbound-calls")


@pytest.fixture
def file_ticket(contact, base_function):
    """``file_ticket(**overrides)``: a ticket filed by ``contact`` through the service."""

    def make(**overrides):
        values = {
            "contact": contact,
            "ticket_type": "incident",
            "priority": 2,
            "component": base_function,
            "subject": "Calls drop",
            "description": "Since the update.",
            "now": timezone.now(),
        }
        values.update(overrides)
        return ticket_file(**values)

    return make


@pytest.fixture
def ticket(file_ticket):
    return file_ticket()
