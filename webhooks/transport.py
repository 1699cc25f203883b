"""Sending one signed request: the Standard Webhooks headers, the address rules, the POST.

Only https, to public addresses. Loopback (http or https on 127.0.0.1, ::1, localhost) only
when ``PORTAL_WEBHOOK_ALLOW_LOCALHOST`` is on (development and the tests). The address is
checked when a hook is saved and again, after resolving the name, before every request.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}
USER_AGENT = "SupportPortal-Webhooks/1"


def secret_new() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def body_of(payload: dict) -> str:
    """The exact text that is signed and sent (the same for every attempt)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def signed_headers(*, secret: str, event_id: str, at: datetime, body: str) -> dict[str, str]:
    signature = Webhook(secret).sign(msg_id=event_id, timestamp=at, data=body)
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def _local_allowed() -> bool:
    return bool(settings.PORTAL_WEBHOOK_ALLOW_LOCALHOST)


def hook_url_validate(url: str) -> None:
    """Refuse what a hook may not be sent to, in words (the form shows it on the URL)."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    local = host in LOCAL_NAMES
    if parts.username or parts.password:
        raise ValidationError({"url": _("Leave user names and passwords out of the URL.")})
    if not host:
        raise ValidationError({"url": _("Enter a full https:// address.")})
    if local and not _local_allowed():
        raise ValidationError({"url": _("Web hooks cannot be sent to this machine.")})
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise ValidationError({"url": _("Use an https:// address.")})
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return
    if not literal.is_global and not (literal.is_loopback and _local_allowed()):
        raise ValidationError({"url": _("Use a public address, not a private network's.")})


class AddressRefused(Exception):
    pass


def _check_resolved(url: str) -> None:
    """Every address the name resolves to must be public (or allowed loopback)."""
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressRefused(f"cannot resolve {parts.hostname}: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_loopback and _local_allowed():
            continue
        if not address.is_global:
            raise AddressRefused(f"{parts.hostname} resolves to a non-public address {address}")


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None
    ms: int
    error: str


def post(url: str, *, body: str, headers: dict[str, str]) -> Outcome:
    """POST once, without following redirects; read at most 1 KB of the answer."""
    began = time.perf_counter()

    def elapsed() -> int:
        return int((time.perf_counter() - began) * 1000)

    try:
        hook_url_validate(url)
        _check_resolved(url)
        timeout = settings.PORTAL_WEBHOOK_TIMEOUT
        with requests.post(
            url,
            data=body.encode(),
            headers=headers,
            timeout=(min(timeout, 5), timeout),
            allow_redirects=False,
            stream=True,
        ) as response:
            status = response.status_code
            text = response.raw.read(1024, decode_content=True) or b""
    except ValidationError as exc:
        return Outcome(False, None, elapsed(), "; ".join(exc.messages))
    except AddressRefused as exc:
        return Outcome(False, None, elapsed(), str(exc))
    except (requests.RequestException, OSError) as exc:
        return Outcome(False, None, elapsed(), f"{type(exc).__name__}: {exc}"[:1000])
    if 200 <= status < 300:
        return Outcome(True, status, elapsed(), "")
    answer = text.decode("utf-8", "replace").strip()
    return Outcome(False, status, elapsed(), f"HTTP {status}: {answer}"[:1000])
