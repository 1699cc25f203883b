"""Password-reset mail: limited per address and per client address and hour, looked up and sent
by a task after the request (so neither the answer nor its timing tells whether the address
has an account)."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
RESET = reverse("password_reset")


def ask(client, email, **extra):
    return client.post(RESET, {"email": email}, **extra)


def test_the_request_itself_never_looks_the_address_up(client):
    # given an existing account
    UserFactory(username="known@example.test")
    # when a reset is asked for it, and for an unknown address
    answers = []
    for email in ("known@example.test", "unknown@example.test"):
        with CaptureQueriesContext(connection) as queries:
            response = ask(client, email)
        answers.append((response.status_code, response.url))
        # then the request reads no user row and sends no mail: the task does that later
        assert not [q for q in queries if "auth_user" in q["sql"]], email
    assert mail.outbox == []
    assert answers[0] == answers[1] == (302, reverse("password_reset_done"))


def test_the_task_after_commit_sends_the_mail(client, django_capture_on_commit_callbacks):
    # given an account
    UserFactory(username="known@example.test")
    # when a reset is asked for and the transaction commits
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ask(client, "Known@Example.test")
    # then the queued task sent one mail, through the outbox
    assert len(callbacks) >= 1
    assert [m.to for m in mail.outbox] == [["known@example.test"]]


def test_mails_to_one_address_are_limited_per_hour(client, django_capture_on_commit_callbacks):
    # given an account
    UserFactory(username="target@example.test")
    # when twenty resets are asked for it from many client addresses
    with django_capture_on_commit_callbacks(execute=True):
        codes = {
            ask(client, "target@example.test", REMOTE_ADDR=f"198.51.100.{n + 1}").status_code
            for n in range(20)
        }
    # then every answer is the same, and only three mails went (PORTAL_MAILS_PER_ADDRESS_HOUR)
    assert codes == {302}
    assert len(mail.outbox) == 3


def test_the_limit_passes_with_the_hour(client, frozen_clock, django_capture_on_commit_callbacks):
    import datetime as dt

    UserFactory(username="target@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            ask(client, "target@example.test")
        frozen_clock.shift(dt.timedelta(hours=1, minutes=1))
        ask(client, "target@example.test")
    assert len(mail.outbox) == 4


def test_requests_from_one_client_address_are_limited(client):
    # given one client address asking for resets of many addresses
    codes = [
        ask(client, f"x{n}@example.test", REMOTE_ADDR="198.51.100.9").status_code for n in range(12)
    ]
    # then after ten (PORTAL_RESETS_PER_CLIENT_HOUR) the page says to try later
    assert codes[:10] == [302] * 10
    assert codes[10:] == [429, 429]
    page = ask(client, "y@example.test", REMOTE_ADDR="198.51.100.9")
    assert "Too many password reset requests came from your network" in page.content.decode()
    # and another address is not affected
    assert ask(client, "y@example.test", REMOTE_ADDR="198.51.100.10").status_code == 302


def test_a_deactivated_account_gets_no_reset_mail(client, django_capture_on_commit_callbacks):
    UserFactory(username="gone@example.test", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "gone@example.test")
    assert response.status_code == 302
    assert mail.outbox == []
