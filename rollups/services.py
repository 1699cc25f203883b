"""Writes to the roll-ups: a ticket's change applied as a difference, and the full rebuild."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from rollups.contribution import COLUMNS, COUNTS, ENDED_STATUSES, Contribution, contribution
from rollups.median_bins import bins_added, bins_moved, count_into, stored_bins
from rollups.models import BillableCell, MedianBin, MonthCell, PendingDue

KEY_FIELDS = ("month", "customer_id", "contract_id", "ticket_type", "priority")


def _key_filter(key) -> dict:
    return dict(zip(KEY_FIELDS, key, strict=True))


def _add(key, counts: tuple[int, ...], sign: int) -> None:
    changes = {name: F(name) + sign * n for name, n in zip(COUNTS, counts, strict=True) if n}
    cell = MonthCell.objects.filter(**_key_filter(key))
    if cell.update(**changes) or sign < 0:
        return
    try:
        with transaction.atomic():  # a savepoint: a concurrent first insert may win
            MonthCell.objects.create(**_key_filter(key), **dict(zip(COUNTS, counts, strict=True)))
    except IntegrityError:
        cell.update(**changes)


def ticket_changed(ticket_id: int, before: Contribution | None, after: Contribution | None) -> None:
    """Move one ticket's figures from its old roll-up cell to its new one (no-op if equal)."""
    if before == after:
        return
    with transaction.atomic():
        if before is not None:
            _add(before.key, before.counts, -1)
        if after is not None:
            _add(after.key, after.counts, +1)
        if (before and before.billable) != (after and after.billable):
            if before is not None and before.billable:
                _add_billable(*before.billable, tickets=-1, sign=-1)
            if after is not None and after.billable:
                _add_billable(*after.billable, tickets=1, sign=1)
        bins_moved(before, after)
        had = before is not None and (before.reaction_pending or before.resolution_pending)
        has = after is not None and (after.reaction_pending or after.resolution_pending)
        if had:
            PendingDue.objects.filter(ticket_id=ticket_id).delete()
        if has:
            PendingDue.objects.create(ticket_id=ticket_id, **_pending(after))


def _add_billable(key, spent: timedelta, *, tickets: int, sign: int) -> None:
    month, customer_id = key
    cell = BillableCell.objects.filter(month=month, customer_id=customer_id)
    changes = {"tickets": F("tickets") + tickets, "spent": F("spent") + sign * spent}
    if cell.update(**changes) or sign < 0:
        return
    try:
        with transaction.atomic():
            BillableCell.objects.create(
                month=month, customer_id=customer_id, tickets=tickets, spent=spent
            )
    except IntegrityError:
        cell.update(**changes)


def tickets_ended(tickets: Iterable) -> None:
    """Tickets ended by a bulk UPDATE (no save signal), loaded after it: added per cell (a
    batch of thousands touches a few dozen cells)."""
    cells: dict[tuple, list[int]] = {}
    billable: dict[tuple, list] = {}
    pending = []
    bins: Counter = Counter()
    for ticket in tickets:
        c = contribution(ticket)
        if c is None:
            continue
        count_into(bins, [c])
        _sum_into(cells, c)
        _sum_billable(billable, c)
        if c.reaction_pending or c.resolution_pending:
            pending.append(PendingDue(ticket_id=ticket.pk, **_pending(c)))
    with transaction.atomic():
        for key, counts in cells.items():
            _add(key, tuple(counts), +1)
        for key, (n, spent) in billable.items():
            _add_billable(key, spent, tickets=n, sign=1)
        bins_added(bins)
        PendingDue.objects.bulk_create(pending)


def _sum_into(cells: dict[tuple, list[int]], c: Contribution) -> None:
    totals = cells.setdefault(c.key, [0] * len(COUNTS))
    for i, n in enumerate(c.counts):
        totals[i] += n


def _sum_billable(billable: dict, c: Contribution, since: date | None = None) -> None:
    if c.billable and (since is None or c.billable[0][0] >= since):
        spent = billable.setdefault(c.billable[0], [0, timedelta()])
        spent[0] += 1
        spent[1] += c.billable[1]


def _pending(c: Contribution) -> dict:
    return {
        **_key_filter(c.key),
        "reaction_due": c.reaction_pending,
        "resolution_due": c.resolution_pending,
    }


def rollups_rebuild(
    *, since: date | None = None, batch_size: int = 5000, models: tuple | None = None
) -> int:
    """Recompute the roll-ups from the ended tickets (all months, or from ``since`` on): for a
    migration of existing data or a repair. Reads the tickets in primary-key batches and
    keeps only the cells in memory; returns the number of tickets rolled up. ``models``:
    (Ticket, MonthCell, PendingDue, BillableCell[, MedianBin]), a migration's historical ones
    (the median bins only where the migration has them)."""
    if models is None:
        from tickets.models import Ticket

        models = (Ticket, MonthCell, PendingDue, BillableCell, MedianBin)
    ticket_model, cell_model, pending_model, billable_model, *bin_model = models
    bins: Counter = Counter()
    cells: dict[tuple, list[int]] = {}
    billable: dict[tuple, list] = {}
    pending: list = []
    tickets = ticket_model.objects.filter(status__in=ENDED_STATUSES, opened_at__isnull=False)
    last_pk, count = 0, 0
    while True:
        rows = list(tickets.filter(pk__gt=last_pk).order_by("pk").only("pk", *COLUMNS)[:batch_size])
        if not rows:
            break
        last_pk = rows[-1].pk
        for ticket in rows:
            c = contribution(ticket)
            _sum_billable(billable, c, since)  # by the month resolved in, maybe a later one
            if since is not None and c.key[0] < since:
                continue
            count += 1
            _sum_into(cells, c)
            count_into(bins, [c])
            if c.reaction_pending or c.resolution_pending:
                pending.append(pending_model(ticket_id=ticket.pk, **_pending(c)))
    with transaction.atomic():
        stale = cell_model.objects.all()
        stale_pending = pending_model.objects.all()
        if since is not None:
            stale, stale_pending = (
                stale.filter(month__gte=since),
                stale_pending.filter(month__gte=since),
            )
        stale_billable = billable_model.objects.all()
        if since is not None:
            stale_billable = stale_billable.filter(month__gte=since)
        stale.delete()
        stale_pending.delete()
        stale_billable.delete()
        billable_model.objects.bulk_create(
            billable_model(month=month, customer_id=customer_id, tickets=n, spent=spent)
            for (month, customer_id), (n, spent) in billable.items()
        )
        cell_model.objects.bulk_create(
            [
                cell_model(**_key_filter(key), **dict(zip(COUNTS, totals, strict=True)))
                for key, totals in cells.items()
            ],
            batch_size=1000,
        )
        pending_model.objects.bulk_create(pending, batch_size=1000)
        if bin_model:
            stale_bins = bin_model[0].objects.all()
            if since is not None:
                stale_bins = stale_bins.filter(month__gte=since)
            stale_bins.delete()
            stored_bins(bin_model[0], bins)
    _analyze(cell_model, pending_model, billable_model, *bin_model)
    return count


def _analyze(*models) -> None:
    """Fresh planner statistics for tables just rewritten in bulk: until autovacuum gets to
    them, the dashboard's reads would be planned for the empty tables they were."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
