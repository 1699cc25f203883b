"""Re-timing 100,000 open tickets after a holiday is added (SPEC: calendars change under open
tickets): wall time and peak memory of ``open_tickets_retime``.

Tickets are bulk-created with their SLA event logs and the columns the engine gives them: most
were only opened (one OPEN event), some answered, some paused and resumed. At 11:00 on a
Wednesday (UTC+03:00) a manager closes the incident calendar for the rest of the day: every open
ticket of every contract is re-timed, and the incidents due later that day move to the next
(``rebuild_s_N``). Then the service desk is closed tomorrow, which moves most service requests
and changes (``rebuild_desk_s_N``). A third holiday is re-timed under tracemalloc for the peak of
Python memory, at this size and at a tenth of it, to show it does not grow with the count.
"""

from __future__ import annotations

import random
import time
import tracemalloc
from datetime import datetime, timedelta, timezone

from django.db import connection
from django.utils import timezone as dj_timezone

UTC3 = timezone(timedelta(hours=3))
PREFIX = "Bench retime "
# share of the open tickets: (SLA log, weight)
MIX = (("opened", 70), ("answered", 20), ("paused", 5), ("resumed", 5))
TYPES = (("incident", 60), ("service_request", 25), ("change", 15))


def wednesday_eleven() -> datetime:
    """11:00 (UTC+03:00) on this week's Wednesday: inside the incident hours (09-18)."""
    today = dj_timezone.now().astimezone(UTC3).date()
    day = today - timedelta(days=today.weekday() - 2)
    return datetime.combine(day, datetime.min.time(), UTC3) + timedelta(hours=11)


def _log(rng, opened: datetime, kind: str) -> list[tuple[str, datetime]]:
    """The SLA events after the opening, all before ``opened + 2 h`` (so before now)."""
    step = timedelta(minutes=rng.randint(5, 55))
    if kind == "answered":
        return [("first_response", opened + step)]
    if kind == "paused":
        return [("first_response", opened + step), ("pause", opened + 2 * step)]
    if kind == "resumed":
        return [("pause", opened + step), ("resume", opened + 2 * step)]
    return []


def bulk_open_tickets(
    n: int, *, now: datetime, seed: int = 5, as_of: datetime | None = None
) -> dict[str, int]:
    """``n`` open tickets with their SLA logs (all before ``now``) and the columns the engine
    computes for them at ``as_of`` (``now`` by default: as the SLA check keeps them)."""
    from bench.queue import _people
    from sla.clock import Event, evaluate
    from sla.selectors import terms_for_contracts
    from tickets.models import SlaEvent, Ticket, TicketStatus
    from tickets.services.sla import sla_state_to_ticket

    _, contracts, components = _people()
    terms = terms_for_contracts(contract for contract, _ in contracts)
    rng = random.Random(seed)
    counts = dict.fromkeys((m[0] for m in MIX), 0)
    tickets, logs = [], []

    def flush() -> None:
        Ticket.objects.bulk_create(tickets)
        SlaEvent.objects.bulk_create(
            SlaEvent(ticket=t, seq=seq, at=at, kind=kind, priority=p, ticket_type=typ)
            for t, log in zip(tickets, logs, strict=True)
            for seq, (kind, at, p, typ) in enumerate(log)
        )
        tickets.clear()
        logs.clear()

    for i in range(n):
        contract, reporter = contracts[i % len(contracts)]
        kind = rng.choices([m[0] for m in MIX], [m[1] for m in MIX])[0]
        type_ = rng.choices([t[0] for t in TYPES], [t[1] for t in TYPES])[0]
        priority = rng.choice([1, 2, 3]) if type_ == "incident" else None
        opened = now - timedelta(minutes=rng.randint(120, 60 * 30))
        later = _log(rng, opened, kind)
        state = evaluate(
            terms[contract.pk],
            type=type_,
            priority=priority,
            opened_at=opened,
            events=[Event(at=at, kind=k) for k, at in later],
            as_of=as_of or now,
        )
        ticket = Ticket(
            customer_id=contract.customer_id,
            contract=contract,
            reporter=reporter,
            ticket_type=type_,
            priority=priority,
            component=components[i % len(components)],
            subject=f"{PREFIX}{i}",
            description="Calls drop after 30 seconds.",
            status=TicketStatus.WAITING if kind == "paused" else TicketStatus.IN_PROGRESS,
            opened_at=opened,
        )
        sla_state_to_ticket(ticket, state)
        tickets.append(ticket)
        logs.append([("open", opened, priority, type_), *((k, at, None, "") for k, at in later)])
        counts[kind] += 1
        if len(tickets) == 5000:
            flush()
    if tickets:
        flush()
    return counts


