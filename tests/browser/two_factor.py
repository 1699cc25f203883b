"""Two-factor login in the browser tests: staff give the code their authenticator app would
show, computed here from the device's key (django-otp's own TOTP)."""

import base64

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect


def app_code(key: bytes, *, step: int = 30, digits: int = 6, offset: int = 0) -> str:
    totp = TOTP(key, step, 0, digits, 0)
    totp.time += offset * step
    return f"{totp.token():0{digits}d}"


def authenticator_for(user) -> TOTPDevice:
    """The user's confirmed app (made if they have none, as after their first set-up)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def pass_two_factor(page, user) -> None:
    """After the password: type the app's current code on the code page, or (a first login)
    set the app up with the key the set-up page shows and go on past the recovery codes."""
    form = page.locator("#two-factor-verify, #two-factor-setup")
    expect(form).to_be_visible()
    if page.locator("#two-factor-setup").count():
        page.locator("details summary").click()
        secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        page.fill("input[name=token]", app_code(key))
        page.locator("#two-factor-setup button[type=submit]").click()
        expect(page.locator("#recovery-codes li")).to_have_count(10)
        return
    device = authenticator_for(user)
    page.fill("input[name=token]", app_code(device.bin_key))
    page.locator("#two-factor-verify button[type=submit]").click()
    expect(page.locator("#two-factor-verify")).to_have_count(0)
