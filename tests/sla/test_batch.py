"""The batch form of ``deadline`` is the scalar one element-wise, on any calendar."""

from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla.batch import business_times_us, deadlines, deadlines_us, opened_states
from sla.calendar import (
    INCIDENT_HOURS,
    SERVICE_DESK_HOURS,
    TWENTY_FOUR_SEVEN,
    BusinessCalendar,
    CalendarSpec,
    OpenInterval,
    to_us,
)
from sla.clock import evaluate
from sla.spliced import SplicedCalendar
from sla.terms import Target, Terms

HOUR_US = 3600 * 10**6
HOUR = timedelta(hours=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LO, HI = datetime(2025, 12, 1, tzinfo=UTC), datetime(2028, 1, 31, tzinfo=UTC)
ZONES = ("UTC", "+03:00", "-05:30", "Europe/Kyiv", "America/New_York")
DAYS = st.dates(date(2026, 1, 1), date(2027, 12, 31))


@st.composite
def day_hours(draw) -> list[tuple[time, time]]:
    """Up to two non-overlapping spans of one day, on the half hour; 24:00 as time(0)."""
    cuts = sorted(draw(st.sets(st.integers(0, 48), min_size=0, max_size=4)))
    if len(cuts) % 2:
        cuts = cuts[:-1]
    spans = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=True):
        end = time(0) if b == 48 else time(b // 2, 30 * (b % 2))
        spans.append((time(a // 2, 30 * (a % 2)), end))
    return spans


@st.composite
def specs(draw) -> CalendarSpec:
    weekly = tuple(
        OpenInterval(weekday, start, end)
        for weekday in range(7)
        for start, end in draw(day_hours())
    )
    closed = draw(st.frozensets(DAYS, max_size=30))
    extra_days = draw(st.sets(DAYS, max_size=5)) - closed
    extra = tuple(
        (day, start, end) for day in sorted(extra_days) for start, end in draw(day_hours())
    )
    if not weekly:  # a calendar always has open time ahead
        weekly = (OpenInterval.of(draw(st.integers(0, 6)), "10:00", "12:00"),)
    return CalendarSpec(draw(st.sampled_from(ZONES)), weekly, closed, extra)


@pytest.fixture(autouse=True, scope="module")
def _unshared_calendars():
    """Random calendars are built afresh, never through the shared per-spec cache: hundreds of
    them would evict the seeded calendars' shared instances that other tests rely on."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BusinessCalendar, "for_spec", classmethod(lambda cls, spec: cls(spec)))
        yield


@st.composite
def calendars(draw) -> BusinessCalendar:
    """A plain calendar, or one that changed once or twice (a holiday added, new hours)."""
    versions = [(None, draw(specs()))]
    for at in sorted(draw(st.sets(st.integers(to_us(LO), to_us(HI)), max_size=2))):
        versions.append((at, draw(specs())))
    if len(versions) == 1:
        return BusinessCalendar(versions[0][1])
    return SplicedCalendar(versions)


starts = st.one_of(
    st.integers(to_us(LO), to_us(HI)),  # any microsecond
    st.integers(to_us(LO) // HOUR_US, to_us(HI) // HOUR_US).map(lambda h: h * HOUR_US),
)
targets = st.one_of(
    st.just(0),
    st.integers(1, 300 * HOUR_US),
    st.integers(0, 300).map(lambda h: h * HOUR_US),
)


@settings(max_examples=300, deadline=None)
@given(calendar=calendars(), pairs=st.lists(st.tuples(starts, targets), min_size=1, max_size=40))
def test_batch_deadlines_are_the_scalar_ones(calendar, pairs):
    start = np.array([s for s, _ in pairs], dtype=np.int64)
    target = np.array([t for _, t in pairs], dtype=np.int64)
    expected = [calendar.deadline_us(s, t) for s, t in pairs]
    assert deadlines_us(calendar, start, target).tolist() == expected


@settings(max_examples=100, deadline=None)
@given(calendar=calendars(), pairs=st.lists(st.tuples(starts, targets), min_size=1, max_size=20))
def test_datetime64_in_and_out_are_the_datetime_api(calendar, pairs):
    start = np.array([s for s, _ in pairs], dtype="datetime64[us]")
    target = np.array([t for _, t in pairs], dtype="timedelta64[us]")
    due = deadlines(calendar, start, target)
    assert due.dtype == np.dtype("datetime64[us]")
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    expected = [
        calendar.deadline(epoch + timedelta(microseconds=s), timedelta(microseconds=t))
        for s, t in pairs
    ]
    assert [to_us(d) for d in expected] == due.astype(np.int64).tolist()


@pytest.mark.parametrize("spec", [INCIDENT_HOURS, SERVICE_DESK_HOURS, TWENTY_FOUR_SEVEN])
def test_a_batch_reaching_years_ahead_grows_the_table_like_the_scalar_form(spec):
    calendar = BusinessCalendar(spec)
    start = np.full(3, to_us(datetime(2026, 6, 1, 8, tzinfo=UTC)))
    target = np.array([0, 9 * HOUR_US, 20_000 * HOUR_US])  # the last one ~6 years ahead
    expected = [calendar.deadline_us(int(s), int(t)) for s, t in zip(start, target, strict=True)]
    assert deadlines_us(BusinessCalendar(spec), start, target).tolist() == expected
    assert expected[0] == start[0]


def test_shapes_broadcast_and_zero_targets_are_their_start():
    calendar = BusinessCalendar(INCIDENT_HOURS)
    start = np.arange(6, dtype=np.int64).reshape(2, 3) * HOUR_US + to_us(LO)
    due = deadlines_us(calendar, start, 0)
    assert due.shape == (2, 3)
    assert (due == start).all()
    assert deadlines_us(calendar, np.array([], dtype=np.int64), []).size == 0


def test_a_negative_target_is_refused_as_by_the_scalar_form():
    calendar = BusinessCalendar(INCIDENT_HOURS)
    with pytest.raises(ValueError, match="negative"):
        deadlines_us(calendar, [to_us(LO)], [-1])


def test_no_open_time_left_is_refused_as_by_the_scalar_form():
    only_once = CalendarSpec("UTC", (), extra_open=((date(2026, 3, 2), time(9), time(10)),))
    calendar = BusinessCalendar(only_once)
    start = to_us(datetime(2026, 3, 1, tzinfo=UTC))
    assert deadlines_us(calendar, [start], [HOUR_US]).tolist() == [
        calendar.deadline_us(start, HOUR_US)
    ]
    with pytest.raises(ValueError, match="no open time left"):
        calendar.deadline_us(start, 2 * HOUR_US)
    with pytest.raises(ValueError, match="no open time left"):
        deadlines_us(calendar, [start], [2 * HOUR_US])


@settings(max_examples=200, deadline=None)
@given(calendar=calendars(), pairs=st.lists(st.tuples(starts, starts), min_size=1, max_size=40))
def test_batch_business_times_are_the_scalar_ones(calendar, pairs):
    start = np.array([a for a, _ in pairs], dtype=np.int64)
    end = np.array([b for _, b in pairs], dtype=np.int64)
    expected = [calendar.business_time_us(a, b) for a, b in pairs]
    assert business_times_us(calendar, start, end).tolist() == expected


def _at(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


@settings(max_examples=200, deadline=None)
@given(
    calendar=calendars(),
    reaction=targets,
    resolution=targets,
    opened=st.lists(starts, min_size=1, max_size=20),
    as_of=starts,
)
def test_states_of_tickets_only_opened_are_the_clocks(
    calendar, reaction, resolution, opened, as_of
):
    target = Target(timedelta(microseconds=reaction), timedelta(microseconds=resolution), calendar)
    terms = Terms(targets={("incident", 2): target}, extension={})
    states = opened_states(terms, "incident", 2, opened, as_of)
    for at, state in zip(opened, states, strict=True):
        expected = evaluate(terms, type="incident", priority=2, opened_at=_at(at), as_of=_at(as_of))
        assert state == expected
        # the same instants in the same zone (a history row keeps the due as ISO text)
        assert state.reaction_due.isoformat() == expected.reaction_due.isoformat()
        assert state.resolution_due.isoformat() == expected.resolution_due.isoformat()


def test_states_of_a_type_without_a_target_are_refused_as_by_the_clock():
    calendar = BusinessCalendar(INCIDENT_HOURS)
    terms = Terms(targets={("incident", 2): Target(HOUR, HOUR, calendar)}, extension={})
    with pytest.raises(ValueError, match="no SLA target"):
        opened_states(terms, "incident", 3, [to_us(LO)], to_us(LO))
    with pytest.raises(ValueError, match="no SLA target"):
        evaluate(terms, type="incident", priority=3, opened_at=LO)
