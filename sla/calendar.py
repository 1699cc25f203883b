"""Business-time arithmetic on a weekly calendar: pure, exact, O(log n) per query.

A calendar is flattened into a sorted table of open intervals in integer microseconds since the
epoch, with the business time accumulated before each interval, so ``deadline`` and
``business_time`` are two bisects whatever the target's length. The table covers whole local
years and grows on demand; instances are shared per spec (``BusinessCalendar.for_spec``).

Wall-time rules for zones with DST (each local date's intervals are local wall time):

* an ambiguous wall time (clocks go back) means its first occurrence (PEP 495 ``fold=0``);
* a nonexistent wall time (clocks go forward) means the instant the clocks jump, so an interval
  09:00-18:00 is always 9 h and one reaching into the gap keeps only its visible part.

Intervals are half-open ``[start, end)``; ``end == time(0)`` means 24:00 (midnight ending the day).
"""

from __future__ import annotations

import bisect
import functools
import re
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from itertools import pairwise
from zoneinfo import ZoneInfo

__all__ = [
    "INCIDENT_HOURS",
    "SERVICE_DESK_HOURS",
    "TWENTY_FOUR_SEVEN",
    "BusinessCalendar",
    "CalendarSpec",
    "OpenInterval",
    "parse_time",
    "to_us",
    "twenty_four_seven",
]

US = 1_000_000
DAY_US = 86_400 * US
_EPOCH_ORD = date(1970, 1, 1).toordinal()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_KEPT_YEARS = 60  # a query far from the cached years gets a table of its own, not kept
_FLOAT_EXACT = 2**33 * US  # below this, µs / 1e6 as a float rounds back to the exact µs
_OFFSET_RE = re.compile(r"^(?:UTC|GMT)?([+-])(\d{2}):?(\d{2})$")


def to_us(dt: datetime) -> int:
    """Exact microseconds since the epoch of an aware datetime (ValueError if naive)."""
    try:
        return (dt - _EPOCH) // _ONE_US
    except TypeError:
        raise ValueError(f"naive datetime {dt!r}: an offset or zone is required") from None


def td_us(value: timedelta) -> int:
    """Exact microseconds of a timedelta."""
    return (value.days * 86_400 + value.seconds) * US + value.microseconds


def parse_time(value: str | time) -> time:
    """``"HH:MM[:SS]"`` to a time; ``"24:00"`` becomes ``time(0)``, which ends a day."""
    if isinstance(value, time):
        return value
    if value.strip() in ("24:00", "24:00:00"):
        return time(0)
    return time.fromisoformat(value.strip())


def _time_us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * US + t.microsecond


def _end_us(t: time) -> int:
    """An end time in µs since local midnight; 00:00 means 24:00."""
    return _time_us(t) or DAY_US


@dataclass(frozen=True)
class OpenInterval:
    """An open interval on a weekday (0 = Monday), local wall time; end 00:00 means 24:00."""

    weekday: int
    start: time
    end: time

    @classmethod
    def of(cls, weekday: int, start: str | time, end: str | time) -> OpenInterval:
        return cls(weekday, parse_time(start), parse_time(end))


def _resolve_zone(name: str) -> tzinfo:
    key = name.strip()
    if key.upper() in ("UTC", "Z", "GMT", "+00:00", "-00:00"):
        return UTC
    match = _OFFSET_RE.match(key)
    if match:
        sign, hours, minutes = match.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        if delta >= timedelta(hours=24):
            raise ValueError(f"time zone offset out of range: {name!r}")
        return timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(key)
    except (ValueError, LookupError, OSError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name or an offset like +03:00"
        ) from exc


_zone = functools.lru_cache(maxsize=None)(_resolve_zone)


def _check_day(label: str, spans: list[tuple[time, time]]) -> None:
    """Each span must be non-empty and spans of one day must not overlap."""
    spans_us = []
    for start, end in spans:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError(f"{label}: times must be wall times without a zone")
        if _time_us(start) >= _end_us(end):
            raise ValueError(f"{label}: an interval must start before it ends ({start}-{end})")
        spans_us.append((_time_us(start), _end_us(end), start, end))
    spans_us.sort()
    for (_, prev_end, ps, pe), (start, _, s, e) in pairwise(spans_us):
        if start < prev_end:
            raise ValueError(f"{label}: intervals {ps}-{pe} and {s}-{e} overlap")


