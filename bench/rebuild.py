"""Re-timing 100,000 open tickets after a holiday is added (SPEC: calendars change under open
tickets): wall time and peak memory of ``open_tickets_retime``, in a ticket table of N tickets
(``--tickets N``; the rest are closed tickets copied in SQL, so the indexes are N rows deep).

Tickets are bulk-created with their SLA event logs and the columns the engine gives them: most
were only opened (one OPEN event), some answered, some paused and resumed. At 11:00 on a
Wednesday (UTC+03:00) a manager closes the incident calendar for the rest of the day: the change
re-times what that calendar times (every open incident of every contract; requests and changes
are on the service-desk hours and are not read), and the incidents due later that day move to
the next (``rebuild_s_100000``). Then the service desk is closed tomorrow, which re-times the
requests and changes and moves most of them (``rebuild_desk_s_100000``). A third holiday is
re-timed under tracemalloc for the peak of Python memory, at this size and at a tenth of it, to
show it does not grow with the count.
"""

from __future__ import annotations

import random
import time
import tracemalloc
from datetime import datetime, timedelta, timezone

from django.db import connection
from django.db import transaction as django_transaction
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


def add_holiday(day, *, now: datetime, calendar_key: str = "incident-hours") -> dict:
    """The manager's change: the calendar closed on ``day``, recorded at ``now``; returns the
    re-time it asked for (contracts and ticket types), which the benchmark runs itself."""
    from sla import tasks
    from sla.changes import calendar_change_record, calendar_snapshot
    from sla.models import BusinessCalendar, CalendarClosedDate

    calendar = BusinessCalendar.objects.get(key=calendar_key)
    before = calendar_snapshot(calendar)
    CalendarClosedDate.objects.create(calendar=calendar, date=day, name="Bench outage")
    asked: dict = {"parts": []}

    def queued(contract_ids, ticket_types, part):
        asked.update(contract_ids=contract_ids, ticket_types=ticket_types)
        asked["parts"].append(tuple(part))

    delay = tasks.sla_retime.delay
    tasks.sla_retime.delay = queued
    try:
        with django_transaction.atomic():  # the tasks are queued on commit
            assert calendar_change_record(calendar=calendar, before=before, now=now)
    finally:
        tasks.sla_retime.delay = delay
    assert asked["parts"], "more than RETIME_INLINE tickets: the change should queue re-times"
    return asked


WORKERS = 2  # a worker's processes (celery -c; its default is the number of cores)


def _retime_part(now: datetime, scope: dict, part: tuple) -> int:
    """One queued task's work, in a pool process with its own database connection."""
    from django.db import connections

    from tickets.services.sla_retime import open_tickets_retime

    connections.close_all()  # the parent's connection is not this process's to share
    try:
        return open_tickets_retime(now=now, part=part, **scope)
    finally:
        connections.close_all()


