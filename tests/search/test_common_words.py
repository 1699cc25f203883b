"""A word found in most tickets (PostgreSQL): tested row by row as the page's order is walked,
with the same results and the same access rules as the index-driven search of a rare word."""

import pytest
from django.db import connection
from django.utils import timezone

from search import selectors
from search.selectors import is_common, search_q
from tests import factories
from tickets.models import MessageKind, Ticket, TicketStatus
from tickets.selectors.access import tickets_visible_to

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the planner's statistics decide (PostgreSQL)"
)

QUEUE = "/queue/"
LIST = "/tickets/"


@pytest.fixture
def trunks(contract, contact, other_contact, engineer):
    """Two organisations' tickets, nearly all about a trunk somewhere: in the subject, the
    description, a public reply, a stemmed form ("trunks"), or only an internal note."""
    other_contract = factories.ContractFactory(customer=other_contact.customer)
    made = {}
    for owner, (agreement, reporter) in {
        "ours": (contract, contact.user),
        "theirs": (other_contract, other_contact.user),
    }.items():
        rows = {}
        for i in range(12):
            rows[f"subject {i}"] = factories.TicketFactory(
                contract=agreement, reporter=reporter, subject=f"Calls drop on trunk {i}"
            )
        rows["description"] = factories.TicketFactory(
            contract=agreement, reporter=reporter, subject="Echo", description="Trunk SIP-7."
        )
        rows["stemmed"] = factories.TicketFactory(
            contract=agreement, reporter=reporter, subject="Both trunks down"
        )
        rows["reply"] = factories.TicketFactory(
            contract=agreement, reporter=reporter, subject="Noise", status=TicketStatus.CLOSED
        )
        factories.MessageFactory(ticket=rows["reply"], body="Moved you to the backup trunk.")
        rows["note"] = factories.TicketFactory(
            contract=agreement, reporter=reporter, subject="Latency"
        )
        factories.MessageFactory(
            ticket=rows["note"], kind=MessageKind.INTERNAL_NOTE, author=engineer,
            body="Their trunk is saturated.",
        )
        rows["unrelated"] = factories.TicketFactory(
            contract=agreement, reporter=reporter, subject="Password reset"
        )
        made[owner] = rows
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
        cursor.execute("ANALYZE tickets_message")
    return made


def _pks(rows: dict, *names: str) -> set[int]:
    return {t.pk for name, t in rows.items() if name.split()[0] in names}


def found(user, text) -> set[int]:
    return set(
        tickets_visible_to(user).filter(search_q(text, user=user)).values_list("pk", flat=True)
    )


def test_the_planner_calls_a_word_of_most_tickets_common_and_a_rare_one_not(trunks):
    assert is_common("trunk", internal=True)
    assert not is_common("password", internal=True)


def test_row_by_row_finds_what_the_indexes_find(trunks, engineer, contact, monkeypatch):
    # given the same searches, row by row (common) and forced through the indexes
    row_by_row = {who: found(who, "trunk") for who in (engineer, contact.user)}
    monkeypatch.setattr(selectors, "COMMON_SHARE", 10.0)
    assert not is_common("trunk", internal=True)
    indexed = {who: found(who, "trunk") for who in (engineer, contact.user)}
    # then both find the same tickets
    assert row_by_row == indexed
    # and staff find every match of both organisations, notes included
    everything = {"subject", "description", "stemmed", "reply", "note"}
    assert row_by_row[engineer] == _pks(trunks["ours"], *everything) | _pks(
        trunks["theirs"], *everything
    )
    # while the contact finds their organisation's, never a ticket found by a note alone
    assert row_by_row[contact.user] == _pks(trunks["ours"], *(everything - {"note"}))


def test_the_queue_pages_a_common_word_in_its_order_and_caps_the_count(
    trunks, engineer_client, monkeypatch
):
    import tickets.selectors.queue as queue

    monkeypatch.setattr(queue, "SEARCH_CAP", 30)
    response = engineer_client.get(QUEUE, {"q": "trunk", "status": "any"})
    rows = [row.ticket for row in response.context["rows"]]
    paginator = response.context["page"].paginator
    expected = Ticket.objects.filter(
        pk__in=_pks(trunks["ours"], "subject", "description", "stemmed", "reply", "note")
        | _pks(trunks["theirs"], "subject", "description", "stemmed", "reply", "note")
    )
    # then the page holds the most urgent matches, in the queue's order
    everyone = queue.queue_tickets(
        user=response.wsgi_request.user, filters={"status": "any"}, now=timezone.now()
    )
    assert rows == list(everyone.filter(pk__in=expected.values("pk"))[: queue.PAGE_SIZE])
    # and the count stops at the cap and says so
    assert expected.count() > 30
    assert (paginator.count, paginator.capped) == (30, True)
    assert "More than 30 tickets" in response.content.decode()


def test_a_contact_list_search_for_a_common_word_stays_in_the_organisation(
    trunks, contact_client
):
    response = contact_client.get(LIST, {"q": "trunk"})
    assert response.status_code == 200
    shown = {t.pk for t in response.context["page"].object_list}
    assert shown == _pks(trunks["ours"], "subject", "description", "stemmed", "reply")
