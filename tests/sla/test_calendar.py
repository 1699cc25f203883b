"""Business calendar: worked cases, holidays, DST, several intervals a day, validation."""

import time as wall
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from sla.calendar import (
    INCIDENT_HOURS,
    SERVICE_DESK_HOURS,
    TWENTY_FOUR_SEVEN,
    BusinessCalendar,
    CalendarSpec,
    OpenInterval,
    parse_time,
    twenty_four_seven,
)

MSK = timezone(timedelta(hours=3))
KYIV = ZoneInfo("Europe/Kyiv")
UTC = UTC
H = timedelta(hours=1)


def at(y, mo, d, h=0, mi=0, s=0, us=0, tz=MSK):
    return datetime(y, mo, d, h, mi, s, us, tzinfo=tz)


def cal(spec):
    return BusinessCalendar.for_spec(spec)


def weekly(tz, days, *spans, **kwargs):
    return CalendarSpec(
        tz, tuple(OpenInterval.of(d, a, b) for d in days for a, b in spans), **kwargs
    )


incident = cal(INCIDENT_HOURS)
service_desk = cal(SERVICE_DESK_HOURS)


class TestDeadline:
    def test_inside_hours(self):
        assert incident.deadline(at(2026, 11, 25, 10), 2 * H) == at(2026, 11, 25, 12)

    def test_landing_on_closing_time_is_closing_time(self):
        assert incident.deadline(at(2026, 11, 27, 17, 30), H / 2) == at(2026, 11, 27, 18)

    def test_crossing_close_continues_next_opening(self):
        assert incident.deadline(at(2026, 11, 27, 17, 30), H) == at(2026, 11, 28, 9, 30)

    @pytest.mark.parametrize("opened", [at(2026, 11, 28, 2, 15), at(2026, 11, 27, 18)])
    def test_outside_hours_counts_from_next_opening(self, opened):
        assert incident.deadline(opened, 2 * H) == at(2026, 11, 28, 11)

    def test_zero_target_is_start_itself_even_when_closed(self):
        assert incident.deadline(at(2026, 11, 28, 2, 15), timedelta(0)) == at(2026, 11, 28, 2, 15)

    def test_weekend_skipped_on_service_desk(self):
        assert service_desk.deadline(at(2026, 11, 27, 20), 5 * H) == at(2026, 11, 30, 14)

    def test_utc_input_answers_in_calendar_zone(self):
        due = incident.deadline(at(2026, 11, 25, 14, 59, tz=UTC), 2 * H)
        assert due == at(2026, 11, 26, 10, 59)
        assert due.utcoffset() == timedelta(hours=3)

    def test_microseconds_preserved(self):
        start = at(2026, 11, 25, 10, 0, 0, 123456)
        assert incident.deadline(start, H + timedelta(microseconds=1)) == at(
            2026, 11, 25, 11, 0, 0, 123457
        )
        assert incident.deadline(
            at(2026, 11, 25, 17, 59, 59, 999999), timedelta(microseconds=2)
        ) == at(2026, 11, 26, 9, 0, 0, 1)

    def test_long_target_crosses_years_exactly(self):
        # 5,000 h = 555 full days of 9 h + 5 h.
        start = at(2026, 1, 1, 9)
        assert incident.deadline(start, 5000 * H) == at(2026, 1, 1, 14) + timedelta(days=555)

    def test_far_past_and_far_future_extend_the_table(self):
        assert incident.deadline(at(1999, 12, 31, 17), 2 * H) == at(2000, 1, 1, 10)
        assert incident.deadline(at(2090, 12, 31, 17), 2 * H) == at(2091, 1, 1, 10)
        assert incident.deadline(at(1700, 12, 31, 17), 2 * H) == at(1701, 1, 1, 10)  # a one-off
        assert incident.deadline(at(2026, 11, 25, 10), 2 * H) == at(2026, 11, 25, 12)

    def test_naive_and_negative_rejected(self):
        with pytest.raises(ValueError, match="naive"):
            incident.deadline(datetime(2026, 11, 25, 10), H)
        with pytest.raises(ValueError, match="negative"):
            incident.deadline(at(2026, 11, 25, 10), -H)

    def test_cost_does_not_grow_with_the_target(self):
        start = at(2026, 1, 5, 10)
        incident.deadline(start, 20_000 * H)  # build the table once
        began = wall.perf_counter()
        for _ in range(5_000):
            incident.deadline(start, 20_000 * H)
        assert wall.perf_counter() - began < 1.0  # a walking implementation takes minutes


