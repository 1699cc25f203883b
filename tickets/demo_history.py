"""A year of demo tickets so the managers' dashboard has something to show. Idempotent.

``demo_history_seed(now=...)`` creates a few hundred tickets for the demo customers over the
past twelve months. Reply and resolution times are drawn in business time with a seeded
``random.Random``: most meet their targets, some breach; the newest stay open. The last weeks go
through the real services (filing, first reply, waiting for the customer, resolution), each at
its own past ``now``; older tickets are written as rows whose SLA columns come from replaying
the same events through the pure engine (the services cost ~0.1 s a ticket: a year of them
took 36 s). Either way the SLA columns are the engine's.

The demo contracts start about three months ago; for the older months the customers get the
preceding yearly contract (same package and blocks), as a renewal would leave behind.
Historical notification e-mails are marked sent: nobody should receive a year of mail.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from packages.demo import CUSTOMERS
from packages.models import Component, ComponentKind, Contact, Contract
from packages.roles import ENGINEERS_GROUP, MANAGERS_GROUP
from packages.selectors import contract_in_force
from sla.clock import Event, evaluate
from sla.models import TicketType
from sla.selectors import is_counting_type, terms_for_contract
from tickets.models import (
    Message,
    MessageKind,
    OutboxMessage,
    RootCause,
    SlaEvent,
    SlaEventKind,
    Ticket,
    TicketChange,
    TicketStatus,
)
from tickets.selectors.quota import quota_month_of
from tickets.services.conversation import message_add
from tickets.services.ending import ticket_resolve
from tickets.services.filing import QuotaChoice, ticket_file
from tickets.services.sla import sla_state_to_ticket
from tickets.services.status import ticket_set_status

SUBJECT_PREFIX = "[history] "
SERVICES_DAYS = 45  # the last weeks go through the services; older ones as engine-made rows
OPEN_NOW_AGES = (timedelta(minutes=25), timedelta(hours=3), timedelta(hours=30))
DESCRIPTION = "Demo history: generated to show the SLA dashboard."
REPLY = "Thank you, we are looking into it."
ANSWER = "Here are the logs you asked for."
RESOLVED = "Fixed: the cause and what we did are in the ticket."
KYIV = ZoneInfo("Europe/Kyiv")
SUBJECTS = {
    TicketType.INCIDENT: [
        "Calls drop after 30 seconds",
        "Operators cannot log in",
        "Recordings are missing",
        "Inbound queue stuck",
        "Autodialer stops at night",
        "Statistics page is slow",
    ],
    TicketType.SERVICE_REQUEST: [
        "Reset a supervisor password",
        "How to export call logs",
        "Add a new operator group",
        "Question about IVR timeouts",
    ],
    TicketType.CHANGE: [
        "Add a SIP trunk",
        "Move recordings to new storage",
        "New routing rule for VIP callers",
    ],
}


def demo_history_seed(*, now: datetime, rng_seed: int = 2026, every_days: int = 2) -> int:
    """Create the history unless it is there; returns how many tickets were created.

    About ``365 / every_days`` tickets per demo customer (two customers: ~365 by default).
    """
    if Ticket.objects.filter(subject__startswith=SUBJECT_PREFIX).exists():
        return 0
    with transaction.atomic():
        return _seed(now=now, rng=random.Random(rng_seed), every_days=every_days)


def _seed(*, now: datetime, rng: random.Random, every_days: int) -> int:
    staff = _staff()
    if not staff:
        return 0
    plans = []
    for spec in CUSTOMERS:
        contacts = list(
            Contact.objects.select_related("user", "customer").filter(
                customer__name=spec.name, user__is_active=True
            )
        )
        if not contacts:
            continue
        current = contract_in_force(customer=contacts[0].customer, at=now)
        if current is None:
            continue
        _ensure_previous_contract(current, spec.contract_prefix)
        plans.append((contacts, spec.package))
    components = list(Component.objects.filter(kind=ComponentKind.BASE, is_active=True))
    if not plans or not components:
        return 0

    terms: dict[int, object] = {}

    def terms_of(contract):
        if contract.pk not in terms:
            terms[contract.pk] = terms_for_contract(contract)
        return terms[contract.pk]

    bulk, created = _Bulk(now, terms_of), []
    start = now - timedelta(days=365)
    services_from = now - timedelta(days=SERVICES_DAYS)
    for day in range(0, 365, every_days):  # one ticket per customer every few days
        for contacts, _package in plans:
            opened = _business_moment(start + timedelta(days=day), rng)
            if opened >= now - timedelta(hours=1):
                continue
            plan = _plan(contacts, components, staff, opened, now, rng, terms_of)
            if opened < services_from:
                bulk.add(plan)
            else:
                created.append(_through_services(plan).pk)
    for contacts, _package in plans:  # a few open right now: fresh, waiting, overdue
        for age in OPEN_NOW_AGES:
            plan = _plan(contacts, components, staff, now - age, now, rng, terms_of)
            plan.resolve_at = plan.wait = None
            if age < timedelta(hours=12):
                plan.reply_at = None
            created.append(_through_services(plan).pk)
    created += bulk.save()
    # Rows keep their real creation time otherwise; the history looks filed when it was.
    Ticket.objects.filter(pk__in=created).update(created_at=F("opened_at"))
    OutboxMessage.objects.filter(ticket_id__in=created, sent_at__isnull=True).update(
        sent_at=now, last_error=""
    )
    return len(created)


def _staff() -> list:
    """The engineers who answer (the managers if there are none)."""
    users = get_user_model().objects.filter(is_active=True).order_by("pk")
    return list(users.filter(groups__name=ENGINEERS_GROUP)) or list(
        users.filter(groups__name=MANAGERS_GROUP)
    )


def _ensure_previous_contract(current: Contract, prefix: str) -> None:
    """The yearly contract before ``current`` (history older than it needs one in force)."""
    if Contract.objects.filter(customer=current.customer, valid_to=current.valid_from).exists():
        return
    begin = current.valid_from.replace(year=current.valid_from.year - 1)
    previous = Contract.objects.create(
        customer=current.customer,
        package=current.package,
        number=f"{prefix}-{begin:%Y%m%d}",
        valid_from=begin,
        valid_to=current.valid_from,
        is_cloud=current.is_cloud,
        licence_cost=current.licence_cost,
        support_percentage=current.support_percentage,
        time_zone=current.time_zone,
    )
    previous.covered_blocks.set(current.covered_blocks.all())


def _business_moment(day: datetime, rng: random.Random) -> datetime:
    """A filing time: mostly office hours in Kyiv, sometimes evenings and weekends."""
    local = day.astimezone(KYIV)
    hour = rng.choice([9, 10, 10, 11, 12, 13, 14, 15, 16, 17, 19, 22])
    return local.replace(hour=hour, minute=rng.randrange(60), second=0, microsecond=0)


def _kind(rng: random.Random) -> tuple[str, int | None]:
    roll = rng.random()
    if roll < 0.55:
        return TicketType.INCIDENT, rng.choices([1, 2, 3], weights=[1, 3, 6])[0]
    if roll < 0.85:
        return TicketType.SERVICE_REQUEST, None
    return TicketType.CHANGE, None


@dataclass
class Plan:
    """One ticket's life, decided up front; times after ``now`` are left out (still open)."""

    contact: Contact
    contract: Contract
    ticket_type: str
    priority: int | None
    component: Component
    subject: str
    opened: datetime
    engineer: object
    reply_at: datetime | None = None
    wait: tuple[datetime, datetime | None] | None = None  # paused at, answered at
    resolve_at: datetime | None = None
    cause: str = ""
    spent: timedelta | None = None


