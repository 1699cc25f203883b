"""Every API list costs the same number of queries at 10 and at 1,000 tickets."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.queue import bulk_tickets
from tests.api.conftest import api_for
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db

LISTS = [
    ("/api/tickets/", {}),
    ("/api/tickets/", {"status": "open", "breached": "true"}),
    ("/api/tickets/", {"at_risk": "false", "ticket_type": "incident", "page_size": "200"}),
    ("/api/queue/", {}),
    ("/api/queue/", {"breached": "true", "q": "trunk"}),
]


def _count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    assert response.json()["results"], "a list without rows proves nothing"
    return len(queries)


@pytest.mark.parametrize(("url", "params"), LISTS)
def test_staff_lists_cost_the_same_at_10_and_1000_tickets(
    engineer, now, url, params, django_assert_num_queries
):
    client = api_for(engineer)
    bulk_tickets(10, now=now)
    Ticket.objects.update(subject="calls drop on trunk 1")
    client.get(url, params)  # warms the calendar cache and the token's last-used time
    small = _count(client, url, params)
    assert small <= 12

    bulk_tickets(990, now=now)

    with django_assert_num_queries(small):
        client.get(url, params)


def test_a_contacts_list_costs_the_same_at_10_and_1000_tickets(now, django_assert_num_queries):
    bulk_tickets(10, now=now)
    client = api_for(get_user_model().objects.get(username="bench-contact-0@example.test"))
    client.get("/api/tickets/")
    small = _count(client, "/api/tickets/", {})

    bulk_tickets(990, now=now)

    with django_assert_num_queries(small):
        client.get("/api/tickets/")


def test_a_conversation_page_costs_the_same_at_5_and_60_messages(
    engineer, ticket, django_assert_num_queries
):
    client = api_for(engineer)
    url = f"/api/tickets/{ticket.pk}/comments/"
    Message.objects.bulk_create(
        Message(ticket=ticket, author=engineer, kind="note", body=f"n{i}") for i in range(5)
    )
    client.get(url)
    small = _count(client, url, {})

    Message.objects.bulk_create(
        Message(ticket=ticket, author=engineer, kind="note", body=f"m{i}") for i in range(55)
    )

    with django_assert_num_queries(small):
        client.get(url)
