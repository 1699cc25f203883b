"""The engineers' queue page at 10, 10,000 and 100,000 tickets (any size with ``--tickets``):
SQL queries and wall time, default and filtered, a page of 25 rows.

Tickets are bulk-created (not through the services, for speed) with SLA columns as the engine
would set them: due times from the package's calendars, breaches for what is past due, at-risk
instants at 80 %, paused clocks for tickets waiting for the customer. ``bulk_tickets`` is also
what the query-count tests use. Past 100,000 the table grows by copies of a few thousand of
them, in SQL (``bench.search.seed``).
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import otp_verify_session

BENCH_PREFIX = "Bench "
CUSTOMERS = 40
CLONE_FROM = 100_000  # larger tables are grown by copying rows in SQL, not made one by one


def _people():
    """Customers with a contract in force, a reporter each, and an engineer (idempotent)."""
    from django.contrib.auth import get_user_model

    from packages.models import Component, Contact, Contract, Customer, SupportPackage
    from packages.roles import ENGINEERS_GROUP
    from packages.services import roles_sync

    roles_sync()
    user_model = get_user_model()
    engineer, created = user_model.objects.get_or_create(
        username="bench-engineer@vendor.test",
        defaults={"first_name": "Bench", "last_name": "Engineer", "is_staff": True},
    )
    if created:
        from django.contrib.auth.models import Group

        engineer.groups.add(Group.objects.get(name=ENGINEERS_GROUP))
    packages = list(SupportPackage.objects.filter(code__in=["advanced", "pro"]).order_by("code"))
    today = timezone.localdate()
    contracts = []
    for i in range(CUSTOMERS):
        customer, _ = Customer.objects.get_or_create(name=f"{BENCH_PREFIX}customer {i:03d}")
        contract = Contract.objects.filter(customer=customer).first()
        if contract is None:
            contract = Contract.objects.create(
                customer=customer,
                package=packages[i % len(packages)],
                number=f"BENCH-{i:04d}",
                valid_from=today - timedelta(days=60),
                valid_to=today + timedelta(days=300),
            )
        user, _ = user_model.objects.get_or_create(username=f"bench-contact-{i}@example.test")
        Contact.objects.get_or_create(user=user, defaults={"customer": customer})
        contracts.append((contract, user))
    components = list(Component.objects.filter(kind="base"))
    return engineer, contracts, components


def bulk_tickets(count: int, *, now: datetime | None = None, seed: int = 7) -> int:
    """Add ``count`` tickets with realistic SLA columns; returns how many were created."""
    from sla.selectors import terms_for_contracts
    from tickets.models import Ticket, TicketStatus

    now = now or timezone.now()
    engineer, contracts, components = _people()
    terms = terms_for_contracts([c for c, _ in contracts])
    rng = random.Random(seed + count)
    statuses = (
        [TicketStatus.NEW] * 3
        + [TicketStatus.IN_PROGRESS] * 5
        + [TicketStatus.WAITING] * 2
        + [TicketStatus.RESOLVED] * 2
        + [TicketStatus.CLOSED]
    )
    batch: list[Ticket] = []
    created = 0
    for n in range(count):
        contract, reporter = contracts[n % len(contracts)]
        kind = rng.choices(["incident", "service_request", "change"], [6, 3, 1])[0]
        priority = rng.choice([1, 2, 2, 3, 3, 3]) if kind == "incident" else None
        target = terms[contract.pk].target(kind, priority)
        cal = target.calendar
        opened = now - timedelta(minutes=rng.randint(1, 60 * 24 * 10))
        status = rng.choice(statuses)
        ticket = Ticket(
            customer_id=contract.customer_id,
            contract=contract,
            reporter=reporter,
            ticket_type=kind,
            priority=priority,
            component=rng.choice(components),
            subject=f"{BENCH_PREFIX}{n}: calls drop on trunk {rng.randint(1, 99)}",
            description="Calls drop after 30 seconds. " * rng.randint(1, 20),
            status=status,
            opened_at=opened,
            assignee=engineer if rng.random() < 0.4 else None,
            is_over_quota=kind != "incident" and rng.random() < 0.05,
        )
        ticket.reaction_due = cal.deadline(opened, target.reaction)
        ticket.resolution_target = target.resolution
        ticket.resolution_due = cal.deadline(opened, target.resolution)
        ticket.reaction_at_risk_at = cal.deadline(opened, target.reaction * 4 / 5)
        ticket.resolution_at_risk_at = cal.deadline(opened, target.resolution * 4 / 5)
        if status != TicketStatus.NEW:
            reply = opened + timedelta(minutes=rng.randint(5, 300))
            ticket.first_response_at = min(reply, now)
            ticket.reaction_met = ticket.first_response_at <= ticket.reaction_due
            ticket.reaction_at_risk_at = None
        if (
            ticket.first_response_at is None and ticket.reaction_due < now
        ) or ticket.reaction_met is False:
            ticket.reaction_breached_at = ticket.reaction_due
        if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
            ticket.resolved_at = now
            ticket.resolution_met = ticket.resolution_due >= now
            ticket.next_due = ticket.resolution_at_risk_at = None
        elif status == TicketStatus.WAITING:
            ticket.sla_paused = True
            ticket.resolution_due = ticket.next_due = ticket.resolution_at_risk_at = None
        else:
            ticket.next_due = (
                ticket.reaction_due if ticket.first_response_at is None else ticket.resolution_due
            )
        if ticket.resolution_due is not None and ticket.resolution_due < now:
            ticket.resolution_breached_at = ticket.resolution_due
        batch.append(ticket)
        if len(batch) >= 2000:
            created += len(Ticket.objects.bulk_create(batch))
            batch = []
    if batch:
        created += len(Ticket.objects.bulk_create(batch))
    return created


def _analyze() -> None:
    """Fresh statistics (and, on PostgreSQL, the visibility map for index-only scans), as a
    live database has after autovacuum."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE tickets_ticket")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