class TestBusinessTime:
    def test_within_and_across_days(self):
        assert incident.business_time(at(2026, 11, 25, 10), at(2026, 11, 25, 12)) == 2 * H
        assert incident.business_time(at(2026, 11, 25, 17), at(2026, 11, 26, 10)) == 2 * H

    def test_reversed_or_empty_is_zero(self):
        assert incident.business_time(at(2026, 11, 25, 12), at(2026, 11, 25, 10)) == timedelta(0)
        assert incident.business_time(at(2026, 11, 25, 19), at(2026, 11, 26, 8)) == timedelta(0)

    def test_is_open_half_open_and_next_open(self):
        assert incident.is_open(at(2026, 11, 25, 9))
        assert not incident.is_open(at(2026, 11, 25, 18))
        assert incident.next_open(at(2026, 11, 25, 18)) == at(2026, 11, 26, 9)
        assert incident.next_open(at(2026, 11, 25, 12)) == at(2026, 11, 25, 12)


class TestHolidaysAndExtraDates:
    spec = weekly(
        "+03:00",
        range(5),
        ("09:00", "20:00"),
        closed_dates=frozenset({date(2026, 11, 26)}),
        extra_open=(
            (date(2026, 11, 28), time(10), time(14)),
            (date(2026, 11, 30), time(12), time(13)),
        ),
    )

    def test_holiday_is_closed_all_day(self):
        c = cal(self.spec)
        assert not c.is_open(at(2026, 11, 26, 12))
        assert c.deadline(at(2026, 11, 25, 19), 2 * H) == at(2026, 11, 27, 10)

    def test_extra_open_saturday_counts(self):
        c = cal(self.spec)
        assert c.deadline(at(2026, 11, 27, 19), 3 * H) == at(2026, 11, 28, 12)
        assert c.business_time(at(2026, 11, 28), at(2026, 11, 29)) == 4 * H

    def test_extra_open_hours_replace_the_weekday_hours(self):
        c = cal(self.spec)
        assert c.business_time(at(2026, 11, 30), at(2026, 12, 1)) == H
        assert not c.is_open(at(2026, 11, 30, 9, 30))

    def test_only_extra_dates_runs_out(self):
        c = BusinessCalendar(
            CalendarSpec("+03:00", (), extra_open=((date(2026, 5, 2), time(9), time(12)),))
        )
        assert c.deadline(at(2026, 1, 1), 2 * H) == at(2026, 5, 2, 11)
        with pytest.raises(ValueError, match="no open time"):
            c.deadline(at(2026, 1, 1), 4 * H)


class TestDaylightSaving:
    kyiv = weekly("Europe/Kyiv", range(7), ("09:00", "18:00"))

    @pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25)])
    def test_nine_hours_on_change_days(self, day):
        c = cal(self.kyiv)
        start = datetime.combine(day, time(0), KYIV)
        assert c.business_time(start, start + timedelta(days=1)) == 9 * H

    def test_utc_instants_follow_local_wall_time(self):
        c = cal(self.kyiv)
        # Saturday 28 March: EET (+2); Sunday 29 March: EEST (+3).
        due = c.deadline(datetime(2026, 3, 28, 17, tzinfo=KYIV), 2 * H)
        assert due == datetime(2026, 3, 29, 7, tzinfo=UTC)  # 10:00 local
        assert c.next_open(datetime(2026, 3, 28, 19, tzinfo=KYIV)) == datetime(
            2026, 3, 29, 6, tzinfo=UTC
        )
        assert c.next_open(datetime(2026, 10, 24, 19, tzinfo=KYIV)) == datetime(
            2026, 10, 25, 7, tzinfo=UTC
        )
        assert due.tzinfo is KYIV and due.hour == 10

    def test_twenty_four_seven_days_are_23_and_25_hours(self):
        c = cal(twenty_four_seven("Europe/Kyiv"))
        for day, hours in (
            (date(2026, 3, 29), 23),
            (date(2026, 10, 25), 25),
            (date(2026, 6, 1), 24),
        ):
            start = datetime.combine(day, time(0), KYIV)
            assert (
                c.business_time(start, datetime.combine(day + timedelta(days=1), time(0), KYIV))
                == hours * H
            )

    def test_gap_and_fold_resolution(self):
        c = cal(weekly("Europe/Kyiv", [6], ("03:30", "04:15")))
        # 29 March: 03:30 does not exist, the interval opens when clocks jump to 04:00.
        assert c.next_open(datetime(2026, 3, 29, 0, tzinfo=KYIV)) == datetime(
            2026, 3, 29, 1, tzinfo=UTC
        )
        assert c.business_time(
            datetime(2026, 3, 29, tzinfo=KYIV), datetime(2026, 3, 30, tzinfo=KYIV)
        ) == timedelta(minutes=15)
        # 25 October: 03:30 happens twice, the first occurrence (EEST) counts; 04:15 is EET.
        # (PEP 495: a time in the fold never equals one in another zone, so compare in UTC.)
        opens = c.next_open(datetime(2026, 10, 25, 0, tzinfo=KYIV))
        assert opens.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
        assert c.business_time(
            datetime(2026, 10, 25, tzinfo=KYIV), datetime(2026, 10, 26, tzinfo=KYIV)
        ) == timedelta(minutes=105)


