"""The SLA check in batches: each event once across batches and retries, nothing re-read."""

import datetime as dt
import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sla.services import sla_check
from tests.tickets.jobs.digests import digests, told
from tickets.models import SlaAlert, Ticket, TicketChange
from tickets.services import alerts as alerts_service

MIN = dt.timedelta(minutes=1)

pytestmark = pytest.mark.django_db


def test_ten_breaching_tickets_are_told_in_batches_of_three_each_event_once(
    file_incident, t0, staff
):
    # given ten tickets whose reaction is overdue and resolution at risk at 11:40
    tickets = [file_incident(subject=f"Outage {n}") for n in range(10)]

    # when the check catches up in batches of three rows
    result = sla_check(now=t0 + 100 * MIN, batch_size=3)

    # then every ticket is marked and each of the 20 events recorded once
    assert result.reaction_breached == 10
    assert result.alerts_total == 20
    events = Counter(SlaAlert.objects.values_list("ticket_id", "metric", "kind"))
    assert set(events.values()) == {1}
    assert len(events) == 20
    # in batches of at most three rows, each with its own digest per recipient
    sizes = Counter(SlaAlert.objects.values_list("batch", flat=True))
    assert max(sizes.values()) == 3
    assert len(sizes) == 7  # 3 + 3 + 3 + 3 + 3 + 3 + 2
    expected = {
        (to, t.pk, metric, kind): 1
        for to in ("boss@vendor.test", "eng1@vendor.test")
        for t in tickets
        for metric, kind in (("reaction", "breach"), ("resolution", "at_risk"))
    }
    assert told(digests()) == expected
    assert TicketChange.objects.filter(action__startswith="sla_").count() == 20

    # and a second run finds nothing new
    again = sla_check(now=t0 + 101 * MIN, batch_size=3)
    assert (again.reaction_breached, again.alerts_total) == (0, 0)
    assert SlaAlert.objects.count() == 20


def test_a_batch_that_fails_is_redone_by_the_next_run_and_nothing_is_told_twice(
    file_incident, t0, staff, monkeypatch
):
    # given ten tickets with 20 events, and a history write that fails in the second batch
    tickets = [file_incident(subject=f"Outage {n}") for n in range(10)]
    history = alerts_service._history_insert
    calls = []

    def failing_second(rows, *, at):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        history(rows, at=at)

    monkeypatch.setattr(alerts_service, "_history_insert", failing_second)

    # when the run breaks in its second batch
    with pytest.raises(RuntimeError):
        sla_check(now=t0 + 100 * MIN, batch_size=3)

    # then the first batch stays recorded and told, the failed one left nothing behind
    assert SlaAlert.objects.count() == 3
    assert TicketChange.objects.filter(action__startswith="sla_").count() == 3

    # and the retry (the task's autoretry) records the rest, each event once in all
    retry = sla_check(now=t0 + 101 * MIN, batch_size=3)
    assert retry.alerts_total == 17
    assert SlaAlert.objects.count() == 20
    assert set(Counter(SlaAlert.objects.values_list("ticket_id", "metric", "kind")).values()) == {
        1
    }
    assert TicketChange.objects.filter(action__startswith="sla_").count() == 20
    assert set(told(digests()).values()) == {1}
    assert len(told(digests())) == 2 * 2 * len(tickets)


def test_an_event_already_recorded_is_marked_but_not_told_again(file_incident, t0, staff):
    # given a breach recorded before the told marks existed (the migration's case)
    ticket = file_incident()
    sla_check(now=t0 + 61 * MIN)
    Ticket.objects.filter(pk=ticket.pk).update(reaction_breach_told=None)
    digests_before = digests().count()

    # when the check runs again
    result = sla_check(now=t0 + 62 * MIN)

    # then nothing is told twice, and the ticket leaves the work list
    assert result.alerts_total == 0
    assert digests().count() == digests_before
    ticket.refresh_from_db()
    assert ticket.reaction_breach_told == ticket.reaction_breached_at


def _plans(queries) -> list[str]:
    """PostgreSQL's plan of every captured statement that reads the ticket table."""
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # 30 rows: any plan would do
        for query in queries:
            sql = query["sql"]
            if '"tickets_ticket"' in sql and not sql.startswith(("SAVEPOINT", "RELEASE")):
                cursor.execute(f"EXPLAIN {sql}")
                plans.append(" | ".join(row[0] for row in cursor.fetchall()))
    return plans


PARTIAL_INDEX_READ = r"(Index (Only )?Scan using|Bitmap Index Scan on) ticket_sla_\w+_idx"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_a_tick_with_nothing_new_reads_only_the_small_partial_indexes(file_incident, t0, staff):
    # given open tickets, every one breached and already told
    for n in range(30):
        file_incident(subject=f"Old outage {n}")
    sla_check(now=t0 + 5 * 60 * MIN)
    assert Ticket.objects.filter(reaction_breached_at__isnull=False).count() == 30

    # when the next tick finds nothing new
    with CaptureQueriesContext(connection) as ctx:
        result = sla_check(now=t0 + 5 * 60 * MIN + MIN)
    assert result.alerts_total == 0

    # then each of its statements on the ticket table reads a partial index of what is new
    # (empty here: the told tickets are not in it), never the table nor all open tickets
    plans = _plans(ctx.captured_queries)
    assert len(plans) == 6  # 2 marking UPDATEs, 4 work lists
    for plan in plans:
        # (an index scan or a bitmap of it: the planner's choice by its statistics)
        assert re.search(PARTIAL_INDEX_READ, plan), plan
        assert "Seq Scan" not in plan, plan
