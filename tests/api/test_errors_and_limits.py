"""Errors are JSON with a message and the field; the rate limit is per token, with a 429
that says when to come back; junk never gets a 500."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from tests.api.conftest import api_for

pytestmark = pytest.mark.django_db


def test_the_limit_is_per_token_and_the_429_says_when_to_retry(settings, contact):
    settings.PORTAL_API_RATE = "3/minute"
    first, second = api_for(contact.user), api_for(contact.user)

    assert [first.get("/api/me/").status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get("/api/me/")

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "throttled"
    # the same user's other token has its own budget
    assert second.get("/api/me/").status_code == 200


def test_unauthenticated_requests_are_401_json(client):
    response = client.get("/api/tickets/")

    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
        "errors": [],
    }


def test_a_service_refusal_names_its_field(engineer_api, file_ticket):
    ticket = file_ticket()

    response = engineer_api.post(
        f"/api/tickets/{ticket.pk}/withdraw/", {"reason": "duplicate"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "duplicate_of",
            "message": "Give the number of the ticket it duplicates.",
            "code": "invalid",
        }
    ]


def test_errors_come_in_the_requests_language(contact_api, ticket):
    response = contact_api.post(
        f"/api/tickets/{ticket.pk}/comments/",
        {"body": ""},
        format="json",
        HTTP_ACCEPT_LANGUAGE="uk",
    )
    translation.activate("en")

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] != "This field may not be blank."


def test_wrong_methods_and_media_types_are_json(contact_api, ticket):
    wrong_method = contact_api.delete(f"/api/tickets/{ticket.pk}/")
    wrong_type = contact_api.post(
        f"/api/tickets/{ticket.pk}/comments/", b"<x/>", content_type="application/xml"
    )

    assert wrong_method.status_code == 405 and wrong_method.json()["code"]
    assert wrong_type.status_code == 415 and wrong_type.json()["code"]


def api_paths():
    found = []

    def walk(patterns, route=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                found.append(route + str(entry.pattern))

    walk(get_resolver().url_patterns)
    return [r for r in found if r.startswith("api/") and "schema" not in r and "docs" not in r]


JUNK_QUERIES = [
    "?status=%00&priority=-1&customer=99999999999999999999&cursor=%ff%fe",
    "?page=-5&q=%27%22%3C&breached=2&updated_since=2026-13-45",
    "?from_month=2026-13&to_month=garbage&customer=x&page_size=-1",
]
JUNK_BODIES = [
    {},
    {"body": "\x00" * 10, "internal": "perhaps", "status": "exploded", "priority": 99},
    {
        "assignee": "me",
        "time_spent_minutes": 10**12,
        "root_cause": "aliens",
        "reason": "",
        "duplicate_of": -3,
        "component": ["a"],
        "ticket_type": {"x": 1},
    },
    [1, 2, 3],
]


@pytest.mark.parametrize("who", ["contact_api", "engineer_api", "manager_api", "client"])
def test_no_input_gets_a_500(request, who, file_ticket):
    ticket = file_ticket()
    client = request.getfixturevalue(who)
    client.raise_request_exception = False
    failures = []
    for route in api_paths():
        for ident in (str(ticket.pk), "0", "99999999999999999999"):
            path = "/" + route.replace("<int:pk>", ident)
            for query in JUNK_QUERIES:
                response = client.get(path + query)
                if response.status_code >= 500:
                    failures.append(f"GET {path}{query} → {response.status_code}")
            for body in JUNK_BODIES:
                response = client.post(path, body, content_type="application/json")
                if response.status_code >= 500:
                    failures.append(f"POST {path} {body} → {response.status_code}")
    assert not failures, "\n".join(failures)
