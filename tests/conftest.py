"""Shared fixtures: one user per role, a logged-in client per role, contracts on both packages.

Roles (all users have the password ``factories.TEST_PASSWORD``):

* ``contact`` — a ``Contact`` (``contact.user`` is the user) of ``customer``, whose ``contract``
  (Advanced, in force today) it files under; ``customer_admin`` is a contact of the same customer
  with the admin flag; ``other_contact`` belongs to ``other_customer`` (Pro, ``pro_contract``)
  and must never see ``customer``'s tickets.
* ``engineer`` and ``manager`` — staff users in the seeded groups; ``superuser``.
* Clients: ``contact_client``, ``customer_admin_client``, ``other_contact_client``,
  ``engineer_client``, ``manager_client``, ``superuser_client`` (each its own
  ``django.test.Client``, logged in);
  pytest-django's ``client`` stays anonymous.

Two-factor login: ``Client.force_login(user)`` stands for a *completed* login. For a user who
must use two-factor login (staff, admin-site users, contacts of a customer requiring it) it
also gives them an authenticator app and marks the session verified, as the code page would
(``otp_verify_session``); production code is untouched. ``force_login(user, otp=False)``
leaves the session at the password step, and ``client.login(...)`` goes through the real
backends (lock-out included) without any shortcut.

The clock: every test starts at ``TEST_NOW`` (``now`` is that instant) and the clock runs on from
there, so no outcome depends on the day the suite runs. ``PORTAL_TEST_NOW=2027-10-31T21:59:00Z``
runs the whole suite at another instant (CI keeps one such run: the last minute of October in
Kyiv, on its autumn DST day, a Sunday). Tests whose other side reads the real clock (a Celery
worker in its own process) are marked ``real_clock``.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
import time_machine
from django.db.models.signals import post_migrate
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from tests import factories

BASE_DIR = Path(__file__).resolve().parent.parent

# A Wednesday, 11:30 in UTC+03:00 and Kyiv: inside incident and service-desk hours.
DEFAULT_TEST_NOW = "2026-11-18T08:30:00+00:00"


def _test_now() -> dt.datetime:
    raw = os.environ.get("PORTAL_TEST_NOW") or DEFAULT_TEST_NOW
    value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise pytest.UsageError(f"PORTAL_TEST_NOW needs an offset: {raw!r}")
    return value.astimezone(dt.UTC)


TEST_NOW = _test_now()

# Every run explores the same examples (a red build must be reproducible) and no example has a
# deadline (a loaded machine must not fail a test). HYPOTHESIS_PROFILE=explore searches new
# examples each run and keeps failures in .hypothesis/.
hypothesis_settings.register_profile("fixed", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("explore", deadline=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))


def pytest_sessionstart(session) -> None:
    """Compile the .po catalogues the way ``make translations`` does, when stale or missing.

    Tests of translated pages need the .mo files, which are build products (git-ignored).
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in (BASE_DIR / "locale").glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        tmp_path = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.tmp")
        with tmp_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp_path.replace(mo_path)  # atomic: parallel workers never read half a file


@pytest.fixture(autouse=True, scope="session")
def _static_root_exists():
    """WhiteNoise warns on every request when STATIC_ROOT is missing (before collectstatic)."""
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


SEED_MIGRATIONS = (
    "packages.migrations.0002_seed_packages_components",
    "sla.migrations.0002_seed_calendars_targets",
    "tickets.migrations.0003_seed_beat_schedules",
    "tickets.migrations.0006_ending_a_ticket",
    "webhooks.migrations.0002_seed_beat_schedule",
    "mailin.migrations.0002_seed_mail_poll",
    "statements.migrations.0002_seed_beat_schedule",
)


def reseed_reference_data() -> None:
    """Run the data migrations' seed functions again (they are idempotent).

    A transactional test (live_server, real threads) ends with a flush that empties every
    table, seeded packages, calendars, targets and beat schedules included; the next test
    would find them gone. The flush emits post_migrate, so the reseed hangs on that signal.
    """
    from importlib import import_module

    from django.apps import apps

    for dotted in SEED_MIGRATIONS:
        import_module(dotted).seed(apps, None)


