"""The queue: urgency order, business time left, badges, filters, search, bounded queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.queue import bulk_tickets
from sla.selectors import terms_for_contract
from tests import factories
from tickets.models import Ticket, TicketStatus
from tickets.services import ending, workflow

QUEUE = "/queue/"
H = dt.timedelta(hours=1)


def _rows(response) -> list[Ticket]:
    return [row.ticket for row in response.context["rows"]]


def test_queue_url_is_named():
    assert reverse("tickets:queue") == QUEUE


def test_order_is_nearest_due_first_nothing_running_last(
    engineer_client, engineer, file_ticket, now, contract
):
    # Given tickets filed at different moments; one waits for the customer (no due time)
    old = file_ticket(now=now - 3 * H, priority=3, subject="old P3")
    fresh = file_ticket(now=now - H, priority=1, subject="fresh P1")
    paused = file_ticket(now=now - 2 * H, priority=2, subject="paused P2")
    workflow.ticket_reply(
        ticket=paused,
        by=engineer,
        body="Please send logs",
        internal=False,
        now=now - 90 * dt.timedelta(minutes=1),
    )
    workflow.ticket_status_change(
        ticket=paused, status=TicketStatus.WAITING, by=engineer, now=now - H
    )
    resolved = file_ticket(now=now - H, subject="resolved")
    ending.ticket_resolve(
        ticket=resolved,
        by=engineer,
        root_cause="product_defect",
        time_spent=dt.timedelta(minutes=5),
        message="Fixed.",
        now=now,
    )
    # When the engineer opens the queue
    rows = _rows(engineer_client.get(QUEUE))
    # Then open tickets come by next due (NULL last), resolved ones not at all
    expected = sorted([old, fresh], key=lambda t: Ticket.objects.get(pk=t.pk).next_due)
    assert [t.pk for t in rows] == [*[t.pk for t in expected], paused.pk]


def test_time_left_is_business_time_with_badges(engineer_client, file_ticket, contract, now):
    ticket = file_ticket(now=now - 10 * dt.timedelta(minutes=1), priority=1)
    ticket.refresh_from_db()
    response = engineer_client.get(QUEUE)
    row = response.context["rows"][0]
    calendar = terms_for_contract(contract).target("incident", 1).calendar
    if ticket.next_due >= now:
        expected = calendar.business_time(now, ticket.next_due)
        assert dt.timedelta(0) <= expected - row.sla.time_left <= dt.timedelta(seconds=30)
    else:
        assert row.sla.time_left <= dt.timedelta(0)
        assert "breached" in row.sla.badges


def test_badges_from_the_sla_columns(engineer_client, file_ticket, now):
    breached = file_ticket(now=now - 2 * H)
    Ticket.objects.filter(pk=breached.pk).update(reaction_breached_at=now - H)
    at_risk = file_ticket(now=now - H)
    Ticket.objects.filter(pk=at_risk.pk).update(
        next_due=now + H,
        reaction_breached_at=None,
        resolution_breached_at=None,
        reaction_at_risk_at=now - dt.timedelta(minutes=1),
        is_over_quota=True,
    )
    rows = {r.ticket.pk: r.sla for r in engineer_client.get(QUEUE).context["rows"]}
    assert "breached" in rows[breached.pk].badges
    assert rows[at_risk.pk].badges[:1] == ["at_risk"] and "over_quota" in rows[at_risk.pk].badges


def test_filters(
    engineer_client, engineer, other_engineer, file_ticket, other_contact, base_component, now
):
    from tickets.services.filing import ticket_file

    mine = file_ticket(now=now - H, priority=2, subject="mine")
    workflow.ticket_take(ticket=mine, by=engineer, now=now)
    theirs = file_ticket(now=now - H, priority=3, subject="theirs")
    workflow.ticket_take(ticket=theirs, by=other_engineer, now=now)
    loose = file_ticket(now=now - H, priority=1, subject="loose")
    pro = ticket_file(
        contact=other_contact,
        ticket_type="incident",
        priority=3,
        component=base_component,
        subject="pro",
        description="d",
        now=now - H,
    )

    def pks(query):
        return {t.pk for t in _rows(engineer_client.get(QUEUE, query))}

    assert pks({"mine": "on"}) == {mine.pk}
    assert pks({"unassigned": "on"}) == {loose.pk, pro.pk}
    assert pks({"assignee": other_engineer.pk}) == {theirs.pk}
    assert pks({"customer": pro.customer_id}) == {pro.pk}
    assert pks({"package": pro.contract.package_id}) == {pro.pk}
    assert pks({"priority": "1"}) == {loose.pk}
    assert pks({"ticket_type": "incident", "status": "new"}) == {
        mine.pk,
        theirs.pk,
        loose.pk,
        pro.pk,
    }


def test_breached_and_at_risk_filters(engineer_client, file_ticket, now):
    late = file_ticket(now=now - H)
    Ticket.objects.filter(pk=late.pk).update(next_due=now - H)
    risky = file_ticket(now=now - H)
    Ticket.objects.filter(pk=risky.pk).update(
        next_due=now + H, reaction_breached_at=None, reaction_at_risk_at=now - H
    )
    calm = file_ticket(now=now - H)
    Ticket.objects.filter(pk=calm.pk).update(
        next_due=now + H,
        reaction_breached_at=None,
        reaction_at_risk_at=now + H,
        resolution_at_risk_at=now + H,
    )
    breached = {t.pk for t in _rows(engineer_client.get(QUEUE, {"breached": "on"}))}
    at_risk = {t.pk for t in _rows(engineer_client.get(QUEUE, {"at_risk": "on"}))}
    assert late.pk in breached and calm.pk not in breached and risky.pk not in breached
    assert at_risk == {risky.pk}


def test_search(engineer_client, file_ticket, now):
    a = file_ticket(now=now - H, subject="Trunk SIP-7 down")
    b = file_ticket(now=now - H, subject="Other", description="Autodialer stops at 500 calls")

    def pks(text):
        return {t.pk for t in _rows(engineer_client.get(QUEUE, {"q": text}))}

    assert pks("sip-7") == {a.pk}
    assert pks("AUTODIALER") == {b.pk}
    assert pks(f"#{b.pk}") == {b.pk}
    assert pks(str(a.pk)) >= {a.pk}
    assert a.pk in pks("acme")  # the customer's name


@pytest.mark.parametrize(
    "query",
    [
        {"priority": "7"},
        {"customer": "abc"},
        {"assignee": "999999"},
        {"status": "exploded"},
        {"page": "xyz"},
        {"page": "-3"},
        {"package": "1;drop"},
        {"q": "x" * 500},
        {"ticket_type": "bug", "unassigned": ""},
    ],
)
def test_bad_parameters_are_ignored_with_a_visible_error(engineer_client, file_ticket, now, query):
    ticket = file_ticket(now=now - H)
    response = engineer_client.get(QUEUE, query)
    assert response.status_code == 200
    assert ticket.pk in {t.pk for t in _rows(response)}
    if "page" not in query:
        assert response.context["form"].errors
        assert "are ignored" in response.content.decode()


def test_pagination_twenty_five_a_page(engineer_client, now):
    bulk_tickets(120, now=now)
    open_count = Ticket.objects.filter(status__in=["new", "in_progress", "waiting"]).count()
    first = engineer_client.get(QUEUE)
    last = engineer_client.get(QUEUE, {"page": "999"})
    assert len(first.context["rows"]) == 25
    assert first.context["page"].paginator.count == open_count
    assert not first.context["page"].paginator.capped
    assert len(last.context["rows"]) == open_count - 25 * (
        first.context["page"].paginator.num_pages - 1
    )


def _make_one_match_every_query(now) -> None:
    """One open breached P1 incident about a trunk: every query below then shows a row."""
    ticket = Ticket.objects.filter(status__in=["new", "in_progress"]).order_by("pk").first()
    Ticket.objects.filter(pk=ticket.pk).update(
        ticket_type="incident", priority=1, subject="Bench: calls drop on trunk 1",
        reaction_breached_at=now - H, next_due=now - H,
    )


@pytest.mark.parametrize("query", [{}, {"breached": "on", "priority": "1"}, {"q": "trunk"}])
def test_query_count_is_the_same_for_10_and_1000_tickets(
    engineer_client, django_assert_num_queries, now, query
):
    # Given 10 tickets, one of which every query finds, the queue rendered once (warming the
    # calendar cache): with no row at all a page would skip queries and prove nothing
    bulk_tickets(10, now=now)
    _make_one_match_every_query(now)
    engineer_client.get(QUEUE, query)
    with CaptureQueriesContext(connection) as small:
        response = engineer_client.get(QUEUE, query)
    assert response.status_code == 200 and response.context["rows"]
    assert len(small) <= 13  # 12 + the navigation's unread-events badge (oncall)
    # When there are 1,000 tickets over 40 customers
    bulk_tickets(990, now=now)
    # Then the page takes exactly as many queries
    with django_assert_num_queries(len(small)):
        response = engineer_client.get(QUEUE, query)
    assert response.status_code == 200 and response.context["rows"]


def test_manager_sees_the_queue(manager_client, file_ticket, now):
    ticket = file_ticket(now=now - H)
    assert ticket.pk in {t.pk for t in _rows(manager_client.get(QUEUE))}


def test_deferred_requests_are_not_in_the_queue(engineer_client, contract, contact, now):
    deferred = factories.TicketFactory(
        contract=contract, reporter=contact.user, is_deferred=True, opened_at=None
    )
    assert deferred.pk not in {t.pk for t in _rows(engineer_client.get(QUEUE))}


def test_a_count_past_the_cap_says_more_than(engineer_client, now, monkeypatch):
    import tickets.selectors.queue as queue

    bulk_tickets(40, now=now)
    open_count = Ticket.objects.filter(status__in=["new", "in_progress", "waiting"]).count()
    monkeypatch.setattr(queue, "LIST_CAP", open_count - 1)
    response = engineer_client.get(QUEUE)
    paginator = response.context["page"].paginator
    assert (paginator.count, paginator.capped) == (open_count - 1, True)
    assert f"More than {open_count - 1} open tickets" in response.content.decode()
    # at the cap exactly, the count is exact
    monkeypatch.setattr(queue, "LIST_CAP", open_count)
    response = engineer_client.get(QUEUE)
    assert response.context["page"].paginator.capped is False
    assert f"{open_count} open tickets" in response.content.decode()
    assert "More than" not in response.content.decode()
