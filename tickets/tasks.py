"""Celery tasks: thin adapters that take ids, load fresh rows and call one service."""

from celery import shared_task
from django.utils import timezone

from tickets.services.outbox import outbox_deliver


@shared_task(
    acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600,
    max_retries=8, ignore_result=True,
)
def outbox_send(message_id: int) -> None:
    outbox_deliver(message_id=message_id, now=timezone.now())
