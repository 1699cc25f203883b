"""Celery tasks: thin adapters that take ids (or nothing), read the clock once and call one
service. Every service is idempotent, so a retry or a duplicate delivery is harmless."""

import logging

from celery import shared_task
from django.utils import timezone

from tickets.services.ending import tickets_close_resolved
from tickets.services.outbox import outbox_deliver, outbox_deliver_many, outbox_flush_pending
from tickets.services.quota_jobs import quota_open_deferred as quota_open_deferred_run
from tickets.services.quota_jobs import quota_reconcile as quota_reconcile_run
from tickets.services.quota_jobs import quota_usage_notify

logger = logging.getLogger(__name__)

JOB = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "ignore_result": True,
}


# The outbox's tasks never retry themselves: a failed mail is recorded on its row with the time
# of its next attempt, and the flush (beat, every minute) is the one retry path.
MAIL = {"acks_late": True, "ignore_result": True}


@shared_task(name="tickets.tasks.outbox_send", **MAIL)
def outbox_send(message_id: int) -> bool:
    """Right after the row's commit: deliver it at once (if due and nobody holds it)."""
    return outbox_deliver(message_id=message_id, now=timezone.now())


@shared_task(name="tickets.tasks.outbox_send_many", **MAIL)
def outbox_send_many(message_ids: list[int]) -> int:
    """A batch of rows (the SLA check's digests) in one task, like outbox_send."""
    return outbox_deliver_many(message_ids=message_ids, now=timezone.now())


@shared_task(name="tickets.tasks.outbox_flush", **MAIL)
def outbox_flush() -> int:
    """Beat, every minute: deliver every due row (new ones left behind, failed ones whose
    backoff has passed, ones whose worker died)."""
    count = outbox_flush_pending(now=timezone.now())
    if count:
        logger.info("outbox flush: %s messages sent", count)
    return count


@shared_task(name="tickets.tasks.quota_open_deferred", max_retries=5, **JOB)
def quota_open_deferred() -> int:
    opened = quota_open_deferred_run(now=timezone.now())
    if opened:
        logger.info("quota: %s deferred requests opened", opened)
    return opened


@shared_task(name="tickets.tasks.quota_usage_check", max_retries=5, **JOB)
def quota_usage_check(contract_id: int) -> list[int]:
    return quota_usage_notify(contract_id=contract_id, now=timezone.now())


@shared_task(name="tickets.tasks.quota_reconcile", max_retries=5, **JOB)
def quota_reconcile() -> dict:
    result = quota_reconcile_run(now=timezone.now())
    logger.info("quota reconciliation: %s", result)
    return {"cleared": result.cleared, "assigned": result.assigned, "notices": result.notices}


@shared_task(name="tickets.tasks.close_resolved", max_retries=5, **JOB)
def close_resolved() -> int:
    """Beat, hourly: resolved tickets past the reopen window close by themselves."""
    closed = tickets_close_resolved(now=timezone.now())
    if closed:
        logger.info("closed %s resolved tickets past the reopen window", closed)
    return closed
