"""Reads for the customer portal: the organisation's list, one ticket's public side, badges.

Every query starts from ``tickets.selectors.access`` so another organisation's rows never
appear; internal notes, their attachments and staff-only history are filtered out here, not in
templates.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet

from packages.models import Contract
from packages.selectors import contract_in_force
from search.selectors import search_q
from tickets.models import (
    OPEN_STATUSES,
    Attachment,
    ChangeAction,
    Message,
    MessageKind,
    Ticket,
    TicketChange,
    TicketStatus,
)
from tickets.selectors.access import tickets_visible_to
from tickets.selectors.history import CUSTOMER, HistoryEntry, history_entries
from tickets.selectors.quota import QuotaStatus, quota_month_of, quota_status
from tickets.selectors.sla_status import reaction_breached_now, resolution_breached_now

# History a customer may read: what happened to their ticket and why its due times moved
# (an extension states its reason), never the staff's notes, assignments or SLA alerts.
CUSTOMER_HISTORY_FIELDS = ("status", "priority", "ticket_type", "component")
CUSTOMER_HISTORY_ACTIONS = (
    ChangeAction.FILED, ChangeAction.OPENED_DEFERRED, ChangeAction.EXTEND, ChangeAction.SLA_RETIMED
)

LIST_STATES = ("open", "closed", "all")


def customer_ticket_list(user, *, state: str = "open", text: str = "") -> QuerySet[Ticket]:
    """The user's organisation's tickets, newest first; ``state`` is open, closed or all;
    ``text`` searches subjects, descriptions and the public conversation (``search``)."""
    tickets = tickets_visible_to(user).select_related("component", "reporter", "contract")
    if text.strip():
        tickets = tickets.filter(search_q(text, user=user))
    if state == "open":
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    elif state == "closed":
        tickets = tickets.exclude(status__in=OPEN_STATUSES)
    return tickets.order_by("-created_at", "-pk")


def customer_messages(ticket: Ticket) -> QuerySet[Message]:
    """The public conversation (internal notes excluded), with authors and attachments."""
    return (
        Message.objects.filter(ticket=ticket)
        .exclude(kind=MessageKind.INTERNAL_NOTE)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )


def customer_filing_attachments(ticket: Ticket) -> QuerySet[Attachment]:
    """Files sent with the ticket itself (not with a message)."""
    return Attachment.objects.filter(ticket=ticket, message__isnull=True).order_by("pk")


def customer_history(ticket: Ticket) -> list[HistoryEntry]:
    """Status and classification changes and extensions, in the reader's words, with the due
    times they set; internal-note rows and the staff's SLA figures stay hidden."""
    rows = (
        TicketChange.objects.filter(ticket=ticket)
        .filter(Q(field__in=CUSTOMER_HISTORY_FIELDS) | Q(action__in=CUSTOMER_HISTORY_ACTIONS))
        .select_related("actor")
        .order_by("at", "pk")
    )
    return history_entries(rows, audience=CUSTOMER)


def deferred_month(ticket: Ticket) -> date | None:
    """The month a deferred request will open in: the one after the month it was filed."""
    if not ticket.is_deferred or ticket.status == TicketStatus.WITHDRAWN:
        return None
    filed = quota_month_of(ticket.created_at, ticket.contract.time_zone)
    return date(filed.year + filed.month // 12, filed.month % 12 + 1, 1)


@dataclass(frozen=True)
class SlaBadge:
    """How one metric stands: met, breached, paused, due (running), withdrawn (ended unmet:
    counts neither way) or none (not applicable)."""

    state: str
    due: datetime | None


def reaction_badge(ticket: Ticket, *, now: datetime) -> SlaBadge:
    if ticket.is_deferred or ticket.opened_at is None:
        return SlaBadge("none", None)
    if reaction_breached_now(ticket, now):
        return SlaBadge("breached", ticket.reaction_due)
    if ticket.reaction_met:
        return SlaBadge("met", ticket.reaction_due)
    if ticket.status == TicketStatus.WITHDRAWN:
        return SlaBadge("withdrawn", None)
    return SlaBadge("due", ticket.reaction_due)


def resolution_badge(ticket: Ticket, *, now: datetime) -> SlaBadge:
    if ticket.is_deferred or ticket.opened_at is None:
        return SlaBadge("none", None)
    if resolution_breached_now(ticket, now):
        return SlaBadge("breached", ticket.resolution_due)
    if ticket.resolution_met:
        return SlaBadge("met", ticket.resolution_due)
    if ticket.status == TicketStatus.WITHDRAWN:
        return SlaBadge("withdrawn", None)
    if ticket.sla_paused or ticket.status == TicketStatus.WAITING:
        return SlaBadge("paused", None)
    return SlaBadge("due", ticket.resolution_due)


def annotate_badges(tickets, *, now: datetime) -> None:
    """Attach ``reaction_badge``, ``resolution_badge`` and ``deferred_until`` (no queries)."""
    for ticket in tickets:
        ticket.reaction_badge = reaction_badge(ticket, now=now)
        ticket.resolution_badge = resolution_badge(ticket, now=now)
        ticket.deferred_until = deferred_month(ticket)


@dataclass(frozen=True)
class PortalQuota:
    """The organisation's quota this month, for the list and the filing form."""

    contract: Contract
    status: QuotaStatus

    @property
    def month_end(self) -> date:
        month = self.status.month
        return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def customer_quota(*, customer_id: int, now: datetime) -> PortalQuota | None:
    """The quota of the contract in force, or None without a contract or for unlimited ones."""
    contract = contract_in_force(customer=customer_id, at=now)
    if contract is None or not contract.package.has_quota:
        return None
    return PortalQuota(contract=contract, status=quota_status(contract=contract, now=now))
