"""The lock-out demonstration (tests/portal/lockout_demo.py) as a test: run with -s to read it."""

import pytest

from tests.factories import TEST_PASSWORD, UserFactory
from tests.portal import lockout_demo

pytestmark = pytest.mark.django_db


def test_twenty_wrong_passwords_lock_the_account_until_the_lock_passes(frozen_clock, capsys):
    user = UserFactory(username="demo@acme.test")
    steps = lockout_demo.run(username=user.username, password=TEST_PASSWORD, traveller=frozen_clock)
    printed = capsys.readouterr().out
    with capsys.disabled():
        print("\n" + printed)
    statuses = [status for _step, status in steps]
    assert statuses[:9] == [200] * 9  # "Please enter a correct username and password"
    assert statuses[9:20] == [429] * 11  # locked from the tenth failure on
    assert steps[20] == ("right while locked", 429)
    assert "Too many failed attempts to log in" in printed
    assert steps[21] == ("right after the lock", 302)
