"""Calendars and targets as plain data, for the history of their earlier versions.

When a manager changes a calendar or a target, the definition in force until then is kept on
the row (``history``) with the instant it ended, so business time already counted stays as it
was counted and the clock applies the new terms only from the moment of the change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sla.calendar import CalendarSpec, OpenInterval

__all__ = ["spec_from_data", "spec_to_data", "target_to_data", "until_us"]


def spec_to_data(spec: CalendarSpec) -> dict:
    """A CalendarSpec as JSON-ready data (sorted, so equal specs give equal data)."""
    return {
        "tz": spec.tz,
        "weekly": sorted([i.weekday, i.start.isoformat(), i.end.isoformat()] for i in spec.weekly),
        "closed": sorted(d.isoformat() for d in spec.closed_dates),
        "extra": sorted(
            [d.isoformat(), s.isoformat(), e.isoformat()] for d, s, e in spec.extra_open
        ),
    }


def spec_from_data(data: dict) -> CalendarSpec:
    return CalendarSpec(
        tz=data["tz"],
        weekly=tuple(
            OpenInterval(day, time.fromisoformat(s), time.fromisoformat(e))
            for day, s, e in data["weekly"]
        ),
        closed_dates=frozenset(date.fromisoformat(d) for d in data["closed"]),
        extra_open=tuple(
            (date.fromisoformat(d), time.fromisoformat(s), time.fromisoformat(e))
            for d, s, e in data["extra"]
        ),
    )


def target_to_data(row) -> dict:
    """A target row's values (reaction, resolution, extension in seconds; the calendar id)."""
    return {
        "reaction": row.reaction.total_seconds(),
        "resolution": row.resolution.total_seconds(),
        "extended_resolution": row.extended_resolution.total_seconds(),
        "calendar": row.calendar_id,
    }


def seconds(value: float) -> timedelta:
    return timedelta(seconds=value)


def until_us(entry: dict) -> int:
    """The epoch-µs instant a history entry stopped being in force."""
    instant = datetime.fromisoformat(entry["until"])
    return (instant - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
