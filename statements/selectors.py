"""A customer's SLA month, computed through the dashboard's own selectors.

The month is the dashboard's: a calendar month in PORTAL_STAFF_TIME_ZONE, and a ticket belongs
to the month it was *opened* in; compliance, quota and billable hours are the dashboard's rows
for one customer (``Period.customer_id``), so both pages always show the same numbers. The
result is plain JSON (codes, UTC instants, counts): it is what a frozen month stores, and each
reader sees it in their own language (``statements.render``).

The number of queries is fixed: it never depends on the number of tickets.
"""

from __future__ import annotations

from datetime import date, datetime

from packages.models import Contract, Customer
from sla.models import ContractTarget, SlaTarget
from tickets.models import RootCause, TicketChange, TicketStatus
from tickets.selectors.dashboard import (
    Period,
    add_months,
    base_tickets,
    billable_hours,
    compliance_breakdown,
    compliance_overall,
    hours,
    in_period,
    quota_usage,
    reporting_transaction,
    staff_zone,
)
from tickets.selectors.history import CUSTOMER_EFFECTS

FORMAT = 1  # the shape of the stored JSON
MET, BREACHED, WITHDRAWN, OPEN = "met", "breached", "withdrawn", "open"
OVER_QUOTA, OTHER_BILLABLE = "over_quota", "other"


def month_of(instant: datetime) -> date:
    """The dashboard's month of an instant (staff time zone)."""
    return instant.astimezone(staff_zone()).date().replace(day=1)


def parse_month(value: str) -> date | None:
    """``YYYY-MM`` as the month's first day; None for anything else."""
    year, sep, month = (value or "").partition("-")
    if not sep or len(year) != 4 or len(month) != 2 or not (year + month).isdigit():
        return None
    try:
        return date(int(year), int(month), 1)
    except ValueError:
        return None


