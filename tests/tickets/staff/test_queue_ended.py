"""The queue reaches ended tickets: the status filter offers every status (and "any"), a search
for #N finds ticket N whatever its status, text search follows the status filter; the default
stays the open queue; the query count does not grow with the tickets."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.queue import bulk_tickets
from tests import factories
from tickets.models import Ticket, TicketStatus
from tickets.services import ending

QUEUE = "/queue/"
H = dt.timedelta(hours=1)


@pytest.fixture
def one_of_each(file_ticket, engineer, contact, now):
    """A ticket in every status, each with "trunk" in its subject."""

    def resolved(subject):
        ticket = file_ticket(now=now - 3 * H, subject=subject)
        return ending.ticket_resolve(
            ticket=ticket,
            by=engineer,
            root_cause="product_defect",
            time_spent=dt.timedelta(minutes=5),
            message="Fixed.",
            now=now - H,
        )

    tickets = {"new": file_ticket(now=now - H, subject="trunk new")}
    tickets["resolved"] = resolved("trunk resolved")
    tickets["closed"] = ending.ticket_close(
        ticket=resolved("trunk closed"), by=contact.user, now=now - H / 2
    )
    spam = file_ticket(now=now - H, subject="trunk withdrawn")
    tickets["withdrawn"] = ending.ticket_withdraw(
        ticket=spam, by=engineer, reason="spam", now=now - H / 2
    )
    tickets["deferred"] = factories.TicketFactory(
        contract=contact.customer.contracts.first(),
        reporter=contact.user,
        deferred=True,
        subject="trunk deferred",
    )
    return tickets


def pks(client, **query):
    return {row.ticket.pk for row in client.get(QUEUE, query).context["rows"]}


def test_the_default_is_the_open_queue(engineer_client, one_of_each):
    assert pks(engineer_client) == {one_of_each["new"].pk}
    assert pks(engineer_client, q="trunk") == {one_of_each["new"].pk}


@pytest.mark.parametrize("status", ["resolved", "closed", "withdrawn"])
def test_the_status_filter_reaches_every_status(engineer_client, one_of_each, status):
    response = engineer_client.get(QUEUE, {"status": status})
    assert not response.context["form"].errors
    assert {row.ticket.pk for row in response.context["rows"]} == {one_of_each[status].pk}
    assert pks(engineer_client, status=status, q="trunk") == {one_of_each[status].pk}
    assert "1 ticket" in response.content.decode()


def test_any_status_finds_every_ticket_by_text(engineer_client, one_of_each):
    assert pks(engineer_client, status="any", q="trunk") == {t.pk for t in one_of_each.values()}


@pytest.mark.parametrize("state", ["new", "resolved", "closed", "withdrawn", "deferred"])
def test_hash_number_and_plain_number_find_the_ticket_whatever_its_state(
    engineer_client, one_of_each, state
):
    ticket = one_of_each[state]
    assert pks(engineer_client, q=f"#{ticket.pk}") == {ticket.pk}
    assert ticket.pk in pks(engineer_client, q=str(ticket.pk))
    # whatever the status filter says
    assert pks(engineer_client, q=f"#{ticket.pk}", status="waiting") == {ticket.pk}


def test_ended_rows_show_their_status_and_no_time_left(engineer_client, one_of_each):
    response = engineer_client.get(QUEUE, {"status": "any", "q": "trunk"})
    rows = {row.ticket.pk: row for row in response.context["rows"]}
    withdrawn = rows[one_of_each["withdrawn"].pk]
    assert withdrawn.ticket.status == TicketStatus.WITHDRAWN
    assert withdrawn.sla.time_left is None and "deferred" not in withdrawn.sla.badges
    assert "Withdrawn" in response.content.decode()


def _end_some(now) -> None:
    """Resolve, close and withdraw a share of the bench tickets, one of each about a trunk."""
    open_ids = list(
        Ticket.objects.filter(status__in=["new", "in_progress"])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for status, pk in zip(("resolved", "closed", "withdrawn"), open_ids[:3], strict=True):
        extra = {"withdrawn_at": now, "withdraw_reason": "spam"} if status == "withdrawn" else {}
        Ticket.objects.filter(pk=pk).update(
            status=status, subject=f"Bench: trunk {status}", next_due=None, **extra
        )


@pytest.mark.parametrize(
    "query",
    [{"status": "resolved"}, {"status": "any", "q": "trunk"}, {"q": "#1"}, {"status": "withdrawn"}],
)
def test_query_count_is_the_same_for_10_and_1000_tickets(
    engineer_client, django_assert_num_queries, now, query
):
    bulk_tickets(10, now=now)
    _end_some(now)
    if query.get("q") == "#1":
        query = {"q": f"#{Ticket.objects.filter(status='closed').first().pk}"}
    engineer_client.get(QUEUE, query)
    with CaptureQueriesContext(connection) as small:
        response = engineer_client.get(QUEUE, query)
    assert response.status_code == 200 and response.context["rows"]
    bulk_tickets(990, now=now)
    with django_assert_num_queries(len(small)):
        response = engineer_client.get(QUEUE, query)
    assert response.status_code == 200 and response.context["rows"]
