"""E-mail through an outbox: the row is written with the change, sent after commit.

If the broker is down when the transaction commits, the row simply waits: the outbox flush
job (beat) dispatches every unsent row, so nothing a change caused is lost.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from tickets.models import OutboxMessage, Ticket

logger = logging.getLogger(__name__)


def outbox_enqueue(
    *,
    recipients: list[str],
    subject: str,
    body: str,
    ticket: Ticket | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Queue an e-mail; with a ``dedupe_key`` already used, do nothing and return None."""
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return None
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                recipients=recipients, subject=subject[:255], body=body, ticket=ticket,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    transaction.on_commit(lambda: outbox_dispatch(message.pk))
    return message


def outbox_dispatch(message_id: int) -> bool:
    """Hand the row to the worker; a broker outage is logged and left to the flush job."""
    from tickets.tasks import outbox_send

    try:
        outbox_send.delay(message_id)
    except Exception:  # any broker/transport failure: the row stays unsent, flush retries it
        logger.warning("broker unavailable; outbox message %s kept for later", message_id,
                       exc_info=True)
        return False
    return True


def outbox_deliver(*, message_id: int, now: datetime) -> bool:
    """Send one row exactly once (row lock + sent_at check make retries and duplicates safe)."""
    failure: Exception | None = None
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.sent_at is not None:
            return False
        message.attempts += 1
        try:
            send_mail(
                message.subject, message.body, settings.DEFAULT_FROM_EMAIL, message.recipients
            )
        except Exception as exc:  # recorded on the row, then re-raised for the task's retry
            failure = exc
            message.last_error = repr(exc)[:2000]
        else:
            message.sent_at = now
            message.last_error = ""
        message.save(update_fields=["attempts", "sent_at", "last_error"])
    if failure is not None:
        raise failure
    return True
