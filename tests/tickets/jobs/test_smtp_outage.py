"""Against a real SMTP server (aiosmtpd, in this process): it stops, the flushes fail and lose
nothing; it starts again, and every mail arrives once, with the Message-ID it was queued with."""

import datetime as dt
import email
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from tickets.models import OutboxMessage
from tickets.services.outbox import RETRY_CEILING, outbox_enqueue, outbox_flush_pending

pytestmark = pytest.mark.django_db

MIN = dt.timedelta(minutes=1)


class Inbox:
    """The server's side: every message it accepted, as parsed e-mail."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Start/stop an SMTP server on one port; stopped for good at the end."""
    port, inbox, running = free_port(), Inbox(), []

    class Server:
        def start(self):
            controller = Controller(inbox, hostname="127.0.0.1", port=port)
            controller.start()
            running.append(controller)

        def stop(self):
            running.pop().stop()

    server = Server()
    server.port, server.inbox = port, inbox
    server.start()
    yield server
    while running:
        server.stop()


def test_mail_queued_while_the_smtp_server_is_down_arrives_once_when_it_is_back(smtp_server):
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=smtp_server.port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=5,
    ):
        # given a server that works, then stops, with five mails queued
        rows = [
            outbox_enqueue(recipients=[f"p{n}@example.test"], subject=f"Mail {n}", body="b")
            for n in range(5)
        ]
        smtp_server.stop()
        start = timezone.now()

        # when the flush runs every minute for an hour while it is down
        sent_down = sum(outbox_flush_pending(now=start + n * MIN) for n in range(1, 61))

        # then nothing was sent and nothing lost; the error is on the rows
        assert sent_down == 0
        assert smtp_server.inbox.messages == []
        unsent = OutboxMessage.objects.filter(sent_at__isnull=True)
        assert unsent.count() == 5
        assert "Connection refused" in unsent.exclude(last_error="").first().last_error

        # when it starts again and the flush goes on
        smtp_server.start()
        back = start + 60 * MIN
        ceiling = RETRY_CEILING // MIN + 1
        sent_up = sum(outbox_flush_pending(now=back + n * MIN) for n in range(1, ceiling + 10))

    # then every mail arrived exactly once, with the Message-ID stored when it was queued
    assert sent_up == 5
    received = sorted(m["Message-ID"] for m in smtp_server.inbox.messages)
    assert received == sorted(row.message_id for row in rows)
    assert {m["Reply-To"] for m in smtp_server.inbox.messages} == {settings.SUPPORT_EMAIL}
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
