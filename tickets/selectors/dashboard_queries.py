"""The dashboard's heavy queries: few scans of the tickets table, no per-row Python.

* Months are bucketed with a CASE over the period's month boundaries, computed in Python in the
  reporting zone: plain comparisons of ``opened_at`` the index can serve, never a per-row time
  zone conversion (SQLite evaluates ``TruncMonth(tzinfo=...)`` in Python, row by row).
* All met/due counts come from ONE grouped scan (month, contract, type, priority): the page's
  trend, breakdowns and totals are sums of that small table, whose size depends on the number
  of months, contracts and types, never on the number of tickets.
* Medians are overall figures (the whole period, each month), never per breakdown, counted
  from stored histograms (``dashboard_medians``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)

# Withdrawn tickets' unmet targets are neither met nor breached: once withdrawn, a ticket is due
# only for what was met or breached before (the engine then sets met true or false).
WITHDRAWN = Q(status="withdrawn")
REACTION_MET = Q(reaction_met=True)
RESOLUTION_MET = Q(resolution_met=True)
# Whose business time enters the medians: replied tickets (reaction), resolved ones (resolution).
REACTION_TIMED = Q(reaction_elapsed__isnull=False)
RESOLUTION_TIMED = Q(resolution_met__isnull=False, resolution_elapsed__isnull=False)


@contextmanager
def reporting_transaction() -> Iterator[None]:
    """The page's queries in one transaction (on SQLite one snapshot: the medians' row counts
    come from the counts query). PostgreSQL: memory enough to group the period's rows in a hash
    and sort the medians' values in memory; its 4 MB default spills them to disk (2x slower)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '32MB'")
        yield


def reaction_due_q(now: datetime) -> Q:
    return (
        Q(reaction_met__isnull=False)
        | Q(reaction_breached_at__isnull=False)
        | (Q(reaction_due__lt=now) & ~WITHDRAWN)
    )


def resolution_due_q(now: datetime) -> Q:
    return (
        Q(resolution_met__isnull=False)
        | Q(resolution_breached_at__isnull=False)
        | (Q(resolution_due__lt=now) & ~WITHDRAWN)
    )


def month_bucket(field_name: str, boundaries: Sequence[datetime]) -> Case:
    """Index of the month ``field_name`` falls in: ``boundaries`` are the months' starts plus
    the end of the last one. Rows outside them get NULL (callers filter them out anyway)."""
    whens = [
        When(**{f"{field_name}__lt": end}, then=Value(i)) for i, end in enumerate(boundaries[1:])
    ]
    return Case(
        When(**{f"{field_name}__lt": boundaries[0]}, then=Value(None)),
        *whens,
        default=Value(None),
        output_field=IntegerField(),
    )


CUBE_KEYS = ("b", "contract_id", "ticket_type", "priority")
LIVE_INDEX = "ticket_queue_cover_idx"  # SQLite: led by status, the tickets not ended only


def counts_cube(
    qs: QuerySet, *, bucket: Case, now: datetime, index: str = LIVE_INDEX
) -> list[dict]:
    """Met/due counts per (month index ``b``, contract, type, priority) in one grouped scan
    (on SQLite through ``index``)."""
    r_due, s_due = reaction_due_q(now), resolution_due_q(now)
    cube = (
        qs.annotate(b=bucket)
        .values(*CUBE_KEYS)
        .annotate(
            r_due=Count("pk", filter=r_due),
            r_met=Count("pk", filter=r_due & REACTION_MET),
            s_due=Count("pk", filter=s_due),
            s_met=Count("pk", filter=s_due & RESOLUTION_MET),
            r_timed=Count("pk", filter=REACTION_TIMED),  # how many enter the medians
            s_timed=Count("pk", filter=RESOLUTION_TIMED),
            w=Count("pk", filter=WITHDRAWN),  # withdrawn tickets, shown beside the figures
        )
        .order_by()
    )
    return indexed_values(cube, index)


def through_index(sql: str, index: str) -> str:
    """SQLite: make a query of the tickets table read them through ``index``."""
    table = connection.ops.quote_name("tickets_ticket")
    if sql.count(f"FROM {table} ") != 1:
        raise ValueError(f"unexpected dashboard query: {sql}")
    return sql.replace(f"FROM {table} ", f"FROM {table} INDEXED BY {index} ")


def indexed_values(qs: QuerySet, index: str) -> list[dict]:
    """The rows of a ``values()`` query of tickets, read through ``index`` on SQLite.

    Without statistics SQLite cannot tell which index is cheaper (with the customer filter it
    would read all the customer's tickets through the customer index), so the query names it:
    INDEXED BY, an error if the index is missing. PostgreSQL plans by its statistics.
    """
    if connection.vendor != "sqlite":
        return list(qs)
    compiler = qs.query.get_compiler(using=qs.db)
    sql, params = compiler.as_sql()
    sql = through_index(sql, index)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    converters = compiler.get_converters(
        [expression for expression, _sql, _alias in compiler.select]
    )
    if converters:
        rows = compiler.apply_converters(rows, converters)
    return [dict(zip(names, row, strict=True)) for row in rows]
