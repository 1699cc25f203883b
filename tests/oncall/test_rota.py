"""The pure "who is on duty at T" function: one-offs override, shifts past midnight, DST."""

import datetime as dt
import zoneinfo

from hypothesis import given
from hypothesis import strategies as st

from oncall.rota import OneOff, Shift, on_duty, shift_covers

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
UTC3 = dt.timezone(dt.timedelta(hours=3))
ENGINEERS = (1, 2, 3)
STAFF = (1, 2, 3, 9)  # 9: a manager, on the rota only when named

instants = st.datetimes(
    min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2028, 12, 31),
    timezones=st.just(dt.UTC),
)
times = st.times().map(lambda t: t.replace(second=0, microsecond=0))
shifts = st.builds(
    Shift, weekday=st.integers(0, 6), starts=times, ends=times,
    engineer=st.sampled_from(STAFF), zone=st.sampled_from(["+03:00", "Europe/Kyiv", "UTC"]),
)


@st.composite
def one_offs(draw):
    start = draw(instants)
    length = draw(st.timedeltas(min_value=dt.timedelta(minutes=1), max_value=dt.timedelta(days=3)))
    return OneOff(start, start + length, draw(st.sampled_from(STAFF)), draw(st.booleans()))


def duty(instant, shift_list=(), changes=(), active=STAFF, engineers=ENGINEERS):
    return on_duty(
        instant, shifts=shift_list, one_offs=changes, active_staff=active,
        active_engineers=[e for e in engineers if e in active],
    )


@given(instants, st.lists(shifts, max_size=6), st.lists(one_offs(), max_size=4))
def test_somebody_active_is_always_on_duty(instant, shift_list, changes):
    result = duty(instant, shift_list, changes)
    assert result
    assert result <= set(STAFF)


@given(instants, st.lists(shifts, max_size=6), one_offs())
def test_a_one_off_overrides_the_pattern(instant, shift_list, change):
    result = duty(instant, shift_list, [change])
    inside = change.starts_at <= instant < change.ends_at
    if inside and change.on_duty:
        assert change.engineer in result
    elif inside:
        # off duty, unless that left nobody and everyone active came back
        assert change.engineer not in result or result == set(ENGINEERS)
    else:
        assert result == duty(instant, shift_list)


@given(instants)
def test_without_any_rota_entry_every_active_engineer_is_on_duty(instant):
    assert duty(instant) == set(ENGINEERS)
    assert duty(instant, active=(1, 3, 9)) == {1, 3}


@given(instants, st.lists(shifts, min_size=1, max_size=6))
def test_inactive_people_are_never_on_duty(instant, shift_list):
    assert 2 not in duty(instant, shift_list, active=(1, 3, 9))


@given(instants, shifts)
def test_a_shift_covers_the_same_wall_time_a_week_later(instant, shift):
    zone = dt.timezone(dt.timedelta(hours=3)) if shift.zone == "+03:00" else dt.UTC
    if shift.zone == "Europe/Kyiv":
        zone = KYIV
    local = instant.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=7)
    later = local.replace(tzinfo=zone)
    if later.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != local:
        return  # the wall time a week on does not exist (a DST gap)
    assert shift_covers(shift, instant) == shift_covers(shift, later)


def test_a_night_shift_runs_past_midnight_into_the_next_day():
    night = Shift(weekday=4, starts=dt.time(22), ends=dt.time(6), engineer=1)  # Friday night
    friday = dt.date(2026, 11, 20)
    at = lambda day, hour, minute=0: dt.datetime.combine(day, dt.time(hour, minute), UTC3)  # noqa: E731
    saturday = friday + dt.timedelta(days=1)
    assert not shift_covers(night, at(friday, 21, 59))
    assert shift_covers(night, at(friday, 22))
    assert shift_covers(night, at(saturday, 5, 59))
    assert not shift_covers(night, at(saturday, 6))
    assert not shift_covers(night, at(saturday, 23))  # Saturday has no night shift


def test_equal_times_are_the_whole_day():
    sunday = Shift(weekday=6, starts=dt.time(0), ends=dt.time(0), engineer=2)
    day = dt.date(2026, 11, 22)
    assert shift_covers(sunday, dt.datetime.combine(day, dt.time(0), UTC3))
    assert shift_covers(sunday, dt.datetime.combine(day, dt.time(23, 59), UTC3))
    monday = day + dt.timedelta(days=1)
    assert not shift_covers(sunday, dt.datetime.combine(monday, dt.time(0), UTC3))


def test_a_kyiv_shift_keeps_its_wall_clock_hours_across_daylight_saving_time():
    shift = Shift(weekday=6, starts=dt.time(9), ends=dt.time(18), engineer=1, zone="Europe/Kyiv")
    # 2027-03-28 and 2027-10-31 are Sundays on which Kyiv changes its clocks
    for day in (dt.date(2027, 3, 21), dt.date(2027, 3, 28), dt.date(2027, 10, 31)):
        nine = dt.datetime.combine(day, dt.time(9), KYIV)
        assert shift_covers(shift, nine)
        assert not shift_covers(shift, nine - dt.timedelta(minutes=1))
        assert not shift_covers(shift, dt.datetime.combine(day, dt.time(18), KYIV))
    # the same shift at a fixed offset moves by an hour against Kyiv's summer time
    fixed = Shift(weekday=6, starts=dt.time(9), ends=dt.time(18), engineer=1, zone="+02:00")
    summer_nine = dt.datetime(2027, 3, 28, 9, tzinfo=KYIV)  # UTC+03:00 that day
    assert not shift_covers(fixed, summer_nine)


def test_an_off_duty_change_hands_the_hours_to_the_rest_of_the_shift():
    instant = dt.datetime(2026, 11, 21, 12, tzinfo=UTC3)  # a Saturday
    weekend = [Shift(5, dt.time(9), dt.time(18), 1), Shift(5, dt.time(9), dt.time(18), 2)]
    sick = OneOff(instant - dt.timedelta(hours=3), instant + dt.timedelta(hours=6), 1, False)
    cover = OneOff(instant - dt.timedelta(hours=1), instant + dt.timedelta(hours=1), 9, True)
    assert duty(instant, weekend) == {1, 2}
    assert duty(instant, weekend, [sick]) == {2}
    assert duty(instant, weekend, [sick, cover]) == {2, 9}
    # everyone on the rota away: nobody is left unheard
    away = OneOff(sick.starts_at, sick.ends_at, 2, False)
    assert duty(instant, weekend, [sick, away]) == set(ENGINEERS)


WEEK = 7 * 24 * 60


@given(instants, st.builds(
    Shift, weekday=st.integers(0, 6), starts=times, ends=times, engineer=st.just(1),
    zone=st.just("+03:00"),
))
def test_at_a_fixed_offset_a_shift_is_plain_minutes_of_the_week(instant, shift):
    """An independent model: minutes since Monday 00:00 at UTC+03:00, modulo a week."""
    local = instant.astimezone(UTC3)
    minute = local.weekday() * 1440 + local.hour * 60 + local.minute
    start = shift.weekday * 1440 + shift.starts.hour * 60 + shift.starts.minute
    ends = shift.ends.hour * 60 + shift.ends.minute
    length = ends - (shift.starts.hour * 60 + shift.starts.minute)
    length = length if length > 0 else length + 1440
    assert shift_covers(shift, instant) == ((minute - start) % WEEK < length)
