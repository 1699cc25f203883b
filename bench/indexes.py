"""What each index of the ticket table costs on write: ``python -m bench indexes``.

Inserting ``n`` tickets (``bench.seed``) and then updating them as the SLA check and the
engine do (the due, at-risk, breach and next-due columns) is timed with every index, with none
but the primary key, and with each index alone; an index's cost is its run minus the bare
one. On SQLite the seed builds model objects in Python, whose time dwarfs the indexes': read
PostgreSQL's figures (one SQL statement per 100,000 rows).
Each run is a transaction rolled back (both databases drop and create indexes transactionally),
so the table ends as it began. Not in the default ``make bench`` (a run per index).
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

TABLE = "tickets_ticket"


class _Rollback(Exception):
    pass


def ticket_indexes() -> dict[str, str]:
    """name -> CREATE INDEX statement of every secondary index of the ticket table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "AND indexname NOT LIKE %s",
                [TABLE, "%_pkey"],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [TABLE],
            )
        return dict(cursor.fetchall())


def _timed_writes(n: int, keep: set[str], indexes: dict[str, str]) -> tuple[float, float]:
    """(seconds to insert n tickets, seconds to update them) with only ``keep``'s indexes."""
    from bench.seed import seed_open_tickets
    from tickets.models import Ticket

    now = timezone.now()
    result = (0.0, 0.0)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                for name in indexes.keys() - keep:
                    cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
            began = time.perf_counter()
            seed_open_tickets(n, now=now)
            inserted = time.perf_counter() - began
            began = time.perf_counter()
            Ticket.objects.update(
                reaction_due=F("reaction_due") + timedelta(minutes=5),
                resolution_due=F("resolution_due") + timedelta(minutes=5),
                resolution_at_risk_at=F("resolution_at_risk_at") + timedelta(minutes=5),
                next_due=F("next_due") + timedelta(minutes=5),
                resolution_breached_at=F("resolution_due"),
            )
            result = (inserted, time.perf_counter() - began)
            raise _Rollback
    except _Rollback:
        pass
    return result


def run(n: int = 10_000) -> dict[str, float]:
    from bench.queue import _people

    _people()  # outside the rolled-back runs
    indexes = ticket_indexes()
    print(f"== ticket indexes ({connection.vendor}): {len(indexes)} besides the primary key")
    figures: dict[str, float] = {f"ticket_indexes_{connection.vendor}": len(indexes)}
    _timed_writes(n, set(indexes), indexes)  # warm-up: caches, the first run's Python imports
    every = _timed_writes(n, set(indexes), indexes)
    bare = min(_timed_writes(n, set(), indexes), _timed_writes(n, set(), indexes))
    figures[f"ticket_insert_ms_all_{n}"] = round(every[0] * 1000)
    figures[f"ticket_insert_ms_none_{n}"] = round(bare[0] * 1000)
    figures[f"ticket_update_ms_all_{n}"] = round(every[1] * 1000)
    figures[f"ticket_update_ms_none_{n}"] = round(bare[1] * 1000)
    print(
        f"   {n:,} tickets: insert {every[0] * 1000:.0f} ms with every index, "
        f"{bare[0] * 1000:.0f} ms with none; update {every[1] * 1000:.0f} / {bare[1] * 1000:.0f} ms"
    )
    for name in sorted(indexes):
        alone = _timed_writes(n, {name}, indexes)
        insert_ms, update_ms = ((alone[i] - bare[i]) * 1000 for i in (0, 1))
        figures[f"index_insert_ms_{name}_{n}"] = round(insert_ms)
        figures[f"index_update_ms_{name}_{n}"] = round(update_ms)
        print(f"   {name:<32} +{insert_ms:6.0f} ms insert  +{update_ms:6.0f} ms update")
    return figures
