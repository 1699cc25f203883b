"""The services check the organisation themselves: called directly (as the API or e-mail will)
with another organisation's contact, each refuses, and nothing changes."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from tickets.models import Message, MessageKind, Ticket, TicketStatus
from tickets.services.conversation import message_add
from tickets.services.downloads import attachment_download
from tickets.services.ending import (
    ticket_close,
    ticket_reopen,
    ticket_resolve,
    ticket_withdraw,
)
from tickets.services.status import ticket_set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(ticket_with_file):
    return ticket_with_file


@pytest.fixture
def resolved(ticket, engineer, now):
    return ticket_resolve(
        ticket=ticket,
        by=engineer,
        root_cause="product_defect",
        time_spent=dt.timedelta(hours=1),
        message="Fixed.",
        now=now,
    )


def test_message_add_refuses_another_organisations_contact(ticket, other_contact, now):
    with pytest.raises(PermissionDenied):
        message_add(
            ticket=ticket,
            author=other_contact.user,
            kind=MessageKind.CUSTOMER_COMMENT,
            body="I am not of Acme",
            now=now,
        )
    assert not Message.objects.filter(ticket=ticket).exists()


def test_message_add_still_takes_the_own_contacts_comment(ticket, contact, now):
    message_add(
        ticket=ticket,
        author=contact.user,
        kind=MessageKind.CUSTOMER_COMMENT,
        body="More detail",
        now=now,
    )
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_ticket_set_status_refuses_a_contact_of_any_organisation(ticket, other_contact, now):
    with pytest.raises(PermissionDenied):
        ticket_set_status(
            ticket=ticket, status=TicketStatus.WAITING, by=other_contact.user, now=now
        )
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.NEW


def test_withdraw_refuses_another_organisations_contact(ticket, other_contact, now):
    with pytest.raises(PermissionDenied):
        ticket_withdraw(ticket=ticket, by=other_contact.user, reason="not_needed", now=now)
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.NEW


@pytest.mark.parametrize("service", [ticket_close, ticket_reopen])
def test_close_and_reopen_refuse_another_organisations_contact(
    resolved, other_contact, now, service
):
    with pytest.raises(PermissionDenied):
        service(ticket=resolved, by=other_contact.user, now=now)
    assert Ticket.objects.get(pk=resolved.pk).status == TicketStatus.RESOLVED


def test_resolve_refuses_a_contact(ticket, contact, now):
    with pytest.raises(PermissionDenied):
        ticket_resolve(
            ticket=ticket,
            by=contact.user,
            root_cause="product_defect",
            time_spent=dt.timedelta(hours=1),
            message="Done",
            now=now,
        )


def test_a_deactivated_customers_contact_is_refused_too(ticket, contact, now):
    contact.customer.is_active = False
    contact.customer.save()
    contact.user.refresh_from_db()
    with pytest.raises(PermissionDenied):
        message_add(
            ticket=ticket, author=contact.user, kind=MessageKind.CUSTOMER_COMMENT, body="x", now=now
        )


def test_attachment_download_refuses_another_organisations_contact(ticket, other_contact):
    attachment = ticket.attachments.get()
    with pytest.raises(PermissionDenied):
        attachment_download(attachment=attachment, user=other_contact.user)


def test_attachment_download_refuses_a_contact_an_internal_notes_file(
    ticket, contact, engineer, now
):
    note = message_add(
        ticket=ticket,
        author=engineer,
        kind=MessageKind.INTERNAL_NOTE,
        body="see file",
        now=now,
        attachments=[SimpleUploadedFile("internal.log", b"y")],
    )
    with pytest.raises(PermissionDenied):
        attachment_download(attachment=note.attachments.get(), user=contact.user)
    attachment_download(attachment=note.attachments.get(), user=engineer).close()