def statement_months(*, customer: Customer | int, now: datetime) -> list[date]:
    """Months with a contract in force, up to the current one, newest first."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    current = month_of(now)
    months: set[date] = set()
    for valid_from, valid_to in Contract.objects.filter(customer_id=customer_id).values_list(
        "valid_from", "valid_to"
    ):
        month = valid_from.replace(day=1)
        while month < valid_to and month <= current:  # valid_to is exclusive
            months.add(month)
            month = add_months(month, 1)
    return sorted(months, reverse=True)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def outcome(met: bool | None, breached_at, due, withdrawn: bool, now: datetime) -> str:
    """The dashboard's definitions for one ticket: met, breached (due and not met),
    withdrawn (its unmet target left the figures) or open (not due yet)."""
    if met is True:
        return MET
    if met is False or breached_at is not None or (due is not None and due < now and not withdrawn):
        return BREACHED
    return WITHDRAWN if withdrawn else OPEN


def _ratio(row) -> dict:
    return {
        "r_met": row.reaction.met,
        "r_due": row.reaction.due,
        "s_met": row.resolution.met,
        "s_due": row.resolution.due,
        "withdrawn": row.withdrawn,
    }


def _contracts(customer_id: int, month: date) -> list[dict]:
    after = add_months(month, 1)
    return list(
        Contract.objects.filter(customer_id=customer_id, valid_from__lt=after, valid_to__gt=month)
        .order_by("valid_from")
        .values("pk", "number", "package_id", "package__code", "package__name", "time_zone")
    )


def _targets(contract: dict) -> list[dict]:
    """The contract's targets by type and priority: the package's, with its own overrides."""
    fields = ("ticket_type", "priority", "reaction", "resolution")
    found = {
        (t["ticket_type"], t["priority"]): t
        for t in SlaTarget.objects.filter(package_id=contract["package_id"]).values(*fields)
    }
    for t in ContractTarget.objects.filter(contract_id=contract["pk"]).values(*fields):
        found[(t["ticket_type"], t["priority"])] = t
    return [
        {
            "type": t["ticket_type"],
            "priority": t["priority"],
            "reaction_minutes": int(t["reaction"].total_seconds() // 60),
            "resolution_minutes": int(t["resolution"].total_seconds() // 60),
        }
        for _key, t in sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
    ]


TICKET_FIELDS = (
    "pk",
    "subject",
    "ticket_type",
    "priority",
    "status",
    "opened_at",
    "reaction_due",
    "reaction_met",
    "reaction_breached_at",
    "resolution_due",
    "resolution_met",
    "resolution_breached_at",
    "resolved_at",
    "withdrawn_at",
)


def _tickets(period: Period, now: datetime) -> list[dict]:
    rows = base_tickets(period).filter(in_period(period)).order_by("opened_at", "pk")
    tickets = []
    for t in rows.values(*TICKET_FIELDS):
        withdrawn = t["status"] == TicketStatus.WITHDRAWN
        tickets.append(
            {
                "id": t["pk"],
                "subject": t["subject"],
                "type": t["ticket_type"],
                "priority": t["priority"],
                "status": t["status"],
                "opened_at": _iso(t["opened_at"]),
                "reaction_due": _iso(t["reaction_due"]),
                "resolution_due": _iso(t["resolution_due"]),
                "resolved_at": _iso(t["resolved_at"]),
                "reaction": outcome(
                    t["reaction_met"], t["reaction_breached_at"], t["reaction_due"], withdrawn, now
                ),
                "resolution": outcome(
                    t["resolution_met"],
                    t["resolution_breached_at"],
                    t["resolution_due"],
                    withdrawn,
                    now,
                ),
                "timeline": [],
            }
        )
    return tickets


def _timelines(period: Period, tickets: list[dict]) -> None:
    """Each ticket's changes that started, moved or stopped a due time (one query), with the
    effects a contact may read (``tickets.selectors.history.CUSTOMER_EFFECTS``)."""
    by_id = {t["id"]: t for t in tickets}
    ids = base_tickets(period).filter(in_period(period)).values("pk")
    changes = (
        TicketChange.objects.filter(ticket_id__in=ids)
        .exclude(effects=[])
        .order_by("ticket_id", "at", "pk")
        .values("ticket_id", "at", "action", "field", "old_value", "new_value", "effects")
    )
    for change in changes:
        effects = [
            e
            for e in change["effects"] or ()
            if isinstance(e, dict) and e.get("kind") in CUSTOMER_EFFECTS
        ]
        ticket = by_id.get(change["ticket_id"])
        if effects and ticket is not None:
            ticket["timeline"].append(
                {
                    "at": _iso(change["at"]),
                    "action": change["action"],
                    "field": change["field"],
                    "old": change["old_value"],
                    "new": change["new_value"],
                    "effects": effects,
                }
            )


def billable_causes(root_cause: str, over_quota: bool) -> list[str]:
    """Why a ticket is billable (SPEC "Billable work"): its root cause, over quota, or other
    billable work (a development request)."""
    causes = [root_cause] if root_cause and root_cause != RootCause.PRODUCT_DEFECT else []
    if over_quota:
        causes.append(OVER_QUOTA)
    return causes or [OTHER_BILLABLE]


def _billable(period: Period) -> dict:
    """The dashboard's billable hours of the customer and month, and the tickets behind them
    (the same filter: billable, resolved in the month)."""
    rows = billable_hours(period)
    total = rows[0].total if rows else None
    qs = base_tickets(period).filter(
        is_billable=True, resolved_at__gte=period.start, resolved_at__lt=period.end
    )
    tickets = [
        {
            "id": t["pk"],
            "subject": t["subject"],
            "resolved_at": _iso(t["resolved_at"]),
            "hours": str(hours(t["time_spent"]) or "0.00"),
            "causes": billable_causes(t["root_cause"], t["is_over_quota"]),
        }
        for t in qs.order_by("resolved_at", "pk").values(
            "pk", "subject", "resolved_at", "time_spent", "root_cause", "is_over_quota"
        )
    ]
    return {"total": str(total if total is not None else "0.00"), "tickets": tickets}


def compute_statement(*, customer: Customer, month: date, now: datetime) -> dict:
    """The statement of ``customer``'s ``month`` as it stands at ``now`` (JSON-ready)."""
    period = Period(first=month, last=month, now=now, customer_id=customer.pk)
    with reporting_transaction():
        contracts = _contracts(customer.pk, month)
        overall = compliance_overall(period)
        by_type = compliance_breakdown(period, "type")
        by_priority = compliance_breakdown(period, "priority")
        quota = [
            {
                "contract": q.contract,
                "limit": q.limit,
                "used": q.used,
                "remaining": q.remaining,
                "over_quota": q.over_quota,
            }
            for q in quota_usage(period)
        ]
        billable = _billable(period)
        tickets = _tickets(period, now)
        _timelines(period, tickets)
        targets = _targets(contracts[-1]) if contracts else []
    return {
        "format": FORMAT,
        "customer": {"id": customer.pk, "name": customer.name},
        "month": f"{month:%Y-%m}",
        "computed_at": now.isoformat(),
        "month_zone": str(staff_zone()),
        "time_zone": contracts[-1]["time_zone"] if contracts else str(staff_zone()),
        "contracts": [
            {"number": c["number"], "package": c["package__name"], "time_zone": c["time_zone"]}
            for c in contracts
        ],
        "overall": _ratio(overall),
        "by_type": [{"key": row.key, **_ratio(row)} for row in by_type],
        "by_priority": [{"key": row.key, **_ratio(row)} for row in by_priority],
        "targets": targets,
        "quota": quota,
        "billable": billable,
        "tickets": tickets,
    }


def is_ended(month: date, now: datetime) -> bool:
    return month < month_of(now)
