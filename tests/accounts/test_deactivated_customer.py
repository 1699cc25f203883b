"""A deactivated customer (Customer.is_active off): its contacts can neither log in nor file,
its sessions end, and its admin cannot invite."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from packages.models import Component
from tests.accounts.conftest import post_login
from tests.factories import TEST_PASSWORD
from tickets.services.filing import ticket_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def deactivated(customer):
    customer.is_active = False
    customer.save(update_fields=["is_active"])
    return customer


def test_its_contacts_cannot_log_in_and_are_told_nothing_more(contact, deactivated):
    client = Client()
    response = post_login(client, contact.user.username, TEST_PASSWORD)
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_session_opened_before_ends(contact_client, customer):
    assert contact_client.get(reverse("tickets:contact_list")).status_code == 200
    customer.is_active = False
    customer.save(update_fields=["is_active"])
    response = contact_client.get(reverse("tickets:contact_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_its_contacts_cannot_file(contact, deactivated, now):
    with pytest.raises(ValidationError, match="organisation's account is deactivated"):
        ticket_file(
            contact=contact,
            ticket_type="incident",
            priority=3,
            component=Component.objects.get(code="inbound-calls"),
            subject="s",
            description="d",
            now=now,
        )


def test_its_admin_cannot_invite(customer_admin, deactivated, now):
    from packages.invitations import contact_invite

    customer_admin.refresh_from_db()
    with pytest.raises(ValidationError):
        contact_invite(
            customer=deactivated, invited_by=customer_admin, email="someone@acme.test", now=now
        )


def test_other_customers_contacts_still_log_in(other_contact, deactivated):
    client = Client()
    assert post_login(client, other_contact.user.username, TEST_PASSWORD).status_code == 302
