"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Run them alone with ``pytest -m browser``; screenshots go to artifacts/screenshots/ (ignored).
"""

import datetime as dt
import os
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; the ORM calls our fixtures make
# between page steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


# A loaded machine is slow, never wrong: assertions and actions wait long before failing (a
# passing step does not wait at all).
PATIENCE_MS = 30_000
expect.set_options(timeout=PATIENCE_MS)


@pytest.fixture(autouse=True)
def _patient_page(request):
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(PATIENCE_MS)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def shot(request):
    """shot(page, "step") saves artifacts/screenshots/<test>/<n>-<step>.png."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def take(page, step: str) -> Path:
        path = folder / f"{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def in_business_hours(transactional_db):
    """The clock (ticking, in every thread) at 11:00 UTC+03:00 today: inside incident hours."""
    utc3 = dt.timezone(dt.timedelta(hours=3))
    today = dt.datetime.now(utc3).date()
    with time_machine.travel(dt.datetime.combine(today, dt.time(11), utc3), tick=True):
        yield
