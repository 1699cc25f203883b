"""The search boxes: the queue (staff) and the contact's ticket list, and their query counts."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.queue import bulk_tickets
from tests import factories
from tickets.models import Message, MessageKind, Ticket, TicketStatus

QUEUE = "/queue/"
LIST = "/tickets/"


def _queue_pks(client, **params) -> set[int]:
    return {row.ticket.pk for row in client.get(QUEUE, params).context["rows"]}


def _list_pks(client, **params) -> set[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return {t.pk for t in response.context["page"].object_list}


@pytest.fixture
def noted(contract, contact, engineer):
    """A resolved ticket whose only mention of "jitter" is an internal note, and whose
    customer wrote "дзвінки" in a comment."""
    ticket = factories.TicketFactory(
        contract=contract,
        reporter=contact.user,
        subject="Voice quality",
        status=TicketStatus.RESOLVED,
    )
    factories.MessageFactory(ticket=ticket, body="Дзвінки з шумом")
    factories.MessageFactory(
        ticket=ticket, kind=MessageKind.INTERNAL_NOTE, author=engineer, body="Jitter on SBC"
    )
    return ticket


def test_the_queue_finds_notes_and_messages_of_every_status(engineer_client, noted):
    assert _queue_pks(engineer_client, q="jitter", status="any") == {noted.pk}
    assert _queue_pks(engineer_client, q="дзвінки", status="resolved") == {noted.pk}
    assert _queue_pks(engineer_client, q="jitter") == set()  # the open queue: filters still apply
    assert _queue_pks(engineer_client, q=f"#{noted.pk}") == {noted.pk}


def test_the_contact_list_searches_every_state_and_the_public_conversation_only(
    contact_client, other_contact_client, noted
):
    assert _list_pks(contact_client, q="дзвінки") == {noted.pk}
    assert _list_pks(contact_client, q="шум") == {noted.pk}
    assert _list_pks(contact_client, q="jitter") == set()
    assert _list_pks(contact_client, q=f"#{noted.pk}") == {noted.pk}
    assert _list_pks(contact_client, q="дзвінки", state="open") == set()
    assert _list_pks(other_contact_client, q="дзвінки") == set()
    assert _list_pks(other_contact_client, q=f"#{noted.pk}") == set()


def test_the_contact_list_takes_any_text(contact_client, noted):
    response = contact_client.get(LIST, {"q": "\x00\xff'\"<script>"})
    assert response.status_code == 200
    assert "&lt;script&gt;" in response.content.decode()


def test_the_contact_list_keeps_the_search_in_its_links(contact_client, noted):
    body = contact_client.get(LIST, {"q": "шум & co"}).content.decode()
    assert 'value="шум &amp; co"' in body
    assert "q=%D1%88%D1%83%D0%BC+%26+co" in body  # the open/closed/all tabs keep it
    assert "No ticket matches this search." not in body
    body = contact_client.get(LIST, {"q": "немає такого"}).content.decode()
    assert "No ticket matches this search." in body


def _bench_contact_client() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-contact-0@example.test"))
    return client


def _talk(now) -> None:
    """A message on every ticket, one of them with the word searched."""
    author = get_user_model().objects.get(username="bench-contact-0@example.test")
    Message.objects.bulk_create(
        Message(
            ticket_id=pk,
            author=author,
            kind=MessageKind.CUSTOMER_COMMENT,
            body=f"Message on {pk}",
            created_at=now,
        )
        for pk in Ticket.objects.filter(messages__isnull=True).values_list("pk", flat=True)
    )
    first = Ticket.objects.filter(customer=author.contact.customer_id).order_by("pk").first()
    Message.objects.filter(ticket=first).update(body="Дзвінки обриваються")


@pytest.mark.parametrize(
    ("url", "query"),
    [
        (QUEUE, {"q": "дзвінки", "status": "any"}),
        (QUEUE, {"q": "trunk"}),
        (LIST, {"q": "дзвінки"}),
        (LIST, {"q": "обрив", "state": "all"}),
    ],
)
def test_search_takes_as_many_queries_at_10_and_1000_tickets(
    engineer_client, django_assert_num_queries, now, url, query
):
    bulk_tickets(10, now=now)
    _talk(now)
    client = engineer_client if url == QUEUE else _bench_contact_client()
    client.get(url, query)  # warm the caches
    with CaptureQueriesContext(connection) as small:
        response = client.get(url, query)
    rows = response.context["rows"] if url == QUEUE else response.context["page"].object_list
    assert response.status_code == 200 and rows
    bulk_tickets(990, now=now)
    _talk(now)
    with django_assert_num_queries(len(small)):
        response = client.get(url, query)
    assert response.status_code == 200


def test_the_api_ticket_list_searches_with_the_same_rules(noted, contact, other_contact, engineer):
    from rest_framework.test import APIClient

    def pks(user, text) -> set[int]:
        client = APIClient()
        client.force_authenticate(user)
        response = client.get("/api/tickets/", {"search": text})
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert pks(contact.user, "шум") == {noted.pk}
    assert pks(contact.user, "jitter") == set()
    assert pks(other_contact.user, "шум") == set()
    assert pks(engineer, "jitter") == {noted.pk}
