"""A contract's first and last day are the customer's days: judged in the contract's zone."""

import datetime as dt
import zoneinfo

import pytest

from packages.selectors import contract_in_force
from tests import factories

pytestmark = pytest.mark.django_db
KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def contract_from(day: dt.date, zone: str):
    return factories.ContractFactory(
        valid_from=day, valid_to=day + dt.timedelta(days=365), time_zone=zone
    )


def test_a_kyiv_contract_is_in_force_from_its_first_local_midnight():
    contract = contract_from(dt.date(2027, 1, 1), "Europe/Kyiv")
    # 01:00 in Kyiv on the first day is still 31 December in UTC
    at = dt.datetime(2027, 1, 1, 1, 0, tzinfo=KYIV)
    assert contract_in_force(customer=contract.customer, at=at) == contract
    assert contract_in_force(customer=contract.customer, at=at - dt.timedelta(hours=2)) is None


def test_a_new_york_contract_holds_until_its_last_local_midnight():
    contract = contract_from(dt.date(2026, 1, 1), "America/New_York")
    last_day = contract.valid_to - dt.timedelta(days=1)
    # 21:00 in New York on the last day is already the next day in UTC
    at = dt.datetime.combine(last_day, dt.time(21), NEW_YORK)
    assert contract_in_force(customer=contract.customer, at=at) == contract
    assert contract_in_force(customer=contract.customer, at=at + dt.timedelta(hours=3)) is None


def test_a_following_contract_takes_over_at_local_midnight():
    first = contract_from(dt.date(2026, 1, 1), "Europe/Kyiv")
    second = factories.ContractFactory(
        customer=first.customer,
        valid_from=first.valid_to,
        valid_to=first.valid_to + dt.timedelta(days=365),
        time_zone="Europe/Kyiv",
    )
    midnight = dt.datetime.combine(first.valid_to, dt.time(0), KYIV)
    assert (
        contract_in_force(customer=first.customer, at=midnight - dt.timedelta(seconds=1)) == first
    )
    assert contract_in_force(customer=first.customer, at=midnight) == second
