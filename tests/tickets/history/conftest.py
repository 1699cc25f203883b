"""A ticket whose history holds every kind of row: filing, take, first reply, a workaround
downgrade, waiting and back, a component change, a reclassification, an extension with its
reason, an internal note — and a second ticket with the beat job's breach rows.

People have Ukrainian names and the reason is in Ukrainian, so a Ukrainian page must show no
Latin word in the history but "SLA". ``t0`` is 10:00 (UTC+03:00) on the last weekday before
yesterday: inside incident hours and service-desk hours, in the past at any test instant.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from packages.models import Component
from sla.services import sla_check
from tests import factories
from tickets.models import Ticket
from tickets.services import workflow
from tickets.services.filing import ticket_file

UTC3 = dt.timezone(dt.timedelta(hours=3))
MIN = dt.timedelta(minutes=1)
REASON = "Запити надсилали інженерам на телефон"


@pytest.fixture
def t0() -> dt.datetime:
    day = timezone.now().astimezone(UTC3).date() - dt.timedelta(days=2)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(10), UTC3)


@pytest.fixture
def engineer(db):
    return factories.EngineerFactory(
        username="iryna@vendor.test", first_name="Ірина", last_name="Шевченко"
    )


@pytest.fixture
def manager(db):
    return factories.ManagerFactory(
        username="oksana@vendor.test", first_name="Оксана", last_name="Коваль"
    )


@pytest.fixture
def contact(contract):
    return factories.ContactFactory(
        customer=contract.customer,
        user__username="bohdan@acme.test",
        user__first_name="Богдан",
        user__last_name="Мельник",
    )


@dataclass
class Story:
    ticket: Ticket  # the eventful one
    breached: Ticket  # filed and left unanswered: the beat job records its breach
    t0: dt.datetime
    dues: dict[str, dt.datetime]  # the resolution due right after each named step


def file_p1(contact, *, now, subject):
    return ticket_file(
        contact=contact,
        ticket_type="incident",
        priority=1,
        component=Component.objects.get(code="inbound-calls"),
        subject=subject,
        description="Кожен дзвінок обривається.",
        now=now,
    )


@pytest.fixture
def story(contact, engineer, manager, t0) -> Story:
    ticket = file_p1(contact, now=t0, subject="Дзвінки обриваються")
    breached = file_p1(contact, now=t0, subject="Звіти не будуються")
    steps = {
        "take": lambda at: workflow.ticket_take(ticket=ticket, by=engineer, now=at),
        "reply": lambda at: workflow.ticket_reply(
            ticket=ticket, by=engineer, body="Дивимось.", internal=False, now=at
        ),
        "workaround": lambda at: workflow.ticket_priority_change(
            ticket=ticket, priority=2, workaround=True, by=engineer, now=at
        ),
        "wait": lambda at: workflow.ticket_status_change(
            ticket=ticket, status="waiting", by=engineer, now=at
        ),
        "resume": lambda at: workflow.ticket_status_change(
            ticket=ticket, status="in_progress", by=engineer, now=at
        ),
        "component": lambda at: workflow.ticket_component_change(
            ticket=ticket,
            component=Component.objects.get(code="outbound-calls"),
            by=engineer,
            now=at,
        ),
        "reclassify": lambda at: workflow.ticket_reclassify(
            ticket=ticket, ticket_type="service_request", priority=None, by=engineer, now=at
        ),
        "extend": lambda at: workflow.ticket_sla_extend(
            ticket=ticket, reason=REASON, by=manager, now=at
        ),
        "note": lambda at: workflow.ticket_reply(
            ticket=ticket, by=engineer, body="Лише для своїх.", internal=True, now=at
        ),
    }
    dues = {}
    for minutes, (name, step) in enumerate(steps.items(), start=1):
        step(t0 + 5 * minutes * MIN)
        ticket.refresh_from_db()
        dues[name] = ticket.resolution_due
    sla_check(now=t0 + 70 * MIN)  # the second ticket's reaction (1 h) is breached
    breached.refresh_from_db()
    return Story(ticket=ticket, breached=breached, t0=t0, dues=dues)


def client_in(user, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client
