"""Managers' SLA dashboard: every figure is an aggregate computed by the database.

Definitions (shown on the page too). Months are calendar months in PORTAL_STAFF_TIME_ZONE and a
ticket belongs to the month it was *opened* in (deferred requests count from when they open).

* Reaction is **due** for a ticket once it was replied to (``reaction_met`` set), breached, or its
  reaction due time has passed; it is **met** when ``reaction_met`` is true.
* Resolution is **due** once the ticket was resolved (``resolution_met`` set), breached, or its
  resolution due time has passed; it is **met** when ``resolution_met`` is true.
* A withdrawn ticket's unmet targets are neither met nor breached: it is due only for what was
  met or breached before it was withdrawn. The page says how many tickets were withdrawn.
* Compliance = met ÷ due. Medians are over business time: reaction of replied tickets,
  resolution of resolved ones. They are overall figures (the period, the selected month and
  each month of the trend), not per package, customer, type or priority.

The query count depends on the number of groupings, never on the number of tickets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext

from packages.models import Contract
from packages.roles import is_manager
from rollups.contribution import LIVE_STATUSES
from rollups.selectors import ended_cube_rows
from sla.models import Priority, TicketType
from tickets.selectors.dashboard_medians import period_medians
from tickets.selectors.dashboard_period import (  # noqa: F401 (re-exported)
    Period,
    Ratio,
    add_months,
    base_tickets,
    bucket,
    hours,
    in_period,
    staff_zone,
)
from tickets.selectors.dashboard_queries import (  # noqa: F401 (the definitions, re-exported)
    LIVE_INDEX,
    REACTION_MET,
    RESOLUTION_MET,
    counts_cube,
    reaction_due_q,
    reporting_transaction,
    resolution_due_q,
)
from tickets.selectors.dashboard_tables import (
    BillableRow,
    OpenRow,
    QuotaRow,
    billable_hours,
    open_now,
    quota_usage,
)


@dataclass
class ComplianceRow:
    key: object
    label: str
    reaction: Ratio
    resolution: Ratio
    month_reaction: Ratio | None = None  # breakdowns: the selected month as well
    month_resolution: Ratio | None = None
    median_reaction: Decimal | None = None  # hours; the trend's months and the overall row
    median_resolution: Decimal | None = None
    month_median_reaction: Decimal | None = None  # the overall row: the selected month
    month_median_resolution: Decimal | None = None
    withdrawn: int = 0  # tickets of the period withdrawn (their unmet targets are not due)
    month_withdrawn: int | None = None


@dataclass
class Dashboard:
    period: Period
    trend: list[ComplianceRow]
    overall: ComplianceRow
    breakdowns: dict[str, list[ComplianceRow]]
    open_now: list[OpenRow]
    quota: list[QuotaRow]
    billable: list[BillableRow]


BREAKDOWNS = {
    # name: the cube's key the breakdown groups by (package and customer through the contract)
    "package": "package",
    "customer": "customer",
    "type": "ticket_type",
    "priority": "priority",
}


def _label(name: str, value, label) -> str:
    if name == "type":
        return str(TicketType(value).label) if value in TicketType.values else str(value)
    if name == "priority":
        if value is None:
            return gettext("No priority (service requests and changes)")
        return str(Priority(value).label)
    return str(label)


SUMMED = ("r_met", "r_due", "s_met", "s_due", "r_timed", "s_timed", "w")


@dataclass
class _Sums:
    """Cube counts summed over rows: the whole period and the selected month."""

    period: list[int] = field(default_factory=lambda: [0] * len(SUMMED))
    month: list[int] = field(default_factory=lambda: [0] * len(SUMMED))

    def add(self, row: dict, in_month: bool) -> None:
        for target in (self.period, self.month) if in_month else (self.period,):
            for i, name in enumerate(SUMMED):
                target[i] += row[name]

    def row(self, key, label: str, medians: tuple, *, with_month: bool) -> ComplianceRow:
        r_met, r_due, s_met, s_due = self.period[:4]
        row = ComplianceRow(
            key=key,
            label=label,
            reaction=Ratio(r_met, r_due),
            resolution=Ratio(s_met, s_due),
            median_reaction=hours(medians[0]),
            median_resolution=hours(medians[1]),
            withdrawn=self.period[6],
        )
        if with_month:
            row.month_withdrawn = self.month[6]
            m_r_met, m_r_due, m_s_met, m_s_due = self.month[:4]
            row.month_reaction = Ratio(m_r_met, m_r_due)
            row.month_resolution = Ratio(m_s_met, m_s_due)
        return row


NO_MEDIANS = (None, None)


@dataclass
class _Cube:
    """The period's counts per (month, contract, type, priority) and what the contracts are."""

    period: Period
    rows: list[dict]
    contracts: dict[int, dict]

    @classmethod
    def load(cls, period: Period) -> _Cube:
        # Ended tickets from their months' roll-ups; the others (few: open or resolved within
        # the reopen window) counted live, read through the status-led index.
        qs = base_tickets(period).filter(in_period(period), status__in=LIVE_STATUSES)
        rows = counts_cube(qs, bucket=bucket(period, "opened_at"), now=period.now, index=LIVE_INDEX)
        rows += ended_cube_rows(period)
        ids = {row["contract_id"] for row in rows}
        contracts = {
            c["pk"]: c
            for c in Contract.objects.filter(pk__in=ids).values(
                "pk", "customer_id", "customer__name", "package__code", "package__name"
            )
        }
        return cls(period, rows, contracts)

    def key(self, name: str, row: dict):
        if name == "package":
            contract = self.contracts[row["contract_id"]]
            return contract["package__code"], contract["package__name"]
        if name == "customer":
            contract = self.contracts[row["contract_id"]]
            return contract["customer_id"], contract["customer__name"]
        if name == "month":
            return row["b"], None
        return row[BREAKDOWNS[name]], None

    def sums(self, name: str | None) -> dict:
        last = len(self.period.months) - 1
        found: dict = {}
        for row in self.rows:
            key, label = self.key(name, row) if name else (None, None)
            found.setdefault(key, (label, _Sums()))[1].add(row, row["b"] == last)
        return found


