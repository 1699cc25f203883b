"""A calendar whose definition changed over time (SPEC: calendars change under open tickets).

Each version of the definition holds from the instant it was made until the next one, so a
holiday added today changes business time from now on and never re-counts what has passed.
The spliced calendar is an ordinary ``BusinessCalendar`` to the engine: the same table of open
intervals, built from each version's own intervals clipped to the span it was in force.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date
from itertools import pairwise

from sla.calendar import DAY_US, BusinessCalendar, CalendarSpec

__all__ = ["SplicedCalendar", "calendar_for_versions"]

# (the instant in epoch µs from which a version holds, None for "always before"), the spec
Version = tuple[int | None, CalendarSpec]


class SplicedCalendar(BusinessCalendar):
    """Versions in time order; the first holds for all time before the second."""

    def __init__(self, versions: Sequence[Version]) -> None:
        if len(versions) < 2 or versions[0][0] is not None:
            raise ValueError("a spliced calendar needs an initial version and later ones")
        starts = [start for start, _ in versions[1:]]
        if any(b <= a for a, b in pairwise(starts)):
            raise ValueError("calendar versions must be in strictly increasing time order")
        super().__init__(versions[-1][1])  # the zone shown and the hours ahead are the latest
        self.versions = tuple(versions)
        self._pieces = [(start, BusinessCalendar.for_spec(spec)) for start, spec in versions]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SplicedCalendar) and other.versions == self.versions

    def __hash__(self) -> int:
        return hash(self.versions)

    def __repr__(self) -> str:
        return f"SplicedCalendar({self.spec.tz!r}, {len(self.versions)} versions)"

    def _spans(self, first_year: int, last_year: int) -> list[list[int]]:
        lo = self._wall_to_us(date(first_year, 1, 1), 0)
        hi = self._wall_to_us(date(last_year, 12, 31), DAY_US)
        ends = [start for start, _ in self._pieces[1:]] + [None]
        spans: list[list[int]] = []
        for (start, piece), end in zip(self._pieces, ends, strict=True):
            a = lo if start is None else max(lo, start)
            b = hi if end is None else min(hi, end)
            if a >= b:
                continue
            for s, e in piece._spans(piece._local_year(a), piece._local_year(b - 1)):
                s, e = max(s, a), min(e, b)
                if e <= s:
                    continue
                if spans and s <= spans[-1][1]:
                    spans[-1][1] = max(spans[-1][1], e)
                else:
                    spans.append([s, e])
        return spans


@functools.lru_cache(maxsize=256)
def calendar_for_versions(versions: tuple[Version, ...]) -> BusinessCalendar:
    """The shared engine calendar for these versions (a plain one when there is only one)."""
    if len(versions) == 1:
        return BusinessCalendar.for_spec(versions[0][1])
    return SplicedCalendar(versions)
