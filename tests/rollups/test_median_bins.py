"""The dashboard's medians from stored histograms: exact to the 0.01 h the page prints.

The arithmetic is checked against ``statistics.median`` for any times (hypothesis); the
selector over ended tickets (counted in the roll-ups) mixed with live ones, against the median
of the tickets' own times, for the period, each month and one customer.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollups.histogram import (
    Middle,
    bin_bounds,
    coarse_bin,
    fine_bin,
    fine_middle,
    shown,
)
from rollups.services import rollups_rebuild
from tests import factories
from tests.rollups.conftest import assert_rollups_fresh, year_to
from tests.tickets.dashboard.conftest import HOUR, KYIV, Spec, kyiv, spec_row
from tickets.models import Ticket, TicketStatus
from tickets.selectors.dashboard_medians import period_medians
from tickets.selectors.dashboard_period import add_months, hours

US = dt.timedelta(microseconds=1)


def _median_from_bins(values: list[dt.timedelta]) -> dt.timedelta:
    """What the selector does, with the exact reads done from ``values``."""
    fine = Counter(fine_bin(v) for v in values)
    wide = Counter(coarse_bin(fine_bin(v)) for v in values)
    low, high = fine_middle(Middle.of(wide), fine)
    if low == high:
        return shown(low)
    in_low = [v for v in values if bin_bounds(low)[0] <= v < bin_bounds(low)[1]]
    in_high = [v for v in values if bin_bounds(high)[0] <= v < bin_bounds(high)[1]]
    return (max(in_low) + min(in_high)) / 2


times = st.one_of(
    st.integers(0, 200 * 3_600_000_000),  # anything up to 200 h
    # at the bins' edges (every 18 s) and a microsecond either side
    st.tuples(st.integers(1, 400), st.sampled_from([-1, 0, 1])).map(
        lambda k: k[0] * 18_000_000 + k[1]
    ),
).map(lambda us: dt.timedelta(microseconds=us))


@given(st.lists(times, min_size=1, max_size=60))
def test_binned_median_prints_as_the_median(values):
    assert hours(_median_from_bins(values)) == hours(statistics.median(values))


@given(st.integers(0, 10**12))
def test_a_bin_holds_exactly_the_times_that_print_alike(us):
    value = dt.timedelta(microseconds=us)
    low, high = bin_bounds(fine_bin(value))
    assert low <= value < high
    assert hours(value) == hours(shown(fine_bin(value)))
    assert hours(value) * 100 == fine_bin(value)


def _spec(rng, customer, month: dt.date, day, *, resolved=True):
    """A replied ticket with times spread over hours and around the display's steps."""
    reaction = dt.timedelta(seconds=rng.choice([18, 35, 36, 54, 3599, 3600, 3618, 7200]))
    reaction += dt.timedelta(seconds=rng.randrange(0, 4 * 3600))
    resolution = reaction + dt.timedelta(seconds=rng.randrange(0, 30 * 3600)) if resolved else None
    return Spec(
        customer,
        kyiv(month.year, month.month, day, h=9 + rng.randrange(0, 8)),
        reaction_met=True,
        reaction_elapsed=reaction,
        resolution_met=True if resolved else None,
        resolution_elapsed=resolution,
    )


@pytest.fixture
def timed_tickets(long_contracts, now):
    """Some 150 replied tickets over the three months before the current one and two
    customers: most closed (their times in the roll-ups), some resolved lately or still open
    (counted live)."""
    this_month = now.astimezone(KYIV).date().replace(day=1)
    months = [add_months(this_month, -back) for back in (3, 2, 1)]
    rng = random.Random(7)
    component = factories.ComponentFactory()
    reporters = {
        k: factories.ContactUserFactory(customer=c.customer) for k, c in long_contracts.items()
    }
    rows = []
    for i in range(151):
        spec = _spec(rng, "ab"[i % 2], months[i % 3], 1 + i % 27, resolved=i % 7 != 0)
        row = spec_row(
            spec,
            contract=long_contracts[spec.customer],
            reporter=reporters[spec.customer],
            component=component,
        )
        if spec.resolved and i % 5:
            row.status = TicketStatus.CLOSED
            row.closed_at = min(row.resolved_at + 15 * 24 * HOUR, now)
        rows.append(row)
    Ticket.objects.bulk_create(rows)
    rollups_rebuild()
    return long_contracts


def _expected(period, customer_id=None):
    found = {}
    tickets = Ticket.objects.filter(opened_at__gte=period.start, opened_at__lt=period.end)
    if customer_id is not None:
        tickets = tickets.filter(customer_id=customer_id)
    index = {m: i for i, m in enumerate(period.months)}
    for scope in (None, *range(len(period.months))):
        picked = [
            t
            for t in tickets
            if scope is None
            or index[t.opened_at.astimezone(period.zone).date().replace(day=1)] == scope
        ]
        reaction = [t.reaction_elapsed for t in picked if t.reaction_elapsed is not None]
        resolution = [t.resolution_elapsed for t in picked if t.resolution_met is not None]
        found[scope] = tuple(
            hours(statistics.median(v)) if v else None for v in (reaction, resolution)
        )
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("customer", [None, "a", "b"])
def test_medians_of_ended_and_live_tickets(timed_tickets, now, customer):
    customer_id = timed_tickets[customer].customer_id if customer else None
    period = year_to(now, customer_id)
    # given closed tickets rolled up and live ones not
    assert Ticket.objects.filter(status=TicketStatus.CLOSED).count() > 80
    assert Ticket.objects.exclude(status=TicketStatus.CLOSED).count() > 30
    # then every scope's medians print as the median of its tickets' times
    shown_medians = {
        scope: tuple(hours(v) for v in pair) for scope, pair in period_medians(period).items()
    }
    assert shown_medians == _expected(period, customer_id)
    assert any(pair != (None, None) for pair in shown_medians.values())


@pytest.mark.django_db
def test_closing_and_reopening_keep_the_bins_exact(timed_tickets, now):
    # when tickets are closed and reopened one by one (the save signals move their counts)
    for ticket in Ticket.objects.filter(status=TicketStatus.RESOLVED)[:5]:
        ticket.status, ticket.closed_at = TicketStatus.CLOSED, now
        ticket.save()
    for ticket in Ticket.objects.filter(status=TicketStatus.CLOSED)[:5]:
        ticket.status, ticket.closed_at = TicketStatus.IN_PROGRESS, None
        ticket.resolution_met = ticket.resolution_elapsed = ticket.resolved_at = None
        ticket.save()
    # then the stored bins are what a rebuild gives, and the medians still follow the tickets
    assert_rollups_fresh()
    period = year_to(now)
    got = {s: tuple(hours(v) for v in pair) for s, pair in period_medians(period).items()}
    assert got == _expected(period)
