"""An engineer's two-factor login in the browser: first the set-up (QR code and key on the
page, the first code, recovery codes shown once), then a later login with the app's code."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.two_factor import app_code, authenticator_for, pass_two_factor


@pytest.fixture
def engineer_user(transactional_db):
    return factories.EngineerFactory(username="mykola@vendor.test", first_name="Mykola")


def password_step(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", factories.TEST_PASSWORD)
    page.locator("form button[type=submit]").last.click()


def test_engineer_sets_up_two_factor_on_first_login(page, live_server, shot, engineer_user):
    password_step(page, live_server, engineer_user)
    # the portal sends them to set it up: a QR code drawn as SVG and the key in text
    expect(page.locator("#two-factor-setup")).to_be_visible()
    expect(page.locator("#two-factor-qr svg")).to_be_visible()
    shot(page, "setup")
    # the key shown in text, typed into an app, gives the first code; ten recovery codes follow
    pass_two_factor(page, engineer_user)
    shot(page, "recovery-codes")
    page.get_by_text("I have saved them: continue").click()
    page.goto(f"{live_server.url}/queue/")
    expect(page.locator("#queue")).to_be_visible()


def test_engineer_logs_in_with_a_totp_code(page, live_server, shot, engineer_user):
    device = authenticator_for(engineer_user)
    password_step(page, live_server, engineer_user)
    # the queue asks for the code first
    expect(page.locator("#two-factor-verify")).to_be_visible()
    page.fill("input[name=token]", "000000")
    page.locator("#two-factor-verify button[type=submit]").click()
    expect(page.locator(".invalid-feedback, .text-danger, .alert").first).to_contain_text(
        "That code is not right"
    )
    device.refresh_from_db()
    device.throttling_failure_count = 0  # a wrong code makes the next try wait a second
    device.save()
    shot(page, "wrong-code")
    page.fill("input[name=token]", app_code(device.bin_key))
    page.locator("#two-factor-verify button[type=submit]").click()
    expect(page.locator("nav")).to_contain_text("Log out")
    page.goto(f"{live_server.url}/queue/")
    expect(page.locator("#queue")).to_be_visible()
    shot(page, "queue")
