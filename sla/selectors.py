"""Read calendars and policy from the database as the pure engine's plain values.

Built calendars are cached per process, keyed by the calendar row's ``updated_at``: the
cumulative tables are costly to build and cheap to reuse, and any edit through the admin or
the holidays command touches ``updated_at``, which invalidates the entry.
"""

from __future__ import annotations

import threading
from datetime import timedelta

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
    targets: dict[tuple[str, int | None], Target] = {}
    extension: dict[str, timedelta] = {}
    for row in rows:
        calendar = engine_calendar(row.calendar)
        targets[(row.ticket_type, row.priority)] = Target(
            reaction=row.reaction, resolution=row.resolution, calendar=calendar
        )
        extension[row.ticket_type] = max(
            extension.get(row.ticket_type, timedelta(0)), row.extended_resolution
        )
    return Terms(targets=targets, extension=extension)


def terms_for_package(package_code: str) -> Terms:
    rows = SlaTarget.objects.filter(package__code=package_code).select_related("calendar")
    return _terms_from_rows(rows)


def terms_for_contract(contract) -> Terms:
    """The package's targets with the contract's own overrides (24×7 contracts) on top."""
    rows = {
        (row.ticket_type, row.priority): row
        for row in SlaTarget.objects.filter(package_id=contract.package_id).select_related(
            "calendar"
        )
    }
    for row in ContractTarget.objects.filter(contract_id=contract.pk).select_related("calendar"):
        rows[(row.ticket_type, row.priority)] = row
    return _terms_from_rows(rows.values())


def is_counting_type(ticket_type: str) -> bool:
    """Service requests and changes use the monthly quota; incidents never do."""
    return ticket_type in (TicketType.SERVICE_REQUEST, TicketType.CHANGE)
