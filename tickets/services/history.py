"""The ticket's history: one row per change, written in the caller's transaction."""

from datetime import datetime

from tickets.models import Ticket, TicketChange


def history_record(
    *,
    ticket: Ticket,
    actor,
    at: datetime,
    action: str,
    field: str = "",
    old="",
    new="",
    sla_effect: str = "",
) -> TicketChange:
    return TicketChange.objects.create(
        ticket=ticket,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at,
        action=action,
        field=field,
        old_value="" if old is None else str(old),
        new_value="" if new is None else str(new),
        sla_effect=sla_effect,
    )
