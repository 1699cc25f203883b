"""Helpers of the account tests: posting the login forms, reading TOTP codes."""

import pytest
from django.urls import reverse
from django_otp.oath import TOTP

WRONG = "not-the-password"


def post_login(client, username: str, password: str, *, admin: bool = False, **extra):
    """POST the portal's (or the admin's) login form."""
    url = reverse("admin:login") if admin else reverse("login")
    data = {"username": username, "password": password}
    if admin:
        data["next"] = reverse("admin:index")
    return client.post(url, data, **extra)


def totp_code(device, *, offset: int = 0) -> str:
    """The code an authenticator app shows now for this device (``offset`` steps away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += offset * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def login():
    return post_login
