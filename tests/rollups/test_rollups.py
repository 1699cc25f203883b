"""The roll-ups: what ends a ticket rolls it up, the page reads ended tickets only from the
roll-ups, and its figures and query count stay what they were."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from rollups.models import MonthCell, PendingDue
from rollups.services import rollups_rebuild
from tests import factories
from tests.rollups.conftest import assert_rollups_fresh, cube_from_tickets, cube_shown
from tests.tickets.dashboard.conftest import HOUR, MIN, Spec, kyiv, spec_row
from tickets.models import Ticket, TicketStatus
from tickets.selectors.dashboard import Period, dashboard_for
from tickets.services.ending import tickets_close_resolved

pytestmark = pytest.mark.django_db
URL = "/dashboard/"
PARAMS = {"from_month": "2025-11", "to_month": "2026-10"}


def _period(now, customer_id=None) -> Period:
    return Period(dt.date(2025, 11, 1), dt.date(2026, 10, 1), now, customer_id)


def _shown(manager, now):
    data = dashboard_for(user=manager, period=_period(now))
    return data.trend, data.overall, data.breakdowns, data.quota, data.billable


def test_closing_the_resolved_tickets_changes_no_figure(known_tickets, manager, now):
    rollups_rebuild()  # rows written in bulk, as a data migration would find them
    before = _shown(manager, now)
    assert not MonthCell.objects.exists()  # resolved tickets are counted live
    # when the beat job closes the resolved tickets (their reopen window is over)
    closed = tickets_close_resolved(now=now)
    assert closed > 5
    # then they are rolled up, and every figure of the page is what it was
    assert MonthCell.objects.aggregate(n=Sum("tickets"))["n"] == closed
    assert _shown(manager, now) == before
    assert_rollups_fresh()


def test_ended_tickets_are_read_from_the_rollups_only(known_tickets, manager, now):
    tickets_close_resolved(now=now)
    period = _period(now)
    shown = cube_shown(period)
    assert shown == cube_from_tickets(period)
    # when a closed ticket's row changes behind the services' back (no signal, no hook)
    Ticket.objects.filter(status=TicketStatus.CLOSED).update(reaction_met=False)
    # then the page does not re-read it: its months are frozen in the roll-ups
    assert cube_shown(period) == shown != cube_from_tickets(period)
    with CaptureQueriesContext(connection) as ctx:
        dashboard_for(user=manager, period=period)
    counts = [
        q["sql"]
        for q in ctx.captured_queries
        if '"r_met"' in q["sql"] and "tickets_ticket" in q["sql"]
    ]
    assert len(counts) == 1  # the live tickets only: the ended ones are never read
    assert """"status" IN ('new', 'in_progress', 'waiting', 'resolved'))""" in counts[0]
    # and the rebuild command repairs them from the tickets
    call_command("rollups_rebuild", stdout=io.StringIO())
    assert cube_shown(period) == cube_from_tickets(period)


def _closed(contract, reporter, component, **spec) -> Ticket:
    values = {
        "reaction_met": True,
        "reaction_elapsed": 10 * MIN,
        "resolution_met": True,
        "resolution_elapsed": 2 * HOUR,
        **spec,
    }
    row = spec_row(
        Spec("a", kyiv(2026, 9, 3), **values),
        contract=contract,
        reporter=reporter,
        component=component,
    )
    row.status = TicketStatus.CLOSED
    return row


@pytest.fixture
def parts(long_contracts):
    contract = long_contracts["a"]
    return (
        contract,
        factories.ContactUserFactory(customer=contract.customer),
        (factories.ComponentFactory()),
    )


def _cell(**key) -> MonthCell:
    return MonthCell.objects.get(month=dt.date(2026, 9, 1), **key)


def test_every_kind_of_change_moves_the_figures(parts, now):
    ticket = _closed(*parts)
    ticket.save()  # ended when written
    assert (_cell(priority=3).tickets, _cell(priority=3).r_met) == (1, 1)
    # reclassified after it ended: moves to the other priority's cell
    ticket.priority = 1
    ticket.save()
    assert _cell(priority=3).tickets == 0 and _cell(priority=1).tickets == 1
    assert_rollups_fresh()
    # loaded with some columns only, then changed: the stored row is read before the save
    partial = Ticket.objects.only("pk", "status").get(pk=ticket.pk)
    partial.status = TicketStatus.IN_PROGRESS  # back to live (an admin's repair)
    partial.save(update_fields=["status"])
    assert _cell(priority=1).tickets == 0
    again = Ticket.objects.get(pk=ticket.pk)
    again.status, again.withdraw_reason = TicketStatus.WITHDRAWN, "not_needed"
    again.withdrawn_at = now
    again.save()
    assert (_cell(priority=1).tickets, _cell(priority=1).w) == (1, 1)
    assert_rollups_fresh()
    again.delete()
    assert _cell(priority=1).tickets == 0
    assert_rollups_fresh()


def test_a_target_still_ahead_becomes_due_with_the_clock(parts, now):
    # a ticket closed without a reply, its reaction due time still ahead
    ticket = _closed(*parts, reaction_met=None, reaction_elapsed=None)
    ticket.reaction_due = now + HOUR
    ticket.save()
    assert PendingDue.objects.get(ticket_id=ticket.pk).reaction_due == now + HOUR
    for at in (now, now + 2 * HOUR):
        period = _period(at)
        assert cube_shown(period) == cube_from_tickets(period)
    assert cube_shown(_period(now)) != cube_shown(_period(now + 2 * HOUR))
    assert_rollups_fresh()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, PARAMS).status_code == 200
    return len(ctx.captured_queries)


def _history(n: int, parts) -> None:
    contract, reporter, component = parts
    rows = []
    for i in range(n):
        row = _closed(
            contract, reporter, component, reaction_met=i % 4 != 0, reaction_late=i % 4 == 0
        )
        row.opened_at = kyiv(2025 + (i % 12 + 10) // 12, (i % 12 + 10) % 12 + 1, 1 + i % 27)
        row.status = TicketStatus.CLOSED if i % 5 else TicketStatus.IN_PROGRESS
        rows.append(row)
    Ticket.objects.bulk_create(rows)
    rollups_rebuild()


def test_the_query_count_is_the_same_at_10_and_1000_tickets(
    parts, manager_client, django_assert_num_queries
):
    _history(10, parts)
    manager_client.get(URL, PARAMS)  # warm-up: session and role caches
    few = _queries(manager_client)
    _history(990, parts)
    assert Ticket.objects.count() == 1000
    with django_assert_num_queries(few):
        manager_client.get(URL, PARAMS)


def test_the_rebuild_command_says_what_it_did_and_what_is_wrong(parts, now):
    _history(10, parts)
    MonthCell.objects.all().delete()
    out = io.StringIO()
    call_command("rollups_rebuild", "--since", "2026-01", stdout=out)
    assert "Rolled up" in out.getvalue() and " ended tickets in " in out.getvalue()
    ended = Ticket.objects.filter(status=TicketStatus.CLOSED, opened_at__gte=kyiv(2026, 1, 1))
    assert set(MonthCell.objects.values_list("month", flat=True)) == {
        t.opened_at.astimezone(kyiv(2026, 1, 1).tzinfo).date().replace(day=1) for t in ended
    }
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("rollups_rebuild", "--since", "2026-13")
