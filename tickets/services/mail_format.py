"""What every mail of the portal looks like on the wire: clean headers, its ticket's tag, the
stored Message-ID, Reply-To the support address, Auto-Submitted, and times that name their zone.

Cleaning happens both when a row is queued and when it is sent, so a row queued before a rule
existed (or written around ``outbox_enqueue``) still goes out clean instead of failing forever.
"""

from __future__ import annotations

import unicodedata
import zoneinfo
from collections.abc import Callable
from datetime import datetime, tzinfo

from django.conf import settings
from django.core.mail import EmailMessage

SUBJECT_MAX = 255  # OutboxMessage.subject's column


def clean_text(text: str) -> str:
    """Text that every mail encoding accepts: lone surrogates (undecodable bytes that reached a
    str) become U+FFFD instead of failing the whole message."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def clean_subject(subject: str) -> str:
    """One line: every run of whitespace or control characters (CR, LF, tab, NUL …) becomes one
    space, so a subject can never inject a header or fail the message."""
    subject = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Zl", "Zp"} else ch for ch in clean_text(subject)
    )
    return " ".join(subject.split())


def tagged_subject(subject: str, ticket_id: int | None) -> str:
    """The clean subject with the ticket's ``[#N]`` tag (added in front when missing), cut to
    the column's length without losing the tag."""
    subject = clean_subject(subject)
    if ticket_id is not None and f"[#{ticket_id}]" not in subject:
        subject = f"[#{ticket_id}] {subject}"
    return subject[:SUBJECT_MAX].rstrip()


def zone_label(zone: tzinfo, local: datetime) -> str:
    """``UTC+03:00, Europe/Kyiv`` (just ``UTC`` for UTC): the offset at that instant, and the
    zone's name so a reader abroad knows which rules apply."""
    offset = local.strftime("%z") or "+0000"
    name = getattr(zone, "key", "")
    if offset == "+0000" and name in {"", "UTC", "Etc/UTC"}:
        return "UTC"
    offset = f"UTC{offset[:3]}:{offset[3:]}"
    return f"{offset}, {name}" if name else offset


def mail_time(instant: datetime, zone: tzinfo | str) -> str:
    """An instant as a mail gives it, in the reader's zone and naming it:
    ``2026-05-12 18:00 (UTC+03:00, Europe/Kyiv)``. Language-neutral on purpose: a mail is
    read outside the portal, often forwarded, and this reads the same in both languages."""
    if isinstance(zone, str):
        zone = zoneinfo.ZoneInfo(zone)  # cached by zoneinfo: cheap for a digest's thousands
    local = instant.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} ({zone_label(zone, local)})"


def support_address() -> str:
    return settings.SUPPORT_EMAIL or settings.DEFAULT_FROM_EMAIL


# The outbox stores text only. An app whose mail carries files registers a function that adds
# them to a row's message at send time (statements: the month's PDF and CSV, made from the
# frozen statement, so every attempt sends the same files).
ATTACHERS: list[Callable[[object, EmailMessage], None]] = []


def register_attacher(attacher: Callable[[object, EmailMessage], None]) -> None:
    if attacher not in ATTACHERS:
        ATTACHERS.append(attacher)


def email_for(row, *, connection=None) -> EmailMessage:
    """The message of an outbox row, the same on every attempt (same Message-ID)."""
    headers = {"Message-ID": row.message_id}
    if row.auto_submitted:
        headers["Auto-Submitted"] = "auto-generated"
    message = EmailMessage(
        subject=tagged_subject(row.subject, row.ticket_id),
        body=clean_text(row.body),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(row.recipients),
        reply_to=[support_address()],
        headers=headers,
        connection=connection,
    )
    for attach in ATTACHERS:
        attach(row, message)
    return message