def _plan(contacts, components, staff, opened, now, rng, terms_of) -> Plan:
    contact = rng.choice(contacts)
    contract = contract_in_force(customer=contact.customer_id, at=opened)
    ticket_type, priority = _kind(rng)
    plan = Plan(
        contact=contact,
        contract=contract,
        ticket_type=ticket_type,
        priority=priority,
        component=rng.choice(components),
        opened=opened,
        engineer=rng.choice(staff),
        subject=SUBJECT_PREFIX + rng.choice(SUBJECTS[ticket_type]),
    )
    target = terms_of(contract).target(ticket_type, priority)
    # Reply: usually within the target (business time), one in eight late.
    share = rng.uniform(1.05, 2.5) if rng.random() < 0.125 else rng.uniform(0.1, 0.95)
    reply_at = target.calendar.deadline(opened, target.reaction * share)
    wait_roll, wait_after, answer_after = rng.random(), rng.randrange(10, 90), rng.randrange(2, 30)
    late_roll, resolve_share = rng.random(), rng.uniform(0.2, 0.95)
    late_share = rng.uniform(1.05, 1.8)
    plan.cause = rng.choices(list(RootCause.values), weights=[6, 2, 1, 1])[0]
    plan.spent = timedelta(minutes=15 * rng.randrange(1, 17))
    if reply_at >= now:
        return plan  # still waiting for its first reply
    plan.reply_at = moment = reply_at
    if wait_roll < 0.2:  # a question to the customer, answered hours later
        paused = moment + timedelta(minutes=wait_after)
        if paused >= now:
            return plan
        answered = paused + timedelta(hours=answer_after)
        plan.wait = (paused, answered if answered < now else None)
        if answered >= now:
            return plan
        moment = answered
    share = late_share if late_roll < 0.15 else resolve_share
    resolve_at = max(
        target.calendar.deadline(opened, target.resolution * share), moment + timedelta(minutes=5)
    )
    if resolve_at < now:
        plan.resolve_at = resolve_at
    return plan


