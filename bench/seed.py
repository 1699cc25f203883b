"""Seeding many open tickets for the benchmarks, in bulk: one ``INSERT … SELECT
generate_series`` per 100,000 rows on PostgreSQL (a million in well under the 5 minutes the
issue allows), ``bulk_create`` batches on SQLite.

Every ticket is open, with the SLA columns placed around ``now`` by its row number (no random
state, so both paths give the same mix): 80 % fine (due later), 12 % breached earlier and
already alerted, 5 % at risk and not alerted yet, 3 % just past due and not marked yet. 60 %
have been answered (their resolution runs), the others wait for a first reply.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import connection

PREFIX = "Bench tick "
CHUNK = 100_000
MIX = (("fine", 80), ("breached earlier", 12), ("at risk", 5), ("newly due", 3))


def kind_of(i: int) -> str:
    bucket = i % 100
    return "fine" if bucket < 80 else "breached earlier" if bucket < 92 else (
        "at risk" if bucket < 97 else "newly due"
    )


def mix_counts(n: int, start: int = 0) -> dict[str, int]:
    counts = dict.fromkeys((m[0] for m in MIX), 0)
    for i in range(start, start + n):
        counts[kind_of(i)] += 1
    return counts


def seed_open_tickets(n: int, *, now: datetime) -> dict[str, int]:
    """Add ``n`` open tickets (and the alert rows of the earlier breaches); counts per kind."""
    from bench.queue import _people
    from tickets.models import Ticket

    engineer, contracts, components = _people()
    start = Ticket.objects.count()
    if connection.vendor == "postgresql":
        for first in range(start, start + n, CHUNK):
            _pg_chunk(first, min(first + CHUNK, start + n), now, engineer, contracts, components)
    else:
        _python_rows(start, n, now, engineer, contracts, components)
    return mix_counts(n, start)


# The same columns as _python_ticket, computed by PostgreSQL for rows i of generate_series.
PG_SQL = """
WITH s AS (
    SELECT i, i %% 100 AS bucket, (i %% 5) < 3 AS answered,
        %(now)s::timestamptz - interval '1 minute' * (30 + (i * 7919) %% 7170) AS opened
    FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS i
), d AS (
    SELECT s.*,
        CASE WHEN bucket < 80
                THEN %(now)s::timestamptz + interval '1 minute' * (60 + (i * 31) %% 2340)
             WHEN bucket BETWEEN 92 AND 96
                THEN %(now)s::timestamptz + interval '1 minute' * (1 + i %% 20)
             ELSE %(now)s::timestamptz - interval '1 minute' * (1 + (i * 13) %% 600) END AS due,
        bucket BETWEEN 80 AND 91 AS earlier
    FROM s
), r AS (
    SELECT d.*,
        CASE WHEN bucket BETWEEN 92 AND 96
                THEN %(now)s::timestamptz - interval '1 minute' * (1 + i %% 20)
             ELSE due - interval '30 minutes' END AS risk
    FROM d
), t AS (
INSERT INTO tickets_ticket (
    customer_id, contract_id, reporter_id, channel, online_outside_package, ticket_type,
    priority, component_id, subject, description, status, assignee_id, is_billable,
    is_over_quota, is_deferred, root_cause, created_at, updated_at, opened_at,
    first_response_at, reaction_met, withdraw_reason, extension_reason, sla_paused,
    sla_extended, reaction_due, reaction_at_risk_at, reaction_breached_at, reaction_breach_told,
    resolution_due, resolution_at_risk_at, resolution_breached_at, resolution_breach_told,
    next_due
)
SELECT
    (%(customers)s::bigint[])[1 + i %% %(k)s], (%(contracts)s::bigint[])[1 + i %% %(k)s],
    (%(reporters)s::bigint[])[1 + i %% %(k)s], 'portal', false, 'incident', 1 + i %% 3,
    (%(components)s::bigint[])[1 + i %% %(c)s], %(prefix)s || i,
    'Calls drop after 30 seconds.', CASE WHEN answered THEN 'in_progress' ELSE 'new' END,
    CASE WHEN (i * 17) %% 10 < 4 THEN %(engineer)s::bigint END, false, false, false, '',
    opened, opened, opened,
    CASE WHEN answered THEN opened + interval '5 minutes' END,
    CASE WHEN answered THEN true END, '', '', false, false,
    CASE WHEN answered THEN opened + interval '1 hour' ELSE due END,
    CASE WHEN answered THEN NULL ELSE risk END,
    CASE WHEN earlier AND NOT answered THEN due END,
    CASE WHEN earlier AND NOT answered THEN due END,
    CASE WHEN answered THEN due ELSE due + interval '4 hours' END,
    CASE WHEN answered THEN risk ELSE due + interval '3 hours' END,
    CASE WHEN earlier AND answered THEN due END,
    CASE WHEN earlier AND answered THEN due END,
    due
FROM r
RETURNING id, reaction_breached_at, resolution_breached_at
)
INSERT INTO tickets_slaalert (ticket_id, metric, kind, due_at, created_at, batch)
SELECT id, CASE WHEN reaction_breached_at IS NULL THEN 'resolution' ELSE 'reaction' END,
    'breach', COALESCE(reaction_breached_at, resolution_breached_at),
    %(now)s::timestamptz - interval '1 hour', %(batch)s::uuid
