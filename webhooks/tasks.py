"""Celery tasks of the web hooks: thin adapters that read the clock once."""

import logging

from celery import shared_task
from django.utils import timezone

from webhooks.services.delivery import deliveries_due, delivery_attempt, dispatch

logger = logging.getLogger(__name__)


@shared_task(name="webhooks.tasks.deliver", acks_late=True, ignore_result=True)
def deliver(delivery_id: int) -> bool | None:
    """One attempt. A failure is recorded on the row and retried by ``deliver_due`` after
    its backoff, never by Celery: the schedule lives in the database."""
    return delivery_attempt(delivery_id=delivery_id, now=timezone.now())


@shared_task(
    name="webhooks.tasks.deliver_due",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=3,
    ignore_result=True,
)
def deliver_due() -> int:
    """Beat, every minute: hand every delivery whose (re)try time has come to a worker."""
    ids = deliveries_due(now=timezone.now())
    if ids:
        dispatch(ids)
        logger.info("web hooks: %s deliveries due", len(ids))
    return len(ids)
