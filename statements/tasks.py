"""Celery tasks of statements: thin adapters that read the clock and call one service."""

import logging

from celery import shared_task
from django.utils import timezone

from statements.mail import statements_monthly_mail as monthly_mail_run

logger = logging.getLogger(__name__)


@shared_task(
    name="statements.tasks.statements_monthly_mail",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    ignore_result=True,
)
def statements_monthly_mail() -> int:
    """Beat, hourly: last month's statement to every customer admin, once (see the service)."""
    queued = monthly_mail_run(now=timezone.now())
    if queued:
        logger.info("statements: %s monthly mails queued", queued)
    return queued
