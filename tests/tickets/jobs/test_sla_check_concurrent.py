"""Overlapping SLA checks on PostgreSQL: real concurrent transactions, one alert per event."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection, connections

from sla.services import sla_check
from tests.tickets.jobs.digests import digests, told
from tickets.models import SlaAlert, TicketChange

MIN = dt.timedelta(minutes=1)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_runs_record_and_notify_each_event_once(file_incident, t0, staff):
    # given five tickets whose reaction is overdue and resolution at risk at 11:40
    tickets = [file_incident(subject=f"Outage {n}") for n in range(5)]
    start = threading.Barrier(3)
    results, errors = [], []

    def run():
        try:
            start.wait(timeout=10)
            results.append(sla_check(now=t0 + 100 * MIN))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    # when three runs start at the same instant
    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then every event exists once, and each recipient was told of it in exactly one mail,
    # whoever won (the runs may have split the events between their digests)
    assert errors == []
    assert sum(r.reaction_breached for r in results) == 5
    assert sum(r.alerts_total for r in results) == 10
    assert SlaAlert.objects.count() == 10
    assert SlaAlert.objects.filter(ticket__in=tickets, kind="breach").count() == 5
    assert TicketChange.objects.filter(action__startswith="sla_").count() == 10
    expected = {
        (to, ticket.pk, metric, kind): 1
        for to in ("boss@vendor.test", "eng1@vendor.test")
        for ticket in tickets
        for metric, kind in (("reaction", "breach"), ("resolution", "at_risk"))
    }
    assert told(digests()) == expected
    assert told(mail.outbox) == expected  # sent after each run's commit, none twice
    assert not digests().filter(sent_at__isnull=True).exists()
