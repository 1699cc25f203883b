"""Who is on duty at an instant, from plain values (no database: property-tested).

The rules, in order:

1. the weekly pattern puts on duty every engineer whose shift covers the instant's wall-clock
   time in the shift's zone (a shift may run past midnight into the next day);
2. one-off changes override it: "on" adds the engineer, "off" removes them;
3. only active staff count;
4. when that leaves nobody — no rota entry for the instant, or everyone on it away — every
   active engineer is on duty (the SPEC: nobody is left unheard).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from sla.calendar import CalendarSpec


@dataclass(frozen=True, slots=True)
class Shift:
    weekday: int  # 0 Monday … 6 Sunday, the day the shift starts
    starts: time
    ends: time  # not after ``starts``: the next day (equal: 24 hours)
    engineer: int
    zone: str = "+03:00"


@dataclass(frozen=True, slots=True)
class OneOff:
    starts_at: datetime  # aware; half-open [starts_at, ends_at)
    ends_at: datetime
    engineer: int
    on_duty: bool


@functools.lru_cache(maxsize=64)
def zone_of(name: str) -> tzinfo:
    """An IANA zone or a fixed offset such as +03:00 (as the SLA calendars take them)."""
    return CalendarSpec(tz=name, weekly=()).tzinfo


def shift_span(day, starts: time, ends: time) -> tuple[datetime, datetime]:
    """The naive wall-clock span of a shift starting on ``day``."""
    start = datetime.combine(day, starts)
    end = datetime.combine(day, ends)
    if end <= start:
        end += timedelta(days=1)
    return start, end


def shift_covers(shift: Shift, instant: datetime) -> bool:
    """Does the shift cover the instant's wall-clock time in the shift's zone?"""
    local = instant.astimezone(zone_of(shift.zone)).replace(tzinfo=None)
    for back in (0, 1):  # a shift started yesterday may still run
        day = local.date() - timedelta(days=back)
        if day.weekday() != shift.weekday:
            continue
        start, end = shift_span(day, shift.starts, shift.ends)
        if start <= local < end:
            return True
    return False


def on_duty(
    instant: datetime,
    *,
    shifts: Iterable[Shift],
    one_offs: Iterable[OneOff],
    active_staff: Iterable[int],
    active_engineers: Iterable[int],
) -> frozenset[int]:
    """The ids of the people on duty at ``instant`` (see the module's rules)."""
    if instant.tzinfo is None:
        raise ValueError("on_duty needs an aware instant")
    active = frozenset(active_staff)
    present = {s.engineer for s in shifts if shift_covers(s, instant)}
    covering = [o for o in one_offs if o.starts_at <= instant < o.ends_at]
    present |= {o.engineer for o in covering if o.on_duty}
    present -= {o.engineer for o in covering if not o.on_duty}
    present &= active
    return frozenset(present) if present else frozenset(active_engineers)
