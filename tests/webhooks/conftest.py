"""A tiny web hook receiver (an HTTP server thread on 127.0.0.1) and delivery helpers.

The receiver checks every request's signature with the ``standardwebhooks`` package and the
secret registered for its path, and can be told to fail the first N attempts of each event.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from standardwebhooks import Webhook, WebhookVerificationError

from webhooks.models import DeliveryStatus, WebhookDelivery


def make_delivery(hook, **overrides) -> WebhookDelivery:
    now = timezone.now()
    values = {
        "hook": hook,
        "event_id": f"msg_{uuid.uuid4().hex}",
        "event": "ticket.created",
        "customer": hook.customer,
        "payload": {"type": "ticket.created", "data": {}},
        "status": DeliveryStatus.PENDING,
        "created_at": now,
        "next_attempt_at": now,
        "retry_until": now + timedelta(hours=24),
    }
    values.update(overrides)
    return WebhookDelivery.objects.create(**values)


@dataclass
class Received:
    path: str
    headers: dict
    body: str
    verified: bool
    status: int


@dataclass
class Receiver:
    """What came in, per path; ``fail_first`` attempts of each event id answer 500."""

    port: int = 0
    secrets: dict[str, str] = field(default_factory=dict)
    fail_first: int = 0
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def accepted(self, path: str | None = None) -> list[dict]:
        """The payloads answered 2xx (with a good signature), in order."""
        return [
            json.loads(r.body)
            for r in self.requests
            if r.status == 200 and (path is None or r.path == path)
        ]

    def attempts_of(self, event_id: str) -> int:
        return sum(r.headers.get("webhook-id") == event_id for r in self.requests)


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length).decode()
            headers = {k.lower(): v for k, v in self.headers.items()}
            secret = receiver.secrets.get(self.path)
            try:
                Webhook(secret).verify(body, headers)
                verified = True
            except (WebhookVerificationError, TypeError, ValueError):
                verified = False
            with receiver.lock:
                seen = receiver.attempts_of(headers.get("webhook-id"))
                status = 200 if verified and seen >= receiver.fail_first else 500
                if not verified:
                    status = 401
                receiver.requests.append(Received(self.path, headers, body, verified, status))
            self.send_response(status)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):  # keep the test output quiet
            pass

    return Handler


@pytest.fixture
def receiver():
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
