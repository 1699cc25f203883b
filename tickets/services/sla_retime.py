"""Re-time open tickets after a calendar or a target changed (SPEC: terms change under open
tickets).

Every open ticket of the contracts concerned is replayed through the engine with the new
definitions in force from the moment of the change, in batches of locked rows (primary-key
order, one short transaction each), and gets a history row when its next due time moved.
Breaches already recorded stay (``sla_state_to_ticket``); resolved tickets are not touched.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction

from sla.selectors import terms_for_contracts
from tickets.models import OPEN_STATUSES, ChangeAction, SlaEvent, Ticket, TicketChange
from tickets.services.sla import SLA_COLUMNS, sla_state_of_events, sla_state_to_ticket
from tickets.services.sla_effects import Effect, effect, iso

BATCH = 500


def _retime_batch(rows: list[Ticket], *, now: datetime) -> int:
    """Replay one locked batch; returns how many next due times moved."""
    events = defaultdict(list)
    for event in SlaEvent.objects.filter(ticket__in=rows).order_by("ticket_id", "seq"):
        events[event.ticket_id].append(event)
    terms = terms_for_contracts({row.contract for row in rows})
    moved = []
    for ticket in rows:
        before = ticket.next_due
        state = sla_state_of_events(
            ticket, events[ticket.pk], as_of=now, terms=terms[ticket.contract_id]
        )
        sla_state_to_ticket(ticket, state)
        if ticket.next_due != before:
            kind = Effect.REACTION_DUE if state.first_response_at is None else Effect.RESOLUTION_DUE
            moved.append(
                TicketChange(
                    ticket=ticket,
                    actor=None,
                    at=now,
                    action=ChangeAction.SLA_RETIMED,
                    effects=[effect(kind, due=iso(ticket.next_due))],
                )
            )
    Ticket.objects.bulk_update(rows, SLA_COLUMNS)
    TicketChange.objects.bulk_create(moved)
    return len(moved)


def open_tickets_retime(
    *, now: datetime, contract_ids: list[int] | None = None, batch: int = BATCH
) -> int:
    """Replay every open ticket (of these contracts, or all); returns how many due times moved."""
    tickets = Ticket.objects.filter(status__in=OPEN_STATUSES, is_deferred=False)
    if contract_ids is not None:
        tickets = tickets.filter(contract_id__in=contract_ids)
    last_pk, moved = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                tickets.filter(pk__gt=last_pk)
                .select_related("contract")
                .select_for_update(of=("self",))
                .order_by("pk")[:batch]
            )
            if not rows:
                return moved
            moved += _retime_batch(rows, now=now)
        last_pk = rows[-1].pk