@dataclass(frozen=True)
class CalendarSpec:
    """What a calendar is, as plain data: zone, weekly hours, holidays, extra open dates.

    On an extra open date its listed hours replace the weekday's usual hours.
    """

    tz: str
    weekly: tuple[OpenInterval, ...]
    closed_dates: frozenset[date] = frozenset()
    extra_open: tuple[tuple[date, time, time], ...] = ()

    @property
    def tzinfo(self) -> tzinfo:
        """The zone (ZoneInfo or a fixed-offset timezone); ValueError if unknown."""
        return _zone(self.tz)

    def validate(self) -> None:
        """Raise ValueError naming the problem; a valid spec always has open time ahead."""
        self.tzinfo  # noqa: B018 - resolving the zone validates it
        by_day: dict[int, list[tuple[time, time]]] = {}
        for item in self.weekly:
            if item.weekday not in range(7):
                raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {item.weekday}")
            by_day.setdefault(item.weekday, []).append((item.start, item.end))
        for weekday, spans in by_day.items():
            _check_day(f"weekday {weekday}", spans)
        by_date: dict[date, list[tuple[time, time]]] = {}
        for day, start, end in self.extra_open:
            by_date.setdefault(day, []).append((start, end))
        for day, spans in by_date.items():
            _check_day(f"extra open date {day}", spans)
            if day in self.closed_dates:
                raise ValueError(f"{day} is both a closed date and an extra open date")
        if not self.weekly and not self.extra_open:
            raise ValueError("a calendar needs at least one open interval")


def twenty_four_seven(tz: str = "+03:00") -> CalendarSpec:
    """Open every hour of every day (individual 24×7 contracts)."""
    return CalendarSpec(tz, tuple(OpenInterval(d, time(0), time(0)) for d in range(7)))


def _daily(tz: str, days: range, start: str, end: str) -> CalendarSpec:
    return CalendarSpec(tz, tuple(OpenInterval.of(d, start, end) for d in days))


INCIDENT_HOURS = _daily("+03:00", range(7), "09:00", "18:00")
SERVICE_DESK_HOURS = _daily("+03:00", range(5), "09:00", "20:00")
TWENTY_FOUR_SEVEN = twenty_four_seven()


@dataclass(frozen=True)
class _Table:
    """Open intervals of local years [first_year, last_year], as epoch µs, merged and sorted."""

    first_year: int
    last_year: int
    lo: int  # first covered instant (local Jan 1 of first_year, 00:00)
    hi: int  # first instant not covered
    starts: list[int]
    ends: list[int]
    cum: list[int]  # business time before each interval
    cumend: list[int]  # business time up to each interval's end


