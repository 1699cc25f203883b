"""Inbound mail fixtures: the small .eml files of this folder and a contact who sends them."""

from pathlib import Path

import pytest

from tests import factories

FIXTURES = Path(__file__).parent / "fixtures"
ALICE = "alice@customer.test"


def eml(name: str, **replace: str) -> bytes:
    """A fixture's bytes; ``replace`` fills placeholders (TICKET, PORTALID)."""
    raw = (FIXTURES / name).read_bytes()
    for key, value in replace.items():
        raw = raw.replace(key.encode(), value.encode())
    return raw


@pytest.fixture
def alice(contract):
    """The active contact who sends the fixtures (From: alice@customer.test)."""
    user = factories.ContactUserFactory(username=ALICE, email=ALICE, customer=contract.customer)
    return user.contact
