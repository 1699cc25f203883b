"""The demo history tells one consistent story per ticket, whichever way it was written.

Seeded with a fixed RNG at the test's fixed instant (``now``), the whole history is checked:
every ticket's SLA events, messages, history rows and mails are in time order and inside its
life; replies come before the resolution; every ticket worked on has the engineer who did the
work as assignee; statuses agree with the timestamps; the SLA columns are the engine's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.conf import settings

from packages.demo import demo_seed
from packages.selectors import contract_in_force
from tickets.demo_history import SUBJECT_PREFIX, Plan, _through_services, demo_history_seed
from tickets.demo_history_rows import HistoryRows
from tickets.models import (
    Message,
    MessageKind,
    OutboxMessage,
    SlaAlert,
    SlaEvent,
    SlaEventKind,
    Ticket,
    TicketChange,
    TicketStatus,
)
from tickets.services.sla import ticket_sla_state

pytestmark = pytest.mark.django_db
REOPEN = dt.timedelta(days=settings.PORTAL_REOPEN_DAYS)
ENDED = (TicketStatus.RESOLVED, TicketStatus.CLOSED)


@pytest.fixture
def seeded(now):
    demo_seed(now=now, with_tickets=False)
    assert demo_history_seed(now=now, rng_seed=7) > 300
    tickets = list(
        Ticket.objects.filter(subject__startswith=SUBJECT_PREFIX)
        .select_related("contract")
        .order_by("pk")
    )
    ids = [t.pk for t in tickets]

    def by_ticket(qs, order):
        grouped = defaultdict(list)
        for row in qs.filter(ticket_id__in=ids).order_by(*order):
            grouped[row.ticket_id].append(row)
        return grouped

    return {
        "now": now,
        "tickets": tickets,
        "events": by_ticket(SlaEvent.objects.all(), ["seq"]),
        "messages": by_ticket(Message.objects.all(), ["pk"]),
        "changes": by_ticket(TicketChange.objects.all(), ["pk"]),
        "mails": by_ticket(OutboxMessage.objects.all(), ["pk"]),
        "alerts": by_ticket(SlaAlert.objects.all(), ["pk"]),
    }


def test_every_ticket_of_the_history_is_consistent(seeded):
    now, problems = seeded["now"], []
    statuses = defaultdict(int)
    for ticket in seeded["tickets"]:
        statuses[ticket.status] += 1
        for problem in _problems(ticket, seeded, now):
            problems.append(f"#{ticket.pk} {ticket.status}: {problem}")
    assert not problems, "\n".join(problems[:30])
    # and the history has every kind of ticket
    assert statuses[TicketStatus.CLOSED] > 100 and statuses[TicketStatus.RESOLVED] > 5
    assert statuses[TicketStatus.NEW] and statuses[TicketStatus.IN_PROGRESS]
    assert statuses[TicketStatus.WAITING]


def _problems(ticket: Ticket, seeded: dict, now: dt.datetime):
    events = seeded["events"][ticket.pk]
    messages = seeded["messages"][ticket.pk]
    changes = seeded["changes"][ticket.pk]
    steps = [c for c in changes if not c.action.startswith("sla_")]
    ended = ticket.status in ENDED

    # the ticket's own times: filed = opened <= first reply <= resolved <= closed <= now
    times = [ticket.opened_at, ticket.first_response_at, ticket.resolved_at, ticket.closed_at]
    known = [t for t in times if t is not None]
    if known != sorted(known) or known[-1] > now or ticket.created_at != ticket.opened_at:
        yield f"times out of order: {times}, filed {ticket.created_at}"
    if not ticket.opened_at <= ticket.updated_at <= now:
        yield f"updated at {ticket.updated_at}"

    # SLA events: 0..n in time order, opening first, the columns at their events
    if [e.seq for e in events] != list(range(len(events))) or events[0].kind != SlaEventKind.OPEN:
        yield "SLA log not 0..n starting with OPEN"
    if [e.at for e in events] != sorted(e.at for e in events) or events[0].at != ticket.opened_at:
        yield "SLA events out of time order"
    kinds = {e.kind: e.at for e in events}
    if kinds.get(SlaEventKind.FIRST_RESPONSE) != ticket.first_response_at:
        yield "first response column differs from its event"
    if kinds.get(SlaEventKind.RESOLVE) != ticket.resolved_at:
        yield "resolved column differs from its event"

    # messages: in time order, inside the ticket's life, replies before the resolution
    written = [m.created_at for m in messages]
    if written != sorted(written):
        yield "messages out of time order"
    last = ticket.resolved_at or now
    if any(not ticket.opened_at <= at <= last for at in written):
        yield f"a message outside [opened, resolved or now]: {written}"
    replies = [m for m in messages if m.kind == MessageKind.PUBLIC_REPLY]
    if replies and replies[0].created_at != ticket.first_response_at:
        yield "the first public reply is not the first response"
    if any(m.author_id != ticket.assignee_id for m in replies):
        yield "a public reply by someone else than the assignee"
    comments = [m for m in messages if m.kind == MessageKind.CUSTOMER_COMMENT]
    if any(m.author_id != ticket.reporter_id for m in comments):
        yield "a customer comment by someone else than the reporter"

    # history: filed first, then each change in time order, all inside the life
    if not steps or steps[0].action != "filed" or steps[0].at != ticket.opened_at:
        yield "history does not start with the filing"
    elif steps[0].actor_id != ticket.reporter_id:
        yield "filed by someone else than the reporter"
    if [c.at for c in steps] != sorted(c.at for c in steps):
        yield "history out of time order"
    if any(not ticket.opened_at <= c.at <= now for c in changes):
        yield "a history row outside the ticket's life"
    status_rows = [c for c in steps if c.field == "status"]
    if status_rows and status_rows[-1].new_value != ticket.status:
        yield f"history ends on {status_rows[-1].new_value}"

    # status against the other columns
    worked = ticket.status != TicketStatus.NEW
    if worked != (ticket.first_response_at is not None) or worked != bool(ticket.assignee_id):
        yield "worked on without reply or assignee, or the other way round"
    if ended != (ticket.resolved_at is not None) or ended != (ticket.resolution_met is not None):
        yield "ended without resolution or the other way round"
    if ended:
        resolve = [c for c in status_rows if c.new_value == TicketStatus.RESOLVED]
        if not resolve or resolve[-1].actor_id != ticket.assignee_id:
            yield "resolved by someone else than the assignee"
        if not ticket.root_cause or not ticket.time_spent:
            yield "resolved without root cause or time spent"
        if not replies or replies[-1].created_at > ticket.resolved_at:
            yield "resolved without a reply before it"
    closes = ticket.resolved_at is not None and ticket.resolved_at + REOPEN < now
    if (ticket.status == TicketStatus.CLOSED) != closes:
        yield "closed before the reopen window ended, or still resolved after it"
    if ticket.status == TicketStatus.CLOSED and (
        ticket.closed_at != ticket.resolved_at + REOPEN or status_rows[-1].actor_id
    ):
        yield "not closed by itself at the end of the window"
    if (ticket.status == TicketStatus.WAITING) != ticket.sla_paused:
        yield "waiting and paused disagree"

    # SLA columns: the engine's, replayed from the stored log as of now
    state = ticket_sla_state(ticket, as_of=now)
    for column in ("reaction_met", "reaction_breached_at", "resolution_met"):
        if getattr(ticket, column) != getattr(state, column):
            yield f"{column} {getattr(ticket, column)} but the engine says {getattr(state, column)}"
    if ended and ticket.resolution_breached_at != state.resolution_breached_at:
        yield "resolution breach differs from the engine"

    # every breach recorded when it happened: one history row, one alert
    for metric in ("reaction", "resolution"):
        at = getattr(ticket, f"{metric}_breached_at")
        rows = [c for c in changes if c.action == "sla_breach" and c.field == metric]
        alerts = [a for a in seeded["alerts"][ticket.pk] if a.metric == metric]
        if (at is None) != (not rows) or any(c.at != at for c in rows) or len(rows) > 1:
            yield f"{metric} breach at {at}, history {[c.at for c in rows]}"
        if [a.due_at for a in alerts] != ([at] if at else []):
            yield f"{metric} breach alerts {[a.due_at for a in alerts]}"

    # mails: sent, when their step happened
    for mail in seeded["mails"][ticket.pk]:
        if mail.sent_at is None or not ticket.opened_at <= mail.created_at <= mail.sent_at <= now:
            yield f"a mail written {mail.created_at}, sent {mail.sent_at}"


H, MIN, DAY = dt.timedelta(hours=1), dt.timedelta(minutes=1), dt.timedelta(days=1)


def _plans(now: dt.datetime) -> list[Plan]:
    """One plan of each shape a demo ticket takes, on a demo contact's contract."""
    from packages.models import Component, Contact
    from tickets.demo_history import KYIV, _staff

    contact = Contact.objects.select_related("customer").get(user__username="anna@acme.example")
    engineer, component = _staff()[0], Component.objects.get(code="inbound-calls")
    base = (now - 40 * DAY).astimezone(KYIV).replace(hour=10, minute=0, second=0, microsecond=0)
    shapes = [
        {},  # new: nobody replied yet
        {"reply_at": 30 * MIN},  # in progress
        {"reply_at": 30 * MIN, "wait": (2 * H, None)},  # waiting for the customer
        {"reply_at": 20 * MIN, "wait": (H, 5 * H), "resolve_at": 6 * H},  # answered, resolved
        {"reply_at": 3 * DAY, "resolve_at": 4 * DAY},  # both late; closed after the window
        {"reply_at": 10 * MIN, "resolve_at": 30 * DAY + H},  # still resolved now
    ]
    plans = []
    for i, shape in enumerate(shapes):
        opened = base + i * 7 * MIN
        wait = shape.get("wait")
        plans.append(
            Plan(
                contact=contact,
                contract=contract_in_force(customer=contact.customer, at=opened),
                ticket_type="incident",
                priority=2,
                component=component,
                subject=f"{SUBJECT_PREFIX}shape {i}",
                opened=opened,
                engineer=engineer,
                now=now,
                reply_at=opened + shape["reply_at"] if "reply_at" in shape else None,
                wait=(opened + wait[0], wait[1] and opened + wait[1]) if wait else None,
                resolve_at=opened + shape["resolve_at"] if "resolve_at" in shape else None,
                cause="third_party",
                spent=45 * MIN,
            )
        )
    return plans


