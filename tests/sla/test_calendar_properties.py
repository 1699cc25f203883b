"""Properties of business time on every seeded calendar and a Kyiv one with DST and holidays."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sla.calendar import (
    INCIDENT_HOURS,
    SERVICE_DESK_HOURS,
    TWENTY_FOUR_SEVEN,
    BusinessCalendar,
    CalendarSpec,
    OpenInterval,
)
from sla.clock import Event, evaluate
from sla.terms import DEFAULT_EXTENSION, Target, Terms, default_terms

UTC = UTC
KYIV = ZoneInfo("Europe/Kyiv")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)
MINUTE = timedelta(minutes=1)

KYIV_SPLIT = CalendarSpec(
    "Europe/Kyiv",
    tuple(
        OpenInterval.of(d, a, b)
        for d in range(5)
        for a, b in (("09:00", "13:00"), ("14:00", "18:00"))
    ),
    closed_dates=frozenset(
        {
            date(2026, 1, 1),
            date(2026, 1, 7),
            date(2026, 3, 30),
            date(2026, 10, 26),
            date(2027, 1, 1),
            date(2027, 5, 3),
        }
    ),
    extra_open=((date(2026, 3, 28), time(10), time(14)), (date(2026, 10, 24), time(10), time(14))),
)
SPECS = {
    "incident": INCIDENT_HOURS,
    "service_desk": SERVICE_DESK_HOURS,
    "24x7": TWENTY_FOUR_SEVEN,
    "kyiv": KYIV_SPLIT,
}
calendars = pytest.mark.parametrize("spec", list(SPECS.values()), ids=list(SPECS))

LO, HI = datetime(2025, 10, 1, tzinfo=UTC), datetime(2027, 12, 31, tzinfo=UTC)
zones = st.sampled_from([UTC, timezone(timedelta(hours=3)), KYIV])
instants = st.builds(
    lambda us, tz: (EPOCH + us * US).astimezone(tz),
    st.integers((LO - EPOCH) // US, (HI - EPOCH) // US),
    zones,
)
minute_instants = st.integers((LO - EPOCH) // MINUTE, (HI - EPOCH) // MINUTE).map(
    lambda m: EPOCH + m * MINUTE
)
durations = st.one_of(
    st.integers(0, 200 * 60).map(lambda m: m * MINUTE),
    st.integers(0, 200 * 3600 * 10**6).map(lambda u: u * US),
)


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)  # compare in UTC: PEP 495 makes folded times unequal across zones


def ref_open(spec: CalendarSpec, instant: datetime) -> bool:
    """Straight from the spec, independent of the interval table."""
    local = instant.astimezone(spec.tzinfo)
    day, clock = local.date(), local.time().replace(fold=0)
    extra = [(s, e) for d, s, e in spec.extra_open if d == day]
    if extra:
        spans = extra
    elif day in spec.closed_dates:
        spans = []
    else:
        spans = [(i.start, i.end) for i in spec.weekly if i.weekday == day.weekday()]
    return any(s <= clock and (e == time(0) or clock < e) for s, e in spans)


def ref_deadline(spec: CalendarSpec, start: datetime, minutes: int) -> datetime:
    """Minute walking (slow, obviously right) for minute-aligned starts and targets."""
    t, left = start, minutes
    while left:
        if ref_open(spec, t):
            left -= 1
        t += MINUTE
    return t


@calendars
@settings(max_examples=150, deadline=None)
@given(start=instants, a=durations, b=durations)
def test_deadline_composes(spec, start, a, b):
    cal = BusinessCalendar.for_spec(spec)
    assert utc(cal.deadline(start, a + b)) == utc(cal.deadline(cal.deadline(start, a), b))


@calendars
@settings(max_examples=150, deadline=None)
@given(start=instants, target=durations)
def test_business_time_to_deadline_is_the_target(spec, start, target):
    cal = BusinessCalendar.for_spec(spec)
    due = cal.deadline(start, target)
    assert utc(due) >= utc(start)
    assert cal.business_time(start, due) == target
    if target:  # the instant before the deadline is open: inside an interval or at its end
        assert cal.is_open(due - US)
        assert ref_open(spec, due - US)


@calendars
@settings(max_examples=150, deadline=None)
@given(s1=instants, s2=instants, t1=durations, t2=durations)
def test_deadline_is_monotonic(spec, s1, s2, t1, t2):
    cal = BusinessCalendar.for_spec(spec)
    (s1, s2), (t1, t2) = sorted([s1, s2]), sorted([t1, t2])
    assert utc(cal.deadline(s1, t1)) <= utc(cal.deadline(s2, t1))
    assert utc(cal.deadline(s1, t1)) <= utc(cal.deadline(s1, t2))


@calendars
@settings(max_examples=150, deadline=None)
@given(points=st.lists(instants, min_size=3, max_size=3))
def test_business_time_is_additive(spec, points):
    cal = BusinessCalendar.for_spec(spec)
    a, b, c = sorted(points)
    assert cal.business_time(a, c) == cal.business_time(a, b) + cal.business_time(b, c)
    assert cal.business_time(c, a) == timedelta(0)


@calendars
@settings(max_examples=60, deadline=None)
@given(start=minute_instants, minutes=st.integers(0, 30 * 60))
def test_deadline_matches_minute_walking(spec, start, minutes):
    cal = BusinessCalendar.for_spec(spec)
    assert utc(cal.deadline(start, minutes * MINUTE)) == ref_deadline(spec, start, minutes)


@calendars
@settings(max_examples=200, deadline=None)
@given(at=instants)
def test_is_open_matches_the_spec(spec, at):
    assert BusinessCalendar.for_spec(spec).is_open(at) == ref_open(spec, at)


@settings(max_examples=300, deadline=None)
@given(
    us=st.integers(
        (datetime(1900, 1, 2, tzinfo=UTC) - EPOCH) // US,
        (datetime(9000, 1, 1, tzinfo=UTC) - EPOCH) // US,
    ),
    tz=zones,
)
def test_from_us_is_exact(us, tz):
    cal = BusinessCalendar.for_spec(
        CalendarSpec(str(tz) if tz is not UTC else "UTC", (OpenInterval.of(0, "09:00", "10:00"),))
    )
    assert utc(cal.from_us(us)) == EPOCH + us * US


# -- clock level: a pause lying entirely in closed time changes nothing ------------------------


def terms_on(spec: CalendarSpec) -> tuple[Terms, str]:
    """Terms whose targets for one type run on ``spec``; that type."""
    if spec == INCIDENT_HOURS:
        return default_terms("advanced"), "incident"
    if spec == SERVICE_DESK_HOURS:
        return default_terms("pro"), "change"
    cal = BusinessCalendar.for_spec(spec)
    base = default_terms("advanced").targets
    targets = {key: Target(t.reaction, t.resolution, cal) for key, t in base.items()}
    return Terms(targets=targets, extension=DEFAULT_EXTENSION), "incident"


@pytest.mark.parametrize(
    "spec",
    [INCIDENT_HOURS, SERVICE_DESK_HOURS, KYIV_SPLIT],
    ids=["incident", "service_desk", "kyiv"],
)
@settings(max_examples=150, deadline=None)
@given(
    opened=instants,
    pause_after=st.integers(0, 30 * 3600).map(lambda s: s * timedelta(seconds=1)),
    resume_share=st.floats(0, 1),
    resolve_after=st.one_of(
        st.none(), st.integers(0, 20 * 3600).map(lambda s: s * timedelta(seconds=1))
    ),
    resolve_while_paused=st.booleans(),
    priority=st.sampled_from([1, 2, 3]),
)
def test_pause_while_closed_changes_nothing(
    spec, opened, pause_after, resume_share, resolve_after, resolve_while_paused, priority
):
    terms, type_ = terms_on(spec)
    cal = BusinessCalendar.for_spec(spec)
    # Arithmetic on an aware datetime is wall-clock arithmetic in its zone (off by an hour
    # across a DST change): add durations to instants in UTC.
    opened = utc(opened)
    pause = opened + pause_after
    assume(not cal.is_open(pause))
    resume = pause + (cal.next_open(pause) - pause) * resume_share
    priority = priority if type_ == "incident" else None
    if resolve_while_paused:
        paused = [Event(pause, "pause"), Event(resume, "resolve")]
        plain = [Event(resume, "resolve")]
    else:
        tail = [] if resolve_after is None else [Event(resume + resolve_after, "resolve")]
        paused = [Event(pause, "pause"), Event(resume, "resume"), *tail]
        plain = tail
    now = max(e.at for e in paused) + timedelta(hours=1)
    a = evaluate(terms, type=type_, priority=priority, opened_at=opened, events=paused, as_of=now)
    b = evaluate(terms, type=type_, priority=priority, opened_at=opened, events=plain, as_of=now)
    for field in (
        "resolution_due",
        "resolution_breached_at",
        "reaction_due",
        "reaction_breached_at",
        "resolution_at_risk_at",
    ):
        x, y = getattr(a, field), getattr(b, field)
        assert (x is None and y is None) or utc(x) == utc(y), field
    assert (a.resolution_met, a.resolution_elapsed, a.resolved) == (
        b.resolution_met,
        b.resolution_elapsed,
        b.resolved,
    )
