"""Fill a calendar's closed dates from the ``holidays`` package (a country's public holidays)."""

from collections.abc import Iterable
from datetime import datetime

import holidays as holidays_lib
from django.db import transaction

from sla.changes import calendar_change_record, calendar_snapshot
from sla.models import BusinessCalendar, CalendarClosedDate


def country_holidays(*, country: str, years: Iterable[int], subdiv: str | None = None) -> dict:
    """{date: name} of a country's public holidays; ValueError for an unknown country."""
    try:
        found = holidays_lib.country_holidays(country.upper(), subdiv=subdiv, years=list(years))
    except NotImplementedError as exc:
        raise ValueError(f"the holidays package does not know country {country!r}") from exc
    return dict(sorted(found.items()))


@transaction.atomic
def calendar_fill_holidays(
    *,
    calendar: BusinessCalendar,
    country: str,
    years: Iterable[int],
    now: datetime,
    subdiv: str | None = None,
) -> int:
    """Add the holidays as closed dates (existing dates are kept); returns how many were added.

    The calendar's earlier definition holds until ``now``; open tickets are re-timed.
    """
    before = calendar_snapshot(calendar)
    wanted = country_holidays(country=country, years=years, subdiv=subdiv)
    existing = set(calendar.closed_dates.values_list("date", flat=True))
    new = [
        CalendarClosedDate(calendar=calendar, date=day, name=name[:150])
        for day, name in wanted.items()
        if day not in existing
    ]
    CalendarClosedDate.objects.bulk_create(new)
    calendar_change_record(calendar=calendar, before=before, now=now)
    return len(new)
