"""Repeated failed logins lock the account and the address for a while (django-axes), on the
portal's login page and the admin's alike, with a message that never tells whether the
account exists."""

import datetime as dt
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import WRONG, post_login
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 10  # PORTAL_LOGIN_FAILURE_LIMIT's default
LOCKED = "Too many failed attempts to log in"


def fail(client, username, times, **extra):
    return [post_login(client, username, WRONG, **extra).status_code for _ in range(times)]


def test_the_right_password_is_refused_once_the_account_is_locked(client):
    # given a user and ten wrong passwords for their account
    user = UserFactory()
    codes = fail(client, user.username, LIMIT)
    # then the attempts before the limit are answered as a wrong password
    assert codes[: LIMIT - 1] == [200] * (LIMIT - 1)
    # when the right password comes next
    response = post_login(client, user.username, TEST_PASSWORD)
    # then it is refused with the lock-out page (429) and nobody is signed in
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "15 minutes" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_the_lock_is_per_account_whatever_the_address(client):
    # given failures for one account spread over many client addresses
    user = UserFactory()
    for n in range(LIMIT):
        post_login(client, user.username.upper(), WRONG, REMOTE_ADDR=f"198.51.100.{n + 1}")
    # when the right password comes from yet another address
    response = post_login(client, user.username, TEST_PASSWORD, REMOTE_ADDR="203.0.113.9")
    # then the account is locked (the username's case does not matter)
    assert response.status_code == 429


def test_the_lock_is_per_address_whatever_the_account(client):
    # given one address trying many usernames
    for n in range(LIMIT):
        post_login(client, f"guess{n}@example.test", WRONG, REMOTE_ADDR="198.51.100.7")
    user = UserFactory()
    # when a real user logs in from that address
    locked = post_login(client, user.username, TEST_PASSWORD, REMOTE_ADDR="198.51.100.7")
    # then that address is locked, while another address logs the user in
    assert locked.status_code == 429
    other = Client()
    response = post_login(other, user.username, TEST_PASSWORD, REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 302


def test_the_admin_login_is_locked_too(client):
    # given a manager and ten wrong passwords on the admin's login page
    from tests.factories import ManagerFactory

    manager = ManagerFactory()
    fail(client, manager.username, LIMIT, admin=True)
    # when the right password comes on the admin's page
    response = post_login(client, manager.username, TEST_PASSWORD, admin=True)
    # then it is refused with the same lock-out page
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert SESSION_KEY not in client.session


def test_the_answers_are_the_same_for_an_unknown_account(client):
    # given one real account and one that does not exist
    user = UserFactory()
    real, ghost = Client(), Client()
    # when both get the same failures, from different addresses
    real_codes = fail(real, user.username, LIMIT + 1, REMOTE_ADDR="198.51.100.20")
    ghost_codes = fail(ghost, "nobody@example.test", LIMIT + 1, REMOTE_ADDR="198.51.100.21")
    # then the status codes and the lock-out page are the same for both
    assert real_codes == ghost_codes
    real_page = post_login(real, user.username, WRONG, REMOTE_ADDR="198.51.100.20")
    ghost_page = post_login(ghost, "nobody@example.test", WRONG, REMOTE_ADDR="198.51.100.21")
    assert real_page.status_code == ghost_page.status_code == 429
    assert _alert(real_page) == _alert(ghost_page)
    assert user.username not in real_page.content.decode()


def _alert(response) -> str:
    return re.search(r'id="locked-out"[^>]*>(.*?)</div>', response.content.decode(), re.S)[1]


def test_logging_in_works_again_once_the_lock_has_passed(client, frozen_clock):
    # given a locked account
    user = UserFactory()
    fail(client, user.username, LIMIT)
    assert post_login(client, user.username, TEST_PASSWORD).status_code == 429
    # when the cool-off (15 minutes) has passed since the last attempt
    frozen_clock.shift(dt.timedelta(minutes=16))
    # then the right password logs in
    response = post_login(client, user.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_success_before_the_limit_clears_the_failures(client):
    # given nine failures and then a successful login
    user = UserFactory()
    fail(client, user.username, LIMIT - 1)
    assert post_login(client, user.username, TEST_PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    # when nine more failures follow
    fail(client, user.username, LIMIT - 1)
    # then the account is not locked
    assert post_login(client, user.username, TEST_PASSWORD).status_code == 302


def test_the_lock_out_page_speaks_ukrainian(client):
    user = UserFactory()
    fail(client, user.username, LIMIT, headers={"accept-language": "uk"})
    response = post_login(client, user.username, TEST_PASSWORD, headers={"accept-language": "uk"})
    html = response.content.decode()
    assert "Забагато невдалих спроб увійти" in html
    assert "на 15 хвилин" in html


def test_a_manager_can_lift_a_lock_in_the_admin(client, manager_client):
    from axes.models import AccessAttempt

    user = UserFactory()
    fail(client, user.username, LIMIT)
    attempt = AccessAttempt.objects.get(username=user.username)
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert manager_client.post(url, {"post": "yes"}).status_code == 302
    assert post_login(client, user.username, TEST_PASSWORD).status_code == 302