class BusinessCalendar:
    """Deadlines and business time on one calendar; thread-safe, shared per spec."""

    def __init__(self, spec: CalendarSpec) -> None:
        spec.validate()
        self.spec = spec
        self._tz = spec.tzinfo
        off = self._tz.utcoffset(None) if isinstance(self._tz, timezone) else None
        self._fixed_off = None if off is None else td_us(off)
        self._weekly: dict[int, list[tuple[int, int]]] = {}
        for item in spec.weekly:
            self._weekly.setdefault(item.weekday, []).append(
                (_time_us(item.start), _end_us(item.end))
            )
        self._extra: dict[date, list[tuple[int, int]]] = {}
        for day, start, end in spec.extra_open:
            self._extra.setdefault(day, []).append((_time_us(start), _end_us(end)))
        for spans in (*self._weekly.values(), *self._extra.values()):
            spans.sort()
        self._last_extra_year = max((d.year for d in self._extra), default=None)
        self._lock = threading.Lock()
        self._table: _Table | None = None

    @classmethod
    @functools.lru_cache(maxsize=256)
    def for_spec(cls, spec: CalendarSpec) -> BusinessCalendar:
        """The shared instance for a spec (tables are built once per process)."""
        return cls(spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BusinessCalendar) and other.spec == self.spec

    def __hash__(self) -> int:
        return hash(self.spec)

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.spec.tz!r}, {len(self.spec.weekly)} weekly intervals)"

    @property
    def tzinfo(self) -> tzinfo:
        return self._tz

    # -- public datetime API ------------------------------------------------------------------

    def deadline(self, start: datetime, duration: timedelta) -> datetime:
        """Earliest instant t >= start with business time in [start, t) equal to duration."""
        return self.from_us(self.deadline_us(to_us(start), duration // _ONE_US))

    def business_time(self, start: datetime, end: datetime) -> timedelta:
        """Business time in [start, end); zero if end <= start."""
        secs, micro = divmod(self.business_time_us(to_us(start), to_us(end)), US)
        return timedelta(0, secs, micro)

    def is_open(self, at: datetime) -> bool:
        x = to_us(at)
        tab = self._cover(x, x)
        i = bisect.bisect_right(tab.starts, x) - 1
        return i >= 0 and x < tab.ends[i]

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself if open, else the next opening (in the calendar's zone)."""
        return self.from_us(self.next_open_us(to_us(at)))

    # -- exact integer API (µs since the epoch), used by the clock ----------------------------

    def from_us(self, x: int) -> datetime:
        """An epoch-µs instant as an aware datetime in the calendar's zone (exact)."""
        if x % US == 0:
            return datetime.fromtimestamp(x // US, self._tz)
        if -_FLOAT_EXACT < x < _FLOAT_EXACT:
            return datetime.fromtimestamp(x / US, self._tz)
        return (_EPOCH + timedelta(microseconds=x)).astimezone(self._tz)

    def deadline_us(self, start: int, duration: int) -> int:
        """``deadline`` on epoch µs: two bisects on the table (inlined: this is the hot path)."""
        if duration <= 0:
            if duration < 0:
                raise ValueError("a duration cannot be negative")
            return start
        tab = self._table
        if tab is None or not tab.lo <= start < tab.hi:
            tab = self._cover(start, start)
        while True:
            cumend = tab.cumend
            i = bisect.bisect_right(tab.starts, start) - 1
            if i < 0:
                target = duration
            elif start < tab.ends[i]:
                target = tab.cum[i] + start - tab.starts[i] + duration
            else:
                target = cumend[i] + duration
            if cumend and target <= cumend[-1]:
                j = bisect.bisect_left(cumend, target)
                return tab.starts[j] + target - tab.cum[j]
            tab = self._grow_for(tab, target - (cumend[-1] if cumend else 0))

    def business_time_us(self, start: int, end: int) -> int:
        if end <= start:
            return 0
        tab = self._table
        if tab is None or not (tab.lo <= start and end < tab.hi):
            tab = self._cover(start, end)
        starts, ends, cum, cumend = tab.starts, tab.ends, tab.cum, tab.cumend
        # Business time from the table start to end, minus the same to start (hot path: inline).
        j = bisect.bisect_right(starts, end) - 1
        if j < 0:
            return 0
        total = cum[j] + end - starts[j] if end < ends[j] else cumend[j]
        i = bisect.bisect_right(starts, start, 0, j + 1) - 1
        if i < 0:
            return total
        return total - (cum[i] + start - starts[i] if start < ends[i] else cumend[i])

    def next_open_us(self, at: int) -> int:
        tab = self._cover(at, at)
        while True:
            i = bisect.bisect_right(tab.starts, at) - 1
            if i >= 0 and at < tab.ends[i]:
                return at
            if i + 1 < len(tab.starts):
                return tab.starts[i + 1]
            tab = self._grow_for(tab, 1)

    # -- the table ----------------------------------------------------------------------------

    def _cover(self, a: int, b: int) -> _Table:
        tab = self._table
        if tab is not None and tab.lo <= a and b < tab.hi:
            return tab
        first = self._local_year(a) - 1
        last = self._local_year(b) + 1
        if tab is not None:
            wider = min(first, tab.first_year), max(last, tab.last_year)
            if wider[1] - wider[0] < _KEPT_YEARS:
                first, last = wider
        return self._build(first, last)

    def _grow_for(self, tab: _Table, missing: int) -> _Table:
        """A table reaching further ahead, by about as many years as ``missing`` needs."""
        if not self._weekly and (
            self._last_extra_year is None or tab.last_year >= self._last_extra_year
        ):
            raise ValueError("the calendar has no open time left: it has no weekly hours")
        years = tab.last_year - tab.first_year + 1
        per_year = (tab.cumend[-1] if tab.cumend else 0) // years
        extra = 1 if per_year == 0 else min(missing // per_year + 1, 100)
        if tab.last_year + extra > 9998:
            raise ValueError("deadline beyond the year 9998")
        return self._build(tab.first_year, tab.last_year + extra)

    def _local_year(self, x: int) -> int:
        if self._fixed_off is not None:
            return date.fromordinal((x + self._fixed_off) // DAY_US + _EPOCH_ORD).year
        return datetime.fromtimestamp(x // US, self._tz).year

    def _wall_to_us(self, day: date, wall: int) -> int:
        """A wall time (µs after local midnight of ``day``, may be 24:00) as epoch µs."""
        if self._fixed_off is not None:
            return (day.toordinal() - _EPOCH_ORD) * DAY_US + wall - self._fixed_off
        if wall >= DAY_US:
            day, wall = day + timedelta(days=1), wall - DAY_US
        secs, micro = divmod(wall, US)
        local = datetime.combine(day, time(secs // 3600, secs // 60 % 60, secs % 60, micro))
        first = to_us(local.replace(tzinfo=self._tz))
        second = to_us(local.replace(tzinfo=self._tz, fold=1))
        if second >= first:  # an ordinary or an ambiguous wall time: its first occurrence
            return first
        # In a gap: ``second`` is before the jump, ``first`` after; find the jump (whole seconds).
        lo_s, hi_s = second // US, -(-first // US)
        base = datetime.fromtimestamp(lo_s, self._tz).utcoffset()
        while hi_s - lo_s > 1:
            mid = (lo_s + hi_s) // 2
            if datetime.fromtimestamp(mid, self._tz).utcoffset() == base:
                lo_s = mid
            else:
                hi_s = mid
        return hi_s * US

    def _spans(self, first_year: int, last_year: int) -> list[list[int]]:
        """The open intervals of these local years as merged [start, end) epoch-µs pairs."""
        spans: list[list[int]] = []
        day, stop = date(first_year, 1, 1), date(last_year, 12, 31)
        one = timedelta(days=1)
        while day <= stop:
            hours = self._extra.get(day)
            if hours is None:
                hours = () if day in self.spec.closed_dates else self._weekly.get(day.weekday(), ())
            for start, end in hours:
                s, e = self._wall_to_us(day, start), self._wall_to_us(day, end)
                if spans and s <= spans[-1][1]:  # touching (or DST-squeezed): merge
                    spans[-1][1] = max(spans[-1][1], e)
                elif e > s:
                    spans.append([s, e])
            day += one
        return spans

    def _build(self, first_year: int, last_year: int) -> _Table:
        """The table for these years; kept for later queries unless it is a far-off one-off."""
        with self._lock:
            tab = self._table
            if tab is not None and tab.first_year <= first_year and tab.last_year >= last_year:
                return tab
            first_year, last_year = max(first_year, 1), min(last_year, 9998)
            keep = last_year - first_year < _KEPT_YEARS and (
                tab is None or (first_year <= tab.first_year and last_year >= tab.last_year)
            )
            spans = self._spans(first_year, last_year)
            starts, ends, cum, cumend, total = [], [], [], [], 0
            for s, e in spans:
                starts.append(s)
                ends.append(e)
                cum.append(total)
                total += e - s
                cumend.append(total)
            lo = self._wall_to_us(date(first_year, 1, 1), 0)
            hi = self._wall_to_us(date(last_year, 12, 31), DAY_US)
            built = _Table(first_year, last_year, lo, hi, starts, ends, cum, cumend)
            if keep:
                self._table = built
            return built
