"""A statement's JSON as a reader sees it: words in their language, times in the contract's
zone. The page, the PDF and the CSV are all made from ``statement_view`` (one source)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sla.models import Priority, TicketType
from statements.selectors import BREACHED, MET, OPEN, OTHER_BILLABLE, OVER_QUOTA, WITHDRAWN
from tickets.models import ChangeAction, RootCause, TicketStatus
from tickets.selectors.dashboard import Ratio
from tickets.selectors.history import CUSTOMER, action_title, effect_text, value_text
from tickets.services.sla_effects import Effect


def outcome_label(code: str) -> str:
    return {
        MET: _("met"),
        BREACHED: _("breached"),
        WITHDRAWN: _("withdrawn"),
        OPEN: _("open, not due yet"),
    }.get(code, code)


def type_label(code: str | None) -> str:
    return str(TicketType(code).label) if code in TicketType.values else str(code or "")


def priority_label(value: int | None) -> str:
    if value is None:
        return _("No priority (service requests and changes)")
    return str(Priority(value).label) if value in Priority.values else str(value)


def status_label(code: str) -> str:
    return str(TicketStatus(code).label) if code in TicketStatus.values else code


def cause_label(code: str) -> str:
    if code == OVER_QUOTA:
        return _("Over the monthly quota")
    if code == OTHER_BILLABLE:
        return _("Other billable work (development request)")
    return str(RootCause(code).label) if code in RootCause.values else code


def when(value: str | None) -> str:
    """A stored instant in the active zone and language; "—" when there is none."""
    if not value:
        return "—"
    return formats.date_format(timezone.localtime(datetime.fromisoformat(value)), "DATETIME_FORMAT")


def duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return _("%(h)d h %(m)02d min") % {"h": hours, "m": rest}


def change_reason(change: dict) -> str:
    """Why the due time moved, in the SPEC's words."""
    kinds = {e.get("kind") for e in change["effects"]}
    action = change["action"]
    if Effect.WORKAROUND_APPLIED in kinds:
        return _("Workaround")
    if action == ChangeAction.RECLASSIFY or change["field"] == "ticket_type":
        return _("Reclassification")
    if action == ChangeAction.EXTEND:
        return _("Extension")
    if action == ChangeAction.SLA_RETIMED:
        return _("Calendar or terms change")
    return action_title(action)


@dataclass
class ComplianceLine:
    label: str
    key: str
    reaction: Ratio
    resolution: Ratio
    withdrawn: int


@dataclass
class TimelineLine:
    at: str
    reason: str
    change: str
    effect: str


@dataclass
class TicketLine:
    id: int
    subject: str
    type: str
    priority: str
    status: str
    opened_at: str
    reaction_due: str
    resolution_due: str
    reaction: str
    resolution: str
    reaction_code: str
    resolution_code: str
    timeline: list[TimelineLine] = field(default_factory=list)


@dataclass
class StatementView:
    customer: str
    customer_id: int
    month: date
    month_label: str
    time_zone: str
    zone_note: str
    frozen_at: str | None
    computed_at: str
    contracts: list[dict]
    overall: ComplianceLine
    by_type: list[ComplianceLine]
    by_priority: list[ComplianceLine]
    targets: list[dict]
    quota: list[dict]
    billable_total: str
    billable: list[dict]
    tickets: list[TicketLine]


def _compliance(label: str, key, row: dict) -> ComplianceLine:
    return ComplianceLine(
        label=label,
        key="none" if key is None else str(key),
        reaction=Ratio(row["r_met"], row["r_due"]),
        resolution=Ratio(row["s_met"], row["s_due"]),
        withdrawn=row["withdrawn"],
    )


def _timeline(change: dict) -> TimelineLine:
    # a filing row stores the type it was filed with without naming the field (as history)
    field = change["field"] or ("ticket_type" if change["action"] == ChangeAction.FILED else "")
    old = value_text(field, change["old"], {})
    new = value_text(field, change["new"], {})
    return TimelineLine(
        at=when(change["at"]),
        reason=change_reason(change),
        change=f"{old} → {new}" if old and new else new,
        effect=effect_text(change["effects"], audience=CUSTOMER),
    )


def _ticket(t: dict) -> TicketLine:
    return TicketLine(
        id=t["id"],
        subject=t["subject"],
        type=type_label(t["type"]),
        priority=priority_label(t["priority"]),
        status=status_label(t["status"]),
        opened_at=when(t["opened_at"]),
        reaction_due=when(t["reaction_due"]),
        resolution_due=when(t["resolution_due"]),
        reaction=outcome_label(t["reaction"]),
        resolution=outcome_label(t["resolution"]),
        reaction_code=t["reaction"],
        resolution_code=t["resolution"],
        timeline=[_timeline(c) for c in t["timeline"]],
    )


def statement_view(data: dict, frozen_at: datetime | None) -> StatementView:
    """Everything the statement shows, in the active language and the contract's zone."""
    zone = data["time_zone"]
    month = date.fromisoformat(data["month"] + "-01")
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        return StatementView(
            customer=data["customer"]["name"],
            customer_id=data["customer"]["id"],
            month=month,
            month_label=formats.date_format(month, "YEAR_MONTH_FORMAT"),
            time_zone=zone,
            zone_note=_(
                "Times are shown in %(zone)s, the contract's time zone. The month runs by "
                "%(month_zone)s and a ticket belongs to the month it was opened in, as on the "
                "support managers' SLA dashboard."
            )
            % {"zone": zone, "month_zone": data["month_zone"]},
            frozen_at=when(frozen_at.isoformat()) if frozen_at else None,
            computed_at=when(data["computed_at"]),
            contracts=data["contracts"],
            overall=_compliance(_("All tickets"), "all", data["overall"]),
            by_type=[_compliance(type_label(r["key"]), r["key"], r) for r in data["by_type"]],
            by_priority=[
                _compliance(priority_label(r["key"]), r["key"], r) for r in data["by_priority"]
            ],
            targets=[
                {
                    "type": type_label(t["type"]),
                    "priority": "—" if t["priority"] is None else priority_label(t["priority"]),
                    "reaction": duration_label(t["reaction_minutes"]),
                    "resolution": duration_label(t["resolution_minutes"]),
                }
                for t in data["targets"]
            ],
            quota=data["quota"],
            billable_total=data["billable"]["total"],
            billable=[
                {
                    **b,
                    "resolved": when(b["resolved_at"]),
                    "cause": "; ".join(cause_label(c) for c in b["causes"]),
                }
                for b in data["billable"]["tickets"]
            ],
            tickets=[_ticket(t) for t in data["tickets"]],
        )
