"""The SLA check's digests: handed over in one task, kept while the broker is down, sent once."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from portal.celery import app
from sla.services import sla_check
from tests.tickets.jobs.digests import digests, told
from tests.tickets.jobs.test_broker_down import broker_down  # noqa: F401 - a fixture
from tickets.models import OutboxMessage
from tickets.services import outbox
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
    db, monkeypatch
):
    rows = [
        OutboxMessage.objects.create(recipients=[to], subject="SLA", body="b")
        for to in ("a@vendor.test", "b@vendor.test")
    ]
    ids = [row.pk for row in rows]
    real_send = outbox.send_mail
    failures = iter([ConnectionError("SMTP down")])

    def flaky_send(subject, body, sender, recipients):
        if recipients == ["a@vendor.test"] and (exc := next(failures, None)):
            raise exc
        return real_send(subject, body, sender, recipients)

    monkeypatch.setattr(outbox, "send_mail", flaky_send)
    now = timezone.now()

    # when the first row's SMTP fails, the second is still sent, then the batch raises
    with pytest.raises(ConnectionError):
        outbox_deliver_many(message_ids=ids, now=now)
    assert [m.to for m in mail.outbox] == [["b@vendor.test"]]

    # when the task retries, the failed row goes out and the sent one is not sent again
    assert outbox_deliver_many(message_ids=ids, now=now) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["a@vendor.test", "b@vendor.test"]
    assert OutboxMessage.objects.get(pk=ids[0]).attempts == 2
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
