"""Tickets' models, by concern: the ticket, what happens on it, and what the portal tells people."""

from .activity import (
    Attachment,
    ChangeAction,
    Message,
    MessageKind,
    SlaEvent,
    SlaEventKind,
    TicketChange,
    attachment_path,
)
from .notifications import OutboxMessage, QuotaNotice, SlaAlert, SlaAlertKind, SlaMetric
from .ticket import (
    ONLINE_CHANNELS,
    OPEN_RUNNING,
    OPEN_STATUSES,
    REACTION_UNMARKED,
    RESOLUTION_UNMARKED,
    SLA_EVENTS,
    Channel,
    RootCause,
    Ticket,
    TicketStatus,
    WithdrawReason,
)

__all__ = [
    "ONLINE_CHANNELS",
    "OPEN_RUNNING",
    "OPEN_STATUSES",
    "REACTION_UNMARKED",
    "RESOLUTION_UNMARKED",
    "SLA_EVENTS",
    "Attachment",
    "ChangeAction",
    "Channel",
    "Message",
    "MessageKind",
    "OutboxMessage",
    "QuotaNotice",
    "RootCause",
    "SlaAlert",
    "SlaAlertKind",
    "SlaEvent",
    "SlaEventKind",
    "SlaMetric",
    "Ticket",
    "TicketChange",
    "TicketStatus",
    "WithdrawReason",
    "attachment_path",
]
