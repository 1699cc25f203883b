"""factory-boy factories for every model of packages, sla and tickets.

They build valid rows and nothing more: no SLA is computed here (tickets come with empty SLA
columns), so tests of the engine or of services set up exactly what they need.

* ``SupportPackageFactory`` and ``ComponentFactory`` return the rows the migrations seeded
  (``django_get_or_create`` on ``code``): ``SupportPackageFactory()`` is Advanced,
  ``SupportPackageFactory(code="pro")`` is Pro. ``CustomPackageFactory`` makes a fresh package.
* Users have the password ``TEST_PASSWORD``; ``EngineerFactory``/``ManagerFactory`` put them in
  the staff groups; ``ContactUserFactory(customer=...)`` is a user with a Contact row.
* ``TicketFactory`` opens an incident (priority 3) on a base function now; a non-incident gets
  no priority and a deferred ticket no ``opened_at``, as the table's constraints require.
"""

import datetime as dt
import uuid

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Max
from django.utils import timezone

from audit.models import AuditAction, AuditEntry
from packages.models import (
    Component,
    ComponentKind,
    Contact,
    Contract,
    Customer,
    Invitation,
    SupportPackage,
    VendorConfiguration,
)
from packages.roles import ENGINEERS_GROUP, MANAGERS_GROUP
from sla.models import (
    BusinessCalendar,
    CalendarClosedDate,
    CalendarExtraOpenDate,
    CalendarInterval,
    ContractTarget,
    Priority,
    SlaTarget,
    TicketType,
)
from tickets.models import (
    Attachment,
    Message,
    MessageKind,
    OutboxMessage,
    QuotaNotice,
    SlaAlert,
    SlaAlertKind,
    SlaEvent,
    SlaEventKind,
    SlaMetric,
    Ticket,
    TicketChange,
    TicketStatus,
)

TEST_PASSWORD = "test-pass-2026"
NINE, SIX_PM = dt.time(9), dt.time(18)
# Weekly (weekday, opens, closes) tuples for BusinessCalendarFactory(intervals=...).
EVERY_DAY_9_TO_18 = tuple((day, NINE, SIX_PM) for day in range(7))
WEEKDAYS_9_TO_20 = tuple((day, NINE, dt.time(20)) for day in range(5))
ROUND_THE_CLOCK = tuple((day, dt.time(0), dt.time(0)) for day in range(7))


def _today() -> dt.date:
    return timezone.localdate()


# --- packages ---------------------------------------------------------------------------------


class SupportPackageFactory(factory.django.DjangoModelFactory):
    """The seeded package with this code (Advanced by default)."""

    class Meta:
        model = SupportPackage
        django_get_or_create = ("code",)

    code = "advanced"
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())


class CustomPackageFactory(SupportPackageFactory):
    """A new package (e.g. to give it its own SLA targets without touching the seeded ones)."""

    code = factory.Sequence(lambda n: f"custom-{n}")
    monthly_request_quota = None
    vendor_configuration = VendorConfiguration.ALL
    covered_blocks_limit = 2


class ComponentFactory(factory.django.DjangoModelFactory):
    """The seeded component with this code ("inbound-calls", a base function, by default)."""

    class Meta:
        model = Component
        django_get_or_create = ("code",)

    code = "inbound-calls"
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").capitalize())
    kind = ComponentKind.BASE


class AdditionalBlockFactory(ComponentFactory):
    """A new additional block (the seeded ones: ComponentFactory(code="autodialer"), ...)."""

    code = factory.Sequence(lambda n: f"block-{n}")
    kind = ComponentKind.ADDITIONAL
    position = factory.Sequence(lambda n: 100 + n)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.test")
    email = factory.SelfAttribute("username")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    password = factory.django.Password(TEST_PASSWORD)
    is_active = True


class EngineerFactory(UserFactory):
    """A support engineer (member of the seeded "Support engineers" group)."""

    username = factory.Sequence(lambda n: f"engineer{n}@vendor.test")
    is_staff = True

    @factory.post_generation
    def staff_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(_staff_group(ENGINEERS_GROUP))


class ManagerFactory(UserFactory):
    """A support manager (member of the seeded "Support managers" group)."""

    username = factory.Sequence(lambda n: f"manager{n}@vendor.test")
    is_staff = True

    @factory.post_generation
    def staff_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(_staff_group(MANAGERS_GROUP))


def _staff_group(name: str) -> Group:
    group = Group.objects.filter(name=name).first()
    if group is None:  # a database flushed without post_migrate: seed the groups first
        from packages.services import roles_sync

        roles_sync()
        group = Group.objects.get(name=name)
    return group


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n}")
    is_active = True


