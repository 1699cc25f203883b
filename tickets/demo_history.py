"""A year of demo tickets so the managers' dashboard has something to show. Idempotent.

``demo_history_seed(now=...)`` creates a few hundred tickets for the demo customers over the
past twelve months, drawn with a seeded ``random.Random``: most meet their targets, some
breach; the newest stay open. Each ticket's life is decided up front (``Plan``) as steps in
time order, as a support desk lives them: filed by a contact; taken by an engineer, who replies
(the first reply meets reaction or not); maybe a question and the ticket waiting for the
customer's answer; a resolution message and the resolution (root cause, time spent) by the
same engineer; closed by itself after the reopen window.

The last weeks go through the real services, each step at its own past ``now``; older tickets
are written as rows by ``demo_history_rows`` (the services cost ~0.1 s a ticket), which writes
the same events, messages and history the services would. Either way the SLA columns are the
engine's, and every timestamp is the step's, never the seeding's: messages, history, e-mails
(marked sent: nobody should receive a year of mail), the ticket's own created/updated times.
Breaches get what the every-minute SLA check would have recorded (history row and alert) at
the moment they happened.

The demo contracts start about three months ago; for the older months the customers get the
preceding yearly contract (same package and blocks), as a renewal would leave behind.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from packages.demo import CUSTOMERS
from packages.models import Component, ComponentKind, Contact, Contract
from packages.roles import ENGINEERS_GROUP, MANAGERS_GROUP
from packages.selectors import contract_in_force
from sla.models import TicketType
from sla.selectors import terms_for_contract
from tickets.demo_history_rows import (
    BODIES,
    DESCRIPTION,
    HistoryRows,
    Step,
    breaches_record,
    timestamps_fix,
)
from tickets.models import (
    ChangeAction,
    Message,
    MessageKind,
    OutboxMessage,
    RootCause,
    Ticket,
    TicketStatus,
)
from tickets.services.conversation import message_add
from tickets.services.ending import ticket_resolve
from tickets.services.filing import QuotaChoice, ticket_file
from tickets.services.history import history_record
from tickets.services.sla_effects import Effect, effect
from tickets.services.status import ticket_set_status
from tickets.services.workflow import ticket_take

SUBJECT_PREFIX = "[history] "
SERVICES_DAYS = 45  # the last weeks go through the services; older ones as rows
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
        created = _seed(now=now, rng=random.Random(rng_seed), every_days=every_days)
        if created:  # written in bulk, past the save signals: roll them up as a deploy would
            from rollups.services import rollups_rebuild

            rollups_rebuild()
        return created


def _seed(*, now: datetime, rng: random.Random, every_days: int) -> int:
    staff = _staff()
    if not staff:
        return 0
    contacts_by_customer = []
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
        contacts_by_customer.append(contacts)
    components = list(Component.objects.filter(kind=ComponentKind.BASE, is_active=True))
    if not contacts_by_customer or not components:
        return 0

    terms: dict[int, object] = {}

    def terms_of(contract):
        if contract.pk not in terms:
            terms[contract.pk] = terms_for_contract(contract)
        return terms[contract.pk]

    def plan_at(contacts, opened):
        return _plan(contacts, components, staff, opened, now, rng, terms_of)

    rows, recent = HistoryRows(terms_of), []
    start = now - timedelta(days=365)
    services_from = now - timedelta(days=SERVICES_DAYS)
    for day in range(0, 365, every_days):  # one ticket per customer every few days
        for contacts in contacts_by_customer:
            opened = _business_moment(start + timedelta(days=day), rng)
            if opened >= now - timedelta(hours=1):
                continue
            plan = plan_at(contacts, opened)
            (rows.add(plan) if opened < services_from else recent.append(plan))
    for contacts in contacts_by_customer:  # a few open right now: new, replied, waiting
        recent.append(_open_now(plan_at(contacts, now - timedelta(minutes=25)), reply=False))
        recent.append(_open_now(plan_at(contacts, now - timedelta(hours=3)), reply=True))
        recent.append(_open_now(plan_at(contacts, now - timedelta(hours=30)), reply=True, ask=True))
    created = rows.save()  # first: the services count the quota the older rows used
    created += [_through_services(plan) for plan in recent]
    breaches_record(ticket_ids=created, now=now)
    timestamps_fix(ticket_ids=created)
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
    """One ticket's life, decided up front; what would happen after ``now`` is left out."""

    contact: Contact
    contract: Contract
    ticket_type: str
    priority: int | None
    component: Component
    subject: str
    opened: datetime
    engineer: object
    now: datetime
    reply_at: datetime | None = None
    take_lead: timedelta = timedelta(minutes=5)  # taken this long before the first reply
    wait: tuple[datetime, datetime | None] | None = None  # asked at, answered at
    resolve_at: datetime | None = None
    cause: str = ""
    spent: timedelta | None = None

    @property
    def close_at(self) -> datetime | None:
        if self.resolve_at is None:
            return None
        closing = self.resolve_at + timedelta(days=settings.PORTAL_REOPEN_DAYS)
        return closing if closing < self.now else None

    def steps(self) -> list[Step]:
        """The ticket's life after filing, in time order (equal times: in this order)."""
        if self.reply_at is None:
            return []
        steps = [
            Step("take", max(self.opened, self.reply_at - self.take_lead)),
            Step("reply", self.reply_at),
        ]
        if self.wait is not None:
            steps += [Step("question", self.wait[0]), Step("wait", self.wait[0])]
            if self.wait[1] is not None:
                steps.append(Step("answer", self.wait[1]))
        if self.resolve_at is not None:
            steps += [Step("resolution", self.resolve_at), Step("resolve", self.resolve_at)]
        if self.close_at is not None:
            steps.append(Step("close", self.close_at))
        return steps


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
        now=now,
        subject=SUBJECT_PREFIX + rng.choice(SUBJECTS[ticket_type]),
    )
    target = terms_of(contract).target(ticket_type, priority)
    # Reply: usually within the target (business time), one in eight late.
    share = rng.uniform(1.05, 2.5) if rng.random() < 0.125 else rng.uniform(0.1, 0.95)
    reply_at = target.calendar.deadline(opened, target.reaction * share)
    wait_roll, wait_after, answer_after = rng.random(), rng.randrange(10, 90), rng.randrange(2, 30)
    late_roll, resolve_share = rng.random(), rng.uniform(0.2, 0.95)
    late_share = rng.uniform(1.05, 1.8)
    plan.take_lead = timedelta(minutes=rng.randrange(1, 20))
    plan.cause = rng.choices(list(RootCause.values), weights=[6, 2, 1, 1])[0]
    plan.spent = timedelta(minutes=15 * rng.randrange(1, 17))
    if reply_at >= now:
        return plan  # still waiting for its first reply
    plan.reply_at = moment = reply_at
    if wait_roll < 0.2:  # a question to the customer, answered hours later
        asked = moment + timedelta(minutes=wait_after)
        if asked >= now:
            return plan
        answered = asked + timedelta(hours=answer_after)
        plan.wait = (asked, answered if answered < now else None)
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


