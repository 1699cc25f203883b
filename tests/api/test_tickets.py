"""Tickets over the API: the list with filters and cursor pages, detail, filing, SLA state."""

from datetime import timedelta

import pytest
from django.utils import timezone

from packages.models import Component
from tests import factories
from tickets.models import Ticket, TicketStatus
from tickets.services.workflow import ticket_status_change

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_contact_lists_only_their_organisation(contact_api, file_ticket, other_contact, now):
    mine = file_ticket()
    from tickets.services.filing import ticket_file

    theirs = ticket_file(
        contact=other_contact,
        ticket_type="incident",
        priority=3,
        component=Component.objects.get(code="inbound-calls"),
        subject="Theirs",
        description="x",
        now=now,
    )

    assert ids(contact_api.get("/api/tickets/")) == [mine.pk]
    # naming another organisation changes nothing: still only their own
    assert ids(contact_api.get(f"/api/tickets/?customer={theirs.customer_id}")) == []


def test_staff_filter_by_customer_status_type_and_priority(engineer_api, file_ticket, engineer):
    p2 = file_ticket(priority=2)
    p3 = file_ticket(priority=3)
    request = file_ticket(ticket_type="service_request", priority=None)
    ticket_status_change(ticket=p3, status=TicketStatus.WAITING, by=engineer, now=timezone.now())

    assert ids(engineer_api.get("/api/tickets/?priority=2")) == [p2.pk]
    assert ids(engineer_api.get("/api/tickets/?status=waiting")) == [p3.pk]
    assert ids(engineer_api.get("/api/tickets/?ticket_type=service_request")) == [request.pk]
    assert set(ids(engineer_api.get(f"/api/tickets/?customer={p2.customer_id}"))) == {
        p2.pk,
        p3.pk,
        request.pk,
    }
    assert ids(engineer_api.get("/api/tickets/?customer=999999")) == []


def test_breached_and_at_risk_filters_use_the_queues_definitions(engineer_api, file_ticket, now):
    late = file_ticket(subject="Late")
    risky = file_ticket(subject="Risky")
    calm = file_ticket(subject="Calm")
    Ticket.objects.filter(pk=late.pk).update(next_due=now - timedelta(minutes=5))
    Ticket.objects.filter(pk=risky.pk).update(reaction_at_risk_at=now - timedelta(minutes=1))

    assert ids(engineer_api.get("/api/tickets/?breached=true")) == [late.pk]
    assert ids(engineer_api.get("/api/tickets/?at_risk=true")) == [risky.pk]
    assert set(ids(engineer_api.get("/api/tickets/?breached=false"))) == {risky.pk, calm.pk}


