"""Monthly quota of consultation requests (Advanced): how much is used and left."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime

from packages.models import Contract
from tickets.models import Ticket


def quota_month_of(instant: datetime, time_zone: str) -> date:
    """The first day of the calendar month of ``instant`` in the contract's zone."""
    local = instant.astimezone(zoneinfo.ZoneInfo(time_zone))
    return local.date().replace(day=1)


@dataclass(frozen=True)
class QuotaStatus:
    month: date
    limit: int | None  # None: unlimited (Pro)
    used: int

    @property
    def unlimited(self) -> bool:
        return self.limit is None

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.used, 0)

    @property
    def exhausted(self) -> bool:
        return self.limit is not None and self.used >= self.limit

    @property
    def fraction(self) -> float:
        return 0.0 if not self.limit else self.used / self.limit


def quota_used(*, contract: Contract | int, month: date) -> int:
    """Requests that took a unit of the month's quota (``quota_month`` is set only for those)."""
    contract_id = contract if isinstance(contract, int) else contract.pk
    return Ticket.objects.filter(contract_id=contract_id, quota_month=month).count()


def quota_status(*, contract: Contract, now: datetime) -> QuotaStatus:
    month = quota_month_of(now, contract.time_zone)
    limit = contract.package.monthly_request_quota
    used = quota_used(contract=contract, month=month) if limit is not None else 0
    return QuotaStatus(month=month, limit=limit, used=used)
