"""Demo data for development: customers, contracts, contacts and staff. Idempotent.

``demo_seed(now=...)`` first builds the people (``seed_people``), then calls an optional tickets
hook. Running it again changes nothing: rows are looked up by their natural keys (customer name,
username) and only missing ones are created; existing passwords are never reset.

Demo tickets belong to the tickets app: define ``seed_tickets(*, people: DemoPeople, now) -> int``
in ``tickets/demo.py`` (idempotent too, returning how many tickets it created) and ``demo_seed``
calls it. Nothing here creates tickets.

Every demo user has the password ``DEMO_PASSWORD``, published in README.md: never run this against
a production database (the ``seed_demo`` command refuses to while DEBUG is off).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from packages.models import Component, Contact, Contract, Customer, SupportPackage
from packages.roles import ENGINEERS_GROUP, MANAGERS_GROUP
from packages.selectors import contract_in_force
from packages.services import contact_create, contract_set_covered_blocks, roles_sync

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published on purpose: development data only
DEMO_TIME_ZONE = "Europe/Kyiv"
ADMIN_USERNAME = "admin"
TICKETS_HOOK = "tickets.demo.seed_tickets"


@dataclass(frozen=True)
class ContactSpec:
    email: str
    first_name: str
    last_name: str
    is_customer_admin: bool = False
    phone: str = ""


@dataclass(frozen=True)
class CustomerSpec:
    key: str
    name: str
    package: str  # SupportPackage.code
    is_cloud: bool
    covered_blocks: tuple[str, ...]  # Component.code of additional blocks
    contract_prefix: str
    licence_cost: Decimal
    support_percentage: Decimal
    contacts: tuple[ContactSpec, ...]


@dataclass(frozen=True)
class StaffSpec:
    email: str
    first_name: str
    last_name: str
    group: str


CUSTOMERS = (
    CustomerSpec(
        key="acme",
        name="Acme Telecom",
        package="advanced",
        is_cloud=False,
        covered_blocks=("autodialer",),
        contract_prefix="ACME-ADV",
        licence_cost=Decimal("40000.00"),
        support_percentage=Decimal("15.00"),
        contacts=(
            ContactSpec("anna@acme.example", "Anna", "Kovalenko", True, "+380 44 000 0101"),
            ContactSpec("bohdan@acme.example", "Bohdan", "Melnyk", False, "+380 44 000 0102"),
        ),
    ),
    CustomerSpec(
        key="globex",
        name="Globex Contact Centre",
        package="pro",
        is_cloud=True,
        covered_blocks=("rest-api-webhooks", "reporting"),
        contract_prefix="GLOBEX-PRO",
        licence_cost=Decimal("120000.00"),
        support_percentage=Decimal("20.00"),
        contacts=(
            ContactSpec("olena@globex.example", "Olena", "Tkachenko", True, "+380 32 000 0201"),
            ContactSpec("petro@globex.example", "Petro", "Savchenko", False, "+380 32 000 0202"),
        ),
    ),
)

STAFF = (
    StaffSpec("iryna@vendor.example", "Iryna", "Shevchenko", ENGINEERS_GROUP),
    StaffSpec("taras@vendor.example", "Taras", "Bondarenko", ENGINEERS_GROUP),
    StaffSpec("oksana@vendor.example", "Oksana", "Lysenko", MANAGERS_GROUP),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str


@dataclass
class DemoPeople:
    """What ``seed_people`` built (or found): the input of the tickets hook."""

    customers: dict[str, Customer] = field(default_factory=dict)  # by CustomerSpec.key
    contracts: dict[str, Contract] = field(default_factory=dict)  # in force, by CustomerSpec.key
    contacts: dict[str, list[Contact]] = field(default_factory=dict)  # by CustomerSpec.key
    engineers: list = field(default_factory=list)
    managers: list = field(default_factory=list)
    admin: object | None = None
    created: int = 0  # rows created by this run

    @property
    def logins(self) -> tuple[DemoLogin, ...]:
        rows = []
        for key, contacts in self.contacts.items():
            for contact in contacts:
                role = "customer admin" if contact.is_customer_admin else "customer contact"
                rows.append(DemoLogin(contact.user.username, role, self.customers[key].name))
        rows += [DemoLogin(u.username, "support engineer", "vendor") for u in self.engineers]
        rows += [DemoLogin(u.username, "support manager", "vendor") for u in self.managers]
        if self.admin is not None:
            rows.append(DemoLogin(self.admin.username, "superuser", "vendor"))
        return tuple(rows)


@dataclass(frozen=True)
class DemoSummary:
    password: str
    logins: tuple[DemoLogin, ...]
    created: int  # rows created by seed_people in this run (0 on a repeat run)
    tickets: int  # tickets the hook created in this run


TicketsHook = Callable[..., int]


def demo_seed(
    *, now: datetime, tickets_hook: TicketsHook | None = None, with_tickets: bool = True
) -> DemoSummary:
    """Build the demo data as of ``now``; a second run changes nothing."""
    with transaction.atomic():
        people = seed_people(now=now)
        hook = tickets_hook if tickets_hook is not None else default_tickets_hook()
        tickets = hook(people=people, now=now) if with_tickets and hook is not None else 0
    return DemoSummary(
        password=DEMO_PASSWORD, logins=people.logins, created=people.created, tickets=tickets
    )


def default_tickets_hook() -> TicketsHook | None:
    """``tickets.demo.seed_tickets`` if the tickets app provides it, else None."""
    module_name, _dot, function_name = TICKETS_HOOK.rpartition(".")
    if importlib.util.find_spec(module_name) is None:
        return None
    return getattr(importlib.import_module(module_name), function_name, None)


@transaction.atomic
def seed_people(*, now: datetime) -> DemoPeople:
    """Staff, superuser, customers with a contract in force on ``now`` (Kyiv), and contacts."""
    roles_sync()  # the staff groups normally exist after migrate; make sure
    people = DemoPeople()
    today = now.astimezone(ZoneInfo(DEMO_TIME_ZONE)).date()

    for spec in STAFF:
        user = _ensure_user(people, spec.email, spec.first_name, spec.last_name, is_staff=True)
        user.groups.add(Group.objects.get(name=spec.group))
        (people.managers if spec.group == MANAGERS_GROUP else people.engineers).append(user)
    people.admin = _ensure_user(
        people,
        "admin@vendor.example",
        "Portal",
        "Administrator",
        username=ADMIN_USERNAME,
        is_staff=True,
        is_superuser=True,
    )

    account_manager = people.managers[0] if people.managers else None
    for spec in CUSTOMERS:
        customer, created = Customer.objects.get_or_create(
            name=spec.name, defaults={"account_manager": account_manager}
        )
        people.created += created
        people.customers[spec.key] = customer
        people.contracts[spec.key] = _ensure_contract(people, customer, spec, today, now)
        people.contacts[spec.key] = [
            _ensure_contact(people, customer, contact) for contact in spec.contacts
        ]
    return people


def _ensure_user(
    people: DemoPeople,
    email: str,
    first_name: str,
    last_name: str,
    *,
    username: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
):
    user_model = get_user_model()
    username = username or email
    user = user_model.objects.filter(username__iexact=username).first()
    if user is None:
        user = user_model(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            is_staff=is_staff,
            is_superuser=is_superuser,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        people.created += 1
    return user


def _ensure_contact(people: DemoPeople, customer: Customer, spec: ContactSpec) -> Contact:
    contact = (
        Contact.objects.select_related("user").filter(user__username__iexact=spec.email).first()
    )
    if contact is not None:
        return contact
    contact = contact_create(
        customer=customer,
        email=spec.email,
        first_name=spec.first_name,
        last_name=spec.last_name,
        is_customer_admin=spec.is_customer_admin,
        password=DEMO_PASSWORD,
    )
    if spec.phone:
        contact.phone = spec.phone
        contact.save(update_fields=["phone"])
    people.created += 2  # the user and the contact
    return contact


def _ensure_contract(
    people: DemoPeople, customer: Customer, spec: CustomerSpec, today: date, now: datetime
) -> Contract:
    """The contract in force today, or a new yearly one starting about three months ago."""
    current = contract_in_force(customer=customer, at=now)
    if current is not None:
        return current
    start = _months_back(today.replace(day=1), 3)
    latest = Contract.objects.filter(customer=customer).order_by("-valid_to").first()
    if latest is not None and latest.valid_to > start:
        start = latest.valid_to  # never overlap an earlier contract (it ended by today)
    contract = Contract(
        customer=customer,
        package=SupportPackage.objects.get(code=spec.package),
        number=f"{spec.contract_prefix}-{start:%Y%m%d}",
        valid_from=start,
        valid_to=_next_year(start),
        is_cloud=spec.is_cloud,
        licence_cost=spec.licence_cost,
        support_percentage=spec.support_percentage,
        time_zone=DEMO_TIME_ZONE,
    )
    contract.full_clean()
    contract.save()
    blocks = list(Component.objects.filter(code__in=spec.covered_blocks))
    if len(blocks) != len(spec.covered_blocks):
        raise LookupError(f"demo blocks missing: {spec.covered_blocks} (found {blocks})")
    contract_set_covered_blocks(contract=contract, blocks=blocks)
    people.created += 1
    return contract


def _months_back(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28) + timedelta(days=1)
