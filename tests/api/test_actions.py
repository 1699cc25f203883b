"""Status actions per role: each calls the page's service; a role that may not is 403."""

import pytest
from django.utils import timezone

from tickets.models import Ticket, TicketStatus
from tickets.services.ending import ticket_resolve

pytestmark = pytest.mark.django_db


def post(client, ticket, action, body=None):
    return client.post(f"/api/tickets/{ticket.pk}/{action}/", body or {}, format="json")


def test_an_engineer_takes_replies_waits_and_resolves(engineer_api, engineer, ticket):
    taken = post(engineer_api, ticket, "take")
    assert taken.status_code == 200
    assert taken.json()["assignee"]["id"] == engineer.pk

    waiting = post(engineer_api, ticket, "status", {"status": "waiting"})
    assert waiting.json()["sla"]["paused"] is True

    resolved = post(
        engineer_api,
        ticket,
        "resolve",
        {"root_cause": "customer_action", "time_spent_minutes": 30, "message": "Fixed."},
    )
    body = resolved.json()
    assert resolved.status_code == 200, body
    assert body["status"] == "resolved"
    assert body["is_billable"] is True
    assert body["time_spent_minutes"] == 30


def test_assign_to_an_engineer_by_id(engineer_api, manager, ticket):
    response = post(engineer_api, ticket, "assign", {"assignee": manager.pk})

    assert response.status_code == 200
    assert response.json()["assignee"]["id"] == manager.pk


def test_assign_to_a_contact_is_refused(engineer_api, contact, ticket):
    response = post(engineer_api, ticket, "assign", {"assignee": contact.user.pk})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "assignee"


def test_priority_with_workaround_and_reclassify_and_component(engineer_api, ticket):
    lowered = post(engineer_api, ticket, "priority", {"priority": 3, "workaround": True})
    assert lowered.json()["priority"] == 3

    moved = post(engineer_api, ticket, "component", {"component": "outbound-calls"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["component"]["code"] == "outbound-calls"

    changed = post(engineer_api, ticket, "reclassify", {"ticket_type": "service_request"})
    assert changed.json()["ticket_type"] == "service_request"
    assert changed.json()["priority"] is None


def test_the_same_priority_without_workaround_is_a_400_saying_so(engineer_api, ticket):
    response = post(engineer_api, ticket, "priority", {"priority": 2})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "priority"


def test_only_a_manager_extends(engineer_api, manager_api, ticket):
    assert post(engineer_api, ticket, "extend", {"reason": "Calls to staff"}).status_code == 403

    extended = post(manager_api, ticket, "extend", {"reason": "Calls to staff"})

    assert extended.status_code == 200
    assert extended.json()["sla"]["extended"] is True
    assert extended.json()["sla"]["extension_reason"] == "Calls to staff"


def test_staff_withdraw_a_duplicate_of_the_same_customers_ticket(engineer_api, file_ticket):
    first, second = file_ticket(), file_ticket()

    response = post(
        engineer_api, second, "withdraw", {"reason": "duplicate", "duplicate_of": first.pk}
    )

    assert response.status_code == 200
    assert response.json()["withdraw_reason"] == "duplicate"
    assert response.json()["duplicate_of"] == first.pk


def test_a_contact_withdraws_closes_and_reopens(contact_api, engineer, file_ticket):
    unwanted = file_ticket()
    assert post(contact_api, unwanted, "withdraw").json()["status"] == "withdrawn"

    done = file_ticket()
    ticket_resolve(
        ticket=done,
        by=engineer,
        root_cause="product_defect",
        time_spent=timezone.timedelta(minutes=5),
        message="Patched.",
        now=timezone.now(),
    )
    reopened = post(contact_api, done, "reopen")
    assert reopened.json()["status"] == "in_progress"
    ticket_resolve(
        ticket=done,
        by=engineer,
        root_cause="product_defect",
        time_spent=timezone.timedelta(minutes=5),
        message="Patched again.",
        now=timezone.now(),
    )
    assert post(contact_api, done, "close").json()["status"] == "closed"


def test_a_refused_action_says_what_is_true_for_the_ticket(contact_api, ticket):
    response = post(contact_api, ticket, "close")

    assert response.status_code == 400
    assert "not resolved yet" in response.json()["detail"]


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("take", {}),
        ("status", {"status": "waiting"}),
        ("priority", {"priority": 3}),
        ("reclassify", {"ticket_type": "change"}),
        ("component", {"component": "outbound-calls"}),
        ("extend", {"reason": "x"}),
        ("assign", {"assignee": 1}),
        ("resolve", {"root_cause": "product_defect", "time_spent_minutes": 1, "message": "x"}),
        ("withdraw", {"reason": "spam"}),
    ],
)
def test_a_contact_may_not_use_staff_actions_on_their_own_ticket(
    contact_api, ticket, engineer, action, body
):
    if action == "assign":
        body = {"assignee": engineer.pk}

    response = post(contact_api, ticket, action, body)

    assert response.status_code in (400, 403)
    if action != "withdraw":  # a contact's withdraw reason is refused as a field error
        assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.NEW


def test_staff_do_not_close_for_the_customer(engineer_api, engineer, ticket):
    ticket_resolve(
        ticket=ticket,
        by=engineer,
        root_cause="product_defect",
        time_spent=timezone.timedelta(minutes=5),
        message="Done.",
        now=timezone.now(),
    )

    assert post(engineer_api, ticket, "close").status_code == 403
