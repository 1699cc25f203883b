"""A customer contact in the browser: file a P1 incident, follow it, reply with a file; the
quota choice past 30 of 30; isolation between organisations; the Ukrainian switch.

The clock is moved (time-machine, ticking, in every thread including the live server's) to
11:00 UTC+03:00 so incidents are filed inside incident hours and nothing is breached.
Transactional tests flush the database, seeded rows included, and ``serialized_rollback``
does not help here (Playwright's sync API runs the test in a greenlet whose context has a fresh
connection object without the serialized contents), so ``_seeded`` re-runs the idempotent seed
migrations first.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from playwright.sync_api import expect

from packages.models import Component
from sla.models import TicketType
from tests import factories
from tickets.models import Ticket
from tickets.selectors.quota import quota_month_of
from tickets.services.filing import ticket_file

pytestmark = pytest.mark.django_db(transaction=True)
UTC3 = dt.timezone(dt.timedelta(hours=3))


@pytest.fixture(autouse=True)
def _seeded(transactional_db):
    """Packages, components, calendars and SLA targets as the migrations seed them."""
    from django.apps import apps

    for module in (
        "packages.migrations.0002_seed_packages_components",
        "sla.migrations.0002_seed_calendars_targets",
    ):
        importlib.import_module(module).seed(apps, None)


@pytest.fixture(autouse=True)
def business_hours(_seeded):
    today = dt.datetime.now(UTC3).date()
    with time_machine.travel(dt.datetime.combine(today, dt.time(11), UTC3), tick=True):
        yield


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.TEST_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("nav")).to_contain_text("Log out")


def test_contact_files_a_p1_incident_sees_its_due_time_and_replies_with_a_file(
    page, live_server, shot, contact, tmp_path
):
    log_in(page, live_server, contact.user.username)
    shot(page, "logged-in")

    page.goto(f"{live_server.url}{reverse('tickets:file')}")
    page.select_option("#id_ticket_type", TicketType.INCIDENT)
    expect(page.locator("#priority-field")).to_be_visible()
    page.select_option("#id_priority", "1")
    page.select_option("#id_component", label="Inbound calls")
    page.fill("#id_subject", "All inbound calls fail")
    page.fill("#id_description", "SIP 503 on every inbound call since 10:50.")
    shot(page, "filing-form")
    page.get_by_role("button", name="File the ticket").click()

    ticket = Ticket.objects.get(subject="All inbound calls fail")
    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.pk}/$"))
    expect(page.locator("#ticket-subject")).to_have_text("All inbound calls fail")
    reaction = page.locator("#reaction-due time")
    expect(reaction).to_be_visible()
    # the engine's due time, shown in the contract's zone
    assert ticket.reaction_due > ticket.opened_at
    local_due = timezone.localtime(ticket.reaction_due, ZoneInfo(ticket.contract.time_zone))
    expect(reaction).to_have_attribute("datetime", date_format(local_due, "c"))
    shot(page, "filed-with-reaction-due")

    trace = tmp_path / "sip-trace.log"
    trace.write_text("INVITE sip:100@pbx\nSIP/2.0 503 Service Unavailable\n")
    page.fill("#id_body", "Here is the SIP trace.")
    page.set_input_files("#id_attachments", str(trace))
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".conversation")).to_contain_text("Here is the SIP trace.")
    link = page.locator(".conversation a[data-attachment]")
    expect(link).to_have_text("sip-trace.log")
    shot(page, "replied-with-file")
    with page.expect_download() as download_info:
        link.click()
    assert download_info.value.suggested_filename == "sip-trace.log"


def test_advanced_contact_at_30_of_30_gets_the_quota_choice_and_defers(
    page, live_server, shot, contact, contract
):
    month = quota_month_of(timezone.now(), contract.time_zone)
    component = Component.objects.get(code="inbound-calls")
    factories.TicketFactory.create_batch(
        30,
        contract=contract,
        reporter=contact.user,
        service_request=True,
        component=component,
        quota_month=month,
    )
    log_in(page, live_server, contact.user.username)
    page.goto(f"{live_server.url}{reverse('tickets:file')}")
    page.select_option("#id_ticket_type", TicketType.SERVICE_REQUEST)
    expect(page.locator("#quota-status")).to_contain_text("30 of 30")
    expect(page.locator("#priority-field")).to_be_hidden()
    page.select_option("#id_component", label="Inbound calls")
    page.fill("#id_subject", "New operator accounts")
    page.fill("#id_description", "Please add five operator accounts for the night shift.")
    shot(page, "quota-used-up")
    page.get_by_role("button", name="File the ticket").click()  # no choice made yet

    expect(page.locator("#quota-choice")).to_contain_text("used up")
    expect(page.locator("#id_subject")).to_have_value("New operator accounts")
    expect(page.locator("#id_description")).to_have_value(
        "Please add five operator accounts for the night shift."
    )
    shot(page, "quota-choice-kept-values")
    page.locator("input[name=quota_choice][value=defer]").check()
    page.get_by_role("button", name="File the ticket").click()

    expect(page.locator("[data-deferred]")).to_contain_text("deferred to")
    ticket = Ticket.objects.get(subject="New operator accounts")
    assert ticket.is_deferred and ticket.opened_at is None
    shot(page, "deferred")


def test_another_organisations_contact_gets_404(page, live_server, shot, contact, other_contact):
    ticket = ticket_file(
        contact=contact,
        ticket_type=TicketType.INCIDENT,
        priority=2,
        component=Component.objects.get(code="outbound-calls"),
        subject="Acme only",
        description="Private.",
        now=timezone.now(),
        attachments=[SimpleUploadedFile("acme.log", b"private\n")],
    )
    attachment = ticket.attachments.get()
    log_in(page, live_server, other_contact.user.username)
    response = page.goto(f"{live_server.url}{reverse('tickets:detail', args=[ticket.pk])}")
    assert response.status == 404
    shot(page, "ticket-404")
    response = page.goto(f"{live_server.url}{reverse('tickets:attachment', args=[attachment.pk])}")
    assert response.status == 404
    shot(page, "attachment-404")
    page.goto(f"{live_server.url}{reverse('tickets:contact_list')}?state=all")
    expect(page.locator("main")).not_to_contain_text("Acme only")
    shot(page, "own-list-only")


def test_ukrainian_pass(page, live_server, shot, contact):
    log_in(page, live_server, contact.user.username)
    page.goto(f"{live_server.url}{reverse('tickets:file')}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    with page.expect_navigation():
        page.select_option("#language-form select[name=language]", "uk")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    shot(page, "filing-form-uk")
    page.select_option("#id_ticket_type", TicketType.INCIDENT)
    page.select_option("#id_priority", "2")
    page.select_option("#id_component", index=1)
    page.fill("#id_subject", "Дзвінки обриваються")
    page.fill("#id_description", "Після 30 секунд.")
    page.locator("#ticket-form button[type=submit]").click()
    ticket = Ticket.objects.get(subject="Дзвінки обриваються")
    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.pk}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.locator("#reaction-due time")).to_be_visible()
    shot(page, "detail-uk")
    page.goto(f"{live_server.url}{reverse('tickets:contact_list')}")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.locator(f"tr[data-ticket='{ticket.pk}']")).to_be_visible()
    shot(page, "list-uk")