def measure(client: Client, url: str, *, repeat: int = 5) -> tuple[int, float, float]:
    """(SQL queries of one render, median seconds of ``repeat`` renders, its SQL seconds)."""
    client.get(url)  # warm the calendar cache and the template loader
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    count = len(queries)  # now: the next requests clear the connection's query log
    sql = sum(float(q["time"]) for q in queries.captured_queries)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - began)
    return count, statistics.median(times), sql


LABEL_KEYS = {"queue": "queue", "breached, P1": "queue_filtered"}


def run(sizes=(10, 10_000, 100_000)) -> dict[str, float]:
    """Prints each size's figures; returns them (``queue_ms_N``, ``queue_queries_N``, and the
    same for the filtered queue) for ``python -m bench --json``."""
    from tickets.models import Ticket

    figures: dict[str, float] = {}
    print(f"== queue page ({connection.vendor}): size, SQL queries, median of 5 renders")
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        engineer, _, _ = _people()
        client = Client()
        client.force_login(engineer)
        otp_verify_session(client, engineer)  # staff log in with two factors
        base = reverse("tickets:queue")
        for size in sorted(sizes):
            have = Ticket.objects.filter(subject__startswith=BENCH_PREFIX).count()
            if have < size:
                began = time.perf_counter()
                if size > CLONE_FROM:  # copies of a few thousand, in SQL (bench.search)
                    from bench.search import seed

                    seed(size, engineer.pk, messages=False)
                else:
                    bulk_tickets(size - have)
                print(f"   (created {size - have} tickets in {time.perf_counter() - began:.1f} s)")
                _analyze()
            for label, url in (
                ("queue", base),
                ("page 3", f"{base}?page=3"),
                ("breached, P1", f"{base}?breached=on&priority=1"),
                ("search", f"{base}?q=trunk+42"),
            ):
                queries, median, sql = measure(client, url)
                if key := LABEL_KEYS.get(label):
                    figures[f"{key}_ms_{size}"] = round(median * 1000, 1)
                    figures[f"{key}_queries_{size}"] = queries
                print(
                    f"   {size:>7} tickets  {label:<13} {queries:>3} queries  "
                    f"{median * 1000:8.1f} ms  (of which SQL {sql * 1000:.1f} ms)"
                )
    return figures


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    django.setup()
    run()