def retime(
    now: datetime, *, traced: bool = False, parts=(), **scope
) -> tuple[float, int, float | None]:
    """(seconds, due times moved, peak MiB of Python memory when traced). With ``parts`` (the
    tasks a change queued) they run in a pool of WORKERS processes, as a worker runs them;
    otherwise, and traced, in one pass here."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from tickets.services.sla_retime import open_tickets_retime

    if parts and not traced:
        connection.close()  # the pool's processes are forked: none inherits a connection
        began = time.perf_counter()
        with ProcessPoolExecutor(WORKERS, mp_context=get_context("fork")) as pool:
            done = pool.map(_retime_part, [now] * len(parts), [scope] * len(parts), parts)
            moved = sum(done)
        return time.perf_counter() - began, moved, None
    if traced:
        tracemalloc.start()
    began = time.perf_counter()
    moved = open_tickets_retime(now=now, **scope)
    elapsed = time.perf_counter() - began
    peak = None
    if traced:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return elapsed, moved, peak


RETIMED = 100_000  # open tickets re-timed, whatever the size of the table


_CLOSED_COPIES = """
WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < %s)
INSERT INTO tickets_ticket ({columns})
SELECT {values} FROM s JOIN tickets_ticket t ON t.id = %s + (s.k %% %s)
"""


def add_closed(count: int) -> None:
    """``count`` closed tickets, copies of the open ones (resolved, nothing due): the table's
    bulk, which a re-time never reads but whose indexes every write goes through."""
    from tickets.models import Ticket

    ended = {"status": "'closed'", "next_due": "NULL", "reaction_at_risk_at": "NULL",
             "resolution_at_risk_at": "NULL", "resolved_at": "t.opened_at",
             "closed_at": "t.opened_at", "resolution_met": "true", "reaction_met": "true"}
    columns = [f.column for f in Ticket._meta.concrete_fields if f.column != "id"]
    values = [ended.get(c, f"t.{c}") for c in columns]
    first = Ticket.objects.order_by("pk").values_list("pk", flat=True).first()
    templates = Ticket.objects.count()
    sql = _CLOSED_COPIES.format(columns=", ".join(columns), values=", ".join(values))
    with connection.cursor() as cursor:
        for done in range(0, count, 100_000):
            cursor.execute(sql, [min(100_000, count - done), first, templates])


def run(n: int = RETIMED) -> dict[str, float]:
    from tickets.models import Ticket

    now = wednesday_eleven()
    opened = min(n, RETIMED)
    print(
        f"== SLA re-time of {opened:,} open tickets after a holiday is added, in a table of "
        f"{n:,} ({connection.vendor})"
    )
    began = time.perf_counter()
    # the columns as the SLA check leaves them just before the first change
    counts = bulk_open_tickets(opened, now=now, as_of=now + timedelta(minutes=1))
    if n > opened:
        add_closed(n - opened)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE tickets_ticket")
    print(
        f"   (created in {time.perf_counter() - began:.1f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
        + (f", and {n - opened:,} closed" if n > opened else "")
        + ")"
    )
    figures = {}
    today = now.astimezone(UTC3).date()
    for key, label, day, calendar_key in (
        (f"rebuild_s_{opened}", "incidents, rest of today", today, "incident-hours"),
        (
            f"rebuild_desk_s_{opened}",
            "service desk, tomorrow",
            today + timedelta(days=1),
            "service-desk-hours",
        ),
    ):
        now += timedelta(minutes=1)
        scope = add_holiday(day, now=now, calendar_key=calendar_key)
        parts = scope.pop("parts")
        elapsed, moved, _ = retime(now, parts=parts, **scope)
        figures[key] = round(elapsed, 3)
        print(
            f"   re-time after a holiday ({label}): {elapsed:6.2f} s for the "
            f"{', '.join(scope['ticket_types'])} of {opened:,} open tickets, in {len(parts)} "
            f"tasks on {WORKERS} processes; {moved:,} due times moved"
            f"{'  OVER 10 s' if elapsed > 10 else ''}"
        )
    # Every open ticket, whatever its type (as a change of every contract's terms would), in
    # the parts the change would queue.
    from tickets.services.sla_retime import retime_parts

    now += timedelta(minutes=1)
    for key in ("incident-hours", "service-desk-hours"):
        add_holiday(today + timedelta(days=3), now=now, calendar_key=key)
    parts = retime_parts()
    elapsed, moved, _ = retime(now, parts=parts)
    figures[f"rebuild_all_s_{opened}"] = round(elapsed, 3)
    print(
        f"   re-time of every one of the {opened:,} open tickets: {elapsed:6.2f} s in "
        f"{len(parts)} tasks on {WORKERS} processes{'  OVER 10 s' if elapsed > 10 else ''}"
    )
    # A third holiday, traced: the peak of Python memory, here and on a tenth of the tickets.
    now += timedelta(minutes=1)
    scope = add_holiday(today + timedelta(days=2), now=now)
    scope.pop("parts")
    _, _, peak = retime(now, traced=True, **scope)
    first_closed = Ticket.objects.order_by("pk").values_list("pk", flat=True)[opened // 10]
    Ticket.objects.filter(pk__gte=first_closed).update(status="closed")
    _, _, peak_tenth = retime(now + timedelta(minutes=1), traced=True, **scope)
    print(
        f"   peak Python memory of a re-time: {peak:.1f} MiB at {opened:,} open tickets, "
        f"{peak_tenth:.1f} MiB at {opened // 10:,}"
    )
    figures[f"rebuild_peak_mib_{opened}"] = round(peak, 1)
    figures[f"rebuild_peak_mib_{opened // 10}"] = round(peak_tenth, 1)
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
