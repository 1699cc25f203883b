"""Every model of packages, sla, tickets and audit has a factory, and it builds a valid row."""

import factory
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from packages.roles import Role, role_of
from sla.models import TicketType
from tests import factories
from tickets.models import SlaEventKind, Ticket

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("packages", "sla", "tickets", "audit")


def factories_by_model() -> dict[type, list[type]]:
    found: dict[type, list[type]] = {}
    for value in vars(factories).values():
        if (
            isinstance(value, type)
            and issubclass(value, factory.django.DjangoModelFactory)
            and value._meta.model is not None
        ):
            found.setdefault(value._meta.model, []).append(value)
    return found


def project_models() -> list[type]:
    return [
        model
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.auto_created
    ]


def test_every_model_has_a_factory():
    # given the project's models and the factories module
    covered = factories_by_model()
    # when they are compared
    missing = [model._meta.label for model in project_models() if model not in covered]
    # then none lacks a factory
    assert not missing, f"add a factory to tests/factories.py for {missing}"


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_each_factory_creates_a_valid_row(model):
    # given the model's factories
    for model_factory in factories_by_model().get(model, []):
        # when one creates a row
        obj = model_factory()
        # then it is saved and passes the model's own validation (constraints included)
        assert obj.pk is not None
        try:
            obj.full_clean()
        except ValidationError as exc:
            pytest.fail(f"{model_factory.__name__}: {exc.message_dict}")


@pytest.mark.parametrize(
    ("kwargs", "ticket_type", "priority", "opened"),
    [
        ({}, TicketType.INCIDENT, 3, True),
        ({"priority": 1}, TicketType.INCIDENT, 1, True),
        ({"service_request": True}, TicketType.SERVICE_REQUEST, None, True),
        ({"change": True}, TicketType.CHANGE, None, True),
        ({"deferred": True}, TicketType.SERVICE_REQUEST, None, False),
    ],
)
def test_ticket_factory_honours_the_ticket_constraints(kwargs, ticket_type, priority, opened):
    # given the ticket factory with some options
    # when it makes a ticket
    ticket = factories.TicketFactory(**kwargs)
    # then priority is set only for incidents and opened_at unless deferred
    ticket.refresh_from_db()
    assert ticket.ticket_type == ticket_type
    assert ticket.priority == priority
    assert (ticket.opened_at is not None) is opened
    # and the SLA log starts with the opening (none while deferred), with nothing computed
    events = list(ticket.sla_events.values_list("seq", "kind", "priority", "ticket_type"))
    expected = [(0, SlaEventKind.OPEN, priority, ticket_type)] if opened else []
    assert events == expected
    assert ticket.reaction_due is None and ticket.resolution_due is None


def test_ticket_reporter_is_a_contact_of_the_ticket_customer():
    # given a ticket from the factory
    ticket = factories.TicketFactory()
    # when its reporter is looked at
    # then it is a contact of the same customer as the contract
    assert role_of(ticket.reporter) == Role.CONTACT
    assert ticket.reporter.contact.customer == ticket.customer == ticket.contract.customer


def test_staff_factories_put_users_in_their_groups():
    # given users from the staff factories
    # when their roles are read
    # then they are an engineer and a manager
    assert role_of(factories.EngineerFactory()) == Role.ENGINEER
    assert role_of(factories.ManagerFactory()) == Role.MANAGER


def test_package_and_component_factories_return_the_seeded_rows():
    # given the seeded packages and components
    # when the factories are asked for them by code
    advanced = factories.SupportPackageFactory()
    pro = factories.SupportPackageFactory(code="pro")
    autodialer = factories.ComponentFactory(code="autodialer")
    # then they are the seeded rows with their terms, not new ones
    assert advanced.monthly_request_quota == 30
    assert pro.covered_blocks_limit == 2
    assert autodialer.kind == "additional"
    assert Ticket.objects.count() == 0
