"""SLA policy as plain data: the targets the clock consumes and the seeded package terms.

The database holds the editable terms; this module is what the clock computes with, and
``DEFAULT_TARGETS`` is the SPEC's table that the data migration seeds (and tests use directly).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from types import MappingProxyType

from sla.calendar import (
    INCIDENT_HOURS,
    SERVICE_DESK_HOURS,
    TWENTY_FOUR_SEVEN,
    BusinessCalendar,
    CalendarSpec,
)

__all__ = [
    "CALENDAR_SPECS",
    "DEFAULT_EXTENSION",
    "DEFAULT_TARGETS",
    "PACKAGES",
    "PRIORITIES",
    "Target",
    "Terms",
    "TermsTimeline",
    "TicketType",
    "default_terms",
]


class TicketType(StrEnum):
    INCIDENT = "incident"
    SERVICE_REQUEST = "service_request"
    CHANGE = "change"


INCIDENT = TicketType.INCIDENT.value
TICKET_TYPES: tuple[str, ...] = tuple(t.value for t in TicketType)
PRIORITIES: tuple[int, ...] = (1, 2, 3)
PACKAGES: tuple[str, ...] = ("advanced", "pro")


@dataclass(frozen=True)
class Target:
    """Reaction and resolution targets (business time) on one calendar.

    ``extended_resolution``, when set, is this target's own extension (the database keeps one per
    target row); otherwise ``Terms.extension`` for the ticket type applies.
    """

    reaction: timedelta
    resolution: timedelta
    calendar: BusinessCalendar
    extended_resolution: timedelta | None = None


@dataclass(frozen=True)
class Terms:
    """The targets of one contract: by (type, priority), priority None for non-incidents."""

    targets: Mapping[tuple[str, int | None], Target]
    extension: Mapping[str, timedelta]

    def target(self, type: str, priority: int | None) -> Target:
        try:
            return self.targets[(type, priority)]
        except (KeyError, TypeError):
            what = f"{type} priority {priority}" if priority is not None else str(type)
            raise ValueError(f"no SLA target for {what}") from None

    def types(self) -> frozenset[str]:
        return frozenset(t for t, _ in self.targets)

    def resolution_target(self, type: str, priority: int | None, *, extended: bool) -> timedelta:
        """The resolution target in force: with an extension, the larger of both."""
        target = self.target(type, priority)
        if not extended:
            return target.resolution
        ext = target.extended_resolution
        if ext is None:
            ext = self.extension.get(type, timedelta(0))
        return max(ext, target.resolution)


@dataclass(frozen=True)
class TermsTimeline:
    """Terms that changed over time (SPEC: terms change under open tickets).

    ``versions`` are ``(from_us, terms)`` in time order, ``from_us`` the epoch-µs instant a
    version holds from (None for the first: all time before the next). Read as plain ``Terms``
    it is its latest version; the clock asks ``at_us`` and ``changes`` for the history.
    """

    versions: tuple[tuple[int | None, Terms], ...]

    def __post_init__(self) -> None:
        if not self.versions or self.versions[0][0] is not None:
            raise ValueError("a terms timeline starts with a version that holds from the start")

    @classmethod
    def of(cls, terms: Terms | TermsTimeline) -> TermsTimeline:
        return terms if isinstance(terms, TermsTimeline) else cls(((None, terms),))

    @property
    def current(self) -> Terms:
        return self.versions[-1][1]

    @property
    def targets(self) -> Mapping[tuple[str, int | None], Target]:
        return self.current.targets

    @property
    def extension(self) -> Mapping[str, timedelta]:
        return self.current.extension

    def target(self, type: str, priority: int | None) -> Target:
        return self.current.target(type, priority)

    def types(self) -> frozenset[str]:
        return self.current.types()

    def resolution_target(self, type: str, priority: int | None, *, extended: bool) -> timedelta:
        return self.current.resolution_target(type, priority, extended=extended)

    def at_us(self, instant: int) -> Terms:
        """The version in force at an instant."""
        found = self.versions[0][1]
        for start, terms in self.versions[1:]:
            if start > instant:  # type: ignore[operator]
                break
            found = terms
        return found

    def changes(self) -> tuple[tuple[int, Terms], ...]:
        """The later versions, each with the instant it took over."""
        return self.versions[1:]  # type: ignore[return-value]


_H = timedelta(hours=1)

CALENDAR_SPECS: Mapping[str, CalendarSpec] = MappingProxyType(
    {
        "incident-hours": INCIDENT_HOURS,
        "service-desk-hours": SERVICE_DESK_HOURS,
        "24x7": TWENTY_FOUR_SEVEN,
    }
)

# package -> type -> priority -> reaction / resolution / calendar key (SPEC "SLA targets");
# the calendar keys are those of the seeded calendar rows.
DEFAULT_TARGETS: Mapping[str, Mapping[str, Mapping[int | None, Mapping[str, object]]]] = {
    package: {
        "incident": {
            priority: {"reaction": reaction, "resolution": resolution, "calendar": "incident-hours"}
            for priority, reaction, resolution in rows
        },
        "service_request": {
            None: {"reaction": 5 * _H, "resolution": 40 * _H, "calendar": "service-desk-hours"}
        },
        "change": {
            None: {"reaction": 5 * _H, "resolution": 80 * _H, "calendar": "service-desk-hours"}
        },
    }
    for package, rows in (
        ("advanced", ((1, 1 * _H, 2 * _H), (2, 2 * _H, 4 * _H), (3, 4 * _H, 8 * _H))),
        ("pro", ((1, _H / 2, 2 * _H), (2, 1 * _H, 4 * _H), (3, 2 * _H, 8 * _H))),
    )
}

# type -> the resolution target a manager's extension sets (SPEC "Clock rules", Extension).
DEFAULT_EXTENSION: Mapping[str, timedelta] = MappingProxyType(
    {
        "incident": 20 * _H,
        "service_request": 100 * _H,
        "change": 100 * _H,
    }
)


@functools.cache
def default_terms(package: str) -> Terms:
    """The seeded terms of a package ("advanced" or "pro"), on shared calendar instances."""
    try:
        table = DEFAULT_TARGETS[package]
    except KeyError:
        raise ValueError(
            f"unknown package {package!r}: expected one of {', '.join(PACKAGES)}"
        ) from None
    targets = {
        (type_, priority): Target(
            reaction=row["reaction"],  # type: ignore[arg-type]
            resolution=row["resolution"],  # type: ignore[arg-type]
            calendar=BusinessCalendar.for_spec(CALENDAR_SPECS[row["calendar"]]),  # type: ignore[index]
        )
        for type_, by_priority in table.items()
        for priority, row in by_priority.items()
    }
    return Terms(targets=MappingProxyType(targets), extension=DEFAULT_EXTENSION)
