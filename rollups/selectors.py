"""Reads of the roll-ups: the ended tickets' counts cube rows of a period, without reading a
single ticket. The dashboard adds the live rows (tickets not ended) to these."""

from __future__ import annotations

from django.db.models import Count, Q

from rollups.models import NO_PRIORITY, BillableCell, MonthCell, PendingDue

CELL_COUNTS = ("r_due", "r_met", "s_due", "s_met", "r_timed", "s_timed", "w")


def ended_cube_rows(period) -> list[dict]:
    """Rows shaped like ``counts_cube``'s (month index ``b``, contract, type, priority, counts),
    from the stored cells plus the pending due times the clock has passed: two queries."""
    index = {month: i for i, month in enumerate(period.months)}
    in_months = Q(month__gte=period.first, month__lte=period.last)
    if period.customer_id is not None:
        in_months &= Q(customer_id=period.customer_id)
    rows = [
        _row(index, cell)
        for cell in MonthCell.objects.filter(in_months)
        .values("month", "contract_id", "ticket_type", "priority", *CELL_COUNTS)
        .order_by()
    ]
    now = period.now
    pending = (
        PendingDue.objects.filter(in_months)
        .filter(Q(reaction_due__lt=now) | Q(resolution_due__lt=now))
        .values("month", "contract_id", "ticket_type", "priority")
        .annotate(
            r_due=Count("pk", filter=Q(reaction_due__lt=now)),
            s_due=Count("pk", filter=Q(resolution_due__lt=now)),
        )
        .order_by()
    )
    for found in pending:
        rows.append(_row(index, {**dict.fromkeys(CELL_COUNTS, 0), **found}))
    return rows


def _row(index: dict, cell: dict) -> dict:
    row = {name: cell[name] for name in CELL_COUNTS}
    row.update(
        b=index[cell["month"]],
        contract_id=cell["contract_id"],
        ticket_type=cell["ticket_type"],
        priority=None if cell["priority"] == NO_PRIORITY else cell["priority"],
    )
    return row


def ended_billable(period) -> list[dict]:
    """Billable time of the ended tickets per customer and month resolved (index ``b``),
    shaped like the live query's rows: one query."""
    index = {month: i for i, month in enumerate(period.months)}
    cells = BillableCell.objects.filter(
        month__gte=period.first, month__lte=period.last, tickets__gt=0
    )
    if period.customer_id is not None:
        cells = cells.filter(customer_id=period.customer_id)
    return [
        {"customer_id": c["customer_id"], "b": index[c["month"]], "spent": c["spent"]}
        for c in cells.values("customer_id", "month", "spent").order_by()
    ]
