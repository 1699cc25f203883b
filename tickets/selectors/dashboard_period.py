"""The dashboard's period of months (staff time zone) and the figures' common shapes."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q, QuerySet

from tickets.models import Ticket
from tickets.selectors.dashboard_queries import month_bucket


def staff_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.PORTAL_STAFF_TIME_ZONE)


def add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """From the first month to the selected (last) month, both included; optional customer."""

    first: date
    last: date
    now: datetime
    customer_id: int | None = None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return staff_zone()

    @property
    def months(self) -> list[date]:
        count = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month
        return [add_months(self.first, i) for i in range(count + 1)]

    def instant(self, month: date) -> datetime:
        return datetime.combine(month, time(), tzinfo=self.zone)

    @property
    def start(self) -> datetime:
        return self.instant(self.first)

    @property
    def end(self) -> datetime:
        return self.instant(add_months(self.last, 1))

    @property
    def month_start(self) -> datetime:
        return self.instant(self.last)


@dataclass(frozen=True)
class Ratio:
    met: int
    due: int

    @property
    def percent(self) -> Decimal | None:
        if not self.due:
            return None
        return (Decimal(100 * self.met) / self.due).quantize(Decimal("0.1"), ROUND_HALF_UP)


def hours(value: timedelta | None) -> Decimal | None:
    """Business or spent time as decimal hours, two places (the page and the CSV agree)."""
    if value is None:
        return None
    return (Decimal(value // timedelta(microseconds=1)) / 3_600_000_000).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )


def base_tickets(period: Period) -> QuerySet[Ticket]:
    qs = Ticket.objects.filter(opened_at__isnull=False)
    if period.customer_id is not None:
        qs = qs.filter(customer_id=period.customer_id)
    return qs.order_by()


def in_period(period: Period) -> Q:
    return Q(opened_at__gte=period.start, opened_at__lt=period.end)


def bucket(period: Period, field_name: str):
    return month_bucket(field_name, [period.instant(m) for m in period.months] + [period.end])
