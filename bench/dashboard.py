"""Dashboard benchmark: N tickets of history with realistic SLA outcomes, then the page's
timing for the last twelve months.

History grows at a constant rate, ``PER_MONTH`` tickets a month going back as far as N needs
(10,000 tickets: one month; 1,000,000: about eight years), as a desk that has been running
longer has more of it: the figure shows whether the page's cost grows with history. The two
newest months are made one ticket at a time (SLA columns as the engine would leave them: mostly
met, some breached, some open now; resolved ones closed once their reopen window is over, as
the beat job does); every older month is a copy of the second one, shifted back in SQL (all its
tickets have ended by then; on SQLite every month is made one ticket at a time). The command
then rolls them up (as a deploy onto existing data would), and the dashboard is rendered seven
times (after a warm-up) through the test Client as a manager: the median time and the query
count are printed. ``run()``: 10,000 and 100,000.
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
PER_MONTH = 10_000
RENDERS = 7  # after one warm-up render; the median is reported
MONTH = timedelta(days=30)  # the shift between copies: any fixed step keeps the durations


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


def _ticket(rng, now, month: int, contract, reporter, component):
    """A ticket opened in the ``month``-th 30 days before ``now`` (0: the newest)."""
    from tickets.models import Ticket, TicketStatus

    newest = 20 if month == 0 else month * 30 * 24 * 60
    opened = now - timedelta(minutes=rng.randrange(newest, (month + 1) * 30 * 24 * 60))
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
    from bench.seed import clear_tickets
    from rollups.models import BillableCell, MedianBin, MonthCell, PendingDue
    from rollups.signals import paused

    with paused():  # the roll-ups go as a whole, not ticket by ticket
        clear_tickets()
    for model in (MonthCell, PendingDue, BillableCell, MedianBin):
        model.objects.all().delete()


# Copies of the second month's tickets, ``k`` months further back for each k of the series.
SHIFTED = """
INSERT INTO tickets_ticket ({columns})
SELECT {values} FROM generate_series(1, %s) AS k
CROSS JOIN LATERAL (
    SELECT * FROM tickets_ticket WHERE id BETWEEN %s AND %s ORDER BY id LIMIT %s
) AS t
"""


def _shifted_copies(first_id: int, last_id: int, months: int, remainder: int) -> None:
    """``months`` full copies of the template rows, plus ``remainder`` rows of one more."""
    from tickets.models import Ticket

    instants = {
        f.column
        for f in Ticket._meta.concrete_fields
        if f.get_internal_type() == "DateTimeField"
    }
    columns = [f.column for f in Ticket._meta.concrete_fields if f.column != "id"]
    values = [f"t.{c} - k * interval '30 days'" if c in instants else f"t.{c}" for c in columns]
    # quota months are first days: shifting keeps the tickets out of the current quota
    values = [
        f"(date_trunc('month', t.{c} - k * interval '30 days'))::date" if c == "quota_month" else v
        for c, v in zip(columns, values, strict=True)
    ]
    sql = SHIFTED.format(columns=", ".join(columns), values=", ".join(values))
    with connection.cursor() as cursor:
        if months:
            cursor.execute(sql, [months, first_id, last_id, last_id - first_id + 1])
        if remainder:
            cursor.execute(
                sql.replace("generate_series(1, %s)", "generate_series(%s, %s)"),
                [months + 1, months + 1, first_id, last_id, remainder],
            )


def _create(n: int, now, customers, component) -> None:
    from tickets.models import Ticket

    rng = random.Random(2026)
    made = min(n, 2 * PER_MONTH if connection.vendor == "postgresql" else n)
    months = -(-made // PER_MONTH)
    for month in range(months):
        batch = []
        for i in range(min(PER_MONTH, made - month * PER_MONTH)):
            contract, reporter = customers[i % len(customers)]
            batch.append(_ticket(rng, now, month, contract, reporter, component))
        created = Ticket.objects.bulk_create(batch, batch_size=5000)
    if n > made:  # PostgreSQL only: the rest are the older month's copies
        first, last = created[0].pk, created[-1].pk
        _shifted_copies(first, last, (n - made) // PER_MONTH, (n - made) % PER_MONTH)
    # Filed when opened, as in real life (auto_now_add stamped them all "now").
    Ticket.objects.filter(created_at__gt=F("opened_at")).update(created_at=F("opened_at"))


def _run(n: int) -> dict:
    now = timezone.now()
    customers, component, manager = _setup(n)
    began = time.perf_counter()
    _create(n, now, customers, component)
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
    client.get("/dashboard/")  # warm: templates compiled, caches filled
    timings, queries = [], 0
    for _ in range(RENDERS):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get("/dashboard/")
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        queries = len(ctx.captured_queries)
    median = statistics.median(timings)
    verdict = "OK" if median < TARGET_SECONDS else "OVER TARGET"
    print(
        f"   dashboard page: median {median * 1000:.0f} ms of {RENDERS} "
        f"({', '.join(f'{t * 1000:.0f}' for t in timings)} ms), {queries} queries "
        f"[target < {TARGET_SECONDS * 1000:.0f} ms: {verdict}]"
    )
    return {
        f"dashboard_ms_{n}": round(median * 1000, 1),
        f"dashboard_queries_{n}": queries,
        f"dashboard_rollups_s_{n}": round(rebuilt, 1),
    }
