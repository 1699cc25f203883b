"""seed_demo: the demo people and contracts, idempotent, with their logins printed."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from packages.demo import ADMIN_USERNAME, DEMO_PASSWORD, demo_seed
from packages.models import Contact, Contract, Customer
from packages.roles import Role, role_of
from packages.selectors import contract_in_force

pytestmark = pytest.mark.django_db

KYIV = ZoneInfo("Europe/Kyiv")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
DEMO_USERNAMES = [
    "anna@acme.example",
    "bohdan@acme.example",
    "olena@globex.example",
    "petro@globex.example",
    "iryna@vendor.example",
    "taras@vendor.example",
    "oksana@vendor.example",
    ADMIN_USERNAME,
]


def snapshot() -> dict:
    """Row counts of every model of the project's apps and of auth, plus password hashes."""
    counts = {
        model._meta.label: model.objects.count()
        for app_label in ("auth", "packages", "sla", "tickets")
        for model in apps.get_app_config(app_label).get_models()
    }
    counts["auth.User_groups"] = get_user_model().groups.through.objects.count()
    counts["packages.Contract_covered_blocks"] = Contract.covered_blocks.through.objects.count()
    passwords = dict(get_user_model().objects.values_list("username", "password"))
    return {"counts": counts, "passwords": passwords}


def run_seed_demo(**options) -> str:
    out = StringIO()
    call_command("seed_demo", force=True, stdout=out, **options)
    return out.getvalue()


def test_seed_demo_twice_changes_nothing_the_second_time():
    # given a database seeded once, as `make run` does (ticket history included)
    run_seed_demo()
    before = snapshot()
    # when the command runs again
    output = run_seed_demo()
    # then every row count and every password hash is the same, and it says so
    after = snapshot()
    assert after["counts"] == before["counts"]
    assert after["passwords"] == before["passwords"]
    assert "nothing changed" in output


def test_seed_demo_prints_every_login_and_the_password():
    # given an empty database
    # when the command runs (people only: the ticket history is tested in tests/tickets)
    output = run_seed_demo(no_tickets=True)
    # then each demo username and the shared password are printed
    for username in DEMO_USERNAMES:
        assert username in output
    assert DEMO_PASSWORD in output
    assert "/accounts/login/" in output


def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(settings):
    # given DEBUG off (a production-like installation)
    settings.DEBUG = False
    # when the command runs without --force
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=StringIO())
    # then nobody was created
    assert not get_user_model().objects.filter(username__in=DEMO_USERNAMES).exists()


def test_demo_people_have_the_roles_the_issue_asks_for():
    # given the demo data
    summary = demo_seed(now=NOW)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_USERNAMES)}
    # when their roles are read
    roles = {name: role_of(user) for name, user in users.items()}
    # then two contacts per customer (one an admin), two engineers, one manager, a superuser
    assert [login.username for login in summary.logins] == DEMO_USERNAMES
    assert roles == {
        "anna@acme.example": Role.CONTACT,
        "bohdan@acme.example": Role.CONTACT,
        "olena@globex.example": Role.CONTACT,
        "petro@globex.example": Role.CONTACT,
        "iryna@vendor.example": Role.ENGINEER,
        "taras@vendor.example": Role.ENGINEER,
        "oksana@vendor.example": Role.MANAGER,
        ADMIN_USERNAME: Role.MANAGER,
    }
    assert users[ADMIN_USERNAME].is_superuser
    for customer in Customer.objects.all():
        contacts = Contact.objects.filter(customer=customer)
        assert contacts.count() == 2
        assert contacts.filter(is_customer_admin=True).count() == 1


def test_every_demo_user_logs_in_with_the_demo_password():
    # given the demo data
    demo_seed(now=NOW)
    # when each demo user authenticates
    # then the shared password works for all of them
    for username in DEMO_USERNAMES:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username


def test_demo_contracts_are_in_force_today_with_the_packages_terms():
    # given the demo data
    demo_seed(now=NOW)
    today = NOW.astimezone(KYIV).date()
    # when the contracts in force today are read
    acme = contract_in_force(customer=Customer.objects.get(name="Acme Telecom"), at=NOW)
    globex = contract_in_force(
        customer=Customer.objects.get(name="Globex Contact Centre"), at=NOW
    )
    # then Acme is Advanced on-premise with one covered block, Globex Pro cloud with two
    assert acme.package.code == "advanced"
    assert not acme.is_cloud
    assert acme.covered_blocks.count() == 1
    assert globex.package.code == "pro"
    assert globex.is_cloud
    assert globex.covered_blocks.count() == 2
    for contract in (acme, globex):
        assert contract.time_zone == "Europe/Kyiv"
        assert contract.valid_from <= today < contract.valid_to


def test_a_year_later_the_seed_adds_the_next_contract_without_overlap():
    # given demo data seeded a year and a half ago
    demo_seed(now=NOW)
    later = NOW + dt.timedelta(days=550)
    # when it is seeded again today
    demo_seed(now=later)
    # then each customer has a contract in force today, following the old one
    for customer in Customer.objects.all():
        current = contract_in_force(customer=customer, at=later)
        assert current is not None
        contracts = list(Contract.objects.filter(customer=customer).order_by("valid_from"))
        assert len(contracts) == 2
        assert contracts[0].valid_to <= contracts[1].valid_from
        current.full_clean()  # no overlap with the earlier one


def test_the_tickets_hook_gets_the_people_and_now():
    # given a tickets hook that records its call
    calls = []

    def hook(*, people, now):
        calls.append((people, now))
        return 3

    # when the demo is seeded with it
    summary = demo_seed(now=NOW, tickets_hook=hook)
    # then it ran once, after the people existed, and its count is reported
    ((people, now),) = calls
    assert now == NOW
    assert set(people.customers) == {"acme", "globex"}
    assert people.contracts["acme"].pk is not None
    assert len(people.engineers) == 2
    assert summary.tickets == 3


def test_seeding_without_tickets_skips_the_hook():
    # given a hook that must not run
    def hook(*, people, now):
        raise AssertionError("the tickets hook ran")

    # when the demo is seeded without tickets
    summary = demo_seed(now=NOW, tickets_hook=hook, with_tickets=False)
    # then no tickets were made
    assert summary.tickets == 0