def _through_services(plan: Plan) -> Ticket:
    """Recent history: the real services, each at its own past moment."""
    ticket = ticket_file(
        contact=plan.contact,
        ticket_type=plan.ticket_type,
        priority=plan.priority,
        component=plan.component,
        subject=plan.subject,
        description=DESCRIPTION,
        now=plan.opened,
        quota_choice=QuotaChoice.BILLABLE,
    )
    if plan.reply_at is None:
        return ticket
    message_add(
        ticket=ticket,
        author=plan.engineer,
        kind=MessageKind.PUBLIC_REPLY,
        body=REPLY,
        now=plan.reply_at,
    )
    if plan.wait is not None:
        ticket_set_status(
            ticket=ticket, status=TicketStatus.WAITING, by=plan.engineer, now=plan.wait[0]
        )
        if plan.wait[1] is None:
            return ticket
        message_add(
            ticket=ticket,
            author=plan.contact.user,
            kind=MessageKind.CUSTOMER_COMMENT,
            body=ANSWER,
            now=plan.wait[1],
        )
    if plan.resolve_at is not None:
        ticket_resolve(
            ticket=ticket,
            by=plan.engineer,
            root_cause=plan.cause,
            time_spent=plan.spent,
            message=RESOLVED,
            now=plan.resolve_at,
        )
    return ticket


class _Bulk:
    """Older history as rows: the same events, replayed through the pure engine (sla.clock)
    exactly as the services do, written with bulk_create (the services take ~0.1 s a ticket)."""

    def __init__(self, now: datetime, terms_of) -> None:
        self.now, self.terms_of = now, terms_of
        self.tickets: list[Ticket] = []
        self.logs: list[list[tuple]] = []
        self.quota: dict[tuple[int, date], int] = {}

    def add(self, plan: Plan) -> None:
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
            status=TicketStatus.IN_PROGRESS,
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
        # (kind, at, author, message kind, body) in order
        log: list[tuple] = [(SlaEventKind.OPEN, plan.opened, plan.contact.user, None, "")]
        if plan.reply_at is not None:
            log.append(
                (
                    SlaEventKind.FIRST_RESPONSE,
                    plan.reply_at,
                    plan.engineer,
                    MessageKind.PUBLIC_REPLY,
                    REPLY,
                )
            )
        if plan.wait is not None:
            log.append((SlaEventKind.PAUSE, plan.wait[0], plan.engineer, None, ""))
            ticket.status = TicketStatus.WAITING
            if plan.wait[1] is not None:
                log.append(
                    (
                        SlaEventKind.RESUME,
                        plan.wait[1],
                        plan.contact.user,
                        MessageKind.CUSTOMER_COMMENT,
                        ANSWER,
                    )
                )
                ticket.status = TicketStatus.IN_PROGRESS
        if plan.resolve_at is not None:
            log.append((SlaEventKind.RESOLVE, plan.resolve_at, plan.engineer, None, ""))
            ticket.status, ticket.resolved_at = TicketStatus.RESOLVED, plan.resolve_at
            ticket.root_cause, ticket.time_spent = plan.cause, plan.spent
            ticket.is_billable = ticket.is_billable or plan.cause != RootCause.PRODUCT_DEFECT
        if plan.reply_at is None:
            ticket.status = TicketStatus.NEW
        terms = self.terms_of(contract)
        state = evaluate(
            terms,
            type=plan.ticket_type,
            priority=plan.priority,
            opened_at=plan.opened,
            events=[Event(at=at, kind=kind) for kind, at, *_ in log[1:]],
            as_of=self.now,
        )
        sla_state_to_ticket(ticket, state)
        self.tickets.append(ticket)
        self.logs.append(log)

    def save(self) -> list[int]:
        Ticket.objects.bulk_create(self.tickets, batch_size=200)
        events, messages, changes = [], [], []
        for ticket, log in zip(self.tickets, self.logs, strict=True):
            for seq, (kind, at, author, message_kind, body) in enumerate(log):
                opening = kind == SlaEventKind.OPEN
                events.append(
                    SlaEvent(
                        ticket=ticket,
                        seq=seq,
                        at=at,
                        kind=kind,
                        priority=ticket.priority if opening else None,
                        ticket_type=ticket.ticket_type if opening else "",
                    )
                )
                if message_kind:
                    messages.append(
                        Message(ticket=ticket, author=author, kind=message_kind, body=body)
                    )
                changes.append(
                    TicketChange(
                        ticket=ticket, actor=author, at=at, action="filed" if opening else str(kind)
                    )
                )
        SlaEvent.objects.bulk_create(events, batch_size=500)
        Message.objects.bulk_create(messages, batch_size=500)
        TicketChange.objects.bulk_create(changes, batch_size=500)
        return [ticket.pk for ticket in self.tickets]
