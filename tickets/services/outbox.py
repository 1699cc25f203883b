"""E-mail through an outbox: the row is written with the change, delivered after commit.

One delivery path, whoever calls it (the task right after commit, or the flush job every
minute): **claim → send → record**.

- *claim*: due rows (never tried, or their backoff has passed, and not held by a live lease)
  get this delivery's token and a lease, in one short transaction — ``FOR UPDATE SKIP LOCKED``
  on PostgreSQL, one ``UPDATE`` statement on SQLite (which runs one writer at a time). Two
  flushes, a flush and the after-commit task, or a redelivered task never hold the same row.
- *send*: outside any transaction, one connection for the batch, the row's own Message-ID.
- *record*: sent, or the error and the time of the next attempt, in its own short transaction.

A failed attempt is never retried by a task chain of its own: the row's ``next_attempt_at``
(doubling up to a ceiling, no cap on attempts) tells the flush when, so an outage of any length
ends with every mail sent. A worker that dies after sending but before recording leaves a lease
that lapses; the mail then goes once more, with the same Message-ID. A message that cannot be
sent (a refused recipient, a bad header) is recorded and retried on its own schedule without
holding back the others; a server that is down stops the batch, which loses nothing.
"""

from __future__ import annotations

import logging
import smtplib
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from django.core.mail import get_connection
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Q

from tickets.models import OutboxMessage, Ticket
from tickets.services.mail_format import clean_text, email_for, tagged_subject

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # longer than a batch can take; a dead worker's rows wait this
RETRY_FIRST = timedelta(seconds=30)
RETRY_CEILING = timedelta(minutes=10)
BATCH = 20  # rows claimed at a time
FLUSH_BUDGET_SECONDS = 40.0  # a flush stops claiming after this (beat runs it every minute)
RECORD_TRIES = 3  # a locked database gets a few short waits before the lease decides
# Failures of one message only: the next message may well go through the same connection.
MESSAGE_FAULTS = (
    ValueError,  # bad header, unencodable text, invalid address (Django raises ValueError)
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
)

T = TypeVar("T")


def outbox_row(
    *,
    recipients: list[str],
    subject: str,
    body: str,
    ticket_id: int | None = None,
    dedupe_key: str | None = None,
    automatic: bool = True,
) -> OutboxMessage:
    """An unsaved row (for ``bulk_create``) with a clean, tagged subject and its Message-ID."""
    return OutboxMessage(
        recipients=sorted({r for r in recipients if r}),
        subject=tagged_subject(subject, ticket_id),
        body=clean_text(body),
        ticket_id=ticket_id,
        dedupe_key=dedupe_key,
        auto_submitted=automatic,
    )


def outbox_enqueue(
    *,
    recipients: list[str],
    subject: str,
    body: str,
    ticket: Ticket | None = None,
    dedupe_key: str | None = None,
    automatic: bool = True,
) -> OutboxMessage | None:
    """Queue an e-mail; with a ``dedupe_key`` already used, do nothing and return None.
    ``automatic=False`` for a mail that carries a person's words (no Auto-Submitted)."""
    message = outbox_row(
        recipients=recipients,
        subject=subject,
        body=body,
        ticket_id=ticket.pk if ticket else None,
        dedupe_key=dedupe_key,
        automatic=automatic,
    )
    if not message.recipients:
        return None
    try:
        with transaction.atomic():
            message.save(force_insert=True)
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
        logger.warning(
            "outbox message %s not handed over; the flush sends it", message_id, exc_info=True
        )
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
        logger.warning(
            "outbox messages %s not handed over; the flush sends them", message_ids, exc_info=True
        )
        return False
    return True


def outbox_deliver(*, message_id: int, now: datetime) -> bool:
    """Deliver one row if it is due and nobody holds it (the task after its commit)."""
    return outbox_deliver_many(message_ids=[message_id], now=now) == 1


def outbox_deliver_many(*, message_ids: list[int], now: datetime) -> int:
    """Deliver these rows where due and free; returns how many this call sent. Failures are
    recorded on their rows for the flush, never raised for a retry chain."""
    if not message_ids:
        return 0
    rows = _claim(now=now, ids=message_ids, limit=len(message_ids))
    return _send_claimed(rows, now=now)[0] if rows else 0


def outbox_flush_pending(
    *,
    now: datetime,
    older_than_seconds: int = 5,
    budget_seconds: float = FLUSH_BUDGET_SECONDS,
) -> int:
    """Deliver every due row, a batch at a time, until none is left, the mail server is down
    or the time budget is spent (the next minute's flush goes on). Rows younger than a few
    seconds are left to their own after-commit task. Returns how many were sent."""
    settled = now - timedelta(seconds=older_than_seconds)
    deadline = time.monotonic() + budget_seconds
    sent = 0
    while time.monotonic() < deadline:
        rows = _claim(now=now, created_before=settled, limit=BATCH)
        if not rows:
            break
        count, server_down = _send_claimed(rows, now=now)
        sent += count
        if server_down:
            break
    return sent