def test_the_rows_say_what_the_services_would(now):
    """A plan written as rows gives the ticket, log, talk and history the services give."""
    from sla.selectors import terms_for_contract

    demo_seed(now=now, with_tickets=False)
    plans = _plans(now)
    rows = HistoryRows(terms_for_contract)
    for plan in plans:
        rows.add(plan)
    by_rows = rows.save()
    by_services = [_through_services(plan) for plan in plans]
    statuses = set()
    for plan, row_pk, service_pk in zip(plans, by_rows, by_services, strict=True):
        story = _story(row_pk)
        assert story == _story(service_pk), plan.subject
        statuses.add(story["ticket"]["status"])
    assert statuses == {"new", "in_progress", "waiting", "resolved", "closed"}


SLA_COLUMNS = (
    "status",
    "assignee_id",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "reaction_due",
    "reaction_met",
    "reaction_breached_at",
    "reaction_elapsed",
    "resolution_due",
    "resolution_met",
    "resolution_breached_at",
    "resolution_elapsed",
    "next_due",
    "sla_paused",
    "root_cause",
    "time_spent",
    "is_billable",
)


def _story(pk: int) -> dict:
    """What a ticket is, minus its ids: its columns, SLA log, messages and history."""
    ticket = Ticket.objects.values(*SLA_COLUMNS).get(pk=pk)
    return {
        "ticket": ticket,
        "events": list(SlaEvent.objects.filter(ticket_id=pk).values_list("seq", "at", "kind")),
        "messages": list(
            Message.objects.filter(ticket_id=pk)
            .order_by("pk")
            .values_list("author_id", "kind", "body", "created_at")
        ),
        "history": list(
            TicketChange.objects.filter(ticket_id=pk)
            .order_by("pk")
            .values_list(
                "actor_id", "at", "action", "field", "old_value", "new_value", "effects"
            )
        ),
    }
