"""One pattern for every SLA-relevant change: state before, change, recompute, history.

    with ticket_change_sla(ticket, actor=..., now=..., action="priority", field=...) as change:
        sla_event_append(...)       # the events the change causes
        ticket.priority = 2         # the change itself
        change.old, change.new = ...

On exit the SLA is replayed through the engine, the ticket saved, and one history row written
with the SLA effect as data (``change.record`` is that row). The caller holds the ticket row
lock (select_for_update).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sla.selectors import terms_for_contract
from tickets.models import Ticket, TicketChange
from tickets.services.history import history_record
from tickets.services.sla import sla_state_to_ticket, ticket_sla_state
from tickets.services.sla_effects import sla_effects


@dataclasses.dataclass
class PendingChange:
    action: str
    field: str = ""
    old: object = ""
    new: object = ""
    # effects the caller adds (a workaround), before those the engine's replay finds
    notes: list[dict] = dataclasses.field(default_factory=list)
    record: TicketChange | None = None


@contextmanager
def ticket_change_sla(
    ticket: Ticket,
    *,
    actor,
    now: datetime,
    action: str,
    field: str = "",
    old: object = "",
    new: object = "",
) -> Iterator[PendingChange]:
    terms = terms_for_contract(ticket.contract)
    before = ticket_sla_state(ticket, as_of=now, terms=terms) if ticket.opened_at else None
    change = PendingChange(action=action, field=field, old=old, new=new)
    yield change
    effects = list(change.notes)
    if ticket.opened_at is not None:
        after = ticket_sla_state(ticket, as_of=now, terms=terms)
        sla_state_to_ticket(ticket, after, terms=terms)
        effects += sla_effects(before, after)
    ticket.save()
    change.record = history_record(
        ticket=ticket,
        actor=actor,
        at=now,
        action=change.action,
        field=change.field,
        old=change.old,
        new=change.new,
        effects=effects,
    )