def test_updated_since(engineer_api, file_ticket, now):
    old = file_ticket()
    Ticket.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=2))
    fresh = file_ticket()

    since = (now - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert ids(engineer_api.get("/api/tickets/", {"updated_since": since})) == [fresh.pk]


def test_cursor_pages_walk_every_ticket_once_newest_first(contact_api, file_ticket):
    made = [file_ticket(subject=f"T{n}").pk for n in range(7)]
    seen, url = [], "/api/tickets/?page_size=3"
    while url:
        response = contact_api.get(url)
        seen += ids(response)
        url = response.json()["next"]

    assert seen == sorted(made, reverse=True)


@pytest.mark.parametrize(
    "query",
    [
        "status=exploded",
        "priority=9",
        "breached=maybe",
        "customer=x",
        "updated_since=yesterday",
        "cursor=garbage",
        "page_size=0",
        "page_size=abc",
        "page_size=100000",
    ],
)
def test_a_bad_filter_is_a_400_naming_it(contact_api, query):
    response = contact_api.get(f"/api/tickets/?{query}")

    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == query.split("=")[0]
    assert body["detail"]


def test_detail_has_the_description_sla_files_and_what_one_may_do(contact_api, ticket):
    body = contact_api.get(f"/api/tickets/{ticket.pk}/").json()

    assert body["description"] == "Since the update."
    assert body["sla"]["reaction"]["state"] == "due"
    assert body["sla"]["reaction"]["time_left_seconds"] > 0
    assert body["sla"]["next_due_kind"] == "reaction"
    assert set(body["allowed_actions"]) == {"comment", "withdraw"}
    assert body["created_at"].endswith("Z")  # the API speaks UTC


def test_the_sla_endpoint_shows_paused_and_breached(engineer_api, engineer, ticket, now):
    ticket_status_change(
        ticket=ticket, status=TicketStatus.WAITING, by=engineer, now=timezone.now()
    )

    body = engineer_api.get(f"/api/tickets/{ticket.pk}/sla/").json()

    assert body["paused"] is True
    assert body["resolution"]["state"] == "paused"
    assert body["resolution"]["time_left_seconds"] is None
    Ticket.objects.filter(pk=ticket.pk).update(reaction_breached_at=now)
    body = engineer_api.get(f"/api/tickets/{ticket.pk}/sla/").json()
    assert body["breached"] is True
    assert body["reaction"]["state"] == "breached"


FILING = {
    "ticket_type": "incident",
    "priority": 2,
    "component": "inbound-calls",
    "subject": "Calls drop",
    "description": "Since 10:00.",
}


def test_a_contact_files_a_ticket(contact_api, contact):
    response = contact_api.post("/api/tickets/", FILING, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == body["url"]
    ticket = Ticket.objects.get(pk=body["id"])
    assert ticket.reporter == contact.user
    assert ticket.opened_at is not None and ticket.reaction_due is not None


def test_priority_one_on_an_uncovered_block_is_refused_with_the_reason(contact_api):
    response = contact_api.post(
        "/api/tickets/", {**FILING, "priority": 1, "component": "autodialer"}, format="json"
    )

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "priority"
    assert "at most priority 2" in error["message"]


def test_staff_do_not_file(engineer_api):
    assert engineer_api.post("/api/tickets/", FILING, format="json").status_code == 403


def test_past_the_quota_the_answer_says_to_choose_billable_or_defer(contact_api, contract, now):
    contract.package.monthly_request_quota = 1
    contract.package.save()
    request = {**FILING, "ticket_type": "service_request", "priority": None}
    assert contact_api.post("/api/tickets/", request, format="json").status_code == 201

    refused = contact_api.post("/api/tickets/", request, format="json")

    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "quota_exhausted"
    assert [c["value"] for c in body["choices"]] == ["billable", "defer"]
    assert body["quota"]["limit"] == 1 and body["quota"]["used"] == 1
    assert Ticket.objects.count() == 1

    billable = contact_api.post(
        "/api/tickets/", {**request, "quota_choice": "billable"}, format="json"
    ).json()
    deferred = contact_api.post(
        "/api/tickets/", {**request, "quota_choice": "defer"}, format="json"
    ).json()
    assert billable["is_billable"] is True and billable["is_over_quota"] is True
    assert deferred["is_deferred"] is True and deferred["deferred_until"] is not None
    assert deferred["sla"]["reaction"]["state"] == "none"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {**FILING, "component": "no-such-thing"},
        {**FILING, "ticket_type": "complaint"},
        {**FILING, "subject": "x" * 201},
        {**FILING, "priority": "high"},
        {**FILING, "quota_choice": "free"},
    ],
)
def test_bad_filings_are_400_and_file_nothing(contact_api, body):
    response = contact_api.post("/api/tickets/", body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]
    assert Ticket.objects.count() == 0


def test_malformed_json_is_a_json_400(contact_api):
    response = contact_api.generic(
        "POST", "/api/tickets/", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_deactivated_component_cannot_be_named(contact_api):
    factories.ComponentFactory(code="old-thing", is_active=False)

    response = contact_api.post(
        "/api/tickets/", {**FILING, "component": "old-thing"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "component"
