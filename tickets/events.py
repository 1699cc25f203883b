"""What happened to a ticket, said once by the services for whoever listens (the web hooks).

The signals are sent inside the service's transaction, so a receiver's rows (an outgoing web
hook delivery) commit or roll back with the change itself. Receivers must not do I/O: they
write rows and leave sending to a task after commit.

Event names are the ones web hook owners subscribe to.
"""

from __future__ import annotations

from datetime import datetime

from django.dispatch import Signal

TICKET_CREATED = "ticket.created"
TICKET_UPDATED = "ticket.updated"
TICKET_COMMENTED = "ticket.commented"
TICKET_RESOLVED = "ticket.resolved"
TICKET_REOPENED = "ticket.reopened"
SLA_AT_RISK = "sla.at_risk"
SLA_BREACHED = "sla.breached"
QUOTA_80 = "quota.80"
QUOTA_100 = "quota.100"

# kwargs: event, ticket, now, actor, action, before (a ``ticket_snapshot`` or None), message
ticket_event = Signal()
# kwargs: batch (the SlaAlert rows' batch id), now
sla_alerts_recorded = Signal()
# kwargs: contract, month, threshold (80 or 100), used, limit, now
quota_threshold_reached = Signal()

SNAPSHOT_FIELDS = (
    "status",
    "ticket_type",
    "priority",
    "component_id",
    "assignee_id",
    "sla_extended",
    "sla_paused",
    "reaction_due",
    "resolution_due",
    "is_deferred",
)


def ticket_snapshot(ticket) -> dict:
    """The fields whose changes an ``ticket.updated`` event lists (machine values)."""
    return {name: getattr(ticket, name) for name in SNAPSHOT_FIELDS}


def ticket_event_emit(
    event: str,
    *,
    ticket,
    now: datetime,
    actor=None,
    action: str = "",
    before: dict | None = None,
    message=None,
) -> None:
    ticket_event.send(
        sender=type(ticket),
        event=event,
        ticket=ticket,
        now=now,
        actor=actor,
        action=action,
        before=before,
        message=message,
    )
