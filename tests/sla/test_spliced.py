"""A calendar that changed: each version holds from its instant on, the past counts as counted."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla.calendar import (
    INCIDENT_HOURS,
    SERVICE_DESK_HOURS,
    TWENTY_FOUR_SEVEN,
    BusinessCalendar,
    CalendarSpec,
    to_us,
)
from sla.spliced import SplicedCalendar, calendar_for_versions
from sla.versions import spec_from_data, spec_to_data

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)
LO, HI = datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 6, 30, tzinfo=UTC)
KYIV_HOLIDAYS = CalendarSpec(
    "Europe/Kyiv",
    SERVICE_DESK_HOURS.weekly,
    closed_dates=frozenset({date(2026, 12, 25), date(2027, 1, 1), date(2027, 3, 8)}),
)
VERSION_PAIRS = [
    (INCIDENT_HOURS, SERVICE_DESK_HOURS),
    (SERVICE_DESK_HOURS, KYIV_HOLIDAYS),
    (TWENTY_FOUR_SEVEN, INCIDENT_HOURS),
]

instants = st.integers(to_us(LO), to_us(HI))
durations = st.integers(0, 200 * 3600 * 10**6)


def spliced(old: CalendarSpec, new: CalendarSpec, at: int) -> BusinessCalendar:
    return calendar_for_versions(((None, old), (at, new)))


@pytest.mark.parametrize(("old", "new"), VERSION_PAIRS)
@given(a=instants, b=instants, change=instants)
def test_business_time_before_the_change_is_the_old_one_and_after_it_the_new(
    old, new, a, b, change
):
    a, b = min(a, b), max(a, b)
    calendar = spliced(old, new, change)
    before = BusinessCalendar.for_spec(old).business_time_us(a, min(b, change))
    after = BusinessCalendar.for_spec(new).business_time_us(max(a, change), b)
    assert calendar.business_time_us(a, b) == before + after


@pytest.mark.parametrize(("old", "new"), VERSION_PAIRS)
@given(start=instants, amount=durations, change=instants)
def test_deadline_is_the_earliest_instant_reaching_the_amount(old, new, start, amount, change):
    calendar = spliced(old, new, change)
    due = calendar.deadline_us(start, amount)
    assert due >= start
    assert calendar.business_time_us(start, due) == amount
    if amount:
        assert calendar.business_time_us(start, due - 1) == amount - 1


def test_a_holiday_added_today_counts_from_the_change_only():
    # Wednesday 2026-12-23 in Kyiv (UTC+2): the service desk opens 09:00-20:00
    old = CalendarSpec("Europe/Kyiv", SERVICE_DESK_HOURS.weekly)
    new = CalendarSpec(old.tz, old.weekly, closed_dates=frozenset({date(2026, 12, 23)}))
    change = to_us(datetime(2026, 12, 23, 10, 0, tzinfo=UTC))  # 12:00 local
    calendar = spliced(old, new, change)
    morning = to_us(datetime(2026, 12, 23, 7, 0, tzinfo=UTC))  # 09:00 local
    # three hours were open before the change; the rest of the day is closed from then on
    assert calendar.business_time_us(morning, to_us(datetime(2026, 12, 24, 7, tzinfo=UTC))) == (
        3 * 3600 * 10**6
    )
    # four business hours from 09:00 end at 10:00 the next morning, not 13:00 the same day
    due = calendar.from_us(calendar.deadline_us(morning, 4 * 3600 * 10**6))
    assert due == datetime(2026, 12, 24, 8, 0, tzinfo=UTC)


def test_one_version_is_the_plain_shared_calendar():
    assert calendar_for_versions(((None, INCIDENT_HOURS),)) is BusinessCalendar.for_spec(
        INCIDENT_HOURS
    )


def test_versions_must_be_in_time_order():
    with pytest.raises(ValueError, match="increasing"):
        SplicedCalendar(((None, INCIDENT_HOURS), (10, SERVICE_DESK_HOURS), (5, INCIDENT_HOURS)))


@pytest.mark.parametrize("spec", [INCIDENT_HOURS, KYIV_HOLIDAYS, TWENTY_FOUR_SEVEN])
def test_a_spec_survives_its_json_round_trip(spec):
    assert spec_from_data(spec_to_data(spec)) == spec
