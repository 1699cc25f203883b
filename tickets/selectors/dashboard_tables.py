"""The dashboard's other tables: open tickets now, quota usage, billable hours."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from packages.models import Contract, Customer
from rollups.contribution import LIVE_STATUSES
from rollups.selectors import ended_billable
from tickets.models import OPEN_STATUSES, Ticket
from tickets.selectors.dashboard_period import (
    Period,
    Ratio,
    add_months,
    base_tickets,
    bucket,
    hours,
)
from tickets.selectors.dashboard_queries import LIVE_INDEX, indexed_values
from tickets.selectors.sla_status import at_risk_q, breached_q


@dataclass
class OpenRow:
    customer_id: int | None
    customer: str
    open: int
    breached: int
    at_risk: int


@dataclass
class QuotaRow:
    customer_id: int
    customer: str
    contract: str
    limit: int
    used: int
    over_quota: int

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    @property
    def percent(self) -> Decimal:
        return Ratio(self.used, self.limit).percent or Decimal("0.0")


@dataclass
class BillableRow:
    customer_id: int
    customer: str
    by_month: list[Decimal] = field(default_factory=list)
    total: Decimal = Decimal("0.00")


def open_now(period: Period) -> list[OpenRow]:
    """Open tickets per customer with those breached and at risk now (the queue's filters)."""
    now = period.now
    qs = base_tickets(period).filter(status__in=OPEN_STATUSES, is_deferred=False)
    rows = (
        qs.values("customer_id", "customer__name")
        .annotate(
            open=Count("pk"),
            breached=Count("pk", filter=breached_q(now)),
            at_risk=Count("pk", filter=at_risk_q(now)),
        )
        .order_by("customer__name")
    )
    return [
        OpenRow(r["customer_id"], r["customer__name"], r["open"], r["breached"], r["at_risk"])
        for r in rows
    ]


def quota_usage(period: Period) -> list[QuotaRow]:
    """Contracts with a monthly quota in force during the selected month: units used."""
    month, after = period.last, add_months(period.last, 1)
    contracts = Contract.objects.filter(
        package__monthly_request_quota__isnull=False, valid_from__lt=after, valid_to__gt=month
    )
    if period.customer_id is not None:
        contracts = contracts.filter(customer_id=period.customer_id)
    # Counted per contract through the indexes ((contract, quota_month) and (customer,
    # created_at)) instead of joining every ticket of the contracts.
    used = Ticket.objects.filter(contract=OuterRef("pk"), quota_month=month)
    over = Ticket.objects.filter(
        customer_id=OuterRef("customer_id"),
        contract=OuterRef("pk"),
        created_at__gte=period.month_start,
        created_at__lt=period.end,
        is_over_quota=True,
    )
    rows = (
        contracts.annotate(used=_count(used), over=_count(over))
        .values(
            "customer_id",
            "customer__name",
            "number",
            "package__monthly_request_quota",
            "used",
            "over",
        )
        .order_by("customer__name", "number")
    )
    return [
        QuotaRow(
            r["customer_id"],
            r["customer__name"],
            r["number"],
            r["package__monthly_request_quota"],
            r["used"],
            r["over"],
        )
        for r in rows
    ]


def _count(qs: QuerySet) -> Coalesce:
    counted = qs.order_by().values("contract").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def billable_hours(period: Period) -> list[BillableRow]:
    """Time spent on billable tickets per customer and month they were resolved in: the
    ended tickets' from the roll-ups, the others (few) read live."""
    qs = base_tickets(period).filter(
        is_billable=True,
        resolved_at__gte=period.start,
        resolved_at__lt=period.end,
        status__in=LIVE_STATUSES,
    )
    live = indexed_values(
        qs.annotate(b=bucket(period, "resolved_at"))
        .values("customer_id", "b")
        .annotate(spent=Sum("time_spent"))
        .order_by(),
        LIVE_INDEX,
    )
    spent: dict[tuple[int, int], timedelta | None] = {}
    for r in [*live, *ended_billable(period)]:
        key = (r["customer_id"], r["b"])
        before = spent.get(key)
        spent[key] = r["spent"] if before is None else before + (r["spent"] or timedelta())
    names = dict(Customer.objects.filter(pk__in={c for c, _b in spent}).values_list("pk", "name"))
    by_customer: dict[int, BillableRow] = {}
    for (customer_id, b), total in sorted(spent.items(), key=lambda kv: (names[kv[0][0]], kv[0])):
        line = by_customer.setdefault(
            customer_id,
            BillableRow(customer_id, names[customer_id], [Decimal("0.00")] * len(period.months)),
        )
        value = hours(total) or Decimal("0.00")
        line.by_month[b] += value
        line.total += value
    return list(by_customer.values())
