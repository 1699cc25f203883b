"""On a phone (390 × 844): what is due comes first in the lists, the queue's filters fold
away, the workspace shows its SLA panel before the conversation — and at desktop width the
pages keep their columns.

The clock is moved to 11:00 UTC+03:00 today (inside incident hours) as in the other browser
tests, so the tickets filed here have running due times.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from packages.models import Component
from tests import factories
from tests.browser.two_factor import pass_two_factor
from tickets.services import workflow
from tickets.services.filing import ticket_file

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_business_hours")]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def engineer(db):
    return factories.EngineerFactory(username="iryna@vendor.test", first_name="Iryna")


@pytest.fixture
def tickets(contact, engineer):
    """Three incidents with long subjects; the first has a long conversation."""
    component = Component.objects.get(code="inbound-calls")
    now = timezone.now()
    filed = [
        ticket_file(
            contact=contact,
            ticket_type="incident",
            priority=priority,
            component=component,
            subject=f"Inbound calls to the main IVR number drop after thirty seconds ({priority})",
            description="Since this morning every inbound call drops after 30 seconds.",
            now=now - dt.timedelta(minutes=10 - priority),
        )
        for priority in (1, 2, 3)
    ]
    for minute in range(8):
        workflow.ticket_reply(
            ticket=filed[0],
            by=engineer,
            body="We are tracing the SIP dialogue on the session border controller.\n" * 4,
            internal=bool(minute % 2),
            now=now - dt.timedelta(minutes=6) + dt.timedelta(seconds=20 * minute),
        )
    return filed


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.TEST_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    user = get_user_model().objects.get(username=username)
    if user.is_staff:
        pass_two_factor(page, user)  # staff log in with a code from their app
    expect(page.locator("main")).to_be_visible()


def on_screen(locator, viewport) -> bool:
    """Inside the first screen, whole, without scrolling sideways or down."""
    box = locator.bounding_box()
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and box["y"] + box["height"] <= viewport["height"]
    )


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_contacts_list_shows_the_first_rows_due_times_on_a_phone(
    page, live_server, shot, contact, tickets
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, contact.user.username)
    page.goto(f"{live_server.url}{reverse('tickets:contact_list')}")
    first = page.locator("#ticket-list tbody tr").first
    for metric in ("reaction", "resolution"):
        due = first.locator(f"[data-due={metric}] time")
        expect(due).to_be_visible()
        assert on_screen(due, PHONE), metric
    assert on_screen(first.locator("[data-due=reaction] [data-sla]"), PHONE)
    assert no_sideways_scroll(page)
    shot(page, "phone-list")


def test_the_queue_folds_its_filters_and_shows_the_first_row_on_a_phone(
    page, live_server, shot, engineer, tickets
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, engineer.username)
    page.goto(f"{live_server.url}{reverse('tickets:queue')}")
    expect(page.locator("#queue-filter-fields")).to_be_hidden()
    first = page.locator("#queue tbody tr").first
    assert on_screen(first, PHONE)
    assert on_screen(first.locator("[data-due] time"), PHONE)
    assert on_screen(first.locator("[data-time-left]"), PHONE)
    expect(first.locator("[data-time-left]")).to_contain_text("left")
    assert no_sideways_scroll(page)
    shot(page, "phone-queue")

    # the button opens them; once a filter is in use they stay open
    page.click("#queue-filters-toggle")
    expect(page.locator("#queue-filter-fields")).to_be_visible()
    page.fill("#queue-filters input[name=q]", "IVR")
    page.locator("#queue-filters button[type=submit]").click()
    expect(page.locator("#queue-filter-fields")).to_be_visible()
    expect(page.locator("#queue-filters input[name=q]")).to_have_value("IVR")
    shot(page, "phone-queue-filtered")


def test_the_workspace_puts_the_sla_panel_above_the_conversation_on_a_phone(
    page, live_server, shot, engineer, tickets
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, engineer.username)
    page.goto(f"{live_server.url}{reverse('tickets:workspace', args=[tickets[0].pk])}")
    sla = page.locator("#sla-panel").bounding_box()
    conversation = page.locator("#conversation").bounding_box()
    assert sla["y"] + sla["height"] <= conversation["y"]
    assert sla["y"] < PHONE["height"]  # on the first screen
    assert no_sideways_scroll(page)
    shot(page, "phone-workspace")


def test_the_same_pages_keep_their_columns_at_desktop_width(
    page, live_server, shot, contact, engineer, tickets
):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, engineer.username)
    page.goto(f"{live_server.url}{reverse('tickets:queue')}")
    expect(page.locator("#queue-filter-fields")).to_be_visible()
    expect(page.locator("#queue-filters-toggle")).to_be_hidden()
    expect(page.locator("#queue thead")).to_be_visible()
    cells = page.locator("#queue tbody tr").first.locator("td")
    tops = {round(cells.nth(i).bounding_box()["y"]) for i in range(cells.count())}
    assert len(tops) == 1  # one table row, not a stacked card
    shot(page, "desktop-queue")

    page.goto(f"{live_server.url}{reverse('tickets:workspace', args=[tickets[0].pk])}")
    sla = page.locator("#sla-panel").bounding_box()
    conversation = page.locator("#conversation").bounding_box()
    assert sla["x"] >= conversation["x"] + conversation["width"]  # a column to the right
    assert sla["y"] < conversation["y"]  # at the top of that column
    history = page.locator("#history").bounding_box()
    assert history["x"] >= conversation["x"] + conversation["width"]
    shot(page, "desktop-workspace")

    page.context.clear_cookies()
    log_in(page, live_server, contact.user.username)
    page.goto(f"{live_server.url}{reverse('tickets:contact_list')}")
    expect(page.locator("#ticket-list thead")).to_be_visible()
    page.goto(f"{live_server.url}{reverse('tickets:detail', args=[tickets[0].pk])}")
    facts = page.locator("#ticket-facts").bounding_box()
    description = page.locator("#ticket-description").bounding_box()
    assert facts["x"] >= description["x"] + description["width"]
    shot(page, "desktop-detail")
