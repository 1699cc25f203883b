"""A contact ends or reopens a ticket: withdraw after a confirmation, confirm a resolution
(close), reopen within the window; comments on ended tickets; every refusal says what is true."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tickets.models import Message, MessageKind, SlaEvent, SlaEventKind, Ticket, TicketStatus
from tickets.services import ending
from tickets.services.conversation import message_add
from tickets.services.status import ticket_set_status

pytestmark = pytest.mark.django_db
MIN = timedelta(minutes=1)


def url(name: str, ticket) -> str:
    return reverse(f"tickets:{name}", args=[ticket.pk])


def resolve(ticket, engineer, at=None):
    return ending.ticket_resolve(
        ticket=ticket,
        by=engineer,
        root_cause="product_defect",
        time_spent=30 * MIN,
        message="Fixed in the gateway.",
        now=at or timezone.now(),
    )


# --- withdraw -----------------------------------------------------------------------------------


def test_withdraw_asks_first_without_javascript_then_withdraws(contact_client, file_ticket):
    ticket = file_ticket()
    detail = contact_client.get(url("detail", ticket)).content.decode()
    assert f'href="{url("withdraw", ticket)}"' in detail
    # the link leads to a page that asks, and changes nothing
    page = contact_client.get(url("withdraw", ticket))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Withdraw {ticket.reference}?" in html
    assert f'<form method="post" action="{url("withdraw", ticket)}"' in html
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.NEW
    # its button withdraws: no longer needed, the clock stops
    response = contact_client.post(url("withdraw", ticket), follow=True)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WITHDRAWN and ticket.withdraw_reason == "not_needed"
    assert f"{ticket.reference} is withdrawn." in response.content.decode()
    assert SlaEvent.objects.filter(ticket=ticket).latest("seq").kind == SlaEventKind.WITHDRAW
    # and there is nothing left to withdraw, reopen or comment on
    html = contact_client.get(url("detail", ticket)).content.decode()
    assert url("withdraw", ticket) not in html and url("reopen", ticket) not in html
    assert 'id="comment-form"' not in html
    assert f"{ticket.reference} was withdrawn: to follow up, file a new ticket" in html
    again = contact_client.get(url("withdraw", ticket), follow=True)
    assert f"{ticket.reference} is withdrawn already." in again.content.decode()


def test_a_deferred_request_can_be_withdrawn_and_never_opens(
    contact, contact_client, file_ticket, fill_quota, contract
):
    from tickets.services.quota_jobs import contract_open_deferred

    fill_quota(contract, 30)
    deferred = file_ticket(ticket_type="service_request", quota_choice="defer")
    assert deferred.is_deferred
    contact_client.post(url("withdraw", deferred))
    deferred.refresh_from_db()
    assert deferred.status == TicketStatus.WITHDRAWN and deferred.opened_at is None
    assert contract_open_deferred(contract=contract, now=timezone.now() + timedelta(days=40)) == 0
    assert Ticket.objects.get(pk=deferred.pk).is_deferred


def test_contacts_withdraw_only_as_no_longer_needed(contact, file_ticket):
    ticket = file_ticket()
    with pytest.raises(ValidationError):
        ending.ticket_withdraw(ticket=ticket, by=contact.user, reason="spam", now=timezone.now())
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.NEW


# --- reopen -------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [TicketStatus.NEW, TicketStatus.IN_PROGRESS, "waiting"])
def test_an_open_ticket_has_nothing_to_reopen(contact_client, engineer, file_ticket, status):
    ticket = file_ticket()
    if status != TicketStatus.NEW:
        message_add(
            ticket=ticket,
            author=engineer,
            kind=MessageKind.PUBLIC_REPLY,
            body="On it.",
            now=timezone.now(),
        )
    if status == "waiting":
        ticket_set_status(ticket=ticket, status="waiting", by=engineer, now=timezone.now())
    events = SlaEvent.objects.filter(ticket=ticket).count()
    assert 'id="reopen"' not in contact_client.get(url("detail", ticket)).content.decode()
    response = contact_client.post(url("reopen", ticket), follow=True)
    ticket.refresh_from_db()
    assert ticket.status == status  # a New ticket used to move to In progress here
    assert SlaEvent.objects.filter(ticket=ticket).count() == events
    assert f"{ticket.reference} is still open" in response.content.decode()
    assert "there is nothing to reopen" in response.content.decode()


def test_a_resolved_ticket_reopens_within_the_window_with_the_button_shown(
    contact_client, engineer, file_ticket
):
    ticket = file_ticket()
    resolve(ticket, engineer)
    html = contact_client.get(url("detail", ticket)).content.decode()
    assert 'id="reopen"' in html and 'id="confirm-close"' in html
    assert "reopen it to continue the conversation" in html
    contact_client.post(url("reopen", ticket))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS and ticket.resolution_met is None
    assert SlaEvent.objects.filter(ticket=ticket).latest("seq").kind == SlaEventKind.REOPEN


@pytest.mark.parametrize("end", ["closed", "withdrawn"])
def test_refusals_for_closed_and_withdrawn_tickets_never_mention_a_window(
    contact, engineer, file_ticket, end, settings
):
    settings.PORTAL_REOPEN_DAYS = 14
    ticket = file_ticket()
    if end == "closed":
        resolve(ticket, engineer)
        ending.ticket_close(ticket=ticket, by=contact.user, now=timezone.now())
    else:
        ending.ticket_withdraw(
            ticket=ticket, by=contact.user, reason="not_needed", now=timezone.now()
        )
    with pytest.raises(ValidationError) as caught:
        ending.ticket_reopen(ticket=ticket, by=contact.user, now=timezone.now())
    verb = "is closed" if end == "closed" else "was withdrawn"
    assert caught.value.messages == [
        f"{ticket.reference} {verb} and cannot be reopened: file a new ticket and mention "
        f"{ticket.reference}."
    ]
    with pytest.raises(ValidationError) as caught:
        message_add(
            ticket=ticket,
            author=contact.user,
            kind=MessageKind.CUSTOMER_COMMENT,
            body="Any news?",
            now=timezone.now(),
        )
    text = caught.value.messages[0].replace(ticket.reference, "#N")  # #140 is not a window
    assert "14" not in text and "file a new ticket" in text
    assert not Message.objects.filter(kind=MessageKind.CUSTOMER_COMMENT).exists()


def test_after_the_window_the_message_names_it(contact, engineer, file_ticket, settings):
    settings.PORTAL_REOPEN_DAYS = 1
    filed = timezone.now() - timedelta(days=3)
    ticket = file_ticket(now=filed)
    resolve(ticket, engineer, at=filed + MIN)
    with pytest.raises(ValidationError) as caught:
        ending.ticket_reopen(ticket=ticket, by=contact.user, now=timezone.now())
    assert caught.value.messages == [
        f"{ticket.reference} was resolved more than 1 day ago and can no longer be reopened: "
        f"file a new ticket and mention {ticket.reference}."
    ]


# --- close (confirm the resolution) and comments ------------------------------------------------


def test_the_contact_confirms_the_resolution_and_no_sla_figure_moves(
    contact_client, engineer, file_ticket
):
    ticket = file_ticket()
    resolve(ticket, engineer)
    before = Ticket.objects.get(pk=ticket.pk)
    events = SlaEvent.objects.filter(ticket=ticket).count()
    contact_client.post(url("close", ticket))
    after = Ticket.objects.get(pk=ticket.pk)
    assert after.status == TicketStatus.CLOSED and after.closed_at is not None
    assert SlaEvent.objects.filter(ticket=ticket).count() == events
    for name in ("reaction_met", "resolution_met", "resolution_due", "resolution_elapsed"):
        assert getattr(after, name) == getattr(before, name), name
    html = contact_client.get(url("detail", ticket)).content.decode()
    assert 'id="reopen"' not in html and 'id="confirm-close"' not in html


def test_a_comment_on_a_resolved_ticket_points_to_reopen(contact, engineer, file_ticket):
    ticket = file_ticket()
    resolve(ticket, engineer)
    with pytest.raises(ValidationError) as caught:
        message_add(
            ticket=ticket,
            author=contact.user,
            kind=MessageKind.CUSTOMER_COMMENT,
            body="Still broken",
            now=timezone.now(),
        )
    assert caught.value.messages == [
        f"{ticket.reference} is resolved. If the problem is not solved, reopen it to continue "
        "the conversation."
    ]


# --- isolation and junk -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["withdraw", "close", "reopen"])
def test_another_organisation_gets_404_and_changes_nothing(
    other_contact_client, engineer, file_ticket, name
):
    ticket = file_ticket()
    if name != "withdraw":
        resolve(ticket, engineer)
    status = Ticket.objects.get(pk=ticket.pk).status
    assert other_contact_client.get(url(name, ticket)).status_code in (404, 405)
    assert other_contact_client.post(url(name, ticket)).status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).status == status
