"""One received message, start to end: kept, classified, then a ticket, a comment, a note to
an unknown sender, or nothing — in one transaction, so a message counts as handled (and may
be acknowledged on the server) only once its outcome has committed."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import asdict, dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from mailin.classify import classify, dmarc_failed
from mailin.models import InboundMessage, Outcome
from mailin.parsing import ParsedMail, message_key, parse
from mailin.selectors import sender_of, thread_ticket
from mailin.services.answers import unknown_sender_answer
from mailin.services.mail_tickets import reply_or_ticket
from tickets.models import OutboxMessage
from tickets.services.mail_format import support_address

logger = logging.getLogger(__name__)
# Failures of the database itself, not of one message: they propagate, so the message is left
# where it is (IMAP, maildir) and read again once the database is back.
OUTAGES = (OperationalError, InterfaceError)
HEAD_KEEP = 256 * 1024  # of a message over the cap, this much is kept (its header and more)
SNIFF_ID = re.compile(rb"^message-id:[ \t]*(<[^<>\s]+>)", re.I | re.M)


@dataclass
class IngestResult:
    source: str
    message_id: str
    outcome: str
    ticket: int | None
    subject: str
    reason: str

    def __post_init__(self) -> None:
        self.outcome = str(self.outcome)  # "ticket", not Outcome.TICKET, in every output

    def as_dict(self) -> dict:
        return asdict(self)


def own_addresses() -> set[str]:
    return {
        a.lower()
        for a in (support_address(), settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL)
        if a
    }


def mail_ingest(*, raw: bytes, source: str = "", now: datetime | None = None) -> IngestResult:
    """Handle one message; never raises for anything in the message itself (nor for a defect
    of ours on it: the message is then kept as rejected, with the error). A database that is
    down does raise: the caller then leaves the message where it is."""
    now = now or timezone.now()
    if len(raw) > settings.MAIL_IN_MAX_BYTES:
        return _keep_oversized(raw, source=source, now=now)
    try:
        mail = parse(raw)
    except Exception as exc:  # the parser's last resort; the bytes are still kept
        return _keep(
            raw,
            source=source,
            now=now,
            key=message_key("", raw),
            message_id="",
            subject="",
            sender="",
            outcome=Outcome.REJECTED,
            reason=f"unreadable message: {exc.__class__.__name__}",
        )
    with transaction.atomic():
        record = _claim(raw, mail, source=source, now=now)
        if record is None:
            return IngestResult(
                source, mail.message_id, Outcome.DUPLICATE, None, mail.subject, "already received"
            )
        try:
            with transaction.atomic():
                outcome, ticket, reason = _decide(mail, now=now)
        except OUTAGES:
            raise  # the database is away: nothing recorded, the message stays to be read again
        except Exception as exc:  # a defect of ours on this message: keep it, do not block
            logger.exception("inbound mail %s could not be handled", mail.key)
            outcome, ticket = Outcome.REJECTED, None
            reason = f"not handled (an error of the portal): {exc.__class__.__name__}: {exc}"
        record.outcome, record.ticket, record.reason = outcome, ticket, reason
        record.save(update_fields=["outcome", "ticket", "reason"])
    logger.info(
        "inbound mail %s from %s: %s %s (%s)",
        mail.message_id or mail.key,
        mail.from_address or "?",
        outcome,
        ticket.reference if ticket else "",
        reason,
    )
    return IngestResult(
        source, mail.message_id, outcome, ticket.pk if ticket else None, mail.subject, reason
    )


def _claim(raw: bytes, mail: ParsedMail, *, source: str, now: datetime):
    """Insert the message's row (the unique key is the claim); None when it is known."""
    if InboundMessage.objects.filter(key=mail.key).exists():
        return None
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(
                key=mail.key,
                message_id=mail.message_id[:255],
                source=source[:255],
                received_at=now,
                from_address=mail.from_address[:254],
                subject=mail.subject[:255],
                outcome=Outcome.REJECTED,
                size=len(raw),
                raw=raw,
            )
    except IntegrityError:  # another worker took the same message a moment ago
        return None


def _decide(mail: ParsedMail, *, now: datetime):
    """(outcome, ticket or None, reason) for a message seen for the first time."""
    if mail.message_id and OutboxMessage.objects.filter(message_id=mail.message_id).exists():
        return Outcome.AUTO_REPLY, None, "the portal's own message came back (loop)"
    kind, why = classify(mail, own_addresses=own_addresses())
    if kind:
        return kind, None, why
    if not mail.from_address:
        return (
            Outcome.REJECTED,
            None,
            ("empty message" if not mail.message.keys() and not mail.text else "no sender address"),
        )
    defects = f" (MIME defects: {', '.join(mail.defects)})" if mail.defects else ""
    sender = sender_of(mail.from_address, at=now)
    if sender.is_staff:
        return (
            Outcome.REJECTED,
            None,
            "sent from a staff address: engineers answer in the portal, not by mail",
        )
    forged = dmarc_failed(mail)  # the From address is not the sender's: never write to it
    if sender.contact is None or forged:
        why = "dmarc=fail: not trusted as the contact" if forged else sender.why
        answered = not forged and unknown_sender_answer(
            address=mail.from_address, subject=mail.subject, now=now
        )
        note = "; answered" if answered else "; not answered"
        return Outcome.UNKNOWN_SENDER, None, why + note + defects
    answered_ticket = thread_ticket(referenced_ids=mail.referenced_ids(), subject=mail.subject)
    outcome, ticket, reason = reply_or_ticket(
        mail, sender=sender, answered=answered_ticket, now=now
    )
    return outcome, ticket, reason + defects


def _keep_oversized(raw: bytes, *, source: str, now: datetime) -> IngestResult:
    head = raw[:HEAD_KEEP]
    found = SNIFF_ID.search(head.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0])
    message_id = found.group(1).decode("ascii", "replace") if found else ""
    key = message_id or "sha256:" + hashlib.sha256(raw).hexdigest()
    try:
        mail = parse(head)
        subject, sender = mail.subject, mail.from_address
    except Exception:  # only the beginning was parsed; its header may be cut as well
        subject, sender = "", ""
    reason = (
        f"message is {filesizeformat(len(raw))}; the limit is "
        f"{filesizeformat(settings.MAIL_IN_MAX_BYTES)} (its first "
        f"{filesizeformat(HEAD_KEEP)} are kept)"
    )
    return _keep(
        head,
        source=source,
        now=now,
        key=key,
        message_id=message_id,
        subject=subject,
        sender=sender,
        outcome=Outcome.REJECTED,
        reason=reason,
        size=len(raw),
    )


def _keep(
    raw: bytes, *, source, now, key, message_id, subject, sender, outcome, reason, size=None
) -> IngestResult:
    with transaction.atomic():
        if InboundMessage.objects.filter(key=key).exists():
            return IngestResult(
                source, message_id, Outcome.DUPLICATE, None, subject, "already received"
            )
        InboundMessage.objects.create(
            key=key[:255],
            message_id=message_id[:255],
            source=source[:255],
            received_at=now,
            from_address=sender[:254],
            subject=subject[:255],
            outcome=outcome,
            reason=reason,
            size=len(raw) if size is None else size,
            raw=raw,
        )
    return IngestResult(source, message_id, outcome, None, subject, reason)
