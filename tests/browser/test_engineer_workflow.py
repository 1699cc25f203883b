"""An engineer works the priority 1 ticket at the top of the queue from take to resolve (root
cause, time spent and the message to the customer in one form).

The clock is moved (time-machine, ticking, in every thread including the live server's) to
11:00 UTC+03:00 so the ticket, filed five minutes earlier, is inside incident hours and nothing
is breached whatever the real time of the run.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from packages.models import Component
from tests import factories
from tests.browser.two_factor import pass_two_factor
from tickets.models import Ticket
from tickets.services.filing import ticket_file

UTC3 = dt.timezone(dt.timedelta(hours=3))



def open_action(page, name: str) -> None:
    """Open an action's panel and wait until it has finished opening (Bootstrap's collapse)."""
    page.click(f"button[data-bs-target='#action-{name}']")
    expect(page.locator(f"#action-{name}")).to_have_class(re.compile(r"\bshow\b"))


def submit(page, form: str) -> None:
    """Send a form and wait for the page the server answers with."""
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


@pytest.fixture
def business_hours():
    today = dt.datetime.now(UTC3).date()
    with time_machine.travel(dt.datetime.combine(today, dt.time(11), UTC3), tick=True):
        yield


@pytest.fixture
def p1_ticket(transactional_db, business_hours, contact):
    component = Component.objects.get(code="inbound-calls")
    now = timezone.now()
    ticket_file(
        contact=contact,
        ticket_type="incident",
        priority=3,
        component=component,
        subject="Reports are slow",
        description="Since Monday.",
        now=now - dt.timedelta(minutes=4),
    )
    return ticket_file(
        contact=contact,
        ticket_type="incident",
        priority=1,
        component=component,
        subject="All inbound calls fail",
        description="SIP 503 on every call.",
        now=now - dt.timedelta(minutes=5),
    )


def test_engineer_takes_replies_works_around_waits_and_resolves(page, live_server, shot, p1_ticket):
    iryna = factories.EngineerFactory(
        username="iryna@vendor.test", first_name="Iryna", last_name="Shevchenko"
    )
    # Log in
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "iryna@vendor.test")
    page.fill("input[name=password]", factories.TEST_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    pass_two_factor(page, iryna)  # staff log in with a code from their app
    shot(page, "logged-in")

    # The queue: the priority 1 ticket is at the top
    page.goto(f"{live_server.url}/queue/")
    first = page.locator("#queue tbody tr").first
    expect(first).to_have_attribute("data-ticket", str(p1_ticket.pk))
    expect(first).to_have_attribute("data-priority", "1")
    expect(first.locator("[data-time-left]")).to_contain_text("left")
    shot(page, "queue")
    first.locator("a").first.click()
    expect(page.locator("#ticket-subject")).to_have_text("All inbound calls fail")

    # Take it
    page.click("#take")
    expect(page.locator("#ticket-assignee")).to_have_text("Iryna Shevchenko")
    shot(page, "taken")

    # Reply: reaction met
    page.fill("#reply-form textarea[name=body]", "We see the 503s and are on it.")
    page.click("#reply-form button[type=submit]")
    expect(page.locator("[data-sla=reaction-met]")).to_be_visible()
    expect(page.locator("#history")).to_contain_text("Reaction met")
    shot(page, "replied")

    # Workaround: priority 2, a new resolution due is shown
    open_action(page, "priority")
    page.select_option("#priority-form select[name=priority]", "2")
    page.check("#priority-form input[name=workaround]")
    submit(page, "#priority-form")
    expect(page.locator("#ticket-priority")).to_contain_text("2")
    expect(page.locator("[data-sla=resolution-due]")).to_be_visible()
    expect(page.locator("#history")).to_contain_text("New clock: priority 2")
    shot(page, "workaround")

    # Waiting for the customer: paused
    open_action(page, "status")
    page.select_option("#status-form select[name=status]", "waiting")
    submit(page, "#status-form")
    expect(page.locator("[data-sla=resolution-paused]")).to_be_visible()
    expect(page.locator("#history")).to_contain_text("Resolution clock paused")
    shot(page, "waiting")

    # Resolve without the required fields: errors, nothing lost
    open_action(page, "resolve")
    page.fill("#resolve-form input[name=time_spent_minutes]", "35")
    page.fill("#resolve-form textarea[name=message]", "The carrier fixed its trunk.")
    submit(page, "#resolve-form")
    expect(page.locator("#resolve-form")).to_contain_text("Record the root cause")
    expect(page.locator("#resolve-form input[name=time_spent_minutes]")).to_have_value("35")
    expect(page.locator("#resolve-form textarea[name=message]")).to_have_value(
        "The carrier fixed its trunk."
    )
    shot(page, "resolve-refused")

    # Resolve with root cause, time spent and the message to the customer
    page.select_option("#resolve-form select[name=root_cause]", "third_party")
    submit(page, "#resolve-form")
    expect(page.locator("#ticket-status")).to_have_text(re.compile("Resolved"))
    expect(page.locator("#ticket-root-cause")).to_contain_text("Third party")
    expect(page.locator("#ticket-billable")).to_be_visible()
    expect(page.locator("#conversation")).to_contain_text("The carrier fixed its trunk.")
    expect(page.locator("#reopen")).to_be_visible()
    shot(page, "resolved")

    ticket = Ticket.objects.get(pk=p1_ticket.pk)
    assert ticket.status == "resolved" and ticket.priority == 2
    assert ticket.reaction_met is True and ticket.resolution_met is True
    assert ticket.time_spent == dt.timedelta(minutes=35) and ticket.is_billable