def _reseed_after_flush(sender, **kwargs) -> None:
    """A flush emits post_migrate once per app; reseed on the last app's."""
    from django.apps import apps

    if sender.label == list(apps.get_app_configs())[-1].label:
        reseed_reference_data()


post_migrate.connect(_reseed_after_flush, dispatch_uid="tests.reseed_after_flush")


def pytest_report_header(config) -> str:
    return f"clock: every test starts at {TEST_NOW.isoformat()} (PORTAL_TEST_NOW)"


@pytest.fixture(autouse=True)
def frozen_clock(request):
    """Start the test's clock at TEST_NOW (it then runs: durations and timeouts still pass)."""
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    with time_machine.travel(TEST_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def now(frozen_clock) -> dt.datetime:
    """The instant the test's clock started at (aware, UTC)."""
    return TEST_NOW


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English: LocaleMiddleware leaves the last request's language active."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Mail limits count in the cache: no test inherits another's counts."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def otp_verify_session(client: Client, user):
    """Give ``user`` a confirmed authenticator app (if they have none) and mark the client's
    session verified with it, as accepting a code does. Returns the device."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.middleware import TWO_FACTOR_ON

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[TWO_FACTOR_ON] = True
    session.save()
    return device


_plain_force_login = Client.force_login


def _force_login(self, user, backend=None, *, otp: bool = True):
    """Client.force_login as a completed login (see the module docstring)."""
    from accounts.two_factor import two_factor_required

    _plain_force_login(self, user, backend)
    if otp and two_factor_required(user):
        otp_verify_session(self, user)


Client.force_login = _force_login


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


# --- packages and contracts -------------------------------------------------------------------


@pytest.fixture
def advanced(db):
    return factories.SupportPackageFactory(code="advanced")


@pytest.fixture
def pro(db):
    return factories.SupportPackageFactory(code="pro")


@pytest.fixture
def customer(db):
    return factories.CustomerFactory(name="Acme Test")


@pytest.fixture
def contract(customer, advanced):
    """``customer``'s Advanced contract, in force today."""
    return factories.ContractFactory(customer=customer, package=advanced)


@pytest.fixture
def other_customer(db):
    return factories.CustomerFactory(name="Globex Test")


@pytest.fixture
def pro_contract(other_customer, pro):
    """``other_customer``'s Pro contract, in force today."""
    return factories.ContractFactory(customer=other_customer, package=pro, is_cloud=True)


# --- users per role ---------------------------------------------------------------------------


@pytest.fixture
def contact(contract):
    return factories.ContactFactory(customer=contract.customer, user__username="contact@acme.test")


@pytest.fixture
def contact_user(contact):
    return contact.user


@pytest.fixture
def customer_admin(contract):
    return factories.ContactFactory(
        customer=contract.customer, is_customer_admin=True, user__username="admin@acme.test"
    )


@pytest.fixture
def other_contact(pro_contract):
    return factories.ContactFactory(
        customer=pro_contract.customer, user__username="contact@globex.test"
    )


@pytest.fixture
def engineer(db):
    return factories.EngineerFactory(username="engineer@vendor.test")


@pytest.fixture
def manager(db):
    return factories.ManagerFactory(username="manager@vendor.test")


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root@vendor.test", is_staff=True, is_superuser=True)


# --- logged-in clients ------------------------------------------------------------------------


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def contact_client(contact):
    return _client_for(contact.user)


@pytest.fixture
def customer_admin_client(customer_admin):
    return _client_for(customer_admin.user)


@pytest.fixture
def other_contact_client(other_contact):
    return _client_for(other_contact.user)


@pytest.fixture
def engineer_client(engineer):
    return _client_for(engineer)


@pytest.fixture
def manager_client(manager):
    return _client_for(manager)


@pytest.fixture
def superuser_client(superuser):
    return _client_for(superuser)


@pytest.fixture
def ticket_with_file(contact, now):
    """A ticket ``contact`` filed now through the real service, with one attached file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from packages.models import Component
    from tickets.services.filing import ticket_file

    return ticket_file(
        contact=contact, ticket_type="incident", priority=3,
        component=Component.objects.get(code="inbound-calls"), subject="Calls drop",
        description="Since today.", now=now,
        attachments=[SimpleUploadedFile("trace.log", b"x")],
    )
