"""Nothing is lost when the broker is down: the outbox keeps the mail until a flush sends it
(the flush delivers the rows itself, so it needs the broker only to be started by beat)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from kombu import pools

from portal.celery import app
from sla.models import TicketType
from tests import factories
from tickets.models import MessageKind, OutboxMessage
from tickets.services.conversation import message_add
from tickets.services.filing import ticket_file
from tickets.services.outbox import outbox_flush_pending
from tickets.tasks import outbox_flush

pytestmark = pytest.mark.django_db

UNREACHABLE = "redis://127.0.0.1:1/0"


def _reset_connections() -> None:
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # kombu's registry would hand the closed pool back for the same URL to the next test
    pools.reset()


@pytest.fixture
def broker_down(monkeypatch):
    """A real (non-eager) app pointed at a port nobody listens on, failing fast.

    Celery prefers the CELERY_BROKER_URL environment variable (set in CI) to ``broker_url``.
    """
    monkeypatch.setenv("CELERY_BROKER_URL", UNREACHABLE)
    keys = (
        "task_always_eager",
        "broker_url",
        "broker_write_url",
        "broker_transport_options",
        "broker_connection_timeout",
        "broker_connection_retry",
        "task_publish_retry",
    )
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        task_always_eager=False,
        broker_url=UNREACHABLE,
        broker_write_url=UNREACHABLE,
        broker_transport_options={"max_retries": 0},
        broker_connection_timeout=0.5,
        broker_connection_retry=False,
        task_publish_retry=False,
    )
    _reset_connections()
    yield
    app.conf.update(saved)
    _reset_connections()


def test_filing_and_replying_work_while_the_broker_is_down_and_mail_goes_out_once_back(
    broker_down, contact, engineer, django_capture_on_commit_callbacks
):
    now = timezone.now()
    mail.outbox.clear()

    # when the broker is down, a contact files a ticket and an engineer replies
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_file(
            contact=contact,
            ticket_type=TicketType.SERVICE_REQUEST,
            priority=None,
            component=factories.ComponentFactory(),
            subject="Export fails",
            description="Since Monday.",
            now=now,
        )
    with django_capture_on_commit_callbacks(execute=True):
        message_add(
            ticket=ticket,
            author=engineer,
            kind=MessageKind.PUBLIC_REPLY,
            body="We are on it.",
            now=now + dt.timedelta(minutes=5),
        )

    # then both succeeded and their mail (the contact's two, the on-duty engineer's new-ticket
    # notice) waits in the outbox, unsent
    unsent = OutboxMessage.objects.filter(ticket=ticket, sent_at__isnull=True)
    assert unsent.count() == 3
    assert mail.outbox == []

    # when the broker is back (eager: the task runs at once) and the flush job runs
    app.conf.task_always_eager = True
    later = timezone.now() + dt.timedelta(seconds=10)
    assert outbox_flush_pending(now=later) == 3
    outbox_flush.delay()  # a second flush (beat again, or an overlap) sends nothing twice

    # then each mail went out exactly once
    assert sorted(m.subject for m in mail.outbox) == sorted(
        OutboxMessage.objects.filter(ticket=ticket).values_list("subject", flat=True)
    )
    assert len(mail.outbox) == 3
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_the_flush_leaves_rows_younger_than_a_few_seconds_to_their_own_dispatch(db):
    OutboxMessage.objects.create(recipients=["a@example.test"], subject="s", body="b")
    assert outbox_flush_pending(now=timezone.now()) == 0
    assert outbox_flush_pending(now=timezone.now() + dt.timedelta(seconds=6)) == 1
