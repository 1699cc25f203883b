"""Fixtures of the statement tests: the dashboard's known-outcome tickets (October 2026, an
ended month at the test clock) and customer A's contacts and clients.

Expected figures are computed here from the specs by the SPEC's definitions, never by the code
under test (``expected_month``).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client

from tests import factories
from tests.tickets.dashboard.conftest import (  # noqa: F401 (fixtures)
    KYIV,
    MONTH,
    SPECS,
    Spec,
    known_tickets,
    long_contracts,
)

HOUR = dt.timedelta(hours=1)


def _in_month(instant: dt.datetime | None, month: dt.date) -> bool:
    if instant is None:
        return False
    local = instant.astimezone(KYIV)
    return (local.year, local.month) == (month.year, month.month)


def _outcome(spec: Spec, *, metric: str, now: dt.datetime) -> str:
    """met / breached / open for one spec, from what the spec says happened."""
    met = spec.reaction_met if metric == "reaction" else spec.resolution_met
    late = spec.reaction_late if metric == "reaction" else spec.resolution_late
    due = (
        spec.opened + HOUR
        if metric == "reaction"
        else (None if spec.paused else spec.opened + 8 * HOUR)
    )
    if met is True:
        return "met"
    if met is False or late or (due is not None and due < now):
        return "breached"
    return "open"


def expected_month(customer: str, month: dt.date, now: dt.datetime) -> dict:
    """The customer's month straight from the specs: counts by type, outcomes, billable hours
    and quota units (independent of the statement and dashboard code)."""
    specs = [s for s in SPECS if s.customer == customer and _in_month(s.opened, month)]
    figures: dict = {"all": [0, 0, 0, 0]}
    outcomes = []
    for spec in specs:
        reaction = _outcome(spec, metric="reaction", now=now)
        resolution = _outcome(spec, metric="resolution", now=now)
        outcomes.append((spec.opened, reaction, resolution))
        for key in ("all", spec.ticket_type):
            row = figures.setdefault(key, [0, 0, 0, 0])
            row[0] += reaction == "met"
            row[1] += reaction != "open"
            row[2] += resolution == "met"
            row[3] += resolution != "open"
    billable = sum(
        (
            s.billable_spent
            for s in SPECS
            if s.customer == customer
            and s.billable_spent
            and s.opened
            and _in_month(s.opened + s.resolution_elapsed, month)
        ),
        dt.timedelta(),
    )
    hours = (Decimal(billable.total_seconds()) / 3600).quantize(Decimal("0.01"), ROUND_HALF_UP)
    quota = sum(
        1 for s in SPECS if s.customer == customer and s.quota and _in_month(s.opened, month)
    )
    return {"figures": figures, "outcomes": outcomes, "billable": hours, "quota_used": quota}


@pytest.fixture
def acme(known_tickets):  # noqa: F811 (the imported fixture)
    return known_tickets["a"].customer


@pytest.fixture
def acme_admin(acme):
    return factories.ContactFactory(
        customer=acme, is_customer_admin=True, user__email="admin@acme.test", language="uk"
    )


@pytest.fixture
def acme_client(acme_admin) -> Client:
    client = Client()
    client.force_login(acme_admin.user)
    return client


@pytest.fixture
def globex_client(known_tickets) -> Client:  # noqa: F811
    contact = factories.ContactFactory(customer=known_tickets["b"].customer)
    client = Client()
    client.force_login(contact.user)
    return client


@pytest.fixture
def month_arg() -> str:
    return f"{MONTH:%Y-%m}"


def kyiv_month(now: dt.datetime, shift: int = 0) -> str:
    """``YYYY-MM`` of the month ``now`` falls in, in Kyiv (the staff zone), plus ``shift``."""
    local = now.astimezone(KYIV)
    index = local.year * 12 + local.month - 1 + shift
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def kyiv_text(instant: dt.datetime) -> str:
    """An instant as the English pages write it, in Kyiv: ``18 Nov 2026, 10:30``."""
    local = instant.astimezone(KYIV)
    return f"{local.day} {local:%b %Y, %H:%M}"