class ContractFactory(factory.django.DjangoModelFactory):
    """A contract in force today: from 30 days ago for a year (valid_to is exclusive)."""

    class Meta:
        model = Contract
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    package = factory.SubFactory(SupportPackageFactory)
    number = factory.Sequence(lambda n: f"C-{n:05d}")
    valid_from = factory.LazyFunction(lambda: _today() - dt.timedelta(days=30))
    valid_to = factory.LazyAttribute(lambda o: o.valid_from + dt.timedelta(days=365))
    is_cloud = False
    has_24x7 = False
    time_zone = "Europe/Kyiv"

    class Params:
        pro = factory.Trait(package=factory.SubFactory(SupportPackageFactory, code="pro"))

    @factory.post_generation
    def covered_blocks(self, create, extracted, **kwargs):
        """``ContractFactory(covered_blocks=[block, ...])`` (no limit check: use the service)."""
        if create and extracted:
            self.covered_blocks.set(extracted)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    user = factory.SubFactory(UserFactory)
    customer = factory.SubFactory(CustomerFactory)
    is_customer_admin = False
    phone = ""


class InvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation, mailed now (no key: use packages.invitations to get a real link)."""

    class Meta:
        model = Invitation

    customer = factory.SubFactory(CustomerFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    invited_by = factory.SubFactory(
        ContactFactory, customer=factory.SelfAttribute("..customer"), is_customer_admin=True
    )
    created_at = factory.LazyFunction(timezone.now)
    sent_at = factory.SelfAttribute("created_at")


class ContactUserFactory(UserFactory):
    """A user who is a contact: ``ContactUserFactory(customer=c, is_customer_admin=True)``."""

    class Meta:
        skip_postgeneration_save = True

    class Params:
        customer = factory.SubFactory(CustomerFactory)
        is_customer_admin = False

    contact = factory.RelatedFactory(
        ContactFactory,
        factory_related_name="user",
        customer=factory.SelfAttribute("..customer"),
        is_customer_admin=factory.SelfAttribute("..is_customer_admin"),
    )


# --- sla --------------------------------------------------------------------------------------


class BusinessCalendarFactory(factory.django.DjangoModelFactory):
    """A calendar; ``intervals=EVERY_DAY_9_TO_18`` (or any (weekday, opens, closes)) adds hours."""

    class Meta:
        model = BusinessCalendar
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"calendar-{n}")
    name = factory.Sequence(lambda n: f"Calendar {n}")
    time_zone = "+03:00"

    @factory.post_generation
    def intervals(self, create, extracted, **kwargs):
        if create and extracted:
            CalendarInterval.objects.bulk_create(
                CalendarInterval(calendar=self, weekday=day, start=start, end=end)
                for day, start, end in extracted
            )


class CalendarIntervalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarInterval

    calendar = factory.SubFactory(BusinessCalendarFactory)
    weekday = factory.Sequence(lambda n: n % 7)
    start = NINE
    end = SIX_PM


class CalendarClosedDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarClosedDate

    calendar = factory.SubFactory(BusinessCalendarFactory)
    date = factory.Sequence(lambda n: dt.date(2026, 1, 1) + dt.timedelta(days=n))
    name = "Holiday"


class CalendarExtraOpenDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarExtraOpenDate

    calendar = factory.SubFactory(BusinessCalendarFactory)
    date = factory.Sequence(lambda n: dt.date(2026, 1, 3) + dt.timedelta(days=7 * n))
    start = NINE
    end = SIX_PM


class _TargetFactory(factory.django.DjangoModelFactory):
    ticket_type = TicketType.INCIDENT
    priority = factory.LazyAttribute(
        lambda o: Priority.CRITICAL if o.ticket_type == TicketType.INCIDENT else None
    )
    reaction = dt.timedelta(hours=1)
    resolution = dt.timedelta(hours=2)
    extended_resolution = factory.LazyAttribute(
        lambda o: dt.timedelta(hours=20 if o.ticket_type == TicketType.INCIDENT else 100)
    )
    calendar = factory.SubFactory(BusinessCalendarFactory, intervals=EVERY_DAY_9_TO_18)


class SlaTargetFactory(_TargetFactory):
    """A package target; on a fresh package by default, so it never clashes with seeded ones."""

    class Meta:
        model = SlaTarget

    package = factory.SubFactory(CustomPackageFactory)


class ContractTargetFactory(_TargetFactory):
    """A negotiated override of an individual (24×7) contract."""

    class Meta:
        model = ContractTarget

    contract = factory.SubFactory(ContractFactory, has_24x7=True)
    calendar = factory.SubFactory(BusinessCalendarFactory, intervals=ROUND_THE_CLOCK)


# --- tickets ----------------------------------------------------------------------------------


class TicketFactory(factory.django.DjangoModelFactory):
    """A ticket opened now by a contact of the contract's customer; SLA columns left empty."""

    class Meta:
        model = Ticket
        skip_postgeneration_save = True

    contract = factory.SubFactory(ContractFactory)
    customer = factory.SelfAttribute("contract.customer")
    reporter = factory.SubFactory(
        ContactUserFactory, customer=factory.SelfAttribute("..contract.customer")
    )
    ticket_type = TicketType.INCIDENT
    priority = factory.LazyAttribute(
        lambda o: Priority.NORMAL if o.ticket_type == TicketType.INCIDENT else None
    )
    component = factory.SubFactory(ComponentFactory)
    subject = factory.Sequence(lambda n: f"Ticket {n}: calls drop after 30 seconds")
    description = "What happened, when, and what we tried."
    status = TicketStatus.NEW
    is_deferred = False
    opened_at = factory.LazyAttribute(lambda o: None if o.is_deferred else timezone.now())

    class Params:
        service_request = factory.Trait(ticket_type=TicketType.SERVICE_REQUEST)
        change = factory.Trait(ticket_type=TicketType.CHANGE)
        deferred = factory.Trait(ticket_type=TicketType.SERVICE_REQUEST, is_deferred=True)

    @factory.post_generation
    def sla_log(self, create, extracted, **kwargs):
        """The log's first entry (seq 0, OPEN with the opening type and priority), as services
        expect; ``sla_log=False`` leaves the log empty. Nothing is computed."""
        if create and extracted is not False and self.opened_at is not None:
            SlaEvent.objects.create(
                ticket=self,
                seq=0,
                at=self.opened_at,
                kind=SlaEventKind.OPEN,
                priority=self.priority,
                ticket_type=self.ticket_type,
            )


