"""The engineers' queue: every open ticket of every customer, most urgent first.

By default it shows the open queue. The status filter reaches every status (one of them, or
"any"), and text search (subjects, descriptions and the whole conversation, see ``search``)
follows it; a search for ``#123`` (or a bare ``123``) finds ticket 123
whatever its status, deferred requests included. Other filters (customer, type...) still apply.

One selector builds the page. Its query count does not depend on the number of tickets: one
COUNT for the paginator (capped: ``tickets.selectors.paging``), one page of rows with their
relations joined, and two queries for the SLA terms of the contracts on the page (business
time left is computed for those rows only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.paginator import Page
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from packages.models import Contract, Customer
from packages.roles import is_support_staff
from search.selectors import either_q, text_q, ticket_number
from sla.selectors import terms_for_contracts
from sla.terms import Terms
from tickets.models import OPEN_STATUSES, Ticket
from tickets.selectors.access import tickets_visible_to
from tickets.selectors.paging import LIST_CAP, SEARCH_CAP, CappedPaginator
from tickets.selectors.sla_status import at_risk_q, breached_q
from tickets.services.sla_effects import describe_margin

PAGE_SIZE = 25
ANY_STATUS = "any"  # the status filter's "every ticket, open or ended"


def business_left_text(delta: timedelta | None) -> str:
    """ "2 h 05 min left" or "35 min overdue" (business time)."""
    if delta is None:
        return ""
    if delta >= timedelta(0):
        return _("%(time)s left") % {"time": describe_margin(delta)}
    return _("%(time)s overdue") % {"time": describe_margin(delta)}


@dataclass
class SlaView:
    """What a list or a panel shows about a ticket's SLA at ``now``."""

    due: datetime | None = None
    due_kind: str = ""  # "reaction" or "resolution"
    time_left: timedelta | None = None  # business time; negative once overdue
    breached: bool = False
    at_risk: bool = False
    paused: bool = False
    badges: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return self.time_left is not None and self.time_left < timedelta(0)

    @property
    def time_left_text(self) -> str:
        return business_left_text(self.time_left)

    @property
    def badge_items(self) -> list[tuple[str, str, str]]:
        """(name, Bootstrap class, label) of each badge, for the templates."""
        return [(name, *BADGES[name]) for name in self.badges]


BADGES = {
    "breached": ("text-bg-danger", _lazy("breached")),
    "at_risk": ("text-bg-warning", _lazy("at risk")),
    "paused": ("text-bg-secondary", _lazy("paused")),
    "over_quota": ("text-bg-info", _lazy("over quota")),
    "deferred": ("text-bg-light border", _lazy("deferred")),
    "billable": ("text-bg-light border", _lazy("billable")),
}


def ticket_sla_view(ticket: Ticket, *, terms: Terms | None, now: datetime) -> SlaView:
    """Badges and business time left from the ticket's SLA columns (no query)."""
    view = SlaView(due=ticket.next_due, paused=ticket.sla_paused and ticket.is_open)
    if ticket.next_due is not None:
        view.due_kind = "reaction" if ticket.first_response_at is None else "resolution"
    unmet_overdue = ticket.is_open and ticket.next_due is not None and ticket.next_due < now
    view.breached = bool(
        ticket.reaction_breached_at or ticket.resolution_breached_at or unmet_overdue
    )
    if ticket.is_open and not view.breached:
        reaction_risk = ticket.first_response_at is None and (
            ticket.reaction_at_risk_at is not None and now >= ticket.reaction_at_risk_at
        )
        resolution_risk = (
            ticket.resolution_at_risk_at is not None and now >= ticket.resolution_at_risk_at
        )
        view.at_risk = reaction_risk or resolution_risk
    if terms is not None and ticket.next_due is not None and ticket.is_open:
        try:
            calendar = terms.target(ticket.ticket_type, ticket.priority).calendar
        except ValueError:  # the terms lost this target: show the wall-clock due only
            calendar = None
        if calendar is not None:
            if now <= ticket.next_due:
                view.time_left = calendar.business_time(now, ticket.next_due)
            else:
                view.time_left = -calendar.business_time(ticket.next_due, now)
    for flag, name in (
        (view.breached, "breached"),
        (view.at_risk, "at_risk"),
        (view.paused, "paused"),
        (ticket.is_over_quota, "over_quota"),
        (ticket.is_deferred and ticket.is_open, "deferred"),
        (ticket.is_billable, "billable"),
    ):
        if flag:
            view.badges.append(name)
    return view


