"""Business time written as people write it ("80 h", "1 h 30 min") and read back."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from sla.durations import LONGEST, format_business_time, parse_business_time
from sla.forms import BusinessDurationField

H, MIN = timedelta(hours=1), timedelta(minutes=1)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (80 * H, "80 h"),
        (30 * MIN, "30 min"),
        (H + 30 * MIN, "1 h 30 min"),
        (100 * H, "100 h"),
        (timedelta(seconds=90), "1 min 30 s"),
        (timedelta(seconds=1.5), "1.5 s"),
        (timedelta(0), "0 s"),
    ],
)
def test_format_reads_in_hours_and_minutes_never_days(value, text):
    assert format_business_time(value) == text


def test_format_in_ukrainian():
    with translation.override("uk"):
        assert format_business_time(H + 30 * MIN) == "1 год 30 хв"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("80 h", 80 * H),
        ("30 min", 30 * MIN),
        ("1 h 30 min", H + 30 * MIN),
        ("1h30m", H + 30 * MIN),
        ("  2 H   15 MIN ", 2 * H + 15 * MIN),
        ("1:30", H + 30 * MIN),
        ("1.5 h", H + 30 * MIN),
        ("1,5 h", H + 30 * MIN),
        ("2 год 15 хв", 2 * H + 15 * MIN),
        ("45 хв.", 45 * MIN),
        ("1 min 30 s", timedelta(seconds=90)),
        ("3 hours", 3 * H),
    ],
)
def test_parse_accepts_hours_minutes_and_both_languages(text, value):
    assert parse_business_time(text) == value


@pytest.mark.parametrize(
    "text", ["", "8", "h", "abc", "30 min 1 h", "1 h 1 h", "1 h foo", "-1 h", "3 days", "1:75"]
)
def test_parse_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_business_time(text)


@pytest.mark.parametrize("text", ["10001 h", "99999999999999999999 h", "600001 min"])
def test_parse_refuses_more_than_the_longest_target(text):
    with pytest.raises(OverflowError):
        parse_business_time(text)


@given(st.integers(min_value=0, max_value=int(LONGEST.total_seconds())))
def test_format_then_parse_gives_the_value_back(seconds):
    value = timedelta(seconds=seconds)
    assert parse_business_time(format_business_time(value)) == value


class TestTheFormField:
    def test_shows_a_stored_duration_in_hours(self):
        assert BusinessDurationField().prepare_value(80 * H) == "80 h"

    def test_cleans_text_to_a_duration(self):
        assert BusinessDurationField().clean("1 h 30 min") == H + 30 * MIN

    @pytest.mark.parametrize("text", ["3 days, 8:00:00", "eighty", "8"])
    def test_bad_text_gets_a_clear_error(self, text):
        field = BusinessDurationField()
        with pytest.raises(ValidationError, match="hours and minutes") as excinfo:
            field.clean(text)
        assert "“1 h 30 min”" in excinfo.value.messages[0]

    def test_too_long_says_the_limit(self):
        with pytest.raises(ValidationError, match="cannot be longer than 10000 h"):
            BusinessDurationField().clean("20000 h")

    def test_required(self):
        with pytest.raises(ValidationError, match="required"):
            BusinessDurationField().clean("")

    def test_unchanged_text_is_not_a_change(self):
        assert not BusinessDurationField().has_changed(80 * H, "80 h")
        assert BusinessDurationField().has_changed(80 * H, "81 h")