def _claim(
    *,
    now: datetime,
    limit: int,
    ids: list[int] | None = None,
    created_before: datetime | None = None,
) -> list[OutboxMessage]:
    """Take up to ``limit`` due, free rows for this delivery (token + lease), oldest first."""
    due = OutboxMessage.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        Q(lease_until__isnull=True) | Q(lease_until__lte=now),
        sent_at__isnull=True,
    )
    if ids is not None:
        due = due.filter(pk__in=ids)
    if created_before is not None:
        due = due.filter(created_at__lt=created_before)
    oldest = due.order_by(F("next_attempt_at").asc(nulls_first=True), "pk")
    token = uuid.uuid4()
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            # rows another delivery is claiming right now are skipped, not waited for
            picked = list(
                oldest.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit]
            )
            if not picked:
                return []
            target = due.filter(pk__in=picked)
        else:
            # one UPDATE whose WHERE repeats the due condition: SQLite runs writers one at a
            # time, so a row claimed by another process in between is not taken again
            target = due.filter(pk__in=oldest.values("pk")[:limit])
        if not target.update(claim=token, lease_until=now + LEASE):
            return []
    return list(
        OutboxMessage.objects.filter(claim=token, sent_at__isnull=True).order_by(
            F("next_attempt_at").asc(nulls_first=True), "pk"
        )
    )


def _send_claimed(rows: list[OutboxMessage], *, now: datetime) -> tuple[int, bool]:
    """Send claimed rows over one connection; (how many were sent, whether the server failed
    — then the rest are released untouched for the next flush)."""
    sent = 0
    mailer = get_connection(fail_silently=False)
    try:
        for index, row in enumerate(rows):
            try:
                mailer.open()
                if mailer.send_messages([email_for(row, connection=mailer)]) == 0:
                    raise ValueError("no recipient to send to")
            except MESSAGE_FAULTS as exc:
                _record_failure(row, exc, now=now)
                continue
            except Exception as exc:  # the server or the network: the next rows would fail too
                _record_failure(row, exc, now=now)
                _release(rows[index + 1 :])
                return sent, True
            try:
                _record_sent(row, now=now)
            except Exception:
                # sent but not recorded: its lease lapses and it goes once more (same
                # Message-ID); the rest are given back rather than risk the same
                logger.exception("outbox message %s sent but not recorded", row.pk)
                _release(rows[index + 1 :])
                raise
            sent += 1
    finally:
        try:
            mailer.close()
        except Exception:  # a connection that already failed may fail to say goodbye
            logger.debug("closing the mail connection failed", exc_info=True)
    return sent, False


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … up to 10 min between attempts, for ever."""
    return min(RETRY_CEILING, RETRY_FIRST * 2 ** min(max(attempts - 1, 0), 16))


def _record_sent(row: OutboxMessage, *, now: datetime) -> None:
    _short_write(
        lambda: OutboxMessage.objects.filter(pk=row.pk, sent_at__isnull=True).update(
            sent_at=now,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            last_error="",
            next_attempt_at=None,
            claim=None,
            lease_until=None,
        )
    )


def _record_failure(row: OutboxMessage, exc: Exception, *, now: datetime) -> None:
    attempts = row.attempts + 1
    logger.warning("outbox message %s not sent (attempt %s): %r", row.pk, attempts, exc)
    _short_write(
        lambda: OutboxMessage.objects.filter(pk=row.pk, claim=row.claim).update(
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            last_error=repr(exc)[:2000],
            next_attempt_at=now + retry_delay(attempts),
            claim=None,
            lease_until=None,
        )
    )


def _release(rows: list[OutboxMessage]) -> None:
    """Give claimed rows back untried (due at once for the next delivery)."""
    if rows:
        pks = [row.pk for row in rows]
        _short_write(
            lambda: OutboxMessage.objects.filter(pk__in=pks, claim=rows[0].claim).update(
                claim=None, lease_until=None
            )
        )


def _short_write(write: Callable[[], T]) -> T:
    """One write in its own short transaction, tried again briefly when the database is
    locked or its connection broke (a SQLite writer, a restarted PostgreSQL)."""
    for attempt in range(RECORD_TRIES):
        try:
            with transaction.atomic():
                return write()
        except OperationalError:
            if attempt == RECORD_TRIES - 1:
                raise
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()
            time.sleep(0.1 * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover
