"""Read calendars and policy from the database as the pure engine's plain values.

Built calendars are cached per process, keyed by the calendar row's ``updated_at``: the
cumulative tables are costly to build and cheap to reuse, and any edit through the admin or
the holidays command touches ``updated_at``, which invalidates the entry.
"""

from __future__ import annotations

import threading

from sla.calendar import BusinessCalendar as EngineCalendar
from sla.calendar import CalendarSpec, OpenInterval
from sla.models import BusinessCalendar, ContractTarget, SlaTarget, TicketType
from sla.terms import Target, Terms

_cache: dict[int, tuple[object, EngineCalendar]] = {}
_lock = threading.Lock()


def calendar_spec(calendar: BusinessCalendar) -> CalendarSpec:
    """The calendar row and its intervals, closed and extra open dates, as a CalendarSpec."""
    return CalendarSpec(
        tz=calendar.time_zone,
        weekly=tuple(
            OpenInterval(i.weekday, i.start, i.end) for i in calendar.intervals.all()
        ),
        closed_dates=frozenset(d.date for d in calendar.closed_dates.all()),
        extra_open=tuple((d.date, d.start, d.end) for d in calendar.extra_open_dates.all()),
    )


def engine_calendar(calendar: BusinessCalendar) -> EngineCalendar:
    """The engine calendar for a row, built once per edit of the row."""
    entry = _cache.get(calendar.pk)
    if entry is not None and entry[0] == calendar.updated_at:
        return entry[1]
    with _lock:
        built = EngineCalendar.for_spec(calendar_spec(calendar))
        _cache[calendar.pk] = (calendar.updated_at, built)
        return built


def _terms_from_rows(rows) -> Terms:
    """Target rows (package or contract) as the engine's Terms; each row keeps its extension."""
    targets: dict[tuple[str, int | None], Target] = {}
    for row in rows:
        targets[(row.ticket_type, row.priority)] = Target(
            reaction=row.reaction,
            resolution=row.resolution,
            calendar=engine_calendar(row.calendar),
            extended_resolution=row.extended_resolution,
        )
    return Terms(targets=targets, extension={})


def terms_for_package(package_code: str) -> Terms:
    rows = SlaTarget.objects.filter(package__code=package_code).select_related("calendar")
    return _terms_from_rows(rows)


def terms_for_contract(contract) -> Terms:
    """The package's targets with the contract's own overrides (24×7 contracts) on top."""
    return terms_for_contracts([contract])[contract.pk]


def is_counting_type(ticket_type: str) -> bool:
    """Service requests and changes use the monthly quota; incidents never do."""
    return ticket_type in (TicketType.SERVICE_REQUEST, TicketType.CHANGE)


def terms_for_contracts(contracts) -> dict[int, Terms]:
    """``terms_for_contract`` for many contracts in two queries (list pages), by contract pk."""
    contracts = {c.pk: c for c in contracts}
    if not contracts:
        return {}
    package_ids = {c.package_id for c in contracts.values()}
    by_package: dict[int, dict] = {pid: {} for pid in package_ids}
    for row in SlaTarget.objects.filter(package_id__in=package_ids).select_related("calendar"):
        by_package[row.package_id][(row.ticket_type, row.priority)] = row
    overrides: dict[int, dict] = {}
    for row in ContractTarget.objects.filter(contract_id__in=contracts).select_related(
        "calendar"
    ):
        overrides.setdefault(row.contract_id, {})[(row.ticket_type, row.priority)] = row
    return {
        pk: _terms_from_rows(
            {**by_package[c.package_id], **overrides.get(pk, {})}.values()
        )
        for pk, c in contracts.items()
    }