def _status_q(status: str | None) -> Q:
    """The status filter: "" (the open queue), one status, or "any" (every ticket)."""
    if status == ANY_STATUS:
        return Q()
    if status:
        return Q(status=status, is_deferred=False)
    return Q(status__in=OPEN_STATUSES, is_deferred=False)


def _search_q(text: str, in_status: Q, user) -> Q:
    """'#123' is that ticket, whatever its status; other text is looked for (``search``) in
    subjects, descriptions, the conversation with internal notes, and customer names, among
    the tickets of the status filter (a bare number also matches the ticket with that number,
    whatever its status)."""
    number = ticket_number(text)
    if number is not None and text.startswith("#"):
        return Q(pk=number)
    customers = Customer.objects.filter(name__icontains=text).values("pk")
    found = text_q(text, internal=is_support_staff(user), also=Q(customer__in=customers))
    found &= in_status
    if number is None:
        return found
    return either_q(
        Ticket.objects.filter(found).values("pk"), Ticket.objects.filter(pk=number).values("pk")
    )


def queue_tickets(*, user, filters: dict, now: datetime) -> QuerySet[Ticket]:
    """Tickets matching ``filters`` (a QueueFilterForm's cleaned values): the open queue unless
    the status filter says otherwise, nearest due first (nothing running last), then oldest
    (outside the open queue: newest)."""
    if not is_support_staff(user):
        raise Http404
    status = filters.get("status") or ""
    in_status = _status_q(status)
    text = (filters.get("q") or "").strip()
    qs = tickets_visible_to(user)
    qs = qs.filter(_search_q(text, in_status, user)) if text else qs.filter(in_status)
    if filters.get("package") not in (None, ""):  # by contract ids: stays on the queue index
        contracts = Contract.objects.filter(package=filters["package"]).values("pk")
        qs = qs.filter(contract__in=contracts)
    simple = {
        "customer": "customer",
        "ticket_type": "ticket_type",
        "priority": "priority",
        "assignee": "assignee",
    }
    for key, lookup in simple.items():
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{lookup: value})
    if filters.get("mine"):
        qs = qs.filter(assignee=user)
    if filters.get("unassigned"):
        qs = qs.filter(assignee__isnull=True)
    if filters.get("breached"):
        qs = qs.filter(breached_q(now))
    if filters.get("at_risk"):
        qs = qs.filter(at_risk_q(now))
    if not status:
        return qs.order_by(F("next_due").asc(nulls_last=True), "opened_at", "pk")
    return qs.order_by(
        F("next_due").asc(nulls_last=True), F("opened_at").desc(nulls_last=True), "-pk"
    )


@dataclass
class QueueRow:
    ticket: Ticket
    sla: SlaView


def queue_page(*, user, filters: dict, page: object, now: datetime) -> Page:
    """One page of the queue; ``page.object_list`` holds QueueRow objects.

    The count and the page's ids come from the queue's covering index alone; only the page's
    rows are then read, with their relations, by primary key.
    """
    ids = queue_tickets(user=user, filters=filters, now=now).values_list("pk", flat=True)
    cap = SEARCH_CAP if (filters.get("q") or "").strip() else LIST_CAP
    current = CappedPaginator(ids, PAGE_SIZE, cap=cap).get_page(page)
    page_ids = list(current.object_list)
    rows = (
        Ticket.objects.select_related("customer", "contract__package", "assignee", "component")
        .only(*_ROW_FIELDS)
        .in_bulk(page_ids)
    )
    tickets = [rows[pk] for pk in page_ids if pk in rows]
    terms = terms_for_contracts({t.contract_id: t.contract for t in tickets}.values())
    current.object_list = [
        QueueRow(ticket=t, sla=ticket_sla_view(t, terms=terms.get(t.contract_id), now=now))
        for t in tickets
    ]
    return current


# Only what a row shows: the description can be long and is never displayed in the list.
_ROW_FIELDS = (
    "pk",
    "subject",
    "ticket_type",
    "priority",
    "status",
    "opened_at",
    "next_due",
    "first_response_at",
    "reaction_breached_at",
    "resolution_breached_at",
    "reaction_at_risk_at",
    "resolution_at_risk_at",
    "sla_paused",
    "is_over_quota",
    "is_deferred",
    "is_billable",
    "customer",
    "contract",
    "assignee",
    "component",
    "customer__name",
    "contract__package__name",
    "contract__package_id",
    "contract__time_zone",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "component__name",
    "component__code",  # the API's rows name it by code
    "component__kind",
)
