"""Accounts: log in and out, password change and reset, the landing page per role."""

import datetime as dt
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from packages.demo import DEMO_PASSWORD, demo_seed
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)")


def test_login_page_renders_a_crispy_form(client):
    # given an anonymous visitor
    # when they open the login page
    response = client.get(reverse("login"))
    # then it shows the Bootstrap form with its fields and a reset link
    assert response.status_code == 200
    assert "registration/login.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert "form-control" in html  # crispy's Bootstrap 5 rendering
    assert "csrfmiddlewaretoken" in html
    assert reverse("password_reset") in html
    assert "vendor/bootstrap/bootstrap.min.css" in html  # vendored, no CDN


def test_demo_login_works_and_lands_on_home(client):
    # given the demo data
    demo_seed(now=dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC))
    # when a demo contact logs in with the demo password
    response = client.post(
        reverse("login"), {"username": "anna@acme.example", "password": DEMO_PASSWORD}
    )
    # then they land on the home page, signed in as their organisation's contact
    assert response.status_code == 302
    assert response.url == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Welcome, Anna Kovalenko" in home.content.decode()
    assert "Acme Telecom" in home.content.decode()


def test_a_wrong_password_is_refused(client):
    # given a user
    user = UserFactory()
    # when they log in with a wrong password
    response = client.post(reverse("login"), {"username": user.username, "password": "nope"})
    # then the page comes back with an error and nobody is signed in
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_logout_is_a_post(client):
    # given a signed-in user
    user = UserFactory()
    client.force_login(user)
    # when they GET the logout URL, nothing happens
    assert client.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in client.session
    # when they POST it
    response = client.post(reverse("logout"))
    # then they are signed out and sent to the login page
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert SESSION_KEY not in client.session


def test_anonymous_visitor_is_sent_to_login_for_home(client):
    # given an anonymous visitor
    # when they open the home page
    response = client.get(reverse("home"))
    # then they are redirected to log in, coming back afterwards
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('home')}"


def test_password_change(client):
    # given a signed-in user
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("password_change")).status_code == 200
    # when they change their password
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-much-longer-passphrase-7",
            "new_password2": "a-much-longer-passphrase-7",
        },
    )
    # then it is changed and they see the confirmation
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    assert client.get(response.url).status_code == 200
    user.refresh_from_db()
    assert user.check_password("a-much-longer-passphrase-7")


def test_password_reset_sends_a_working_link(client, django_capture_on_commit_callbacks):
    # given a user with an e-mail address
    user = UserFactory(username="reset@example.test")
    # when they ask for a reset (the mail is looked up and sent by a task after commit)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "reset@example.test"})
    # then they are told to check their mail, and one e-mail with a link went to them
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert client.get(response.url).status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reset@example.test"]
    assert "Password reset" in message.subject
    assert "\n" not in message.subject
    assert "reset@example.test" in message.body  # the username reminder
    link = RESET_LINK.search(message.body)
    assert link, message.body

    # when they follow the link and set a new password
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    assert 'name="new_password1"' in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "brand-new-passphrase-9", "new_password2": "brand-new-passphrase-9"},
    )
    # then the password is set and they can log in with it
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    assert client.get(done.url).status_code == 200
    user.refresh_from_db()
    assert user.check_password("brand-new-passphrase-9")


def test_password_reset_for_an_unknown_address_sends_nothing_but_looks_the_same(client):
    # given no user with that address
    # when a reset is asked for
    response = client.post(reverse("password_reset"), {"email": "nobody@example.test"})
    # then the visitor sees the same page, and no mail leaves
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_an_invalid_reset_link_says_so(client):
    # given a made-up reset link
    # when it is opened
    response = client.get(
        reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"})
    )
    # then the page explains and offers a new link
    assert response.status_code == 200
    assert "invalid" in response.content.decode()
    assert reverse("password_reset") in response.content.decode()


@pytest.mark.parametrize(
    ("client_fixture", "expected", "absent"),
    [
        ("contact_client", "authorised contact of Acme Test", "Administration"),
        ("engineer_client", "support engineer", "Open administration"),
        ("manager_client", "support manager", "authorised contact"),
    ],
)
def test_home_speaks_to_each_role(request, client_fixture, expected, absent):
    # given a signed-in user of some role
    client = request.getfixturevalue(client_fixture)
    # when they open the home page
    response = client.get(reverse("home"))
    # then it addresses their role
    html = response.content.decode()
    assert response.status_code == 200
    assert expected in html
    assert absent not in html


def test_home_for_an_unlinked_user_says_to_ask_the_administrator(client):
    # given a user who is neither a contact nor staff
    client.force_login(UserFactory())
    # when they open the home page
    response = client.get(reverse("home"))
    # then they are told why there is nothing to do
    assert "not linked to a customer organisation" in response.content.decode()


def test_login_page_in_ukrainian(client):
    # given a visitor whose browser asks for Ukrainian
    # when they open the login page
    response = client.get(reverse("login"), headers={"accept-language": "uk"})
    # then the page is in Ukrainian
    html = response.content.decode()
    assert '<html lang="uk">' in html
    assert "Увійти" in html
    assert "Ваше ім’я користувача — це адреса електронної пошти" in html  # our own catalogue
    assert "Забули пароль?" in html


def test_password_reset_mail_in_ukrainian(client, django_capture_on_commit_callbacks):
    # given a user and a Ukrainian browser
    UserFactory(username="olena@example.test")
    # when they ask for a password reset
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("password_reset"),
            {"email": "olena@example.test"},
            headers={"accept-language": "uk"},
        )
    # then the mail is in Ukrainian too
    (message,) = mail.outbox
    assert message.subject.startswith("Скидання пароля на порталі підтримки")
    assert "Перейдіть за цим посиланням, щоб вибрати новий пароль:" in message.body
