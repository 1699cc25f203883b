"""Two changes to one ticket moments apart: each reads the clock once it holds the row lock.

Needs PostgreSQL (a second transaction really waits on the row lock); skipped on SQLite.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from tickets.models import SlaEvent, Ticket
from tickets.services import workflow

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def _second_request_holding_the_lock(ticket_pk: int, engineer, locked: threading.Event) -> None:
    """Another engineer's request: it takes the lock first and writes its change a bit later."""
    try:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().get(pk=ticket_pk)
            locked.set()
            time.sleep(0.3)
            workflow.ticket_priority_change(
                ticket=ticket, priority=2, workaround=False, by=engineer
            )
    finally:
        connections.close_all()


def _race(ticket, engineer, other_engineer, *, stale_clock: bool):
    locked = threading.Event()
    holder = threading.Thread(
        target=_second_request_holding_the_lock, args=(ticket.pk, other_engineer, locked)
    )
    holder.start()
    assert locked.wait(timeout=10)
    read_before_waiting = timezone.now()  # what a view used to pass
    try:
        return workflow.ticket_priority_change(
            ticket=ticket,
            priority=3,
            workaround=False,
            by=engineer,
            now=read_before_waiting if stale_clock else None,
        )
    finally:
        holder.join(timeout=10)


def test_a_change_waiting_on_the_lock_reads_the_clock_after_it(
    file_ticket, engineer, other_engineer, now
):
    ticket = file_ticket(now=now - dt.timedelta(hours=1), priority=1)
    _race(ticket, engineer, other_engineer, stale_clock=False)
    events = list(SlaEvent.objects.filter(ticket=ticket).order_by("seq"))
    assert [e.priority for e in events[1:]] == [2, 3]
    assert events[1].at < events[2].at
    assert Ticket.objects.get(pk=ticket.pk).priority == 3


def test_the_clock_read_before_waiting_would_put_the_change_out_of_order(
    file_ticket, engineer, other_engineer, now
):
    ticket = file_ticket(now=now - dt.timedelta(hours=1), priority=1)
    with pytest.raises(ValidationError, match="out of time order"):
        _race(ticket, engineer, other_engineer, stale_clock=True)
