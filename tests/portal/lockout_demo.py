"""A demonstration of login throttling, step by step, on a throwaway test database:

    .venv/bin/python -m tests.portal.lockout_demo

prints, in order: 20 wrong passwords (the first ones answered as wrong, then locked), the
right password refused, the message the visitor reads, and, once the lock has passed (the clock
is moved on 16 minutes with time-machine, no waiting), the right password logging in.
``tests/portal/test_lockout_demo.py`` runs the same and checks each step.
"""

from __future__ import annotations

import datetime as dt
import re
import sys

from django.test import Client
from django.urls import reverse

WRONG = "not-the-password"


def _said(response) -> str:
    html = response.content.decode()
    for pattern in (r'id="locked-out"[^>]*>(.*?)</div>', r'class="alert[^"]*"[^>]*>(.*?)</'):
        found = re.search(pattern, html, re.S)
        if found:
            return " ".join(re.sub(r"<[^>]+>", " ", found[1]).split())
    return ""


def run(*, username: str, password: str, traveller, out=print) -> list[tuple[str, int]]:
    """Play the scenario against the login page; returns (step, status) pairs."""
    client, steps = Client(), []
    url = reverse("login")
    for n in range(1, 21):
        response = client.post(url, {"username": username, "password": WRONG})
        steps.append(("wrong", response.status_code))
        out(f"wrong password {n:2d}: HTTP {response.status_code}  {_said(response)[:70]}")
    response = client.post(url, {"username": username, "password": password})
    steps.append(("right while locked", response.status_code))
    out(f"right password     : HTTP {response.status_code}  (refused: the lock holds)")
    out(f"the visitor reads  : {_said(response)}")
    traveller.shift(dt.timedelta(minutes=16))
    out("... 16 minutes later (the lock lasts 15 after the last attempt) ...")
    response = client.post(url, {"username": username, "password": password})
    steps.append(("right after the lock", response.status_code))
    out(
        f"right password     : HTTP {response.status_code}  -> {response.get('Location', '')}"
        "  (logged in)"
    )
    return steps


if __name__ == "__main__":
    import pytest

    sys.exit(
        pytest.main(
            [
                "-q",
                "-s",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:randomly",
                "tests/portal/test_lockout_demo.py",
            ]
        )
    )