def _next_seq(ticket: Ticket) -> int:
    last = SlaEvent.objects.filter(ticket=ticket).aggregate(m=Max("seq"))["m"]
    return 0 if last is None else last + 1


class SlaEventFactory(factory.django.DjangoModelFactory):
    """The next entry of the ticket's SLA log (a first response unless told otherwise)."""

    class Meta:
        model = SlaEvent

    ticket = factory.SubFactory(TicketFactory)
    seq = factory.LazyAttribute(lambda o: _next_seq(o.ticket))
    at = factory.LazyAttribute(lambda o: o.ticket.opened_at or timezone.now())
    kind = SlaEventKind.FIRST_RESPONSE
    priority = None
    ticket_type = ""
    workaround = False


class MessageFactory(factory.django.DjangoModelFactory):
    """A customer comment by the ticket's reporter; ``reply``/``note`` traits for staff."""

    class Meta:
        model = Message

    ticket = factory.SubFactory(TicketFactory)
    author = factory.SelfAttribute("ticket.reporter")
    kind = MessageKind.CUSTOMER_COMMENT
    body = factory.Sequence(lambda n: f"Message {n}.")

    class Params:
        reply = factory.Trait(
            kind=MessageKind.PUBLIC_REPLY, author=factory.SubFactory(EngineerFactory)
        )
        note = factory.Trait(
            kind=MessageKind.INTERNAL_NOTE, author=factory.SubFactory(EngineerFactory)
        )


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A small text file filed with a ticket; ``on_message=True`` attaches it to a message.

    Stored under MEDIA_ROOT, which tests point at a temporary folder (conftest.py).
    """

    class Meta:
        model = Attachment

    class Params:
        data = b"2026-01-01 12:00:00 ERROR call dropped\n"
        on_message = factory.Trait(
            message=factory.SubFactory(MessageFactory, ticket=factory.SelfAttribute("..ticket"))
        )

    ticket = factory.SubFactory(TicketFactory)
    message = None
    file = factory.django.FileField(filename="call.log", data=factory.SelfAttribute("..data"))
    original_name = "call.log"
    size = factory.LazyAttribute(lambda o: len(o.data))
    content_type = "text/plain"


class TicketChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketChange

    ticket = factory.SubFactory(TicketFactory)
    actor = factory.SubFactory(EngineerFactory)
    at = factory.LazyFunction(timezone.now)
    action = "status"
    field = "status"
    old_value = TicketStatus.NEW
    new_value = TicketStatus.IN_PROGRESS
    effects = factory.LazyFunction(list)


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    """An unsent e-mail in the outbox."""

    class Meta:
        model = OutboxMessage

    recipients = factory.LazyFunction(lambda: ["contact@example.test"])
    subject = factory.Sequence(lambda n: f"[#{n}] Your ticket was updated")
    body = "A support engineer replied to your ticket."
    ticket = factory.SubFactory(TicketFactory)
    dedupe_key = None
    sent_at = None


class SlaAlertFactory(factory.django.DjangoModelFactory):
    """A reaction at-risk alert for a ticket, noticed now."""

    class Meta:
        model = SlaAlert

    ticket = factory.SubFactory(TicketFactory)
    metric = SlaMetric.REACTION
    kind = SlaAlertKind.AT_RISK
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(minutes=30))
    created_at = factory.LazyFunction(timezone.now)
    batch = factory.LazyFunction(uuid.uuid4)


class QuotaNoticeFactory(factory.django.DjangoModelFactory):
    """The 80 % notice of this month for an Advanced contract."""

    class Meta:
        model = QuotaNotice

    contract = factory.SubFactory(ContractFactory)
    month = factory.LazyFunction(lambda: _today().replace(day=1))
    threshold = 80
    used = 24
    created_at = factory.LazyFunction(timezone.now)


# --- audit ------------------------------------------------------------------------------------


class AuditEntryFactory(factory.django.DjangoModelFactory):
    """An entry as audit_record writes it (tests of the log's reading side)."""

    class Meta:
        model = AuditEntry

    at = factory.LazyFunction(timezone.now)
    action = AuditAction.LOGIN
    actor_label = factory.Sequence(lambda n: f"user{n}@example.test")
    target_label = factory.SelfAttribute("actor_label")
