"""The dashboard's heavy queries: few scans of the tickets table, no per-row Python.

* Months are bucketed with a CASE over the period's month boundaries, computed in Python in the
  reporting zone: plain comparisons of ``opened_at`` the index can serve, never a per-row time
  zone conversion (SQLite evaluates ``TruncMonth(tzinfo=...)`` in Python, row by row).
* All met/due counts come from ONE grouped scan (month, contract, type, priority): the page's
  trend, breakdowns and totals are sums of that small table, whose size depends on the number
  of months, contracts and types, never on the number of tickets.
* Medians are overall figures (the whole period, each month), never per breakdown: one
  PERCENTILE_CONT query on PostgreSQL; on SQLite one compound query of the middle rows by
  LIMIT/OFFSET, read in order from indexes (the number of rows comes from the counts cube).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DurationField,
    F,
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
# Holds every column the counts read, led by opened_at: the period's rows and nothing else.
COUNTS_INDEX = "ticket_dash_counts_idx"
LIVE_INDEX = "ticket_queue_cover_idx"  # SQLite: led by status, the tickets not ended only


def counts_cube(
    qs: QuerySet, *, bucket: Case, now: datetime, index: str = COUNTS_INDEX
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


class Median(Aggregate):
    """PostgreSQL's ordered-set aggregate: the interpolated median (intervals work too)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


# The two medians: the field, which tickets it is taken over, and (SQLite) the index that
# holds the field in order with every column the filters read (see Ticket.Meta.indexes).
# A month's medians rather read its rows by ``opened_at`` from the counts' covering index and
# sort them: walking the whole field's index to a month's middle would read half the table.
MONTH_INDEX = COUNTS_INDEX
TIMED = (
    ("reaction_elapsed", REACTION_TIMED, "ticket_dash_reaction_idx"),
    ("resolution_elapsed", RESOLUTION_TIMED, "ticket_dash_resolution_idx"),
)
Medians = dict  # scope -> (median reaction, median resolution), timedeltas or None


def medians(
    qs: QuerySet, period: Q, months: dict[Hashable, Q], sizes: dict[Hashable, tuple]
) -> Medians:
    """Median reaction and resolution business time of the ``period`` (key None) and of each
    of the ``months`` (filters on ``qs``, the months inside the period).

    ``sizes`` gives each one's number of timed tickets (reaction, resolution), which the
    counts cube already knows. One query either way. PostgreSQL: PERCENTILE_CONT ... FILTER
    per scope. SQLite: per scope and field, the middle values by ORDER BY ... LIMIT/OFFSET, read
    in order from an index instead of sorting the period's tickets, all in one UNION ALL.
    """
    scopes = {None: period, **months}
    if connection.vendor == "postgresql":
        return _medians_postgresql(qs.filter(period, REACTION_TIMED | RESOLUTION_TIMED), scopes)
    return _medians_sqlite(qs, scopes, sizes)


def _index(key: Hashable, period_index: str) -> str:
    return period_index if key is None else MONTH_INDEX


def _medians_postgresql(qs: QuerySet, scopes: dict[Hashable, Q]) -> Medians:
    aggregates = {
        f"m{i}_{j}": Median(field_name, filter=condition & scope)
        for i, scope in enumerate(scopes.values())
        for j, (field_name, condition, _index) in enumerate(TIMED)
    }
    found = qs.order_by().aggregate(**aggregates)
    return {key: (found[f"m{i}_0"], found[f"m{i}_1"]) for i, key in enumerate(scopes)}


def _medians_sqlite(qs: QuerySet, scopes: dict[Hashable, Q], sizes: dict) -> Medians:
    """One compound statement: per scope and field, the one (n odd) or two (n even) middle
    values by ORDER BY ... LIMIT/OFFSET, each part read in order from its index."""
    parts, params, keys = [], [], list(scopes)
    for k, key in enumerate(keys):
        for j, ((field_name, condition, index), n) in enumerate(
            zip(TIMED, sizes[key], strict=True)
        ):
            if not n:
                continue
            middle = (
                qs.filter(condition, scopes[key])
                .annotate(scope=Value(k), field=Value(j), value=F(field_name))
                .order_by(field_name)
                .values("scope", "field", "value")[(n - 1) // 2 : n // 2 + 1]
            )
            sql, part_params = middle.query.get_compiler(using=middle.db).as_sql()
            # the SQL is Django's own compiled query, its values all parameters
            parts.append(f"SELECT * FROM ({_through_index(sql, _index(key, index))})")  # noqa: S608
            params.extend(part_params)
    found: dict[tuple[int, int], list[timedelta]] = {}
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for k, j, value in cursor.fetchall():
                found.setdefault((k, j), []).append(timedelta(microseconds=value))
    return {
        key: tuple(_mean(found.get((k, j), [])) for j in range(len(TIMED)))
        for k, key in enumerate(keys)
    }


def _through_index(sql: str, index: str) -> str:
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
    sql = _through_index(sql, index)
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


def _mean(values: list[timedelta]) -> timedelta | None:
    """The middle value, or the mean of the two middle ones (as PERCENTILE_CONT does)."""
    return sum(values, timedelta()) / len(values) if values else None
