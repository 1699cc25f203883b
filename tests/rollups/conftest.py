"""Roll-up fixtures: a contract in force all year, and the comparison every test makes."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from rollups.models import BillableCell, MedianBin, MonthCell, PendingDue
from rollups.services import rollups_rebuild
from tests import factories
from tests.tickets.dashboard.conftest import known_tickets, long_contracts  # noqa: F401
from tickets.selectors.dashboard import (
    Period,
    _Cube,
    add_months,
    base_tickets,
    bucket,
    hours,
    in_period,
)
from tickets.selectors.dashboard_queries import counts_cube
from tickets.selectors.dashboard_tables import billable_hours

COUNTED = ("r_due", "r_met", "s_due", "s_met", "r_timed", "s_timed", "w")


@pytest.fixture
def contract(customer, advanced):
    """``customer``'s Advanced contract, in force since the start of 2026."""
    return factories.ContractFactory(
        customer=customer,
        package=advanced,
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2027, 12, 31),
    )


def year_to(now: dt.datetime, customer_id: int | None = None) -> Period:
    last = now.date().replace(day=1)
    return Period(add_months(last, -11), last, now, customer_id)


def summed(rows) -> dict:
    """Cube rows summed per (month, contract, type, priority), zero rows left out."""
    found: dict[tuple, Counter] = {}
    for row in rows:
        key = (row["b"], row["contract_id"], row["ticket_type"], row["priority"])
        found.setdefault(key, Counter()).update({name: row[name] for name in COUNTED})
    return {key: +counts for key, counts in found.items() if +counts}


def cube_from_tickets(period: Period) -> dict:
    """The counts cube as the dashboard computed it before the roll-ups: every ticket read."""
    qs = base_tickets(period).filter(in_period(period))
    return summed(counts_cube(qs, bucket=bucket(period, "opened_at"), now=period.now))


def cube_shown(period: Period) -> dict:
    """The counts the dashboard uses now: roll-ups plus the live tickets."""
    return summed(_Cube.load(period).rows)


def billable_shown(period: Period) -> dict:
    return {row.customer_id: row.by_month for row in billable_hours(period)}


def billable_from_tickets(period: Period) -> dict:
    """Billable hours per customer and month resolved, added up here from every ticket."""
    spent: dict[tuple[int, int], dt.timedelta] = {}
    index = {month: i for i, month in enumerate(period.months)}
    for ticket in base_tickets(period).filter(
        is_billable=True, resolved_at__gte=period.start, resolved_at__lt=period.end
    ):
        month = ticket.resolved_at.astimezone(period.zone).date().replace(day=1)
        key = (ticket.customer_id, index[month])
        spent[key] = spent.get(key, dt.timedelta()) + (ticket.time_spent or dt.timedelta())
    found: dict[int, list] = {}
    for (customer_id, b), total in spent.items():
        found.setdefault(customer_id, [hours(dt.timedelta())] * len(period.months))[b] = hours(
            total
        )
    return found


def stored_rollups() -> tuple[set, ...]:
    cells = {
        tuple(row)
        for row in MonthCell.objects.exclude(tickets=0).values_list(
            "month",
            "customer_id",
            "contract_id",
            "ticket_type",
            "priority",
            "tickets",
            *COUNTED,
        )
    }
    pending = set(
        PendingDue.objects.values_list(
            "ticket_id", "month", "contract_id", "reaction_due", "resolution_due"
        )
    )
    billable = set(
        BillableCell.objects.exclude(tickets=0).values_list(
            "month", "customer_id", "tickets", "spent"
        )
    )
    bins = set(
        MedianBin.objects.exclude(tickets=0).values_list(
            "month", "customer_id", "metric", "level", "bin", "tickets"
        )
    )
    return cells, pending, billable, bins


def assert_rollups_fresh() -> None:
    """What the signals and hooks keep == a rebuild from the tickets."""
    kept = stored_rollups()
    rollups_rebuild()
    assert kept == stored_rollups()
