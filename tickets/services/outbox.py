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


def outbox_dispatch_many(message_ids: list[int]) -> bool:
    """Hand a batch of rows to ONE task (a tick's digests): one publish, so a down broker
    costs one failed attempt, not one per row. The flush job sends what this leaves."""
    if not message_ids:
        return True
    from tickets.tasks import outbox_send_many

    try:
        outbox_send_many.delay(list(message_ids))
    except Exception:  # any broker/transport failure: the rows stay unsent, flush retries them
        logger.warning("broker unavailable; outbox messages %s kept for later", message_ids,
                       exc_info=True)
        return False
    return True


def outbox_deliver_many(*, message_ids: list[int], now: datetime) -> int:
    """Send each row exactly once (``outbox_deliver`` per row); one failing row does not hold
    the others back. Re-raises the first failure afterwards so the task retries — the rows
    already sent are skipped then. Returns how many were sent by this call."""
    sent, failure = 0, None
    for message_id in message_ids:
        try:
            sent += outbox_deliver(message_id=message_id, now=now)
        except Exception as exc:  # recorded on its row by outbox_deliver; retried below
            failure = failure or exc
    if failure is not None:
        raise failure
    return sent


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


def outbox_flush_pending(
    *, now: datetime, older_than_seconds: int = 5, limit: int = 500, max_attempts: int = 20
) -> int:
    """Dispatch unsent rows older than a few seconds (younger ones are still being handed over
    after their commit). ``outbox_deliver`` is idempotent, so a row dispatched twice is sent
    once. Returns how many were handed to the broker."""
    from datetime import timedelta

    ids = list(
        OutboxMessage.objects.filter(
            sent_at__isnull=True, attempts__lt=max_attempts,
            created_at__lt=now - timedelta(seconds=older_than_seconds),
        ).order_by("pk").values_list("pk", flat=True)[:limit]
    )
    dispatched = 0
    for message_id in ids:
        if not outbox_dispatch(message_id):
            break  # the broker is down again: the next flush retries
        dispatched += 1
    return dispatched