def _open_now(plan: Plan, *, reply: bool, ask: bool = False) -> Plan:
    """A ticket still open now: unreplied, replied, or replied and waiting for an answer."""
    plan.resolve_at, plan.wait = None, None
    if not reply:
        plan.reply_at = None
    elif plan.reply_at is None:  # filed out of hours: someone on duty answered all the same
        plan.reply_at = plan.opened + min(timedelta(minutes=20), (plan.now - plan.opened) / 2)
    if ask and plan.reply_at is not None:
        asked = plan.reply_at + timedelta(minutes=30)
        if asked < plan.now:
            plan.wait = (asked, None)
    return plan


def _through_services(plan: Plan) -> int:
    """Recent history: the real services, each step at its own past moment."""
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
    _mail_sent(ticket, at=plan.opened)
    engineer, customer = plan.engineer, plan.contact.user
    for step in plan.steps():
        at = step.at
        if step.kind == "take":
            ticket_take(ticket=ticket, by=engineer, now=at)
        elif step.kind in ("reply", "question"):
            _message(ticket, engineer, MessageKind.PUBLIC_REPLY, BODIES[step.kind], at)
        elif step.kind == "wait":
            ticket_set_status(ticket=ticket, status=TicketStatus.WAITING, by=engineer, now=at)
        elif step.kind == "answer":
            _message(ticket, customer, MessageKind.CUSTOMER_COMMENT, BODIES["answer"], at)
        elif step.kind == "resolve":  # the "resolution" message goes with it, one action
            ticket_resolve(
                ticket=ticket,
                by=engineer,
                root_cause=plan.cause,
                time_spent=plan.spent,
                message=BODIES["resolution"],
                now=at,
            )
        elif step.kind == "close":
            _close_after_window(ticket, at=at)
        _mail_sent(ticket, at=at)
    return ticket.pk


def _message(ticket: Ticket, author, kind: str, body: str, at: datetime) -> None:
    message = message_add(ticket=ticket, author=author, kind=kind, body=body, now=at)
    Message.objects.filter(pk=message.pk).update(created_at=at)  # written then, not today


def _mail_sent(ticket: Ticket, *, at: datetime) -> None:
    """The step's notification mails: written and sent at the step's moment."""
    OutboxMessage.objects.filter(ticket=ticket, sent_at__isnull=True).update(
        created_at=at, sent_at=at, last_error=""
    )


def _close_after_window(ticket: Ticket, *, at: datetime) -> None:
    """A resolved ticket closes by itself once the reopen window ends (SPEC, "Ending a
    ticket"): a change without an actor, which changes no SLA figure."""
    Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.RESOLVED).update(
        status=TicketStatus.CLOSED, closed_at=at
    )
    history_record(
        ticket=ticket,
        actor=None,
        at=at,
        action=ChangeAction.STATUS,
        field="status",
        old=TicketStatus.RESOLVED,
        new=TicketStatus.CLOSED,
        effects=[effect(Effect.AUTO_CLOSED, days=settings.PORTAL_REOPEN_DAYS)],
    )
