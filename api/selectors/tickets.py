"""The API's reads, built on the portal's selectors (same access checks, same SLA answers).

* Lists start from ``tickets_visible_to`` and filter with the queue's definitions of
  "breached now" and "at risk now"; one page costs the same queries at any table size.
* The SLA of each ticket is the workspace's panel and the contacts' badges, at ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.http import Http404

from packages.roles import Role, is_manager, is_support_staff, role_of
from search.selectors import search_q
from sla.selectors import terms_for_contracts
from tickets.models import OPEN_STATUSES, Attachment, MessageKind, Ticket, TicketStatus
from tickets.selectors.access import tickets_visible_to
from tickets.selectors.customer import (
    customer_filing_attachments,
    customer_messages,
    deferred_month,
    reaction_badge,
    resolution_badge,
)
from tickets.selectors.sla_status import at_risk_q, breached_q
from tickets.selectors.workspace import sla_panel, staff_messages
from tickets.services.status import can_reopen, follow_up_refusal, reopen_deadline

LIST_RELATED = ("customer", "contract__package", "component", "assignee", "reporter")


def api_ticket_list(*, user, filters: dict, now: datetime) -> QuerySet[Ticket]:
    """The tickets the user may see, filtered (a TicketFilterSerializer's values), as ids:
    the page is chosen on the ticket table alone (its primary key order), and only the
    page's rows are then read with their relations (``api_tickets_by_id``). Joined, SQLite
    would start from the small tables and sort every ticket (1.2 s at 100,000)."""
    qs = tickets_visible_to(user).order_by()
    status = filters.get("status")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    for key in ("ticket_type", "priority"):
        if filters.get(key) is not None:
            qs = qs.filter(**{key: filters[key]})
    if filters.get("customer") is not None:
        qs = qs.filter(customer_id=filters["customer"])
    if (filters.get("search") or "").strip():
        qs = qs.filter(search_q(filters["search"], user=user))
    if filters.get("updated_since") is not None:
        qs = qs.filter(updated_at__gte=filters["updated_since"])
    for key, condition in (("breached", breached_q(now)), ("at_risk", at_risk_q(now))):
        if filters.get(key) is True:
            qs = qs.filter(condition)
        elif filters.get(key) is False:
            qs = qs.exclude(condition)
    return qs.values("id")


def api_tickets_by_id(ids: list[int]) -> list[Ticket]:
    """The rows of one page, in the page's order, with what a row shows (one query)."""
    rows = Ticket.objects.select_related(*LIST_RELATED).in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


@dataclass(frozen=True)
class Metric:
    state: str
    due: datetime | None
    met: bool | None
    breached_at: datetime | None
    time_left_seconds: int | None


@dataclass(frozen=True)
class ApiSla:
    reaction: Metric
    resolution: Metric
    next_due: datetime | None
    next_due_kind: str | None
    time_left_seconds: int | None
    breached: bool
    at_risk: bool
    paused: bool
    extended: bool
    extension_reason: str


def _seconds(delta: timedelta | None) -> int | None:
    return None if delta is None else int(delta.total_seconds())


def ticket_sla(ticket: Ticket, *, terms, now: datetime) -> ApiSla:
    """Due times, met / breached, paused and business time left, as the pages show them."""
    panel = sla_panel(ticket, terms=terms, now=now)
    reaction, resolution = reaction_badge(ticket, now=now), resolution_badge(ticket, now=now)
    view = panel.view
    return ApiSla(
        reaction=Metric(
            reaction.state,
            ticket.reaction_due,
            ticket.reaction_met,
            ticket.reaction_breached_at,
            _seconds(panel.reaction_left),
        ),
        resolution=Metric(
            resolution.state,
            ticket.resolution_due,
            ticket.resolution_met,
            ticket.resolution_breached_at,
            _seconds(panel.resolution_left),
        ),
        next_due=view.due,
        next_due_kind=view.due_kind or None,
        time_left_seconds=_seconds(view.time_left),
        breached=view.breached,
        at_risk=view.at_risk,
        paused=view.paused,
        extended=ticket.sla_extended,
        extension_reason=ticket.extension_reason,
    )


def annotate_api_sla(tickets: list[Ticket], *, now: datetime) -> list[Ticket]:
    """Attach ``api_sla`` and ``api_deferred_until`` to loaded tickets: two queries for the
    terms of their contracts, whatever their number."""
    terms = terms_for_contracts({t.contract_id: t.contract for t in tickets}.values())
    for ticket in tickets:
        ticket.api_sla = ticket_sla(ticket, terms=terms.get(ticket.contract_id), now=now)
        ticket.api_deferred_until = deferred_month(ticket)
    return tickets


def allowed_actions(ticket: Ticket, *, user, now: datetime) -> list[str]:
    """What ``user`` may do to the ticket now (a hint: the action endpoints decide)."""
    role = role_of(user)
    reopenable = can_reopen(ticket, now=now)
    if role == Role.CONTACT:
        found = []
        if follow_up_refusal(ticket, now=now) is None:
            found.append("comment")
        if ticket.is_open:
            found.append("withdraw")
        if ticket.status == TicketStatus.RESOLVED:
            found.append("close")
        if reopenable:
            found.append("reopen")
        return found
    if not is_support_staff(user):
        return []
    found = ["take", "assign", "reply"]
    if ticket.is_open and not ticket.is_deferred:
        found += ["status", "resolve", "withdraw", "priority", "reclassify", "component"]
        if is_manager(user) and not ticket.sla_extended:
            found.append("extend")
    elif ticket.is_open:
        found.append("withdraw")
    if reopenable:
        found.append("reopen")
    return found


def api_ticket_detail(*, user, ticket: Ticket, now: datetime) -> Ticket:
    """The ticket (from ``ticket_for_user``) with its SLA, files and what the user may do."""
    annotate_api_sla([ticket], now=now)
    ticket.api_reopen_until = reopen_deadline(ticket)
    ticket.api_attachments = list(customer_filing_attachments(ticket))
    ticket.api_actions = allowed_actions(ticket, user=user, now=now)
    return ticket


def api_messages(*, user, ticket: Ticket):
    """The conversation: public entries for contacts, internal notes too for staff."""
    if is_support_staff(user):
        return staff_messages(ticket).order_by("pk")
    if role_of(user) == Role.CONTACT:
        return customer_messages(ticket).order_by("pk")
    raise Http404


def api_attachments(*, user, ticket: Ticket) -> QuerySet[Attachment]:
    """The ticket's files (contacts: never those of internal notes)."""
    files = Attachment.objects.filter(ticket=ticket)
    if not is_support_staff(user):
        files = files.exclude(message__kind=MessageKind.INTERNAL_NOTE)
    return files.order_by("pk")
