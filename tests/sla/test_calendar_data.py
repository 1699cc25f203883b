"""Calendars as data: seeded rows, admin validation, the holidays command, cached engine."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from sla.models import BusinessCalendar, CalendarClosedDate, SlaTarget
from sla.selectors import engine_calendar, terms_for_package

pytestmark = pytest.mark.django_db

UTC3 = datetime.fromisoformat("2026-01-01T00:00:00+03:00").tzinfo


def test_seeded_calendars_follow_the_spec():
    incident = BusinessCalendar.objects.get(key="incident-hours")
    desk = BusinessCalendar.objects.get(key="service-desk-hours")
    assert incident.time_zone == desk.time_zone == "+03:00"
    assert sorted((i.weekday, i.start, i.end) for i in incident.intervals.all()) == [
        (d, time(9), time(18)) for d in range(7)
    ]
    assert sorted((i.weekday, i.start, i.end) for i in desk.intervals.all()) == [
        (d, time(9), time(20)) for d in range(5)
    ]
    always = engine_calendar(BusinessCalendar.objects.get(key="24x7"))
    start = datetime(2026, 11, 28, 23, 0, tzinfo=UTC3)
    assert always.deadline(start, timedelta(hours=30)) == start + timedelta(hours=30)


@pytest.mark.parametrize(
    ("package", "ticket_type", "priority", "reaction", "resolution"),
    [
        ("advanced", "incident", 1, timedelta(hours=1), timedelta(hours=2)),
        ("pro", "incident", 1, timedelta(minutes=30), timedelta(hours=2)),
        ("advanced", "incident", 3, timedelta(hours=4), timedelta(hours=8)),
        ("pro", "incident", 2, timedelta(hours=1), timedelta(hours=4)),
        ("pro", "service_request", None, timedelta(hours=5), timedelta(hours=40)),
        ("advanced", "change", None, timedelta(hours=5), timedelta(hours=80)),
    ],
)
def test_seeded_targets_follow_the_spec(package, ticket_type, priority, reaction, resolution):
    row = SlaTarget.objects.get(package__code=package, ticket_type=ticket_type, priority=priority)
    assert (row.reaction, row.resolution) == (reaction, resolution)
    target = terms_for_package(package).target(ticket_type, priority)
    assert (target.reaction, target.resolution) == (reaction, resolution)


def test_an_edit_reaches_the_engine_without_a_restart():
    calendar = BusinessCalendar.objects.get(key="incident-hours")
    friday_evening = datetime(2026, 12, 24, 17, 30, tzinfo=UTC3)
    before = engine_calendar(calendar).deadline(friday_evening, timedelta(hours=1))
    CalendarClosedDate.objects.create(calendar=calendar, date=date(2026, 12, 25), name="Xmas")
    calendar.save()
    calendar.refresh_from_db()
    after = engine_calendar(calendar).deadline(friday_evening, timedelta(hours=1))
    assert before == datetime(2026, 12, 25, 9, 30, tzinfo=UTC3)
    assert after == datetime(2026, 12, 26, 9, 30, tzinfo=UTC3)


def test_holidays_command_fills_closed_dates_once():
    call_command("calendar_holidays", "service-desk-hours", country="PL", years=[2026])
    calendar = BusinessCalendar.objects.get(key="service-desk-hours")
    filled = set(calendar.closed_dates.values_list("date", flat=True))
    assert date(2026, 11, 11) in filled  # Polish Independence Day
    assert date(2026, 12, 25) in filled
    call_command("calendar_holidays", "service-desk-hours", country="PL", years=[2026])
    assert calendar.closed_dates.count() == len(filled)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope",), {"country": "PL", "years": [2026]}),
        (("service-desk-hours",), {"country": "XX", "years": [2026]}),
        (("service-desk-hours",), {"country": "PL", "years": [20260]}),
    ],
)
def test_holidays_command_refuses_bad_input_clearly(args, message):
    with pytest.raises(CommandError):
        call_command("calendar_holidays", *args, **message)


def _calendar_post(calendar, intervals):
    data = {
        "name": calendar.name,
        "key": calendar.key,
        "time_zone": calendar.time_zone,
        "intervals-TOTAL_FORMS": str(len(intervals)),
        "intervals-INITIAL_FORMS": "0",
        "closed_dates-TOTAL_FORMS": "0",
        "closed_dates-INITIAL_FORMS": "0",
        "extra_open_dates-TOTAL_FORMS": "0",
        "extra_open_dates-INITIAL_FORMS": "0",
    }
    for i, (weekday, start, end) in enumerate(intervals):
        data |= {
            f"intervals-{i}-weekday": weekday,
            f"intervals-{i}-start": start,
            f"intervals-{i}-end": end,
        }
    return data


def test_admin_refuses_overlapping_intervals_with_a_reason(admin_client):
    calendar = BusinessCalendar.objects.create(key="two-shifts", name="Two shifts")
    url = reverse("admin:sla_businesscalendar_change", args=[calendar.pk])

    response = admin_client.post(
        url, _calendar_post(calendar, [(0, "09:00", "13:00"), (0, "12:00", "18:00")])
    )

    assert response.status_code == 200
    assert "overlap" in response.content.decode()
    assert calendar.intervals.count() == 0


def test_admin_accepts_two_intervals_a_day(admin_client):
    calendar = BusinessCalendar.objects.create(key="two-shifts", name="Two shifts")
    url = reverse("admin:sla_businesscalendar_change", args=[calendar.pk])

    response = admin_client.post(
        url, _calendar_post(calendar, [(0, "09:00", "13:00"), (0, "14:00", "18:00")])
    )

    assert response.status_code == 302
    assert calendar.intervals.count() == 2


def test_admin_refuses_an_unknown_zone(admin_client):
    calendar = BusinessCalendar.objects.create(key="zoned", name="Zoned")
    data = _calendar_post(calendar, [(0, "09:00", "18:00")]) | {"time_zone": "Mars/Olympus"}

    response = admin_client.post(
        reverse("admin:sla_businesscalendar_change", args=[calendar.pk]), data
    )

    assert response.status_code == 200
    assert "neither an IANA time zone" in response.content.decode()
