"""The statement page runs a fixed number of queries: the same at 10 and 1,000 tickets."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.statements.conftest import kyiv_month
from tests.tickets.dashboard.conftest import bulk_tickets
from tickets.models import Ticket, TicketChange
from tickets.services.sla_effects import Effect


def _add(n: int, contract, reporter, component, month: dt.date) -> None:
    before = set(Ticket.objects.values_list("pk", flat=True))
    bulk_tickets(n, contract=contract, reporter=reporter, component=component, month=month)
    new = Ticket.objects.exclude(pk__in=before).values_list("pk", "opened_at")
    TicketChange.objects.bulk_create(
        TicketChange(
            ticket_id=pk,
            at=opened,
            action="priority",
            field="priority",
            old_value="3",
            new_value="2",
            effects=[{"kind": str(Effect.NEW_CLOCK), "priority": 2, "due": opened.isoformat()}],
        )
        for pk, opened in new
    )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_page_takes_as_many_queries_at_1000_tickets_as_at_10(
    acme, acme_client, known_tickets, now
):
    # the current month: computed live, every query runs
    month = dt.date.fromisoformat(kyiv_month(now) + "-01")
    contract = known_tickets["a"]
    reporter = factories.ContactUserFactory(customer=acme)
    component = factories.ComponentFactory()
    url = reverse("statements:month", args=[acme.pk, f"{month:%Y-%m}"])
    _add(10, contract, reporter, component, month)
    acme_client.get(url)  # the session's first request writes once (the contact's language)
    at_ten = _count(acme_client, url)
    _add(990, contract, reporter, component, month)
    at_thousand = _count(acme_client, url)
    assert at_thousand == at_ten
    page = acme_client.get(url).content.decode()
    assert page.count("data-ticket=") >= 1000  # every ticket of the month is on the page
    assert page.count("New clock") >= 1000  # and each one's timeline
