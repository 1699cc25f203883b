"""The ticket's history: one row per change, written in the caller's transaction.

Values are stored as codes and the SLA effect as data (see ``TicketChange``): whoever reads the
row later sees it in their own language and zone.
"""

from collections.abc import Sequence
from datetime import datetime

from tickets.models import Ticket, TicketChange


def history_value(value) -> str:
    """A value as stored: codes and numbers as text, nothing as ""."""
    return "" if value is None else str(value)


def type_value(ticket_type: str, priority: int | None) -> str:
    """A ticket type with its priority, e.g. ``incident:1`` or ``change``."""
    return ticket_type if priority is None else f"{ticket_type}:{priority}"


def history_record(
    *,
    ticket: Ticket,
    actor,
    at: datetime,
    action: str,
    field: str = "",
    old="",
    new="",
    effects: Sequence[dict] = (),
) -> TicketChange:
    return TicketChange.objects.create(
        ticket=ticket,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at,
        action=action,
        field=field,
        old_value=history_value(old),
        new_value=history_value(new),
        effects=list(effects),
    )