def add_holiday(day, *, now: datetime, calendar_key: str = "incident-hours") -> None:
    """The manager's change: the calendar closed on ``day``, recorded at ``now``.

    The re-time it would queue goes to an in-memory broker; the benchmark runs it itself.
    """
    from portal.celery import app
    from sla.changes import calendar_change_record, calendar_snapshot
    from sla.models import BusinessCalendar, CalendarClosedDate

    calendar = BusinessCalendar.objects.get(key=calendar_key)
    before = calendar_snapshot(calendar)
    CalendarClosedDate.objects.create(calendar=calendar, date=day, name="Bench outage")
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url="memory://")
    app._pool = None
    try:
        assert calendar_change_record(calendar=calendar, before=before, now=now)
    finally:
        app.conf.update(saved)
        app._pool = None


def retime(now: datetime, *, traced: bool = False) -> tuple[float, int, float | None]:
    """(seconds, due times moved, peak MiB of Python memory when traced)."""
    from tickets.services.sla_retime import open_tickets_retime

    if traced:
        tracemalloc.start()
    began = time.perf_counter()
    moved = open_tickets_retime(now=now)
    elapsed = time.perf_counter() - began
    peak = None
    if traced:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return elapsed, moved, peak


def run(n: int = 100_000) -> dict[str, float]:
    from tickets.models import Ticket

    now = wednesday_eleven()
    print(f"== SLA re-time of {n:,} open tickets after a holiday is added ({connection.vendor})")
    began = time.perf_counter()
    # the columns as the SLA check leaves them just before the first change
    counts = bulk_open_tickets(n, now=now, as_of=now + timedelta(minutes=1))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"   (created in {time.perf_counter() - began:.1f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
        + ")"
    )
    figures = {}
    today = now.astimezone(UTC3).date()
    for key, label, day, calendar_key in (
        (f"rebuild_s_{n}", "incidents, rest of today", today, "incident-hours"),
        (
            f"rebuild_desk_s_{n}",
            "service desk, tomorrow",
            today + timedelta(days=1),
            "service-desk-hours",
        ),
    ):
        now += timedelta(minutes=1)
        add_holiday(day, now=now, calendar_key=calendar_key)
        elapsed, moved, _ = retime(now)
        figures[key] = round(elapsed, 3)
        print(
            f"   re-time after a holiday ({label}): {elapsed:6.2f} s for {n:,} tickets "
            f"({elapsed / n * 1e6:.0f} µs a ticket), {moved:,} due times moved"
            f"{'  OVER 10 s' if elapsed > 10 else ''}"
        )
    # A third holiday, traced: the peak of Python memory, here and on a tenth of the tickets.
    now += timedelta(minutes=1)
    add_holiday(today + timedelta(days=2), now=now)
    _, _, peak = retime(now, traced=True)
    first_closed = Ticket.objects.order_by("pk").values_list("pk", flat=True)[n // 10]
    Ticket.objects.filter(pk__gte=first_closed).update(status="closed")
    _, _, peak_tenth = retime(now + timedelta(minutes=1), traced=True)
    print(
        f"   peak Python memory of a re-time: {peak:.1f} MiB at {n:,} tickets, "
        f"{peak_tenth:.1f} MiB at {n // 10:,}"
    )
    figures[f"rebuild_peak_mib_{n}"] = round(peak, 1)
    figures[f"rebuild_peak_mib_{n // 10}"] = round(peak_tenth, 1)
    return figures


if __name__ == "__main__":
    import os
    import sys

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)
