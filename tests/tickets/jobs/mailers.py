"""A fake mail server for the outbox's tests: it can be down, refuse one message, be slow.

``FakeSmtpBackend`` (set as EMAIL_BACKEND by the ``mail_server`` fixture) builds each message
as a real backend does (so a bad header fails the same way) and hands it to ``SERVER``, which
keeps what was tried and what was accepted. Thread-safe: the PostgreSQL test flushes from
several threads at once.
"""

from __future__ import annotations

import smtplib
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


@dataclass
class FakeServer:
    down: bool = False
    refuse: Callable[[EmailMessage], Exception | None] | None = None
    delay: float = 0.0
    tried: list[str] = field(default_factory=list)  # Message-IDs of every attempt
    accepted: list = field(default_factory=list)  # email.message.Message, as sent
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        self.__init__()

    def receive(self, message: EmailMessage) -> None:
        wire = message.message()  # what a real backend does first: bad headers raise here
        with self.lock:
            self.tried.append(wire["Message-ID"])
        if self.down:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed (test: down)")
        if self.refuse and (exc := self.refuse(message)):
            raise exc
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            self.accepted.append(wire)

    def sent_per_message_id(self) -> Counter:
        return Counter(m["Message-ID"] for m in self.accepted)


SERVER = FakeServer()


class FakeSmtpBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            SERVER.receive(message)
        return len(email_messages)
