"""The SLA check's digests: handed over in one task, kept while the broker is down, sent once."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from portal.celery import app
from sla.services import sla_check
from tests.tickets.jobs.digests import digests, told
from tests.tickets.jobs.test_broker_down import broker_down  # noqa: F401 - a fixture
from tickets.models import OutboxMessage
from tickets.services.outbox import outbox_deliver_many, outbox_flush_pending

pytestmark = pytest.mark.django_db

MIN = dt.timedelta(minutes=1)


def test_a_tick_while_the_broker_is_down_keeps_its_digests_and_the_flush_sends_them_once(
    broker_down,  # noqa: F811
    file_incident,
    t0,
    staff,
    django_capture_on_commit_callbacks,
):
    ticket = file_incident()
    mail.outbox.clear()

    # when the check runs while the broker is down
    with django_capture_on_commit_callbacks(execute=True):
        result = sla_check(now=t0 + 90 * MIN)

    # then the breach is recorded and its digests wait, unsent
    assert result.alerts_total == 1
    assert digests().filter(sent_at__isnull=True).count() == 2
    assert mail.outbox == []

    # when the broker is back and the flush runs twice (beat again, or an overlap)
    app.conf.task_always_eager = True
    later = timezone.now() + dt.timedelta(seconds=10)
    waiting = OutboxMessage.objects.filter(sent_at__isnull=True).count()  # + the filing's mail
    assert outbox_flush_pending(now=later) == waiting
    outbox_flush_pending(now=later)

    # then each recipient got the event exactly once
    assert told(mail.outbox) == {
        ("boss@vendor.test", ticket.pk, "reaction", "breach"): 1,
        ("eng1@vendor.test", ticket.pk, "reaction", "breach"): 1,
    }


def test_one_failing_digest_does_not_hold_back_the_others_and_a_retry_sends_it_once(
    db, mail_server
):
    rows = [
        OutboxMessage.objects.create(recipients=[to], subject="SLA", body="b")
        for to in ("a@vendor.test", "b@vendor.test")
    ]
    ids = [row.pk for row in rows]
    refusals = iter([smtplib.SMTPRecipientsRefused({"a@vendor.test": (451, b"try later")})])
    mail_server.refuse = lambda m: next(refusals, None) if m.to == ["a@vendor.test"] else None
    now = timezone.now()

    # when the server refuses the first row's recipient, the second is still sent
    assert outbox_deliver_many(message_ids=ids, now=now) == 1
    assert [m["To"] for m in mail_server.accepted] == ["b@vendor.test"]

    # when the batch is handed over again (a redelivered task), nothing goes before its time
    assert outbox_deliver_many(message_ids=ids, now=now) == 0

    # when the flush runs after the failed row's backoff, it goes out, and nothing twice
    failed = OutboxMessage.objects.get(pk=ids[0])
    assert "try later" in failed.last_error
    assert outbox_flush_pending(now=failed.next_attempt_at) == 1
    assert sorted(m["To"] for m in mail_server.accepted) == ["a@vendor.test", "b@vendor.test"]
    assert OutboxMessage.objects.get(pk=ids[0]).attempts == 2
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
