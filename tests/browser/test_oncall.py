"""The staff side of the channels in a real browser: a manager edits the on-duty rota, an
engineer turns off a kind of mail, sees the badge and the unread list, and registers a phone
ticket for a contact on an Advanced contract."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from oncall.models import EventKind, NotificationPreference, RotaChange, RotaShift
from packages.models import Component
from tests import factories
from tests.browser.two_factor import pass_two_factor
from tickets.models import Channel, Ticket
from tickets.services.filing import ticket_file

pytestmark = pytest.mark.usefixtures("in_business_hours")


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", factories.TEST_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    pass_two_factor(page, user)


def test_a_manager_edits_the_rota(page, live_server, shot):
    manager = factories.ManagerFactory(username="oksana@vendor.test", first_name="Oksana")
    taras = factories.EngineerFactory(
        username="taras@vendor.test", first_name="Taras", last_name="Bondarenko"
    )
    log_in(page, live_server, manager)
    page.click("nav >> text=Rota")
    expect(page.locator("#rota-shifts")).to_contain_text("No weekly shifts yet.")

    # A Saturday night shift, past midnight
    page.select_option("#id_shift-engineer", str(taras.pk))
    page.select_option("#id_shift-weekday", "5")
    page.fill("#id_shift-starts", "22:00")
    page.fill("#id_shift-ends", "06:00")
    page.fill("#id_shift-time_zone", "Europe/Kyiv")
    page.click("#shift-form button[type=submit]")
    row = page.locator("#rota-shifts tbody tr").first
    expect(row).to_contain_text("Saturday")
    expect(row).to_contain_text("22:00–06:00")
    expect(row).to_contain_text("next day")
    expect(row).to_contain_text("Taras Bondarenko")
    shot(page, "shift-added")

    # A one-off change the wrong way round is refused, with the typed values kept
    page.select_option("#id_change-engineer", str(taras.pk))
    page.check("input[name=change-on_duty][value=off]")
    page.fill("#id_change-starts_at", "2030-12-24T12:00")
    page.fill("#id_change-ends_at", "2030-12-24T09:00")
    page.fill("#id_change-note", "Holiday")
    page.click("#change-form button[type=submit]")
    expect(page.locator("#change-form")).to_contain_text("“To” must be after “from”.")
    expect(page.locator("#id_change-note")).to_have_value("Holiday")
    page.fill("#id_change-ends_at", "2030-12-26T09:00")
    page.click("#change-form button[type=submit]")
    expect(page.locator("#rota-changes tbody tr").first).to_contain_text("Off duty")
    shot(page, "change-added")
    assert RotaChange.objects.get().on_duty is False

    # Remove the shift
    row.get_by_role("button", name="Remove").click()
    expect(page.locator("#rota-shifts")).to_contain_text("No weekly shifts yet.")
    assert not RotaShift.objects.exists()


def test_an_engineer_sets_preferences_and_reads_the_unread_events(page, live_server, shot, contact):
    iryna = factories.EngineerFactory(username="iryna@vendor.test", first_name="Iryna")
    log_in(page, live_server, iryna)
    expect(page.locator("#unread-badge")).to_have_count(0)

    page.goto(f"{live_server.url}/oncall/preferences/")
    p1 = page.locator(f"input[name={EventKind.NEW_P1}]")
    expect(p1).to_be_checked()
    expect(p1).to_be_disabled()
    page.uncheck(f"input[name={EventKind.NEW_TICKET}]")
    page.click("#preferences-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("preferences are saved")
    expect(page.locator(f"input[name={EventKind.NEW_TICKET}]")).not_to_be_checked()
    shot(page, "preferences")
    assert not NotificationPreference.objects.get(user=iryna, kind=EventKind.NEW_TICKET).email

    ticket_file(
        contact=contact, ticket_type="incident", priority=3,
        component=Component.objects.get(code="inbound-calls"), subject="Reports are slow",
        description="Since Monday.", now=timezone.now(),
    )
    page.goto(f"{live_server.url}/oncall/rota/")
    expect(page.locator("#unread-badge")).to_have_text("1")
    page.click("#nav-events")
    row = page.locator("#events tbody tr").first
    expect(row).to_contain_text("New ticket")
    expect(row).to_contain_text("Reports are slow")
    shot(page, "unread")
    row.get_by_role("button", name="Mark read").click()
    expect(page.locator("#unread-badge")).to_have_count(0)
    expect(page.locator("#events [data-unread]")).to_have_count(0)


def test_an_engineer_registers_a_phone_ticket_for_an_advanced_contact(
    page, live_server, shot, contact
):
    iryna = factories.EngineerFactory(
        username="iryna@vendor.test", first_name="Iryna", last_name="Shevchenko"
    )
    log_in(page, live_server, iryna)
    page.click("nav >> text=Register a ticket")
    page.select_option("#id_contact", str(contact.pk))
    page.click("#contact-pick button[type=submit]")
    expect(page.locator("#online-not-in-package")).to_be_visible()
    shot(page, "register-form")

    page.select_option("#id_channel", Channel.PHONE)
    page.select_option("#id_ticket_type", "incident")
    page.select_option("#id_priority", "2")
    page.select_option("#id_component", label="Inbound calls")
    page.fill("#id_subject", "Calls drop after 30 seconds")
    page.fill("#id_description", "Called at 10:55; since this morning's update.")
    page.click("#ticket-form button[type=submit]")

    expect(page.locator("#ticket-subject")).to_have_text("Calls drop after 30 seconds")
    expect(page.locator("#ticket-channel")).to_contain_text("Phone")
    expect(page.locator("#ticket-registered-by")).to_contain_text("Iryna Shevchenko")
    expect(page.locator("#online-outside-package")).to_be_visible()
    shot(page, "registered")
    ticket = Ticket.objects.get()
    assert ticket.registered_by == iryna and ticket.reporter == contact.user
    assert ticket.online_outside_package and ticket.opened_at is not None
    assert ticket.opened_at >= timezone.now() - dt.timedelta(minutes=1)
