"""The SLA check tick over N open tickets: wall time, SQL queries and transactions per tick.

Tickets are seeded in bulk (``bench.seed``), all open: most fine, some already breached and
alerted, some at risk and some just past due. The *first* tick records those; the *ordinary*
tick a minute later finds nothing new (goal ≤ 0.2 s at 1,000,000 on PostgreSQL); then up to
100,000 fine tickets are made due at once and the *catch-up* tick marks and tells them in
batches of at most 5,000 rows (goal: no transaction over 1 s). E-mail hand-off goes to an
in-memory broker so the figures include publishing but no network.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

CATCH_UP = 100_000


def _staff() -> None:
    """A manager and two on-duty engineers with addresses: each gets a digest."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from packages.roles import ENGINEERS_GROUP, MANAGERS_GROUP

    for name, group in (
        ("bench-manager", MANAGERS_GROUP),
        ("bench-duty-1", ENGINEERS_GROUP),
        ("bench-duty-2", ENGINEERS_GROUP),
    ):
        email = f"{name}@vendor.test"
        user, _ = get_user_model().objects.get_or_create(username=email, defaults={"email": email})
        user.groups.add(Group.objects.get(name=group))


def tick(now: datetime):
    """(result, seconds, queries, seconds of those spent handing e-mail to the broker, e-mails
    written, bytes of the largest one's text)."""
    from sla.services import sla_check
    from tickets.models import OutboxMessage
    from tickets.services import alerts

    mails_before = OutboxMessage.objects.count()

    handoff = [0.0]
    dispatch = alerts._dispatch

    def timed_dispatch(keys):
        began = time.perf_counter()
        dispatch(keys)
        handoff[0] += time.perf_counter() - began

    alerts._dispatch = timed_dispatch
    try:
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            result = sla_check(now=now)
            elapsed = time.perf_counter() - began
    finally:
        alerts._dispatch = dispatch
    mails = OutboxMessage.objects.order_by("-pk")[: OutboxMessage.objects.count() - mails_before]
    largest = max((len(m.body.encode()) for m in mails), default=0)
    return result, elapsed, len(queries), handoff[0], len(mails), largest


def _timed_batches():
    """Wrap the check's two batch steps to record each transaction's seconds."""
    import sla.services as check

    durations: list[float] = []
    originals = check._mark_batch, check.sla_alerts_raise

    def timed(fn):
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                durations.append(time.perf_counter() - began)

        return wrapper

    check._mark_batch, check.sla_alerts_raise = (timed(f) for f in originals)

    def restore():
        check._mark_batch, check.sla_alerts_raise = originals

    return durations, restore


def _make_due(count: int, *, now: datetime) -> int:
    """Move ``count`` fine tickets' due times just before ``now``: a catch-up of new breaches."""
    from django.db.models import F

    from bench.seed import PREFIX
    from tickets.models import Ticket

    pks = list(
        Ticket.objects.filter(next_due__gte=now + timedelta(minutes=50), subject__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    moved = 0
    for first in range(0, len(pks), 10_000):
        chunk = pks[first : first + 10_000]
        moved += Ticket.objects.filter(pk__in=chunk, first_response_at__isnull=True).update(
            reaction_due=now - timedelta(minutes=1),
            reaction_at_risk_at=now - timedelta(minutes=20),
            next_due=now - timedelta(minutes=1),
        )
        moved += Ticket.objects.filter(pk__in=chunk, first_response_at__isnull=False).update(
            resolution_due=now - timedelta(minutes=1),
            resolution_at_risk_at=now - timedelta(minutes=20),
            next_due=F("resolution_due"),
        )
    return moved


def run(n: int = 100_000) -> dict[str, float]:
    from bench.seed import seed_open_tickets
    from portal.celery import app

    now = timezone.now()
    figures: dict[str, float] = {}
    print(f"== SLA check tick over {n:,} open tickets ({connection.vendor})")
    began = time.perf_counter()
    counts = seed_open_tickets(n, now=now)
    figures[f"seed_s_{n}"] = round(time.perf_counter() - began, 2)
    _staff()
    _vacuum()
    print(
        f"   (seeded in {figures[f'seed_s_{n}']:.1f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
        + ")"
    )
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url="memory://")
    app._pool = None
    durations, restore = _timed_batches()
    try:
        catch_up = min(CATCH_UP, n // 5)
        for label, at in (
            ("first", now),
            ("ordinary", now + timedelta(seconds=60)),
            ("catch-up", now + timedelta(seconds=120)),
        ):
            if label == "catch-up":
                moved = _make_due(catch_up, now=at)
                _vacuum()
                print(f"   ({moved:,} tickets made due just before the catch-up tick)")
            durations.clear()
            result, elapsed, queries, handoff, mails, largest = tick(at)
            longest = max(durations, default=0.0)
            if label == "ordinary":
                figures[f"tick_ordinary_s_{n}"] = round(elapsed, 4)
                figures[f"tick_ordinary_queries_{n}"] = queries
            elif label == "catch-up":
                figures[f"tick_catchup_s_{n}"] = round(elapsed, 3)
                figures[f"tick_catchup_events_{n}"] = result.alerts_total
                figures[f"tick_catchup_longest_txn_s_{n}"] = round(longest, 3)
            print(
                f"   {label} tick: {elapsed * 1000:8.1f} ms  {queries:>4} queries  "
                f"breaches marked: reaction {result.reaction_breached:,}, resolution "
                f"{result.resolution_breached:,}; events {result.alerts_total:,} told in "
                f"{mails} digest e-mails of at most {largest / 1024:.0f} KiB ({handoff * 1000:.0f} "
                f"ms of it handing them to the broker); {len(durations)} transactions, the "
                f"longest {longest * 1000:.0f} ms{'  OVER 1 s' if longest > 1 else ''}"
            )
    finally:
        restore()
        app.conf.update(saved)
        app._pool = None
    from tickets.models import OutboxMessage, SlaAlert

    SlaAlert.objects.all().delete()
    OutboxMessage.objects.all().delete()
    return figures


def _vacuum() -> None:
    """Planner statistics and the visibility map, as autovacuum keeps them on a live database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE tickets_ticket")
            cursor.execute("VACUUM ANALYZE tickets_slaalert")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)
