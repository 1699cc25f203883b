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
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from sla.clock import InvalidEvent
from sla.selectors import terms_for_contract
from tickets.events import TICKET_UPDATED, ticket_event_emit, ticket_snapshot
from tickets.models import Ticket, TicketChange
from tickets.services.history import history_record
from tickets.services.sla import sla_state_to_ticket, ticket_sla_state
from tickets.services.sla_effects import sla_effects


def engine_errors(func):
    """An event the engine refuses becomes a ValidationError in words. Put it outside the
    atomic block: the transaction is rolled back before the error is mapped."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except InvalidEvent as exc:
            raise ValidationError(
                _("The SLA rules do not allow this now: %(why)s.") % {"why": exc.message},
                code="invalid_event",
            ) from exc

    return wrapper


def locked_now(now: datetime | None) -> datetime:
    """The instant of a change: the caller's ``now`` (tests, jobs), else the clock read now.

    Services call this once they hold the ticket's row lock, so a change never trails one that
    a concurrent request wrote while it held the lock (two clicks 100 µs apart).
    """
    return timezone.now() if now is None else now


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
    event: str | None = TICKET_UPDATED,
) -> Iterator[PendingChange]:
    """``event``: what web hooks hear of the change (None: nothing, the caller says it)."""
    snapshot = ticket_snapshot(ticket)
    terms = terms_for_contract(ticket.contract)
    before = ticket_sla_state(ticket, as_of=now, terms=terms) if ticket.opened_at else None
    change = PendingChange(action=action, field=field, old=old, new=new)
    yield change
    effects = list(change.notes)
    if ticket.opened_at is not None:
        after = ticket_sla_state(ticket, as_of=now, terms=terms)
        sla_state_to_ticket(ticket, after)
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
    if event:
        ticket_event_emit(
            event, ticket=ticket, now=now, actor=actor, action=change.action, before=snapshot
        )
