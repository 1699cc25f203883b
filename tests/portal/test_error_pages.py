"""Error pages are the portal's own: its look, the viewer's language, and nothing technical.

400, 403, 404 and 500 come from views that fail on purpose (tests/portal/error_urls.py) and
from real causes (an unknown host, a missing page, a database that is down); the refused-form
page from a POST without a CSRF token.
"""

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, RequestFactory

from portal import errors
from tests.factories import TEST_PASSWORD
from tests.portal.error_urls import SECRET_DETAIL
from tests.portal.live import BASE_DIR

PAGES = {
    # path: (status, English heading, Ukrainian heading)
    "/test-errors/400/": (400, "Bad request", "Некоректний запит"),
    "/test-errors/403/": (403, "Not allowed", "Недостатньо прав"),
    "/no-such-page/": (404, "Page not found", "Сторінку не знайдено"),
    "/test-errors/500/": (500, "Something went wrong", "Щось пішло не так"),
}
HEADING = {"en": 1, "uk": 2}
BRAND = {"en": "Support portal", "uk": "Портал підтримки"}


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.portal.error_urls"


def in_language(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.raise_request_exception = False
    return client


def assert_portal_page(response, status: int, heading: str, language: str) -> None:
    """The portal's look in ``language``, the heading, and no technical detail at all."""
    page = response.content.decode()
    assert response.status_code == status
    assert f'<html lang="{language}">' in page
    assert BRAND[language] in page and "bootstrap.min.css" in page  # base.html's look
    assert f'<h1 class="h4 mb-3">{heading}</h1>' in page
    assert 'name="language"' in page  # the language switch is there
    for leak in (SECRET_DETAIL, "Traceback", str(BASE_DIR), "SELECT", "settings", "DJANGO_"):
        assert leak not in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "uk"])
@pytest.mark.parametrize("path", list(PAGES))
def test_each_error_page_is_the_portals_own_in_the_viewers_language(contact_client, path, language):
    # given a logged-in contact who reads the portal in `language`
    client = in_language(contact_client, language)
    # when a page fails with the error
    response = client.get(path)
    # then the portal's own page answers, in that language, telling nothing technical
    status = PAGES[path][0]
    assert_portal_page(response, status, PAGES[path][HEADING[language]], language)


@pytest.mark.django_db
def test_a_request_for_an_unknown_host_gets_the_400_page(client, settings):
    # given a site that answers to its own host name only
    settings.ALLOWED_HOSTS = ["support.example.com"]
    # when a request names another host
    response = in_language(client, "uk").get("/accounts/login/", HTTP_HOST="evil.example")
    # then the portal's 400 page answers, without echoing the host
    assert_portal_page(response, 400, "Некоректний запит", "uk")
    assert "evil.example" not in response.content.decode()


@pytest.mark.django_db
def test_the_500_page_renders_while_the_database_is_down(contact_client, monkeypatch):
    # given a logged-in contact (their session is in the database) reading in Ukrainian
    client = in_language(contact_client, "uk")

    # when the database stops answering, so the session cannot even be read
    def database_down(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", database_down)
    response = client.get("/tickets/")
    monkeypatch.undo()

    # then the portal's 500 page still renders in full (not the bare fallback)
    assert_portal_page(response, 500, "Щось пішло не так", "uk")
    assert "connection refused" not in response.content.decode()


@pytest.mark.parametrize(
    ("handler", "status", "heading"),
    [(errors.server_error, 500, "Something went wrong"), (errors.bad_request, 400, "Bad request")],
)
def test_the_bare_pages_need_no_database(handler, status, heading):
    # given no database access at all (this test has no `db` fixture: any query would raise)
    request = RequestFactory().get("/anything/")
    # when the handler renders its page
    response = handler(request) if status == 500 else handler(request, Exception(SECRET_DETAIL))
    # then the full page comes out
    assert_portal_page(response, status, heading, "en")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "uk"])
def test_a_form_without_its_csrf_token_gets_the_portals_page(contact_user, language):
    # given a browser that checks CSRF as a real one does, reading in `language`
    client = in_language(Client(enforce_csrf_checks=True), language)
    # when it sends the log-in form without the token
    response = client.post(
        "/accounts/login/", {"username": contact_user.username, "password": TEST_PASSWORD}
    )
    # then the portal's own page says the form expired, without Django's wording or reason
    heading = {"en": "The form has expired", "uk": "Форма застаріла"}[language]
    assert_portal_page(response, 403, heading, language)
    page = response.content.decode()
    assert "CSRF verification failed" not in page
    assert "CSRF cookie not set" not in page
    # and the page hands out a fresh token, so the next try works
    assert settings.CSRF_COOKIE_NAME in response.cookies


@pytest.mark.django_db
def test_switching_language_on_an_error_page_shows_it_again_in_that_language(contact_client):
    # given the 404 page in English, whose language switch comes back to it
    contact_client.raise_request_exception = False
    page = contact_client.get("/no-such-page/").content.decode()
    assert 'name="next" type="hidden" value="/no-such-page/"' in page
    # when the viewer picks Ukrainian there
    switched = contact_client.post("/i18n/setlang/", {"language": "uk", "next": "/no-such-page/"})
    # then they come back to the same page, now in Ukrainian
    assert switched.status_code == 302 and switched.url == "/no-such-page/"
    assert_portal_page(contact_client.get(switched.url), 404, "Сторінку не знайдено", "uk")
