"""Re-timing many open tickets after a holiday: the batch engine gives what the full replay
gives, a batch never holds more than its size, and only what changed is written."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bench.rebuild import bulk_open_tickets, wednesday_eleven
from sla import changes
from sla.changes import calendar_change_record, calendar_snapshot
from sla.models import BusinessCalendar, CalendarClosedDate
from tickets.models import ChangeAction, SlaEvent, Ticket, TicketChange
from tickets.services import sla_retime
from tickets.services.bulk_rows import rows_update
from tickets.services.sla import SLA_COLUMNS
from tickets.services.sla_retime import open_tickets_retime

UTC3 = dt.timezone(dt.timedelta(hours=3))


@pytest.fixture
def opened_at_eleven(db, monkeypatch) -> dt.datetime:
    """Open tickets of every kind (only opened, answered, paused, resumed; every type and
    priority, both packages) as at 11:00 on a Wednesday, when the rest of the day is closed on
    the incident calendar; the re-time is left to the test. Returns the instant of the change."""
    now = wednesday_eleven()
    bulk_open_tickets(150, now=now, seed=3)
    monkeypatch.setattr(changes, "RETIME_INLINE", -1)  # queued on commit: never run here
    at = now + dt.timedelta(minutes=7)
    calendar = BusinessCalendar.objects.get(key="incident-hours")
    before = calendar_snapshot(calendar)
    CalendarClosedDate.objects.create(calendar=calendar, date=at.date(), name="Outage")
    assert calendar_change_record(calendar=calendar, before=before, now=at)
    return at


def outcome() -> tuple[dict, list]:
    """Every ticket's SLA columns and the re-time's history rows."""
    columns = {row[0]: row[1:] for row in Ticket.objects.values_list("pk", *SLA_COLUMNS)}
    history = list(
        TicketChange.objects.filter(action=ChangeAction.SLA_RETIMED)
        .order_by("ticket_id")
        .values_list("ticket_id", "at", "actor_id", "effects")
    )
    return columns, history


def test_the_batch_engine_gives_what_the_full_replay_gives(opened_at_eleven):
    only_opened = Ticket.objects.exclude(sla_events__seq__gt=0).count()
    assert 50 < only_opened < Ticket.objects.count()  # both paths are taken
    savepoint = transaction.savepoint()
    moved = open_tickets_retime(now=opened_at_eleven, batch=40)
    fast = outcome()
    transaction.savepoint_rollback(savepoint)
    assert not TicketChange.objects.filter(action=ChangeAction.SLA_RETIMED).exists()
    replayed = open_tickets_retime(now=opened_at_eleven, batch=40, replay_all=True)
    assert moved == replayed > 10  # the holiday moved due times, the same ones
    assert fast == outcome()


def test_a_batch_never_holds_more_tickets_than_its_size(opened_at_eleven, monkeypatch):
    sizes = []
    retime_batch = sla_retime._retime_batch

    def counted(rows, **kwargs):
        sizes.append(len(rows))
        return retime_batch(rows, **kwargs)

    monkeypatch.setattr(sla_retime, "_retime_batch", counted)
    open_tickets_retime(now=opened_at_eleven, batch=40)
    assert sizes == [40, 40, 40, 30]


def test_queries_grow_with_the_batches_not_with_the_tickets(opened_at_eleven):
    counts = []
    for batch in (150, 75):  # one batch, then two, of the same tickets
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            open_tickets_retime(now=opened_at_eleven, batch=batch)
            transaction.set_rollback(True)
        counts.append(len(queries))
    per_batch = counts[1] - counts[0]
    assert 0 < per_batch <= 10
    assert counts[0] < 20  # 150 tickets in one batch: no query per ticket


def test_a_second_re_time_writes_nothing_and_moves_nothing(opened_at_eleven):
    assert open_tickets_retime(now=opened_at_eleven) > 0
    first = outcome()
    with CaptureQueriesContext(connection) as queries:
        assert open_tickets_retime(now=opened_at_eleven) == 0
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert outcome() == first


@pytest.mark.django_db
def test_rows_update_sets_each_row_its_own_values_nulls_included(file_ticket, now):
    a, b = file_ticket(now=now), file_ticket(now=now, subject="second")
    due = now + dt.timedelta(hours=5)
    rows_update(
        Ticket,
        ["next_due", "resolution_elapsed", "sla_paused"],
        [(a.pk, None, dt.timedelta(minutes=3), True), (b.pk, due, None, False)],
    )
    assert list(
        Ticket.objects.order_by("pk").values_list("next_due", "resolution_elapsed", "sla_paused")
    ) == [(None, dt.timedelta(minutes=3), True), (due, None, False)]
    assert SlaEvent.objects.filter(ticket__in=[a, b]).count() == 2  # nothing else touched
