"""Everything the engineer's ticket workspace shows, read in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch
from django.http import Http404

from packages.roles import is_support_staff
from sla.selectors import terms_for_contract
from tickets.models import Attachment, Message, Ticket, TicketChange
from tickets.selectors.access import ticket_for_user
from tickets.selectors.history import HistoryEntry, history_entries
from tickets.selectors.queue import SlaView, business_left_text, ticket_sla_view
from tickets.selectors.sla_status import reaction_breached_now, resolution_breached_now
from tickets.services.sla_effects import describe_margin


@dataclass
class SlaPanel:
    """The SLA panel: both metrics, with business time left for the ones still running."""

    view: SlaView
    reaction_left: timedelta | None
    resolution_left: timedelta | None
    reaction_breached: bool
    resolution_breached: bool

    @property
    def reaction_left_text(self) -> str:
        return business_left_text(self.reaction_left)

    @property
    def resolution_left_text(self) -> str:
        return business_left_text(self.resolution_left)


@dataclass
class Workspace:
    ticket: Ticket
    messages: list[Message]
    filed_attachments: list[Attachment]
    history: list[HistoryEntry]
    sla: SlaPanel

    @property
    def time_spent_text(self) -> str:
        spent = self.ticket.time_spent
        return describe_margin(spent) if spent else ""


def _left(calendar, due: datetime | None, now: datetime) -> timedelta | None:
    if calendar is None or due is None:
        return None
    if now <= due:
        return calendar.business_time(now, due)
    return -calendar.business_time(due, now)


def staff_messages(ticket: Ticket):
    """The whole conversation, internal notes included, with authors and attachments."""
    return (
        Message.objects.filter(ticket=ticket)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )


def sla_panel(ticket: Ticket, *, terms, now: datetime) -> SlaPanel:
    """Both metrics at ``now`` from the ticket's SLA columns and its contract's ``terms``
    (None: no business time left is computed). No query."""
    calendar = None
    if ticket.opened_at is not None and terms is not None:
        try:
            calendar = terms.target(ticket.ticket_type, ticket.priority).calendar
        except ValueError:
            calendar = None
    view = ticket_sla_view(ticket, terms=terms if ticket.opened_at else None, now=now)
    running = ticket.is_open and not ticket.is_deferred
    reaction_left = (
        _left(calendar, ticket.reaction_due, now)
        if running and ticket.first_response_at is None
        else None
    )
    resolution_left = (
        _left(calendar, ticket.resolution_due, now) if running and not ticket.sla_paused else None
    )
    return SlaPanel(
        view=view,
        reaction_left=reaction_left,
        resolution_left=resolution_left,
        reaction_breached=reaction_breached_now(ticket, now),
        resolution_breached=resolution_breached_now(ticket, now),
    )


def ticket_workspace(*, user, pk, now: datetime) -> Workspace:
    """The ticket with its full conversation (internal notes included), files and history."""
    if not is_support_staff(user):
        raise Http404
    ticket = ticket_for_user(user, pk)
    messages = list(staff_messages(ticket))
    filed = list(Attachment.objects.filter(ticket=ticket, message__isnull=True).order_by("pk"))
    history = history_entries(
        TicketChange.objects.filter(ticket=ticket).select_related("actor").order_by("at", "pk")
    )
    terms = terms_for_contract(ticket.contract) if ticket.opened_at is not None else None
    return Workspace(
        ticket=ticket,
        messages=messages,
        filed_attachments=filed,
        history=history,
        sla=sla_panel(ticket, terms=terms, now=now),
    )
