"""Dashboard benchmark: N tickets with realistic SLA outcomes, then the page's timing.

``run(n)`` bulk-creates the tickets (SLA columns filled as the engine would leave them: mostly
met, some breached, some open now; resolved ones closed once their reopen window is over, as
the beat job does) over the past twelve months, rolls them up with the rebuild command (as a
deploy onto existing data would), then renders the dashboard three times through the test
Client as a manager and prints the median time and query count. ``run()``: 10,000 and 100,000.
"""

from __future__ import annotations

import io
import random
import statistics
import time
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import otp_verify_session

TARGET_SECONDS = 0.15
SIZES = (10_000, 100_000)


def _setup(n: int):
    from tests import factories

    customers = []
    for i, package in enumerate(["advanced", "pro"] * 5):
        contract = factories.ContractFactory(
            customer=factories.CustomerFactory(name=f"Bench customer {i:02d} of {n}"),
            package=factories.SupportPackageFactory(code=package),
            valid_from=timezone.localdate() - timedelta(days=400),
            valid_to=timezone.localdate() + timedelta(days=300),
        )
        reporter = factories.ContactUserFactory(customer=contract.customer)
        customers.append((contract, reporter))
    manager = factories.ManagerFactory(username=f"bench-manager-{n}@vendor.test")
    return customers, factories.ComponentFactory(), manager


def _ticket(rng, now, contract, reporter, component):
    from tickets.models import Ticket, TicketStatus

    opened = now - timedelta(minutes=rng.randrange(20, 365 * 24 * 60))
    incident = rng.random() < 0.6
    reaction_target = timedelta(hours=rng.choice([1, 2, 4]) if incident else 5)
    resolution_target = timedelta(hours=rng.choice([2, 4, 8]) if incident else 40)
    late = rng.random() < 0.12
    reaction = reaction_target * (rng.uniform(1.05, 2) if late else rng.uniform(0.1, 0.95))
    reaction_due = opened + reaction_target
    replied = opened + reaction < now
    row = Ticket(
        customer_id=contract.customer_id,
        contract=contract,
        reporter=reporter,
        component=component,
        subject="Bench ticket",
        description="bench",
        ticket_type="incident" if incident else rng.choice(["service_request", "change"]),
        priority=rng.choice([1, 2, 3]) if incident else None,
        opened_at=opened,
        status=TicketStatus.IN_PROGRESS if replied else TicketStatus.NEW,
        reaction_due=reaction_due,
        reaction_at_risk_at=opened + reaction_target * 0.8,
        resolution_due=opened + resolution_target,
        resolution_target=resolution_target,
        next_due=reaction_due,
    )
    if replied:
        row.first_response_at, row.reaction_elapsed = opened + reaction, reaction
        row.reaction_met = not late
        row.reaction_breached_at = reaction_due + timedelta(seconds=1) if late else None
        row.reaction_at_risk_at, row.next_due = None, row.resolution_due
        spent = resolution_target * (
            rng.uniform(1.05, 1.8) if rng.random() < 0.15 else rng.uniform(0.2, 0.95)
        )
        if opened + spent < now - timedelta(hours=1):
            row.status, row.resolved_at = TicketStatus.RESOLVED, opened + spent
            if row.resolved_at < now - timedelta(days=settings.PORTAL_REOPEN_DAYS):
                row.status = TicketStatus.CLOSED
                row.closed_at = row.resolved_at + timedelta(days=settings.PORTAL_REOPEN_DAYS)
            row.resolution_elapsed, row.resolution_met = spent, spent <= resolution_target
            if spent > resolution_target:
                row.resolution_breached_at = row.resolution_due + timedelta(seconds=1)
            row.next_due = row.reaction_at_risk_at = row.resolution_at_risk_at = None
            row.is_billable = rng.random() < 0.3
            row.time_spent = timedelta(minutes=15 * rng.randrange(1, 17))
        else:
            row.resolution_at_risk_at = opened + resolution_target * 0.8
    if row.ticket_type != "incident" and contract.package.monthly_request_quota:
        row.quota_month = opened.date().replace(day=1)
    return row


def run(n: int | None = None) -> dict:
    """The figures ``dashboard_ms_N``, ``dashboard_queries_N`` and ``dashboard_rollups_s_N``
    for ``n`` tickets (None: each of SIZES, the tickets wiped in between)."""
    figures: dict = {}
    for size in SIZES if n is None else (n,):
        figures.update(_run(size))
        _wipe()  # here, not ticket by ticket through the save signals' roll-up updates
    return figures


def _wipe() -> None:
    from rollups.models import MonthCell, PendingDue
    from rollups.signals import paused
    from tickets.models import Ticket

    with paused():  # the roll-ups go as a whole, not ticket by ticket
        Ticket.objects.all().delete()
    MonthCell.objects.all().delete()
    PendingDue.objects.all().delete()


def _run(n: int) -> dict:
    from tickets.models import Ticket

    rng = random.Random(2026)
    now = timezone.now()
    customers, component, manager = _setup(n)
    began = time.perf_counter()
    batch = []
    for i in range(n):
        contract, reporter = customers[i % len(customers)]
        batch.append(_ticket(rng, now, contract, reporter, component))
        if len(batch) == 5000:
            Ticket.objects.bulk_create(batch)
            batch = []
    Ticket.objects.bulk_create(batch)
    # Filed when opened, as in real life (auto_now_add stamped them all "now").
    Ticket.objects.update(created_at=F("opened_at"))
    if connection.vendor == "postgresql":
        # What autovacuum does to a live table: statistics, and the visibility map that lets
        # the dashboard's covering indexes answer without reading the table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE tickets_ticket")
    print(
        f"== dashboard: {n:,} tickets created in {time.perf_counter() - began:.1f} s "
        f"({connection.vendor})"
    )
    began = time.perf_counter()
    call_command("rollups_rebuild", stdout=io.StringIO())
    rebuilt = time.perf_counter() - began
    print(f"   roll-ups rebuilt by the command in {rebuilt:.1f} s")
    client = Client()
    client.force_login(manager)
    otp_verify_session(client, manager)  # staff log in with two factors
    timings, queries = [], 0
    for _ in range(3):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get("/dashboard/")
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        queries = len(ctx.captured_queries)
    median = statistics.median(timings)
    verdict = "OK" if median < TARGET_SECONDS else "OVER TARGET"
    print(
        f"   dashboard page: median {median * 1000:.0f} ms of 3 "
        f"({', '.join(f'{t * 1000:.0f}' for t in timings)} ms), {queries} queries "
        f"[target < {TARGET_SECONDS * 1000:.0f} ms: {verdict}]"
    )
    return {
        f"dashboard_ms_{n}": round(median * 1000, 1),
        f"dashboard_queries_{n}": queries,
        f"dashboard_rollups_s_{n}": round(rebuilt, 1),
    }
