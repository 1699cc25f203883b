"""Read calendars and policy from the database as the pure engine's plain values.

Built calendars are cached per process, keyed by the calendar row's ``updated_at``: the
cumulative tables are costly to build and cheap to reuse, and any edit through the admin or
the holidays command touches ``updated_at``, which invalidates the entry.

A calendar or target that was changed keeps its earlier versions (``history``): the engine
then gets a spliced calendar and a ``TermsTimeline``, so each version holds where it held.
"""

from __future__ import annotations

import threading

from sla.calendar import BusinessCalendar as EngineCalendar
from sla.calendar import CalendarSpec, OpenInterval
from sla.models import BusinessCalendar, ContractTarget, SlaTarget, TicketType
from sla.spliced import calendar_for_versions
from sla.terms import Target, Terms, TermsTimeline
from sla.versions import seconds, spec_from_data, until_us

_cache: dict[int, tuple[object, EngineCalendar]] = {}
_lock = threading.Lock()


def calendar_spec(calendar: BusinessCalendar) -> CalendarSpec:
    """The calendar row and its intervals, closed and extra open dates, as a CalendarSpec."""
    return CalendarSpec(
        tz=calendar.time_zone,
        weekly=tuple(OpenInterval(i.weekday, i.start, i.end) for i in calendar.intervals.all()),
        closed_dates=frozenset(d.date for d in calendar.closed_dates.all()),
        extra_open=tuple((d.date, d.start, d.end) for d in calendar.extra_open_dates.all()),
    )


def engine_calendar(calendar: BusinessCalendar) -> EngineCalendar:
    """The engine calendar for a row (spliced over its earlier versions), built once per edit."""
    key = (calendar.updated_at, len(calendar.history))
    entry = _cache.get(calendar.pk)
    if entry is not None and entry[0] == key:
        return entry[1]
    with _lock:
        specs = [spec_from_data(item["spec"]) for item in calendar.history]
        specs.append(calendar_spec(calendar))
        starts = [None, *(until_us(item) for item in calendar.history)]
        built = calendar_for_versions(tuple(zip(starts, specs, strict=True)))
        _cache[calendar.pk] = (key, built)
        return built


def _target(values, calendars: dict[int, EngineCalendar]) -> Target:
    return Target(
        reaction=values["reaction"],
        resolution=values["resolution"],
        calendar=calendars[values["calendar"]],
        extended_resolution=values["extended_resolution"],
    )


def _row_versions(row) -> list[tuple[int, dict]]:
    """(until µs, values) of a target row's earlier versions, then (None, the current ones)."""
    versions = [
        (
            until_us(item),
            {
                "reaction": seconds(item["reaction"]),
                "resolution": seconds(item["resolution"]),
                "extended_resolution": seconds(item["extended_resolution"]),
                "calendar": item["calendar"],
            },
        )
        for item in row.history
    ]
    current = {
        "reaction": row.reaction,
        "resolution": row.resolution,
        "extended_resolution": row.extended_resolution,
        "calendar": row.calendar_id,
    }
    return [*versions, (None, current)]


def _terms_from_rows(rows) -> Terms | TermsTimeline:
    """Target rows (package or contract) as the engine's Terms; each row keeps its extension.

    Rows that were changed make a timeline: one Terms per span between changes.
    """
    rows = list(rows)
    calendars = {row.calendar_id: engine_calendar(row.calendar) for row in rows}
    if not any(row.history for row in rows):
        return Terms(
            targets={
                (r.ticket_type, r.priority): _target(_row_versions(r)[-1][1], calendars)
                for r in rows
            },
            extension={},
        )
    older = {item["calendar"] for row in rows for item in row.history} - calendars.keys()
    for row in BusinessCalendar.objects.filter(pk__in=older).prefetch_related(
        "intervals", "closed_dates", "extra_open_dates"
    ):
        calendars[row.pk] = engine_calendar(row)
    per_row = {(r.ticket_type, r.priority): _row_versions(r) for r in rows}
    changes = sorted({until for versions in per_row.values() for until, _ in versions[:-1]})
    timeline = []
    for start in [None, *changes]:
        targets = {}
        for key, versions in per_row.items():
            # the first version still in force at ``start`` (it ends after it)
            values = next(
                v for until, v in versions if until is None or start is None or until > start
            )
            targets[key] = _target(values, calendars)
        timeline.append((start, Terms(targets=targets, extension={})))
    return TermsTimeline(tuple(timeline))


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
    for row in ContractTarget.objects.filter(contract_id__in=contracts).select_related("calendar"):
        overrides.setdefault(row.contract_id, {})[(row.ticket_type, row.priority)] = row
    return {
        pk: _terms_from_rows({**by_package[c.package_id], **overrides.get(pk, {})}.values())
        for pk, c in contracts.items()
    }
