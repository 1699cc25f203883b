"""Ending a ticket in the browser: a contact withdraws (after a confirmation page), reopens a
resolved ticket within the window and confirms the resolution of another; an engineer finds a
resolved ticket by #N and by the status filter.

The clock is moved (time-machine, ticking, in every thread including the live server's) to
11:00 UTC+03:00 so the incidents are filed inside incident hours whatever the real time.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from packages.models import Component
from tests import factories
from tests.browser.two_factor import pass_two_factor
from tickets.models import Ticket, TicketStatus
from tickets.services.ending import ticket_resolve
from tickets.services.filing import ticket_file

pytestmark = pytest.mark.django_db(transaction=True)
UTC3 = dt.timezone(dt.timedelta(hours=3))


@pytest.fixture(autouse=True)
def business_hours(transactional_db):
    today = dt.datetime.now(UTC3).date()
    with time_machine.travel(dt.datetime.combine(today, dt.time(11), UTC3), tick=True):
        yield


@pytest.fixture
def file(contact):
    def make(subject: str) -> Ticket:
        return ticket_file(
            contact=contact,
            ticket_type="incident",
            priority=3,
            component=Component.objects.get(code="inbound-calls"),
            subject=subject,
            description="Since the update.",
            now=timezone.now() - dt.timedelta(minutes=30),
        )

    return make


@pytest.fixture
def resolved(file, engineer):
    def make(subject: str) -> Ticket:
        return ticket_resolve(
            ticket=file(subject),
            by=engineer,
            root_cause="product_defect",
            time_spent=dt.timedelta(minutes=20),
            message="Patched the gateway.",
            now=timezone.now() - dt.timedelta(minutes=5),
        )

    return make


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.TEST_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("nav")).to_contain_text("Log out")


def test_contact_withdraws_after_confirming(page, live_server, shot, contact, file):
    ticket = file("No longer needed: the old trunk")
    log_in(page, live_server, contact.user.username)
    page.goto(f"{live_server.url}{reverse('tickets:detail', args=[ticket.pk])}")
    page.click("#withdraw")
    # a page of its own asks first (no JavaScript needed); nothing has changed yet
    expect(page.locator("h1")).to_have_text(f"Withdraw {ticket.reference}?")
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.NEW
    shot(page, "confirm")
    page.click("#withdraw-yes")
    expect(page.locator("#ticket-status")).to_have_text("Withdrawn")
    expect(page.locator(".alert-success, .alert-info").first).to_contain_text("is withdrawn")
    expect(page.locator("#follow-up-note")).to_contain_text("file a new ticket")
    expect(page.locator("#withdraw")).to_have_count(0)
    expect(page.locator("#reopen")).to_have_count(0)
    shot(page, "withdrawn")
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.WITHDRAWN


def test_contact_reopens_one_resolved_ticket_and_confirms_another(
    page, live_server, shot, contact, resolved
):
    again = resolved("Calls drop again after the patch")
    fine = resolved("Reports are fast now")
    log_in(page, live_server, contact.user.username)

    page.goto(f"{live_server.url}{reverse('tickets:detail', args=[again.pk])}")
    expect(page.locator("#reopen")).to_be_visible()
    expect(page.locator("#comment-form")).to_have_count(0)
    shot(page, "resolved")
    page.click("#reopen")
    expect(page.locator("#ticket-status")).to_have_text("In progress")
    expect(page.locator("#reopen")).to_have_count(0)
    expect(page.locator("#comment-form")).to_be_visible()
    shot(page, "reopened")

    page.goto(f"{live_server.url}{reverse('tickets:detail', args=[fine.pk])}")
    page.click("#confirm-close")
    expect(page.locator("#ticket-status")).to_have_text("Closed")
    expect(page.locator("#reopen")).to_have_count(0)
    expect(page.locator("#follow-up-note")).to_contain_text(f"{fine.reference} is closed")
    shot(page, "closed")
    statuses = dict(Ticket.objects.values_list("pk", "status"))
    assert statuses[again.pk] == TicketStatus.IN_PROGRESS
    assert statuses[fine.pk] == TicketStatus.CLOSED


def test_engineer_finds_a_resolved_ticket_by_number_and_by_status(
    page, live_server, shot, engineer, file, resolved
):
    file("Still open")
    done = resolved("Fixed yesterday: trunk 7")
    log_in(page, live_server, engineer.username)
    pass_two_factor(page, engineer)  # staff log in with a code from their app
    page.goto(f"{live_server.url}{reverse('tickets:queue')}")
    expect(page.locator(f"#queue tr[data-ticket='{done.pk}']")).to_have_count(0)  # open queue

    page.fill("input[name=q]", done.reference)
    page.click("#queue-filters button[type=submit]")
    rows = page.locator("#queue tbody tr[data-ticket]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-ticket", str(done.pk))
    expect(rows.first).to_contain_text("Resolved")
    shot(page, "by-number")

    page.goto(f"{live_server.url}{reverse('tickets:queue')}")
    page.select_option("select[name=status]", "resolved")
    page.click("#queue-filters button[type=submit]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-ticket", str(done.pk))
    expect(page.locator("#queue-count")).to_have_text(re.compile(r"^1 ticket"))
    shot(page, "by-status")
    rows.first.locator("a").first.click()
    expect(page.locator("#reopen")).to_be_visible()
