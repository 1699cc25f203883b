"""Outgoing mail is never lost: outages of any length, crashes, locks, bad subjects."""

import datetime as dt
import smtplib
from contextlib import contextmanager, suppress
from email.header import decode_header, make_header

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from tests import factories
from tickets.models import MessageKind, OutboxMessage
from tickets.services import outbox
from tickets.services.conversation import message_add
from tickets.services.notifications import notify_ticket_filed
from tickets.services.outbox import RETRY_CEILING, outbox_flush_pending

pytestmark = pytest.mark.django_db

MIN = dt.timedelta(minutes=1)
OLD_ATTEMPT_CAP = 20  # the flush used to skip rows tried this often: their mail was lost


def queue(count: int, **kwargs) -> list[OutboxMessage]:
    return [
        outbox.outbox_enqueue(
            recipients=[f"person{n}@example.test"], subject=f"Mail {n}", body="b", **kwargs
        )
        for n in range(count)
    ]


def flush_every_minute(start: dt.datetime, minutes: int) -> int:
    """Beat's flush once a minute for ``minutes`` minutes from ``start``; how many were sent."""
    return sum(outbox_flush_pending(now=start + n * MIN) for n in range(1, minutes + 1))


def test_an_outage_far_longer_than_the_old_cap_ends_with_every_mail_sent_once(mail_server):
    # given three mails queued while the mail server is down
    mail_server.down = True
    rows = queue(3)
    start = timezone.now()

    # when it stays down for six hours, the flush trying every minute
    assert flush_every_minute(start, 6 * 60) == 0

    # then nothing was sent and nothing given up, although each was tried past the old cap
    assert mail_server.accepted == []
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 3
    assert min(OutboxMessage.objects.values_list("attempts", flat=True)) > OLD_ATTEMPT_CAP
    assert "SMTPServerDisconnected" in OutboxMessage.objects.first().last_error

    # when it is back, the flush sends each mail once, within the backoff's ceiling
    mail_server.down = False
    back = start + 6 * 60 * MIN
    assert flush_every_minute(back, RETRY_CEILING // MIN + 1) == 3
    assert flush_every_minute(back + 30 * MIN, 30) == 0  # and never again

    assert mail_server.sent_per_message_id() == {row.message_id: 1 for row in rows}
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


@contextmanager
def failing_once_when_recording_a_send(exc: Exception):
    """The database raises ``exc`` at the first statement that records a mail as sent (after
    the server took it), whatever code issues it."""
    failures = iter([exc])

    def wrapper(execute, sql, params, many, context):
        head = sql.split(" WHERE ")[0]
        if head.startswith("UPDATE") and '"sent_at" =' in head and (error := next(failures, None)):
            raise error
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def test_a_crash_between_sending_and_recording_sends_at_most_twice_with_one_message_id(
    mail_server,
):
    # given three mails, and a worker that dies after the server took the first one
    first, *others = queue(3)
    start = timezone.now()

    # when the flush crashes there, then runs every minute for an hour
    with failing_once_when_recording_a_send(RuntimeError("worker killed after sending")):
        with suppress(RuntimeError):  # the crash
            outbox_flush_pending(now=start + MIN)
        flush_every_minute(start + MIN, 60)

    # then the first mail went twice (after its lease lapsed), both with the same Message-ID,
    # the others once, and all are recorded as sent
    assert len(mail_server.accepted) == 4
    assert mail_server.sent_per_message_id() == {
        first.message_id: 2,
        **{row.message_id: 1 for row in others},
    }
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_a_locked_database_when_recording_does_not_send_the_mail_again(mail_server, monkeypatch):
    # given a mail, and a database that is locked the first time its sending is recorded
    (row,) = queue(1)
    monkeypatch.setattr("time.sleep", lambda seconds: None)

    # when it is delivered, and the flush runs again and again
    with failing_once_when_recording_a_send(OperationalError("database is locked")):
        with suppress(OperationalError):  # how the old code failed (its task then retried)
            outbox.outbox_deliver(message_id=row.pk, now=timezone.now())
        flush_every_minute(timezone.now(), 30)

    # then it went out once and is recorded as sent
    assert len(mail_server.accepted) == 1
    assert mail_server.sent_per_message_id() == {row.message_id: 1}
    row.refresh_from_db()
    assert row.sent_at is not None


def test_a_subject_with_a_line_break_goes_out_clean_and_the_tickets_next_mails_still_go(
    mail_server, contract, engineer
):
    # given a ticket whose subject carries a line break (and a header after it)
    ticket = factories.TicketFactory(
        contract=contract, subject="Calls drop\r\nBcc: victim@example.test", status="new"
    )
    notify_ticket_filed(ticket)
    # and a row written around outbox_enqueue (e.g. queued before the rule existed)
    OutboxMessage.objects.create(
        recipients=[ticket.reporter.email], subject="Old\r\n\tmail", body="b", ticket=ticket
    )
    message_add(
        ticket=ticket,
        author=engineer,
        kind=MessageKind.PUBLIC_REPLY,
        body="On it.",
        now=timezone.now(),
    )

    # when the flush runs
    outbox_flush_pending(now=timezone.now() + MIN)

    # then every mail of the ticket went out, on one clean line each, to the reporter only
    subjects = sorted(m["Subject"] for m in mail_server.accepted)
    assert len(subjects) == 3
    assert f"[#{ticket.pk}] Old mail" in subjects
    for subject in subjects:
        assert "\r" not in subject and "\n" not in subject and subject.startswith(f"[#{ticket.pk}]")
    assert f"[#{ticket.pk}] New reply: Calls drop Bcc: victim@example.test" in subjects
    for message in mail_server.accepted:
        assert message["Bcc"] is None
        assert message["To"] == ticket.reporter.email
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_a_message_the_server_refuses_does_not_hold_back_the_others(mail_server):
    # given three mails, the server refusing the first one's recipient for now
    refused, *others = queue(3)

    def refuse(message):
        if message.to == refused.recipients and len(mail_server.tried) <= 3:
            return smtplib.SMTPRecipientsRefused({message.to[0]: (450, b"mailbox busy")})
        return None

    mail_server.refuse = refuse
    now = timezone.now() + MIN

    # when the flush runs: the others go, the refused one waits for its next attempt
    assert outbox_flush_pending(now=now) == 2
    refused.refresh_from_db()
    assert refused.sent_at is None
    assert "mailbox busy" in refused.last_error
    assert refused.next_attempt_at > now
    assert outbox_flush_pending(now=now) == 0  # not before its time

    # when its time comes, it goes once
    assert outbox_flush_pending(now=refused.next_attempt_at) == 1
    assert mail_server.sent_per_message_id() == {row.message_id: 1 for row in (refused, *others)}


def test_unencodable_text_is_queued_and_sent_with_a_replacement_character(mail_server):
    # given a mail whose text holds an undecodable byte (a lone surrogate in a str), which
    # no database driver and no mail encoding accepts as it is
    outbox.outbox_enqueue(recipients=["a@example.test"], subject="Log \udcff", body="x\udcff")

    assert outbox_flush_pending(now=timezone.now() + MIN) == 1

    (message,) = mail_server.accepted
    assert str(make_header(decode_header(message["Subject"]))).startswith("Log \ufffd")
    assert "\ufffd" in message.get_payload(decode=True).decode()