def compliance_trend(
    period: Period, cube: _Cube | None = None, found: dict | None = None
) -> list[ComplianceRow]:
    """One row per month of the period (months without tickets included, as zeros)."""
    cube = cube or _Cube.load(period)
    if found is None:
        found = period_medians(period)
    sums = cube.sums("month")
    return [
        sums.get(i, (None, _Sums()))[1].row(
            m, f"{m:%Y-%m}", found.get(i, NO_MEDIANS), with_month=False
        )
        for i, m in enumerate(period.months)
    ]


def _sort_key(name: str, key, label):
    if name in ("package", "customer"):
        return (label is None, str(label or ""))
    return (key is None, key if key is not None else 0)


def compliance_breakdown(period: Period, name: str, cube: _Cube | None = None) -> list:
    """Compliance for the selected month and the whole period, grouped by one dimension."""
    cube = cube or _Cube.load(period)
    groups = sorted(cube.sums(name).items(), key=lambda kv: _sort_key(name, kv[0], kv[1][0]))
    return [
        sums.row(key, _label(name, key, label), NO_MEDIANS, with_month=True)
        for key, (label, sums) in groups
    ]


def compliance_overall(
    period: Period, cube: _Cube | None = None, found: dict | None = None
) -> ComplianceRow:
    """All tickets of the period: compliance, and medians of the period and selected month
    (``found``: from ``period_medians``; None: no medians, as in the breakdowns' CSV)."""
    cube = cube or _Cube.load(period)
    sums = cube.sums(None).get(None, (None, _Sums()))[1]
    row = sums.row(
        None, gettext("All tickets"), (found or {}).get(None, NO_MEDIANS), with_month=True
    )
    if found is not None:
        month = found.get(len(period.months) - 1, NO_MEDIANS)
        row.month_median_reaction, row.month_median_resolution = hours(month[0]), hours(month[1])
    return row


def dashboard_for(*, user, period: Period) -> Dashboard:
    """Everything the page shows; managers only (anyone else: 404)."""
    if not is_manager(user):
        raise Http404
    with reporting_transaction():
        return _dashboard(period)


def _dashboard(period: Period) -> Dashboard:
    cube = _Cube.load(period)  # every met/due figure of the page, in one scan
    found = period_medians(period)
    return Dashboard(
        period=period,
        trend=compliance_trend(period, cube, found),
        overall=compliance_overall(period, cube, found),
        breakdowns={name: compliance_breakdown(period, name, cube) for name in BREAKDOWNS},
        open_now=open_now(period),
        quota=quota_usage(period),
        billable=billable_hours(period),
    )


TABLES = ("monthly", "package", "customer", "type", "priority", "open", "quota", "billable")


def dashboard_table(*, user, period: Period, name: str) -> list:
    """The rows of one table of the page (for its CSV): the same figures, nothing else run."""
    if not is_manager(user) or name not in TABLES:
        raise Http404
    with reporting_transaction():
        return _table(period, name)


def _table(period: Period, name: str) -> list:
    if name == "monthly":
        return compliance_trend(period)
    if name in BREAKDOWNS:
        cube = _Cube.load(period)
        return [*compliance_breakdown(period, name, cube), compliance_overall(period, cube)]
    return {"open": open_now, "quota": quota_usage, "billable": billable_hours}[name](period)
