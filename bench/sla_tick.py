"""The SLA check tick over 100,000 open tickets: wall time and SQL queries per tick.

Tickets are bulk-created, all open, with due columns placed around ``now``: most are fine
(due later), some already breached and alerted in an earlier tick, some past 80 % of a target
(at risk, not alerted yet) and some just past due and not marked yet. The *cold* tick is a
catch-up: it marks and records all of those (~12,000 events at 100,000 tickets), writes their
history rows and one digest e-mail per recipient; the *warm* tick a minute later finds almost
nothing new. E-mail hand-off goes to an in-memory broker so the figures include publishing but
no network. Target: under 1 s a tick.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

PREFIX = "Bench tick "
# share of the open tickets: (label, weight)
MIX = (("fine", 80), ("breached earlier", 12), ("at risk", 5), ("newly due", 3))


def _ticket(rng, now: datetime, n: int, contract, reporter, component, engineer):
    from tickets.models import Ticket, TicketStatus

    kind = rng.choices([m[0] for m in MIX], [m[1] for m in MIX])[0]
    opened = now - timedelta(minutes=rng.randint(30, 60 * 24 * 5))
    answered = rng.random() < 0.6
    ticket = Ticket(
        customer_id=contract.customer_id,
        contract=contract,
        reporter=reporter,
        ticket_type="incident",
        priority=rng.choice([1, 2, 3]),
        component=component,
        subject=f"{PREFIX}{n}",
        description="Calls drop after 30 seconds.",
        status=TicketStatus.IN_PROGRESS if answered else TicketStatus.NEW,
        opened_at=opened,
        assignee=engineer if rng.random() < 0.4 else None,
        first_response_at=opened + timedelta(minutes=5) if answered else None,
        reaction_met=True if answered else None,
    )
    if kind == "fine":
        due = now + timedelta(minutes=rng.randint(60, 60 * 40))
        risk = due - timedelta(minutes=30)
    elif kind == "at risk":
        due = now + timedelta(minutes=rng.randint(1, 20))
        risk = now - timedelta(minutes=rng.randint(1, 20))
    else:
        due = now - timedelta(minutes=rng.randint(1, 600))
        risk = due - timedelta(minutes=30)
    breached = due if kind == "breached earlier" else None
    if answered:
        ticket.resolution_due, ticket.resolution_at_risk_at = due, risk
        ticket.resolution_breached_at = breached
        ticket.reaction_due = opened + timedelta(hours=1)
    else:
        ticket.reaction_due, ticket.reaction_at_risk_at = due, risk
        ticket.reaction_breached_at = breached
        ticket.resolution_due = due + timedelta(hours=4)
        ticket.resolution_at_risk_at = due + timedelta(hours=3)
    ticket.next_due = due
    return ticket, kind


def bulk_open_tickets(n: int, *, now: datetime, seed: int = 11) -> dict[str, int]:
    """Create ``n`` open tickets (and the alerts of the earlier breaches); counts per kind."""
    from bench.queue import _people
    from tickets.models import SlaAlert, SlaAlertKind, SlaMetric, Ticket

    engineer, contracts, components = _people()
    rng = random.Random(seed)
    counts = dict.fromkeys((m[0] for m in MIX), 0)
    batch, earlier = [], []
    for i in range(n):
        contract, reporter = contracts[i % len(contracts)]
        ticket, kind = _ticket(
            rng, now, i, contract, reporter, components[i % len(components)], engineer
        )
        counts[kind] += 1
        batch.append(ticket)
        if kind == "breached earlier":
            earlier.append(ticket)
        if len(batch) == 5000:
            Ticket.objects.bulk_create(batch)
            batch = []
    if batch:
        Ticket.objects.bulk_create(batch)
    old_run = uuid.uuid4()
    SlaAlert.objects.bulk_create(
        (
            SlaAlert(
                ticket=t,
                kind=SlaAlertKind.BREACH,
                created_at=now - timedelta(hours=1),
                metric=SlaMetric.RESOLUTION if t.first_response_at else SlaMetric.REACTION,
                due_at=t.resolution_breached_at or t.reaction_breached_at,
                batch=old_run,
            )
            for t in earlier
        ),
        batch_size=5000,
    )
    return counts


def _staff() -> None:
    """A manager and two on-duty engineers with addresses: each gets a digest."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from packages.roles import ENGINEERS_GROUP, MANAGERS_GROUP

    for name, group in (
        ("bench-manager", MANAGERS_GROUP),
        ("bench-duty-1", ENGINEERS_GROUP),
        ("bench-duty-2", ENGINEERS_GROUP),
    ):
        email = f"{name}@vendor.test"
        user, _ = get_user_model().objects.get_or_create(username=email, defaults={"email": email})
        user.groups.add(Group.objects.get(name=group))


def tick(now: datetime):
    """(result, seconds, queries, seconds of those spent handing e-mail to the broker, e-mails
    written, bytes of the largest one's text)."""
    from sla.services import sla_check
    from tickets.models import OutboxMessage
    from tickets.services import alerts

    mails_before = OutboxMessage.objects.count()

    handoff = [0.0]
    dispatch = alerts._dispatch

    def timed_dispatch(keys):
        began = time.perf_counter()
        dispatch(keys)
        handoff[0] += time.perf_counter() - began

    alerts._dispatch = timed_dispatch
    try:
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            result = sla_check(now=now)
            elapsed = time.perf_counter() - began
    finally:
        alerts._dispatch = dispatch
    mails = OutboxMessage.objects.order_by("-pk")[: OutboxMessage.objects.count() - mails_before]
    largest = max((len(m.body.encode()) for m in mails), default=0)
    return result, elapsed, len(queries), handoff[0], len(mails), largest


def run(n: int = 100_000) -> None:
    from portal.celery import app

    now = timezone.now()
    print(f"== SLA check tick over {n:,} open tickets ({connection.vendor})")
    began = time.perf_counter()
    counts = bulk_open_tickets(n, now=now)
    _staff()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics, as autovacuum keeps them live
    print(
        f"   (created in {time.perf_counter() - began:.1f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
        + ")"
    )
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url="memory://")
    app._pool = None
    try:
        for label, at in (("cold", now), ("warm", now + timedelta(seconds=60))):
            result, elapsed, queries, handoff, mails, largest = tick(at)
            print(
                f"   {label} tick: {elapsed * 1000:7.1f} ms  {queries:>3} queries  "
                f"breaches marked: reaction {result.reaction_breached:,}, resolution "
                f"{result.resolution_breached:,}; events {result.alerts_total:,} told in "
                f"{mails} digest e-mails of at most {largest / 1024:.0f} KiB ({handoff * 1000:.0f} "
                f"ms of it handing them to the broker){'  OVER 1 s' if elapsed > 1 else ''}"
            )
    finally:
        app.conf.update(saved)
        app._pool = None
    from tickets.models import OutboxMessage, SlaAlert

    SlaAlert.objects.all().delete()
    OutboxMessage.objects.all().delete()


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)
