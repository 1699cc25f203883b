"""The queue for staff, the dashboard for managers, quota use; who may read which."""

import pytest
from django.utils import timezone

from tickets.services.workflow import ticket_take

pytestmark = pytest.mark.django_db


def test_the_queue_is_the_pages_queue_for_staff(engineer_api, engineer, file_ticket):
    first, second = file_ticket(priority=3), file_ticket(priority=1)
    ticket_take(ticket=first, by=engineer, now=timezone.now())

    body = engineer_api.get("/api/queue/").json()

    assert body["count"] == 2 and body["page"] == 1 and body["next"] is None
    assert body["count_capped"] is False
    assert [row["id"] for row in body["results"]] == [second.pk, first.pk]  # nearest due first
    assert body["results"][0]["sla"]["due_kind"] == "reaction"
    assert body["results"][0]["sla"]["time_left_seconds"] > 0
    mine = engineer_api.get("/api/queue/", {"mine": "true"}).json()["results"]
    assert [row["id"] for row in mine] == [first.pk]
    found = engineer_api.get("/api/queue/", {"q": f"#{second.pk}"}).json()["results"]
    assert [row["id"] for row in found] == [second.pk]


def test_the_queue_and_staff_list_are_403_for_contacts(contact_api):
    assert contact_api.get("/api/queue/").status_code == 403
    assert contact_api.get("/api/staff/").status_code == 403


def test_the_dashboard_is_for_managers(manager_api, engineer_api, contact_api, file_ticket):
    file_ticket()

    body = manager_api.get("/api/dashboard/").json()

    assert len(body["trend"]) == 12
    assert body["open_now"][0]["open"] == 1
    assert {"package", "customer", "type", "priority"} == set(body["breakdowns"])
    assert engineer_api.get("/api/dashboard/").status_code == 403
    assert contact_api.get("/api/dashboard/").status_code == 403


def test_the_dashboard_refuses_a_bad_period_with_its_field(manager_api):
    response = manager_api.get("/api/dashboard/", {"from_month": "2026-13"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "from_month"


def test_a_contact_sees_their_quota_a_manager_everyones(
    contact_api, manager_api, file_ticket, engineer_api
):
    file_ticket(ticket_type="service_request", priority=None)

    (mine,) = contact_api.get("/api/quota/").json()
    assert (mine["limit"], mine["used"], mine["remaining"]) == (30, 1, 29)
    rows = manager_api.get("/api/quota/").json()
    assert [r["used"] for r in rows if r["customer"]["id"] == mine["customer"]["id"]] == [1]
    assert engineer_api.get("/api/quota/").status_code == 403


def test_an_unlimited_contract_says_so(other_contact_api):
    (row,) = other_contact_api.get("/api/quota/").json()

    assert row["limit"] is None and row["used"] is None and row["exhausted"] is False
