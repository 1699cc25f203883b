"""The ticket page for contacts: public conversation only, replies, closing and reopening."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format

from tests import factories
from tickets.models import Message, MessageKind, TicketStatus
from tickets.selectors.quota import quota_month_of
from tickets.services.conversation import message_add
from tickets.services.ending import ticket_resolve
from tickets.services.status import ticket_set_status


def resolve(ticket, engineer, now):
    return ticket_resolve(
        ticket=ticket,
        by=engineer,
        root_cause="product_defect",
        time_spent=timedelta(minutes=30),
        message="Fixed in the gateway.",
        now=now,
    )


def detail_url(ticket) -> str:
    return reverse("tickets:detail", args=[ticket.pk])


@pytest.mark.django_db
def test_internal_notes_and_their_files_never_reach_the_contact(
    contact_client, engineer, file_ticket, upload
):
    # given a ticket with a public reply and an internal note carrying a file
    ticket = file_ticket()
    now = timezone.now()
    message_add(
        ticket=ticket,
        author=engineer,
        kind=MessageKind.PUBLIC_REPLY,
        body="We are looking at the trunk.",
        now=now,
    )
    note = message_add(
        ticket=ticket,
        author=engineer,
        kind=MessageKind.INTERNAL_NOTE,
        body="Customer misconfigured the SBC again.",
        now=now,
        attachments=[upload("sbc-secret.log")],
    )
    # when the contact opens the ticket
    html = contact_client.get(detail_url(ticket)).content.decode()
    # then the reply is there, the note, its file and its history row are not
    assert "We are looking at the trunk." in html
    assert "misconfigured the SBC" not in html
    assert "sbc-secret.log" not in html
    assert "Internal note" not in html
    # and the note's file cannot be downloaded by the contact, but staff can
    attachment = note.attachments.get()
    url = reverse("tickets:attachment", args=[attachment.pk])
    assert contact_client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_page_shows_due_times_and_status_history(contact_client, engineer, file_ticket):
    ticket = file_ticket(priority=1)
    ticket_set_status(ticket=ticket, status=TicketStatus.WAITING, by=engineer, now=timezone.now())
    html = contact_client.get(detail_url(ticket)).content.decode()
    ticket.refresh_from_db()
    # the reaction due time is shown in the contract's zone (Europe/Kyiv), as the engine set it
    local_due = timezone.localtime(ticket.reaction_due, ZoneInfo(ticket.contract.time_zone))
    assert f'datetime="{date_format(local_due, "c")}"' in html
    assert date_format(local_due, get_format("DATETIME_FORMAT")) in html
    assert 'data-sla="paused"' in html  # waiting for the customer pauses resolution
    assert "Waiting for customer" in html  # the status change is in the history
    assert "Filed" in html


@pytest.mark.django_db
def test_a_comment_with_a_file_resumes_a_ticket_waiting_for_the_customer(
    contact_client, contact, engineer, file_ticket, upload
):
    # given a ticket waiting for the customer
    ticket = file_ticket()
    ticket_set_status(ticket=ticket, status=TicketStatus.WAITING, by=engineer, now=timezone.now())
    # when the contact replies with a file
    response = contact_client.post(
        reverse("tickets:comment", args=[ticket.pk]),
        {"body": "Here is the trace.", "attachments": [upload("trace.log", b"line 1\n")]},
    )
    # then the comment is stored with the file, the clock resumes and the file downloads
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert not ticket.sla_paused
    comment = Message.objects.get(kind=MessageKind.CUSTOMER_COMMENT)
    assert (comment.author, comment.body) == (contact.user, "Here is the trace.")
    attachment = comment.attachments.get()
    download = contact_client.get(reverse("tickets:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"line 1\n"
    assert 'filename="trace.log"' in download["Content-Disposition"]
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_staff_download_customer_files_through_the_same_view(engineer_client, file_ticket, upload):
    ticket = file_ticket(attachments=[upload("filed.log", b"abc\n")])
    attachment = ticket.attachments.get()
    response = engineer_client.get(reverse("tickets:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"abc\n"


@pytest.mark.django_db
def test_an_empty_comment_is_refused_with_a_message(contact_client, file_ticket):
    ticket = file_ticket()
    response = contact_client.post(reverse("tickets:comment", args=[ticket.pk]), {"body": " "})
    assert response.status_code == 200
    assert "Write a message or attach a file." in response.content.decode()
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_an_open_ticket_is_not_closed_and_a_closed_one_not_reopened(
    contact_client, engineer, file_ticket
):
    ticket = file_ticket()
    # an open ticket has nothing to confirm: closing it is refused, and says what to do
    response = contact_client.post(reverse("tickets:close", args=[ticket.pk]), follow=True)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW
    assert "is not resolved yet. If you no longer need it, withdraw it." in (
        response.content.decode()
    )
    # once resolved, the contact confirms: closed, and a closed ticket is never reopened
    resolve(ticket, engineer, timezone.now())
    contact_client.post(reverse("tickets:close", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    response = contact_client.post(reverse("tickets:reopen", args=[ticket.pk]), follow=True)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    assert f"{ticket.reference} is closed and cannot be reopened: file a new ticket" in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_a_resolved_ticket_reopens_within_the_period_and_mails_after_commit(
    contact_client, contact, engineer, file_ticket, django_capture_on_commit_callbacks
):
    ticket = file_ticket()
    resolve(ticket, engineer, timezone.now())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = contact_client.post(reverse("tickets:reopen", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert response.status_code == 302
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert callbacks  # the e-mail waited for the commit
    # the contact hears of the status, the assignee of the reopen (oncall)
    assert sorted(m.to for m in mail.outbox) == [[contact.user.email], [engineer.email]]
    customer_mail = next(m for m in mail.outbox if m.to == [contact.user.email])
    assert "In progress" in customer_mail.subject


@pytest.mark.django_db
def test_reopen_is_refused_after_the_period(contact_client, engineer, file_ticket, settings):
    settings.PORTAL_REOPEN_DAYS = 3
    filed = timezone.now() - timedelta(days=10)
    ticket = file_ticket(now=filed)
    resolve(ticket, engineer, filed + timedelta(days=1))
    html = contact_client.get(detail_url(ticket)).content.decode()
    assert f'action="{reverse("tickets:reopen", args=[ticket.pk])}"' not in html
    response = contact_client.post(reverse("tickets:reopen", args=[ticket.pk]), follow=True)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    assert "was resolved more than 3 days ago and can no longer be reopened" in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_a_support_reply_mails_the_reporter_after_commit(
    contact, engineer, file_ticket, django_capture_on_commit_callbacks
):
    ticket = file_ticket()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message_add(
            ticket=ticket,
            author=engineer,
            kind=MessageKind.PUBLIC_REPLY,
            body="Restarted the gateway.",
            now=timezone.now(),
        )
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[contact.user.email]]
    assert "Restarted the gateway." in mail.outbox[0].body


@pytest.mark.django_db
def test_staff_go_to_their_workspace_or_see_the_page_read_only(engineer_client, file_ticket):
    ticket = file_ticket()
    response = engineer_client.get(detail_url(ticket))
    try:
        workspace = reverse("tickets:workspace", args=[ticket.pk])
    except NoReverseMatch:
        assert response.status_code == 200
        assert "read only" in response.content.decode()
    else:
        assert response.status_code == 302
        assert response.url == workspace


@pytest.mark.django_db
def test_junk_ids_are_404_not_500(contact_client):
    assert contact_client.get("/tickets/99999999/").status_code == 404
    assert contact_client.get("/attachments/99999999/").status_code == 404
    assert contact_client.get("/tickets/abc/").status_code == 404


@pytest.mark.django_db
def test_list_filters_open_and_closed_and_ignores_bad_params(contact_client, file_ticket):
    open_ticket = file_ticket(subject="Still open")
    closed = file_ticket(subject="Done and dusted")
    contact_client.post(reverse("tickets:withdraw", args=[closed.pk]))
    list_url = reverse("tickets:contact_list")
    default = contact_client.get(list_url).content.decode()
    assert open_ticket.subject in default and closed.subject not in default
    closed_html = contact_client.get(list_url, {"state": "closed"}).content.decode()
    assert closed.subject in closed_html and open_ticket.subject not in closed_html
    junk = contact_client.get(list_url, {"state": "<x>", "page": "zz"})
    assert junk.status_code == 200
    assert open_ticket.subject in junk.content.decode()


@pytest.mark.django_db
def test_the_list_shows_the_months_quota_usage(contact_client, contract, fill_quota):
    fill_quota(contract, 12)
    html = contact_client.get(reverse("tickets:contact_list")).content.decode()
    month = date_format(quota_month_of(timezone.now(), contract.time_zone), "F Y")
    assert f"12 of 30 consultation requests used in {month}" in html


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 50])
def test_list_queries_are_bounded(
    contact_client, contact, contract, count, django_assert_max_num_queries
):
    factories.TicketFactory.create_batch(count, contract=contract, reporter=contact.user)
    with django_assert_max_num_queries(12):
        response = contact_client.get(reverse("tickets:contact_list"), {"state": "all"})
    assert response.content.decode().count("data-ticket=") == min(count, 25)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 50])
def test_detail_queries_are_bounded(
    contact_client, contact, engineer, file_ticket, count, django_assert_max_num_queries
):
    ticket = file_ticket()
    for n in range(count):
        message = factories.MessageFactory(ticket=ticket, author=contact.user, body=f"Comment {n}")
        factories.AttachmentFactory(ticket=ticket, message=message)
    factories.MessageFactory(ticket=ticket, note=True, author=engineer)
    with django_assert_max_num_queries(16):
        response = contact_client.get(detail_url(ticket))
    assert response.content.decode().count("data-message=") == count
