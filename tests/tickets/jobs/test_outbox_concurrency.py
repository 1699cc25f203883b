"""Overlapping flushes on PostgreSQL: real concurrent transactions, each mail sent once.

Sending happens outside the claim's transaction (so a slow server holds no lock and a crash
after sending cannot roll the record back); the claim alone keeps two flushes apart.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from tickets.models import OutboxMessage
from tickets.services.outbox import outbox_deliver_many, outbox_flush_pending

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.mark.django_db(transaction=True)
def test_flushes_and_after_commit_tasks_at_once_never_send_a_mail_twice(mail_server):
    # given 60 queued mails and a server that takes a few milliseconds each
    rows = [
        OutboxMessage.objects.create(recipients=[f"p{n}@example.test"], subject=f"M{n}", body="b")
        for n in range(60)
    ]
    mail_server.delay = 0.003
    later = timezone.now() + dt.timedelta(minutes=1)
    start = threading.Barrier(4)
    sent, errors = [], []

    def run(work):
        try:
            start.wait(timeout=10)
            sent.append(work())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    ids = [row.pk for row in rows]
    jobs = [
        lambda: outbox_flush_pending(now=later),
        lambda: outbox_flush_pending(now=later),
        lambda: outbox_flush_pending(now=later),
        lambda: outbox_deliver_many(message_ids=ids[::-7], now=later),  # a task's batch
    ]

    # when three flushes and a task's delivery start at the same instant
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then every mail went out exactly once, whoever sent it
    assert errors == []
    assert sum(sent) == 60
    assert mail_server.sent_per_message_id() == {row.message_id: 1 for row in rows}
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
