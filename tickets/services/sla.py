"""Bridge between tickets and the pure SLA engine.

A ticket's SLA events are stored in order (``SlaEvent``); after every change the whole log is
replayed through ``sla.clock.evaluate`` (a few microseconds) and the result is written to the
ticket's indexed columns. One implementation of the rules serves the portal, the beat jobs and
the command line.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max

from sla.clock import Event, SlaState, evaluate
from sla.selectors import terms_for_contract
from sla.terms import Terms
from tickets.models import SlaEvent, SlaEventKind, Ticket


def _engine_events(rows) -> tuple[SlaEvent, list[Event]]:
    rows = list(rows)
    opening, rest = rows[0], rows[1:]
    if opening.kind != SlaEventKind.OPEN:
        raise ValueError(f"ticket {opening.ticket_id}: SLA log must start with an open event")
    events = [
        Event(
            at=row.at,
            kind=row.kind,
            priority=row.priority,
            type=row.ticket_type or None,
            workaround=row.workaround,
        )
        for row in rest
    ]
    return opening, events


def ticket_sla_state(
    ticket: Ticket, *, as_of: datetime | None = None, terms: Terms | None = None
) -> SlaState | None:
    """The engine's state for the ticket's event log (None while the ticket is deferred)."""
    if ticket.opened_at is None:
        return None
    terms = terms or terms_for_contract(ticket.contract)
    return sla_state_of_events(
        ticket, SlaEvent.objects.filter(ticket=ticket).order_by("seq"), as_of=as_of, terms=terms
    )


def sla_state_of_events(ticket: Ticket, rows, *, as_of: datetime | None, terms: Terms) -> SlaState:
    """The engine's state for already loaded SlaEvent rows of an opened ticket, in order."""
    opening, events = _engine_events(rows)
    return evaluate(
        terms,
        type=opening.ticket_type,
        priority=opening.priority,
        opened_at=opening.at,
        events=events,
        as_of=as_of,
    )


def sla_event_append(
    *, ticket: Ticket, kind: str, at: datetime, priority: int | None = None,
    ticket_type: str = "", workaround: bool = False,
) -> SlaEvent:
    """Append one event to the ticket's log (callers hold the ticket row lock)."""
    last = SlaEvent.objects.filter(ticket=ticket).aggregate(m=Max("seq"))["m"]
    return SlaEvent.objects.create(
        ticket=ticket,
        seq=0 if last is None else last + 1,
        at=at,
        kind=kind,
        priority=priority,
        ticket_type=ticket_type,
        workaround=workaround,
    )


def ticket_sla_apply(ticket: Ticket, *, now: datetime, terms: Terms | None = None) -> SlaState:
    """Recompute the SLA state and copy it onto the ticket's columns (the caller saves)."""
    terms = terms or terms_for_contract(ticket.contract)
    state = ticket_sla_state(ticket, as_of=now, terms=terms)
    sla_state_to_ticket(ticket, state)
    return state


# The columns sla_state_to_ticket writes (for bulk updates).
SLA_COLUMNS = (
    "reaction_due", "reaction_met", "reaction_breached_at", "first_response_at",
    "reaction_at_risk_at", "reaction_elapsed", "resolution_due", "resolution_met",
    "resolution_breached_at", "resolution_at_risk_at", "resolution_elapsed",
    "resolution_target", "sla_paused", "sla_extended", "next_due",
)


def _sticky(recorded: datetime | None, computed: datetime | None) -> datetime | None:
    """Breaches stick: one recorded (by the tick or an earlier replay) is never cleared."""
    return recorded if recorded is not None else computed


def _met(computed: bool | None, breached_at: datetime | None) -> bool | None:
    """None until the metric is settled; never met once a breach was recorded."""
    return None if computed is None else computed and breached_at is None


def sla_columns(
    state: SlaState, *, reaction_breached_at: datetime | None,
    resolution_breached_at: datetime | None,
) -> dict[str, object]:
    """The ``SLA_COLUMNS`` values of an engine state, given the breaches already recorded."""
    reaction_breached_at = _sticky(reaction_breached_at, state.reaction_breached_at)
    resolution_breached_at = _sticky(resolution_breached_at, state.resolution_breached_at)
    if state.resolved or state.withdrawn or (state.paused and state.first_response_at is not None):
        next_due = None
    elif state.first_response_at is None:
        next_due = state.reaction_due
    else:
        next_due = state.resolution_due
    return {
        "reaction_due": state.reaction_due,
        "reaction_met": _met(state.reaction_met, reaction_breached_at),
        "reaction_breached_at": reaction_breached_at,
        "first_response_at": state.first_response_at,
        "reaction_at_risk_at": None if state.first_response_at else state.reaction_at_risk_at,
        "reaction_elapsed": state.reaction_elapsed,
        "resolution_due": state.resolution_due,
        "resolution_met": _met(state.resolution_met, resolution_breached_at),
        "resolution_breached_at": resolution_breached_at,
        "resolution_at_risk_at": (
            None if state.paused or state.resolved else state.resolution_at_risk_at
        ),
        "resolution_elapsed": state.resolution_elapsed,
        "resolution_target": state.resolution_target,
        "sla_paused": state.paused,
        "sla_extended": state.extended,
        "next_due": next_due,
    }


def sla_state_to_ticket(ticket: Ticket, state: SlaState) -> None:
    """Copy an engine state onto the ticket's columns (no save); recorded breaches stay."""
    columns = sla_columns(
        state,
        reaction_breached_at=ticket.reaction_breached_at,
        resolution_breached_at=ticket.resolution_breached_at,
    )
    for name, value in columns.items():
        setattr(ticket, name, value)
