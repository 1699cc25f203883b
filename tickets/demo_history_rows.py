"""The older demo history as rows, and what both ways of seeding it finish with.

``HistoryRows`` writes a planned ticket's life (``tickets.demo_history.Plan``) with
bulk_create: the SLA events, messages and history rows the services would write for the same
steps, with the SLA state and each history row's SLA sentence replayed through the pure
engine step by step, as the services do. A test seeds one plan both ways and compares.

``breaches_record`` adds what the every-minute SLA check records when a metric breaches (the
breach time, a history row and an alert, at that moment); ``timestamps_fix`` dates each
ticket's row by its life rather than by the day it was seeded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Max, Q

from sla.clock import Event, SlaState, evaluate
from sla.selectors import is_counting_type
from tickets.models import (
    OPEN_STATUSES,
    ChangeAction,
    Message,
    MessageKind,
    RootCause,
    SlaAlert,
    SlaAlertKind,
    SlaEvent,
    SlaEventKind,
    SlaMetric,
    Ticket,
    TicketChange,
    TicketStatus,
)
from tickets.selectors.quota import quota_month_of
from tickets.services.alerts import NewAlert, alert_effects
from tickets.services.history import type_value
from tickets.services.sla import sla_state_to_ticket, ticket_sla_state
from tickets.services.sla_effects import Effect, effect, sla_effects

DESCRIPTION = "Demo history: generated to show the SLA dashboard."
BODIES = {
    "reply": "Thank you, we are looking into it.",
    "question": "Could you send us the logs of the last hour?",
    "answer": "Here are the logs you asked for.",
    "resolution": "We have fixed the cause; please check that it works for you now.",
}


@dataclass(frozen=True)
class Step:
    """One thing that happens to a ticket after filing: ``kind`` is a key of EFFECTS."""

    kind: str
    at: datetime


@dataclass(frozen=True)
class _Effect:
    """What a step does: the SLA event it appends, the message it writes, the status it
    moves to, and how its history row reads (action, field)."""

    event: str | None = None
    message: str | None = None  # a MessageKind
    status: str | None = None
    action: str = ChangeAction.STATUS
    field: str = "status"
    by_customer: bool = False


# take: the engineer takes it; reply: the first public reply; question + wait: a public reply
# asking the customer, then "waiting for customer"; answer: the customer's comment (resumes);
# resolution + resolve: the closing message, then resolved; close: by itself after the window.
EFFECTS = {
    "take": _Effect(action=ChangeAction.TAKE, field="assignee"),
    "reply": _Effect(
        event=SlaEventKind.FIRST_RESPONSE,
        message=MessageKind.PUBLIC_REPLY,
        status=TicketStatus.IN_PROGRESS,
        action=ChangeAction.REPLY,
    ),
    "question": _Effect(message=MessageKind.PUBLIC_REPLY, action=ChangeAction.REPLY, field=""),
    "wait": _Effect(event=SlaEventKind.PAUSE, status=TicketStatus.WAITING),
    "answer": _Effect(
        event=SlaEventKind.RESUME,
        message=MessageKind.CUSTOMER_COMMENT,
        status=TicketStatus.IN_PROGRESS,
        by_customer=True,
    ),
    "resolution": _Effect(message=MessageKind.PUBLIC_REPLY, action=ChangeAction.REPLY, field=""),
    "resolve": _Effect(event=SlaEventKind.RESOLVE, status=TicketStatus.RESOLVED),
    "close": _Effect(status=TicketStatus.CLOSED),
}


def user_label(user) -> str:
    """As the history names an assignee (``tickets.services.workflow``)."""
    return user.get_full_name() or user.get_username()


class HistoryRows:
    """Planned tickets, written in a few bulk statements by ``save``."""

    def __init__(self, terms_of) -> None:
        self.terms_of = terms_of
        self.tickets: list[Ticket] = []
        self.events: list[list[SlaEvent]] = []
        self.messages: list[list[Message]] = []
        self.changes: list[list[TicketChange]] = []
        self.quota: dict[tuple[int, date], int] = {}

    def add(self, plan) -> None:
        ticket = self._ticket(plan)
        terms = self.terms_of(plan.contract)
        kinds: list[tuple[str, datetime]] = []  # SLA events after the opening

        def state(as_of: datetime) -> SlaState:
            return evaluate(
                terms,
                type=plan.ticket_type,
                priority=plan.priority,
                opened_at=plan.opened,
                events=[Event(at=at, kind=kind) for kind, at in kinds],
                as_of=as_of,
            )

        events = [
            SlaEvent(
                seq=0,
                at=plan.opened,
                kind=SlaEventKind.OPEN,
                priority=plan.priority,
                ticket_type=plan.ticket_type,
            )
        ]
        messages: list[Message] = []
        after = state(plan.opened)
        changes = [
            TicketChange(
                actor=plan.contact.user,
                at=plan.opened,
                action=ChangeAction.FILED,
                new_value=type_value(plan.ticket_type, plan.priority),
                effects=sla_effects(None, after),
            )
        ]
        for step in plan.steps():
            does, at = EFFECTS[step.kind], step.at
            actor = plan.contact.user if does.by_customer else plan.engineer
            before = state(at)
            old = ticket.status if does.field == "status" else ""
            if does.message:
                messages.append(
                    Message(
                        author=actor, kind=does.message, body=BODIES[step.kind], created_at=at
                    )
                )
            if does.event:
                kinds.append((does.event, at))
                events.append(
                    SlaEvent(
                        seq=len(events), at=at, kind=does.event, priority=None, ticket_type=""
                    )
                )
            if does.status:
                ticket.status = does.status
            new = ticket.status if does.field == "status" else ""
            if step.kind == "take":
                ticket.assignee, old, new = plan.engineer, "", user_label(plan.engineer)
            elif step.kind == "resolve":
                ticket.resolved_at, ticket.root_cause, ticket.time_spent = (
                    at,
                    plan.cause,
                    plan.spent,
                )
                ticket.is_billable = ticket.is_billable or plan.cause != RootCause.PRODUCT_DEFECT
            elif step.kind == "close":
                ticket.closed_at = at
            if step.kind != "close":  # closing changes no SLA figure: no state, no sentence
                after = state(at)
                sla_state_to_ticket(ticket, after)
            closed_by_itself = [effect(Effect.AUTO_CLOSED, days=settings.PORTAL_REOPEN_DAYS)]
            changes.append(
                TicketChange(
                    actor=None if step.kind == "close" else actor,
                    at=at,
                    action=does.action,
                    field=does.field,
                    old_value=str(old),
                    new_value=str(new),
                    effects=closed_by_itself
                    if step.kind == "close"
                    else sla_effects(before, after),
                )
            )
        sla_state_to_ticket(ticket, after)
        self.tickets.append(ticket)
        self.events.append(events)
        self.messages.append(messages)
        self.changes.append(changes)

    def _ticket(self, plan) -> Ticket:
        contract = plan.contract
        ticket = Ticket(
            customer_id=contract.customer_id,
            contract=contract,
            reporter=plan.contact.user,
            ticket_type=plan.ticket_type,
            priority=plan.priority,
            component=plan.component,
            subject=plan.subject,
            description=DESCRIPTION,
            opened_at=plan.opened,
            status=TicketStatus.NEW,
        )
        limit = contract.package.monthly_request_quota
        if is_counting_type(plan.ticket_type) and limit is not None:
            month = quota_month_of(plan.opened, contract.time_zone)
            used = self.quota.get((contract.pk, month), 0)
            if used < limit:
                ticket.quota_month = month
                self.quota[(contract.pk, month)] = used + 1
            else:
                ticket.is_billable = ticket.is_over_quota = True
        return ticket

    def save(self) -> list[int]:
        Ticket.objects.bulk_create(self.tickets, batch_size=200)
        events, messages, changes = [], [], []
        for i, ticket in enumerate(self.tickets):
            for row in (*self.events[i], *self.messages[i], *self.changes[i]):
                row.ticket = ticket
            events += self.events[i]
            messages += self.messages[i]
            changes += self.changes[i]
        SlaEvent.objects.bulk_create(events, batch_size=500)
        written = [m.created_at for m in messages]  # bulk_create stamps "now" on them
        Message.objects.bulk_create(messages, batch_size=500)
        for message, at in zip(messages, written, strict=True):
            message.created_at = at
        Message.objects.bulk_update(messages, ["created_at"], batch_size=500)
        TicketChange.objects.bulk_create(changes, batch_size=500)
        return [ticket.pk for ticket in self.tickets]


def breaches_record(*, ticket_ids: list[int], now: datetime) -> None:
    """What the SLA check would have recorded by ``now``: an open ticket's breach since its
    last change marked (as the check marks it: at the due time), and for every breach a
    history row and an alert dated when it happened, so no check re-announces the past."""
    open_tickets = Ticket.objects.filter(pk__in=ticket_ids, status__in=OPEN_STATUSES)
    for ticket in open_tickets.select_related("contract"):
        state = ticket_sla_state(ticket, as_of=now)
        updates = {}
        if ticket.reaction_breached_at is None and state.reaction_breached_at is not None:
            updates["reaction_breached_at"] = state.reaction_breached_at
        if ticket.resolution_breached_at is None and state.resolution_breached_at is not None:
            updates["resolution_breached_at"] = state.resolution_breached_at
        if updates:
            Ticket.objects.filter(pk=ticket.pk).update(**updates)
    batch, alerts, changes = uuid.uuid4(), [], []
    breached = Ticket.objects.filter(pk__in=ticket_ids).filter(
        Q(reaction_breached_at__isnull=False) | Q(resolution_breached_at__isnull=False)
    )
    for pk, reaction, resolution in breached.values_list(
        "pk", "reaction_breached_at", "resolution_breached_at"
    ):
        for metric, at in ((SlaMetric.REACTION, reaction), (SlaMetric.RESOLUTION, resolution)):
            if at is None:
                continue
            alert = NewAlert(0, pk, metric, SlaAlertKind.BREACH, at, "", "", "", "")
            alerts.append(
                SlaAlert(
                    ticket_id=pk,
                    metric=metric,
                    kind=SlaAlertKind.BREACH,
                    due_at=at,
                    created_at=at,
                    batch=batch,
                )
            )
            changes.append(
                TicketChange(
                    ticket_id=pk,
                    at=at,
                    action=f"sla_{SlaAlertKind.BREACH}",
                    field=metric,
                    effects=alert_effects(alert),
                )
            )
    SlaAlert.objects.bulk_create(alerts, batch_size=500)
    TicketChange.objects.bulk_create(changes, batch_size=500)


def timestamps_fix(*, ticket_ids: list[int]) -> None:
    """Filed when opened, updated at the last change of its life (not when seeded)."""
    last = dict(
        TicketChange.objects.filter(ticket_id__in=ticket_ids)
        .values("ticket_id")
        .annotate(at=Max("at"))
        .values_list("ticket_id", "at")
    )
    rows = [
        Ticket(pk=pk, created_at=opened, updated_at=last.get(pk, opened))
        for pk, opened in Ticket.objects.filter(pk__in=ticket_ids).values_list("pk", "opened_at")
    ]
    Ticket.objects.bulk_update(rows, ["created_at", "updated_at"], batch_size=500)