FROM t WHERE COALESCE(reaction_breached_at, resolution_breached_at) IS NOT NULL
"""


def _pg_chunk(first, stop, now, engineer, contracts, components) -> None:
    params = {
        "now": now,
        "first": first,
        "last": stop - 1,
        "customers": [c.customer_id for c, _ in contracts],
        "contracts": [c.pk for c, _ in contracts],
        "reporters": [u.pk for _, u in contracts],
        "k": len(contracts),
        "components": [c.pk for c in components],
        "c": len(components),
        "prefix": PREFIX,
        "engineer": engineer.pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(PG_SQL, {**params, "batch": str(uuid.uuid4())})


def _python_ticket(i, now, contract, reporter, component, engineer):
    from tickets.models import Ticket, TicketStatus

    kind = kind_of(i)
    answered = i % 5 < 3
    opened = now - timedelta(minutes=30 + (i * 7919) % 7170)
    if kind == "fine":
        due = now + timedelta(minutes=60 + (i * 31) % 2340)
    elif kind == "at risk":
        due = now + timedelta(minutes=1 + i % 20)
    else:
        due = now - timedelta(minutes=1 + (i * 13) % 600)
    risk = now - timedelta(minutes=1 + i % 20) if kind == "at risk" else due - timedelta(minutes=30)
    earlier = due if kind == "breached earlier" else None
    ticket = Ticket(
        customer_id=contract.customer_id, contract=contract, reporter=reporter,
        ticket_type="incident", priority=1 + i % 3, component=component,
        subject=f"{PREFIX}{i}", description="Calls drop after 30 seconds.",
        status=TicketStatus.IN_PROGRESS if answered else TicketStatus.NEW,
        assignee=engineer if (i * 17) % 10 < 4 else None,
        created_at=opened, opened_at=opened,
        first_response_at=opened + timedelta(minutes=5) if answered else None,
        reaction_met=True if answered else None, next_due=due,
    )
    if answered:
        ticket.reaction_due = opened + timedelta(hours=1)
        ticket.resolution_due, ticket.resolution_at_risk_at = due, risk
        ticket.resolution_breached_at = ticket.resolution_breach_told = earlier
    else:
        ticket.reaction_due, ticket.reaction_at_risk_at = due, risk
        ticket.reaction_breached_at = ticket.reaction_breach_told = earlier
        ticket.resolution_due = due + timedelta(hours=4)
        ticket.resolution_at_risk_at = due + timedelta(hours=3)
    return ticket


def _python_rows(start, n, now, engineer, contracts, components, batch_size=5000) -> None:
    from tickets.models import SlaAlert, SlaAlertKind, SlaMetric, Ticket

    old_run = uuid.uuid4()
    for first in range(start, start + n, batch_size):
        tickets = []
        for i in range(first, min(first + batch_size, start + n)):
            contract, reporter = contracts[i % len(contracts)]
            tickets.append(
                _python_ticket(
                    i, now, contract, reporter, components[i % len(components)], engineer
                )
            )
        Ticket.objects.bulk_create(tickets)
        SlaAlert.objects.bulk_create(
            SlaAlert(
                ticket=t, kind=SlaAlertKind.BREACH, created_at=now - timedelta(hours=1),
                metric=SlaMetric.RESOLUTION if t.first_response_at else SlaMetric.REACTION,
                due_at=t.resolution_breached_at or t.reaction_breached_at, batch=old_run,
            )
            for t in tickets
            if t.resolution_breached_at or t.reaction_breached_at
        )


def clear_tickets() -> None:
    """Empty the ticket table and what hangs on it between benchmarks (TRUNCATE on
    PostgreSQL: deleting a million rows one cascade at a time takes longer than seeding)."""
    from tickets.models import Ticket

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Ticket._meta.db_table} CASCADE")
    else:
        Ticket.objects.all().delete()
