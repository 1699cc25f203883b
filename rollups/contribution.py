"""What one ended ticket adds to its month's roll-up: the counts cube's definitions, per row.

Must agree with ``tickets.selectors.dashboard_queries`` (``reaction_due_q`` and friends); the
consistency tests compare the roll-ups with the cube computed from the tickets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rollups.histogram import fine_bin
from rollups.models import TimedMetric
from tickets.models import TicketStatus
from tickets.selectors.dashboard_period import staff_zone

ENDED_STATUSES = (TicketStatus.CLOSED, TicketStatus.WITHDRAWN)
# Counted live by the dashboard: everything else (resolved tickets may still be reopened).
LIVE_STATUSES = (
    TicketStatus.NEW,
    TicketStatus.IN_PROGRESS,
    TicketStatus.WAITING,
    TicketStatus.RESOLVED,
)
COUNTS = ("tickets", "r_due", "r_met", "s_due", "s_met", "r_timed", "s_timed", "w")
# The ticket columns a contribution reads (a snapshot needs them all loaded).
FIELDS = (
    "status",
    "opened_at",
    "customer_id",
    "contract_id",
    "ticket_type",
    "priority",
    "reaction_met",
    "resolution_met",
    "reaction_breached_at",
    "resolution_breached_at",
    "reaction_due",
    "resolution_due",
    "reaction_elapsed",
    "resolution_elapsed",
    "is_billable",
    "resolved_at",
    "time_spent",
)
# The same as model field names, for ``only()`` and ``refresh_from_db()``.
COLUMNS = tuple(name.removesuffix("_id") for name in FIELDS)

Key = tuple[date, int, int, str, int]  # month, customer, contract, type, priority (0: none)


@dataclass(frozen=True)
class Contribution:
    key: Key
    counts: tuple[int, ...]  # in the order of COUNTS
    reaction_pending: datetime | None  # due once the clock passes it (see PendingDue)
    resolution_pending: datetime | None
    billable: tuple[tuple[date, int], timedelta] | None = None  # (month resolved, customer)
    timed: tuple[tuple[int, int], ...] = ()  # (TimedMetric, fine bin): the medians' counts


def month_of(instant: datetime) -> date:
    return instant.astimezone(staff_zone()).date().replace(day=1)


def contribution(ticket) -> Contribution | None:
    """None for a ticket the dashboard counts live (not ended) or never (not opened)."""
    if ticket.status not in ENDED_STATUSES or ticket.opened_at is None:
        return None
    withdrawn = ticket.status == TicketStatus.WITHDRAWN
    r_settled = ticket.reaction_met is not None or ticket.reaction_breached_at is not None
    s_settled = ticket.resolution_met is not None or ticket.resolution_breached_at is not None
    counts = (
        1,
        int(r_settled),
        int(ticket.reaction_met is True),
        int(s_settled),
        int(ticket.resolution_met is True),
        int(ticket.reaction_elapsed is not None),
        int(ticket.resolution_met is not None and ticket.resolution_elapsed is not None),
        int(withdrawn),
    )
    open_ended = not withdrawn
    timed = []
    if counts[5]:
        timed.append((TimedMetric.REACTION.value, fine_bin(ticket.reaction_elapsed)))
    if counts[6]:
        timed.append((TimedMetric.RESOLUTION.value, fine_bin(ticket.resolution_elapsed)))
    return Contribution(
        key=(
            month_of(ticket.opened_at),
            ticket.customer_id,
            ticket.contract_id,
            ticket.ticket_type,
            ticket.priority or 0,
        ),
        counts=counts,
        reaction_pending=ticket.reaction_due if open_ended and not r_settled else None,
        resolution_pending=ticket.resolution_due if open_ended and not s_settled else None,
        billable=(
            ((month_of(ticket.resolved_at), ticket.customer_id), ticket.time_spent or timedelta())
            if ticket.is_billable and ticket.resolved_at is not None
            else None
        ),
        timed=tuple(timed),
    )
