"""The SLA check (beat, every minute): mark breaches, raise at-risk and breach alerts.

Set-based: with ``now`` read once by the caller, conditional UPDATEs on partial indexes of the
unmarked due columns mark every metric whose due time has passed unmet — the breach time
recorded is the due time, exactly what the engine's replay computes (``ticket_sla_apply`` with
``as_of`` past the due), so any later recompute keeps it. ``… WHERE breached_at IS NULL`` makes
a second or overlapping run a no-op, and a late run catches up on everything due before ``now``,
in batches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import F

from tickets.models import (
    REACTION_UNMARKED,
    RESOLUTION_UNMARKED,
    SlaAlert,
    SlaAlertKind,
    SlaMetric,
    Ticket,
)
from tickets.services.alerts import BATCH_SIZE, sla_alerts_raise

ANALYZE_AFTER = 1000


@dataclass(frozen=True)
class SlaCheckResult:
    reaction_breached: int
    resolution_breached: int
    alerts: dict[str, int]

    @property
    def alerts_total(self) -> int:
        return sum(self.alerts.values())


def _mark_batch(unmarked, *, due: str, breached: str, now: datetime, batch_size: int) -> int:
    """Mark up to ``batch_size`` unmet metrics past due as breached at their due time: ONE
    statement, atomic by itself. An overlapping run waits for the rows another one holds, then
    finds them marked (the outer condition is checked again) and leaves them alone."""
    rows = Ticket.objects.filter(unmarked, **{f"{due}__lt": now}).order_by(due)
    return (
        Ticket.objects.filter(unmarked, pk__in=rows.values("pk")[:batch_size])
        .order_by()
        .update(**{breached: F(due)})
    )


def sla_check(*, now: datetime, batch_size: int = BATCH_SIZE) -> SlaCheckResult:
    """One tick: breaches marked, then events recorded and told, each in batches of at most
    ``batch_size`` rows in their own transaction (a catch-up never holds one long transaction,
    and a crash loses at most the batch in flight, which the next tick redoes).

    Each batch reads only what is new (partial indexes, ``tickets.models.ticket``): a tick with
    nothing new costs a handful of index probes whatever the number of open tickets.
    """
    marked = {}
    for metric, unmarked, due, breached in (
        ("reaction", REACTION_UNMARKED, "reaction_due", "reaction_breached_at"),
        ("resolution", RESOLUTION_UNMARKED, "resolution_due", "resolution_breached_at"),
    ):
        marked[metric] = 0
        while True:
            count = _mark_batch(
                unmarked, due=due, breached=breached, now=now, batch_size=batch_size
            )
            marked[metric] += count
            if count < batch_size:
                break
    alerts = []
    while True:
        recorded = sla_alerts_raise(now=now, batch_size=batch_size)
        alerts.extend(recorded)
        if len(recorded) < batch_size:
            break
    if len(alerts) >= ANALYZE_AFTER and connection.vendor == "postgresql":
        # A catch-up just grew the alert table: refresh its statistics now.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(SlaAlert._meta.db_table)}")
    counts = {f"{m}_{k}": 0 for m in SlaMetric.values for k in SlaAlertKind.values}
    for alert in alerts:
        counts[f"{alert.metric}_{alert.kind}"] += 1
    return SlaCheckResult(
        reaction_breached=marked["reaction"],
        resolution_breached=marked["resolution"],
        alerts=counts,
    )
