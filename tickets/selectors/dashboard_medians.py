"""The dashboard's medians of business time, from the stored histograms (``rollups``).

Median reaction (replied tickets) and resolution (resolved ones) of the period and of each of
its months, exact to the 0.01 h the page prints, in four or five queries whatever the number
of tickets or months (``rollups.histogram`` explains why counts per display step suffice):

1. the wide (one-hour) counts of the ended tickets of the period's months;
2. the live tickets' counts per fine bin, grouped by the database, one read per metric (not
   ended: open, or resolved within the reopen window; a workload, not the history);
3. the fine counts of the one or two hours holding each middle, nothing else;
4. only where an even count's two middle values print differently: those two values, read
   from the tickets through the business-time indexes (a range of 36 s).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Hashable
from datetime import timedelta

from django.db import connection
from django.db.models import BigIntegerField, Count, F, Func, Q, Value

from rollups.contribution import LIVE_STATUSES
from rollups.histogram import (
    FINE,
    STEP_US,
    WIDE,
    Middle,
    bin_bounds,
    coarse_bin,
    fine_middle,
    fine_range,
    shown,
)
from rollups.models import ALL_CUSTOMERS, MedianBin, TimedMetric
from tickets.selectors.dashboard_period import Period, add_months, base_tickets, bucket, in_period
from tickets.selectors.dashboard_queries import (
    LIVE_INDEX,
    REACTION_TIMED,
    RESOLUTION_TIMED,
    indexed_values,
    through_index,
)

METRICS = (
    (TimedMetric.REACTION.value, "reaction_elapsed", REACTION_TIMED),
    (TimedMetric.RESOLUTION.value, "resolution_elapsed", RESOLUTION_TIMED),
)
# SQLite (no statistics) is told which index reads one bin's range: these are led by the time.
TIME_INDEXES = {
    "reaction_elapsed": "ticket_dash_reaction_idx",
    "resolution_elapsed": "ticket_dash_resolution_idx",
}
logger = logging.getLogger(__name__)
Scope = Hashable  # None: the whole period; i: its i-th month
Medians = dict  # scope -> (median reaction, median resolution), timedeltas or None


def period_medians(period: Period) -> Medians:
    """Medians of the whole period (key None) and of every month (its index)."""
    scopes: list[Scope] = [None, *range(len(period.months))]
    live = _live_times(period)
    wide = _counts(_stored(period, WIDE), live, level=WIDE)
    middles = {
        (scope, metric): middle
        for scope in scopes
        for metric, _field, _timed in METRICS
        if (middle := Middle.of(_in_scope(wide, scope, metric))) is not None
    }
    hours_needed = {(metric, c) for (_s, metric), m in middles.items() for c in m.coarse_bins}
    fine = _counts(_stored(period, FINE, hours_needed), live, level=FINE) if middles else {}
    found: dict[tuple[Scope, int], timedelta] = {}
    split: dict[tuple[Scope, int], tuple[int, int]] = {}
    for key, middle in middles.items():
        try:
            low, high = fine_middle(middle, _in_scope(fine, *key))
        except ValueError:  # stored counts gone wrong: no median rather than no page
            logger.warning("median roll-ups disagree (%s); run rollups_rebuild", key)
            continue
        if low == high:
            found[key] = shown(low)
        else:
            split[key] = (low, high)
    if split:
        found.update(_exact_means(period, split))
    return {
        scope: tuple(found.get((scope, metric)) for metric, _f, _t in METRICS) for scope in scopes
    }


def _customer(period: Period) -> int:
    return ALL_CUSTOMERS if period.customer_id is None else period.customer_id


def _stored(period: Period, level: int, hours: set | None = None) -> list[tuple]:
    """(month index, metric, bin, tickets) of the stored histogram rows of the period; at the
    fine level only the bins of the ``hours`` (metric, wide bin) asked for."""
    rows = MedianBin.objects.filter(
        customer_id=_customer(period),
        level=level,
        # the months listed, not a range: each (month, metric, bin range) is then one seek
        # of the (customer, level, month, metric, bin) key, not a filter of the whole period
        month__in=period.months,
        tickets__gt=0,
    )
    if hours is not None:
        wanted = Q()
        for metric, c in sorted(hours):
            first, last = fine_range(c)
            wanted |= Q(metric=metric, bin__gte=first, bin__lte=last)
        rows = rows.filter(wanted)
    index = {month: i for i, month in enumerate(period.months)}
    return [
        (index[month], metric, b, n)
        for month, metric, b, n in rows.values_list("month", "metric", "bin", "tickets")
    ]


class _FineBin(Func):
    """``rollups.histogram.fine_bin`` of a business time, by the database: a time's integer
    microseconds (PostgreSQL's epoch of an interval is exact), plus half a step, divided."""

    output_field = BigIntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        elapsed, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            elapsed = f"(EXTRACT(EPOCH FROM {elapsed}) * 1000000)::bigint"
        # SQLite keeps a duration as integer microseconds already
        return f"(({elapsed} + {STEP_US // 2}) / {STEP_US})", params


def _live_times(period: Period) -> list[tuple[int, int, int, int]]:
    """(month index, metric, fine bin, tickets) of the tickets of the period not ended yet,
    counted by the database (two grouped reads of the live tickets, however many)."""
    found = []
    for metric, name, timed in METRICS:
        qs = (
            base_tickets(period)
            .filter(timed, in_period(period), status__in=LIVE_STATUSES)
            .annotate(b=bucket(period, "opened_at"), fine=_FineBin(F(name)))
            .values("b", "fine")
            .annotate(n=Count("pk"))
            .order_by()
        )
        rows = indexed_values(qs, LIVE_INDEX)
        found.extend((row["b"], metric, row["fine"], row["n"]) for row in rows)
    return found


def _counts(stored: list[tuple], live: list[tuple], *, level: int) -> dict:
    """(month index, metric) -> Counter of bins: the stored rows plus the live counts."""
    counts: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for b, metric, key, n in stored:
        counts[(b, metric)][key] += n
    for b, metric, fine, n in live:
        counts[(b, metric)][fine if level == FINE else coarse_bin(fine)] += n
    return counts


def _in_scope(counts: dict, scope: Scope, metric: int) -> Counter:
    if scope is not None:
        return counts.get((scope, metric), Counter())
    total: Counter = Counter()
    for (_b, m), months in counts.items():
        if m == metric:
            total.update(months)
    return total


def _scope_q(period: Period, scope: Scope) -> Q:
    if scope is None:
        return in_period(period)
    month = period.months[scope]
    return Q(
        opened_at__gte=period.instant(month), opened_at__lt=period.instant(add_months(month, 1))
    )


def _exact_means(period: Period, split: dict) -> dict:
    """The mean of the two middle values where they print differently: the largest time of
    the lower one's bin and the smallest of the upper one's, within the scope. One compound
    query, each part a range of one bin on a business-time index."""
    fields = {metric: (name, timed) for metric, name, timed in METRICS}
    parts, params, order = [], [], []
    for (scope, metric), bins in sorted(split.items(), key=lambda kv: (kv[0][0] is None, kv[0])):
        name, timed = fields[metric]
        for side, fine in zip((0, 1), bins, strict=True):
            low, high = bin_bounds(fine)
            in_bin = {f"{name}__gte": low, f"{name}__lt": high}
            part = (
                base_tickets(period)
                .filter(timed, _scope_q(period, scope), **in_bin)
                .annotate(part=Value(len(order)), value=F(name))
                .order_by(f"-{name}" if side == 0 else name)
                .values("part", "value")[:1]
            )
            sql, part_params = part.query.get_compiler(using=part.db).as_sql()
            if connection.vendor == "sqlite":
                sql = through_index(sql, TIME_INDEXES[name])
            part_sql = f"SELECT * FROM ({sql}) AS part_{len(parts)}"  # noqa: S608 - Django's SQL
            parts.append(part_sql)
            params.extend(part_params)
            order.append((scope, metric))
    values: dict[tuple, list[timedelta]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for part, value in cursor.fetchall():
            if not isinstance(value, timedelta):  # SQLite stores microseconds
                value = timedelta(microseconds=value)
            values[order[part]].append(value)
    return {key: sum(found, timedelta()) / len(found) for key, found in values.items()}
