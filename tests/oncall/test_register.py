"""Staff register a ticket on behalf of a contact (phone, chat, a forwarded e-mail)."""

import pytest
from django.urls import reverse

from packages.models import Component
from tickets.models import Channel, Ticket, TicketChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbound(db):
    return Component.objects.get(code="inbound-calls")


def form_data(component, **extra):
    return {
        "channel": Channel.PHONE, "ticket_type": "incident", "priority": 2,
        "component": component.pk, "subject": "Calls drop after 30 s",
        "description": "The operator said: since the update.", **extra,
    }


def register_url(contact) -> str:
    return f"{reverse('oncall:register')}?contact={contact.pk}"


def test_the_first_step_lists_active_contacts(engineer_client, contact, other_contact):
    page = engineer_client.get(reverse("oncall:register")).content.decode()
    assert contact.user.email in page and other_contact.user.email in page
    unknown = engineer_client.get(f"{reverse('oncall:register')}?contact=999999")
    assert "Choose an active contact from the list." in unknown.content.decode()


def test_a_phone_ticket_on_advanced_says_online_support_is_outside_the_package(
    engineer_client, engineer, contact, inbound, now
):
    page = engineer_client.get(register_url(contact)).content.decode()
    assert 'id="online-not-in-package"' in page
    assert "Online support (phone, chat) is not in the" in page

    response = engineer_client.post(register_url(contact), form_data(inbound), follow=True)
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.registered_by, ticket.reporter) == (
        Channel.PHONE, engineer, contact.user
    )
    assert ticket.online_outside_package
    assert ticket.opened_at == ticket.created_at >= now  # the clock starts at registration
    assert TicketChange.objects.get(ticket=ticket, action="filed").actor == engineer
    workspace = response.content.decode()
    assert "Online support is not in" in workspace  # the message after registering
    assert 'data-channel="phone"' in workspace and "by Phone" in workspace
    assert 'id="ticket-registered-by"' in workspace
    assert 'id="online-outside-package"' in workspace


def test_a_chat_on_pro_is_in_the_package(engineer_client, other_contact, inbound):
    page = engineer_client.get(register_url(other_contact)).content.decode()
    assert 'id="online-not-in-package"' not in page
    engineer_client.post(register_url(other_contact), form_data(inbound, channel=Channel.CHAT))
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.CHAT and not ticket.online_outside_package


def test_a_forwarded_mail_on_advanced_is_offline_support(engineer_client, contact, inbound):
    engineer_client.post(register_url(contact), form_data(inbound, channel=Channel.EMAIL))
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.EMAIL and not ticket.online_outside_package


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(engineer_client, contact, inbound):
    data = {**form_data(inbound), "channel": Channel.PORTAL, "component": ""}
    response = engineer_client.post(register_url(contact), data)
    page = response.content.decode()
    assert "Select a valid choice" in page  # the portal is not a staff channel
    assert "Choose a component from the list." in page or "This field is required." in page
    assert "The operator said: since the update." in page
    assert not Ticket.objects.exists()


def test_past_the_quota_staff_choose_billable_or_defer_like_the_contact(
    engineer_client, contact, contract, inbound
):
    contract.package.monthly_request_quota = 0
    contract.package.save()
    data = form_data(inbound, ticket_type="service_request", priority="")
    page = engineer_client.get(register_url(contact)).content.decode()
    assert 'id="quota-choice"' in page
    refused = engineer_client.post(register_url(contact), data)
    assert "are used up" in refused.content.decode()
    assert not Ticket.objects.exists()
    engineer_client.post(register_url(contact), {**data, "quota_choice": "billable"})
    ticket = Ticket.objects.get()
    assert ticket.is_billable and ticket.is_over_quota


def test_a_contact_cannot_register_for_anyone(contact_client, other_contact, inbound):
    response = contact_client.post(register_url(other_contact), form_data(inbound))
    assert response.status_code == 404
    assert not Ticket.objects.exists()
