"""HTTP hardening: a Content-Security-Policy without inline script (and no inline script left
in any template), a Permissions-Policy, no-store on what a logged-in user sees and on
downloads, and sessions that end after a period of inactivity."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = [part.strip().split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def test_every_page_has_a_policy_without_inline_script(client):
    found = directives(client.get(reverse("login")))
    assert found["script-src"] == ["'self'"]
    assert found["object-src"] == ["'none'"]
    assert found["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in found["default-src"] + found["style-src"]


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b([^>]*)>", text):
            if "src=" not in match[1] and "application/json" not in match[1]:
                offenders.append(f"{path.name}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.name}: on...= handler")
    assert not offenders


def test_the_language_menu_submits_through_the_static_script(client):
    html = client.get(reverse("login")).content.decode()
    assert "onchange" not in html
    assert "data-submit-on-change" in html
    assert "js/portal.js" in html


def test_permissions_policy_is_sent(client):
    policy = client.get(reverse("login"))["Permissions-Policy"]
    assert "camera=()" in policy and "microphone=()" in policy and "geolocation=()" in policy


@pytest.fixture
def ticket(ticket_with_file):
    return ticket_with_file


def test_ticket_pages_and_downloads_are_not_stored(contact_client, engineer_client, ticket):
    attachment = ticket.attachments.get()
    for client, url in (
        (contact_client, reverse("tickets:detail", args=[ticket.pk])),
        (contact_client, reverse("tickets:contact_list")),
        (contact_client, reverse("tickets:attachment", args=[attachment.pk])),
        (engineer_client, reverse("tickets:workspace", args=[ticket.pk])),
        (engineer_client, reverse("tickets:queue")),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_a_session_ends_after_the_idle_time(contact_client, frozen_clock, settings):
    url = reverse("tickets:contact_list")
    # used every few hours, the session goes on
    for _ in range(3):
        frozen_clock.shift(dt.timedelta(hours=7))
        assert contact_client.get(url).status_code == 200
    # unused for longer than PORTAL_SESSION_IDLE_MINUTES (8 hours), it has ended
    frozen_clock.shift(dt.timedelta(hours=8, minutes=1))
    response = contact_client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert settings.SESSION_COOKIE_AGE == settings.PORTAL_SESSION_IDLE_MINUTES * 60


def test_the_idle_time_is_a_setting(contact_client, frozen_clock, settings):
    settings.PORTAL_SESSION_IDLE_MINUTES = 30
    url = reverse("tickets:contact_list")
    frozen_clock.shift(dt.timedelta(minutes=31))
    assert contact_client.get(url).status_code == 302