class TestSeveralIntervalsAndTwentyFourSeven:
    split = weekly("+03:00", range(5), ("09:00", "13:00"), ("14:00", "18:00"))

    def test_lunch_break_is_skipped(self):
        c = cal(self.split)
        assert c.deadline(at(2026, 11, 25, 12, 30), H) == at(2026, 11, 25, 14, 30)
        assert c.deadline(at(2026, 11, 25, 12), H) == at(2026, 11, 25, 13)
        assert c.deadline(at(2026, 11, 25, 13, 30), H) == at(2026, 11, 25, 15)
        assert c.business_time(at(2026, 11, 25, 12), at(2026, 11, 25, 15)) == 2 * H

    def test_touching_intervals_are_one(self):
        c = cal(weekly("+03:00", range(7), ("09:00", "13:00"), ("13:00", "18:00")))
        assert c.deadline(at(2026, 11, 25, 12), 2 * H) == at(2026, 11, 25, 14)

    def test_twenty_four_seven_is_plain_addition(self):
        c = cal(TWENTY_FOUR_SEVEN)
        start = at(2026, 12, 31, 23, 30, 0, 17)
        assert c.deadline(start, 200 * H) == start + 200 * H
        assert c.business_time(start, start + 1000 * H) == 1000 * H

    def test_midnight_end(self):
        c = cal(weekly("+03:00", range(7), ("18:00", "24:00")))
        assert parse_time("24:00") == time(0)
        assert c.deadline(at(2026, 11, 25, 23), H) == at(2026, 11, 26, 0)
        assert c.deadline(at(2026, 11, 25, 23), 2 * H) == at(2026, 11, 26, 19)


class TestValidation:
    @pytest.mark.parametrize(
        ("spec", "message"),
        [
            (weekly("+03:00", [0], ("18:00", "09:00")), "start before it ends"),
            (weekly("+03:00", [0], ("09:00", "09:00")), "start before it ends"),
            (weekly("+03:00", [0], ("09:00", "13:00"), ("12:00", "18:00")), "overlap"),
            (CalendarSpec("+03:00", ()), "at least one open interval"),
            (CalendarSpec("+03:00", (OpenInterval.of(7, "09:00", "18:00"),)), "weekday"),
            (weekly("Mars/Olympus", [0], ("09:00", "18:00")), "unknown time zone"),
            (
                weekly(
                    "+03:00",
                    [0],
                    ("09:00", "18:00"),
                    closed_dates=frozenset({date(2026, 1, 1)}),
                    extra_open=((date(2026, 1, 1), time(9), time(12)),),
                ),
                "both",
            ),
            (
                CalendarSpec("+03:00", (), extra_open=((date(2026, 1, 1), time(12), time(9)),)),
                "start before",
            ),
        ],
    )
    def test_invalid_specs(self, spec, message):
        with pytest.raises(ValueError, match=message):
            spec.validate()
        with pytest.raises(ValueError, match=message):
            BusinessCalendar(spec)

    @pytest.mark.parametrize(
        ("name", "offset"), [("UTC", 0), ("+03:00", 3), ("-05:30", -5.5), ("UTC+02:00", 2)]
    )
    def test_zone_forms(self, name, offset):
        assert CalendarSpec(name, ()).tzinfo.utcoffset(None) == timedelta(hours=offset)

    def test_iana_zone_and_shared_instances(self):
        assert CalendarSpec("Europe/Kyiv", ()).tzinfo is KYIV
        assert BusinessCalendar.for_spec(INCIDENT_HOURS) is incident
        assert BusinessCalendar(INCIDENT_HOURS) == incident
