"""Which hook hears what: the services' events become deliveries in their transaction, a
customer's hook hears only its organisation and never an internal note."""

from datetime import timedelta

import pytest
from django.utils import timezone

from packages.models import Component
from tests import factories
from tickets.services.ending import ticket_reopen, ticket_resolve
from tickets.services.filing import ticket_file
from tickets.services.quota_jobs import quota_usage_notify
from tickets.services.workflow import ticket_priority_change, ticket_reply, ticket_take
from webhooks.models import WebhookDelivery, WebhookEvent
from webhooks.services.hooks import webhook_create

pytestmark = pytest.mark.django_db
ALL = WebhookEvent.values


@pytest.fixture
def hooks(customer_admin, pro_contract, manager, now):
    """Acme's admin's hook, Globex's admin's hook, a manager's hook for everyone."""
    globex_admin = factories.ContactFactory(
        customer=pro_contract.customer, is_customer_admin=True, user__username="a@globex.test"
    )
    acme, _ = webhook_create(
        by=customer_admin.user, url="https://acme.example/h", events=ALL, now=now
    )
    globex, _ = webhook_create(
        by=globex_admin.user, url="https://globex.example/h", events=ALL, now=now
    )
    staff, _ = webhook_create(by=manager, url="https://vendor.example/h", events=ALL, now=now)
    return acme, globex, staff


def heard(hook) -> list[str]:
    return list(
        WebhookDelivery.objects.filter(hook=hook).order_by("pk").values_list("event", flat=True)
    )


def file(contact, **kw):
    values = {
        "ticket_type": "incident",
        "priority": 2,
        "subject": "Calls drop",
        "description": "x",
        "component": Component.objects.get(code="inbound-calls"),
    }
    values.update(kw)
    return ticket_file(contact=contact, now=timezone.now(), **values)


def test_a_ticket_event_reaches_its_organisations_hook_and_staff_hooks_only(contact, hooks):
    acme, globex, staff = hooks

    ticket = file(contact)

    assert heard(acme) == ["ticket.created"]
    assert heard(staff) == ["ticket.created"]
    assert heard(globex) == []
    payload = WebhookDelivery.objects.get(hook=acme).payload
    assert payload["type"] == "ticket.created"
    assert payload["data"]["ticket"]["id"] == ticket.pk
    assert payload["data"]["ticket"]["customer"]["id"] == contact.customer_id


def test_internal_notes_go_to_staff_hooks_never_to_customer_hooks(contact, engineer, hooks):
    acme, _globex, staff = hooks
    ticket = file(contact)

    ticket_reply(
        ticket=ticket, by=engineer, body="Their trunk is odd.", internal=True, now=timezone.now()
    )

    assert "ticket.commented" not in heard(acme)
    note = WebhookDelivery.objects.get(hook=staff, event="ticket.commented").payload
    assert note["data"]["comment"]["internal"] is True
    assert all(
        "Their trunk is odd." not in str(d.payload)
        for d in WebhookDelivery.objects.filter(hook=acme)
    )


def test_updates_list_their_changes_in_machine_values(contact, engineer, hooks):
    acme, _, _ = hooks
    ticket = file(contact, priority=2)

    ticket_take(ticket=ticket, by=engineer, now=timezone.now())
    ticket_priority_change(
        ticket=ticket, priority=3, workaround=True, by=engineer, now=timezone.now()
    )

    updates = WebhookDelivery.objects.filter(hook=acme, event="ticket.updated").order_by("pk")
    assert [u.payload["data"]["action"] for u in updates] == ["take", "priority"]
    change = {c["field"]: c for c in updates.last().payload["data"]["changes"]}
    assert change["priority"]["old"] == 2 and change["priority"]["new"] == 3


def test_resolve_and_reopen_are_their_own_events(contact, engineer, hooks):
    acme, _, _ = hooks
    ticket = file(contact)
    ticket_take(ticket=ticket, by=engineer, now=timezone.now())

    ticket_resolve(
        ticket=ticket,
        by=engineer,
        root_cause="product_defect",
        time_spent=timedelta(minutes=5),
        message="Patched.",
        now=timezone.now(),
    )
    ticket_reopen(ticket=ticket, by=contact.user, now=timezone.now())

    # take; the resolution's message is the first reply (New → In progress), then resolved
    assert heard(acme) == [
        "ticket.created",
        "ticket.updated",
        "ticket.updated",
        "ticket.commented",
        "ticket.resolved",
        "ticket.reopened",
    ]


def test_a_hook_hears_only_the_events_it_chose(contact, customer_admin, now):
    hook, _ = webhook_create(
        by=customer_admin.user, url="https://acme.example/only", events=["ticket.resolved"], now=now
    )

    file(contact)

    assert heard(hook) == []


def test_a_rolled_back_change_leaves_no_delivery(contact, hooks):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        file(contact, priority=1, component=Component.objects.get(code="autodialer"))

    assert not WebhookDelivery.objects.exists()


def test_sla_alerts_reach_the_organisations_hook(contact, hooks, now):
    from sla.services import sla_check

    acme, globex, staff = hooks
    ticket = file(contact)

    sla_check(now=ticket.reaction_due + timedelta(minutes=1))

    breach = WebhookDelivery.objects.filter(hook=acme, event="sla.breached").first()
    assert breach is not None
    assert breach.payload["data"]["metric"] == "reaction"
    assert breach.payload["data"]["ticket"]["id"] == ticket.pk
    assert WebhookDelivery.objects.filter(hook=staff, event="sla.breached").exists()
    assert heard(globex) == []


def test_quota_thresholds_reach_the_organisations_hook(contact, contract, hooks):
    acme, globex, _ = hooks
    contract.package.monthly_request_quota = 2
    contract.package.save()
    for _ in range(2):
        file(contact, ticket_type="service_request", priority=None)

    quota_usage_notify(contract_id=contract.pk, now=timezone.now())

    events = [e for e in heard(acme) if e.startswith("quota")]
    assert events == ["quota.80", "quota.100"]
    quota = WebhookDelivery.objects.get(hook=acme, event="quota.100").payload["data"]
    assert (quota["used"], quota["limit"]) == (2, 2)
    assert heard(globex) == []


def test_a_turned_off_hook_hears_nothing(contact, hooks):
    acme, _, _ = hooks
    acme.is_active = False
    acme.save()

    file(contact)

    assert heard(acme) == []
