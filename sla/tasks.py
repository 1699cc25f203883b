"""Beat task for the SLA check: a thin adapter that reads the clock once."""

import logging

from celery import shared_task
from django.utils import timezone

from sla.services import sla_check as sla_check_run

logger = logging.getLogger(__name__)


@shared_task(
    name="sla.tasks.sla_check",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=3,
    ignore_result=True,
)
def sla_check() -> dict:
    result = sla_check_run(now=timezone.now())
    logger.info(
        "SLA check: %s reaction and %s resolution breaches marked, alerts %s",
        result.reaction_breached,
        result.resolution_breached,
        result.alerts,
    )
    return {
        "reaction_breached": result.reaction_breached,
        "resolution_breached": result.resolution_breached,
        **result.alerts,
    }


@shared_task(
    name="sla.tasks.sla_retime",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=10,
    ignore_result=True,
)
def sla_retime(
    contract_ids: list[int] | None = None,
    ticket_types: list[str] | None = None,
    part: list[int | None] | None = None,
) -> int:
    """After a calendar or target change: re-time the open tickets of these contracts (of
    these types: those a changed calendar times; of this part of the primary keys)."""
    from tickets.services.sla_retime import open_tickets_retime

    moved = open_tickets_retime(
        now=timezone.now(),
        contract_ids=contract_ids,
        ticket_types=ticket_types,
        part=tuple(part) if part is not None else None,
    )
    logger.info("SLA re-time: %s open tickets got new due times", moved)
    return moved
