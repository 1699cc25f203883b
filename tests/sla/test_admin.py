"""The calendar and target admin for each role: what it shows, what it lets one save."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from sla.models import BusinessCalendar, CalendarClosedDate, CalendarInterval, SlaTarget
from tests import factories

pytestmark = pytest.mark.django_db
H, MIN = dt.timedelta(hours=1), dt.timedelta(minutes=1)
ADD = "/admin/sla/businesscalendar/add/"
PARTS = ("intervals", "closed_dates", "extra_open_dates")


def change_url(calendar) -> str:
    return f"/admin/sla/businesscalendar/{calendar.pk}/change/"


def calendar_post(
    *, name="Support hours", key="support-hours", tz="Europe/Kyiv", calendar=None, **new_rows
) -> dict:
    """The calendar page's POST: the stored rows unchanged plus ``new_rows`` per inline
    (``intervals=[(weekday, "09:00", "18:00")]``, ``closed_dates=[("2027-01-07", "Xmas")]``,
    ``extra_open_dates=[("2027-01-09", "10:00", "14:00")]``)."""
    data = {"name": name, "key": key, "time_zone": tz, "_save": "Save"}
    stored = {
        "intervals": [
            (r.pk, {"weekday": r.weekday, "start": f"{r.start:%H:%M}", "end": f"{r.end:%H:%M}"})
            for r in (calendar.intervals.all() if calendar else [])
        ],
        "closed_dates": [
            (r.pk, {"date": r.date.isoformat(), "name": r.name})
            for r in (calendar.closed_dates.all() if calendar else [])
        ],
        "extra_open_dates": [
            (
                r.pk,
                {"date": r.date.isoformat(), "start": f"{r.start:%H:%M}", "end": f"{r.end:%H:%M}"},
            )
            for r in (calendar.extra_open_dates.all() if calendar else [])
        ],
    }
    columns = {
        "intervals": ("weekday", "start", "end"),
        "closed_dates": ("date", "name"),
        "extra_open_dates": ("date", "start", "end"),
    }
    for part in PARTS:
        rows = stored[part] + [
            (None, dict(zip(columns[part], r, strict=True))) for r in new_rows.get(part, [])
        ]
        data[f"{part}-TOTAL_FORMS"] = len(rows)
        data[f"{part}-INITIAL_FORMS"] = len(stored[part])
        for i, (pk, fields) in enumerate(rows):
            data[f"{part}-{i}-id"] = pk or ""
            data[f"{part}-{i}-calendar"] = calendar.pk if calendar else ""
            for field, value in fields.items():
                data[f"{part}-{i}-{field}"] = value
    return data


@pytest.fixture
def calendar(db):
    calendar = factories.BusinessCalendarFactory(
        name="Test hours", key="test-hours", intervals=factories.WEEKDAYS_9_TO_20
    )
    factories.CalendarClosedDateFactory(calendar=calendar, date=dt.date(2027, 1, 1), name="NY")
    factories.CalendarExtraOpenDateFactory(calendar=calendar, date=dt.date(2027, 1, 9))
    return calendar


# --- what each role sees ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["engineer_client", "manager_client", "superuser_client"])
def test_every_staff_role_sees_the_calendar_with_its_hours_and_dates(request, who, calendar):
    client = request.getfixturevalue(who)
    # when the calendar's page is opened
    html = client.get(change_url(calendar)).content.decode()
    # then its opening hours, closed dates and extra open dates are on it
    for part in PARTS:
        assert f'id="{part}-group"' in html, part
    assert "20:00" in html and "NY" in html and "2027" in html


@pytest.mark.parametrize(
    ("who", "editable"),
    [("engineer_client", False), ("manager_client", True), ("superuser_client", True)],
)
def test_only_managers_and_the_superuser_may_edit_the_calendar(request, who, editable, calendar):
    client = request.getfixturevalue(who)
    html = client.get(change_url(calendar)).content.decode()
    # managers get the form with editable hours, engineers a read-only page
    assert ('name="_save"' in html) is editable
    assert ('name="intervals-0-start"' in html) is editable
    assert ('name="closed_dates-0-date"' in html) is editable
    assert client.get(ADD).status_code == (200 if editable else 403)


def test_an_engineer_cannot_save_a_calendar(engineer_client, calendar):
    data = calendar_post(calendar=calendar, name="Renamed", closed_dates=[("2027-05-01", "May")])
    response = engineer_client.post(change_url(calendar), data)
    assert response.status_code == 403
    calendar.refresh_from_db()
    assert calendar.name == "Test hours"
    assert not calendar.closed_dates.filter(date=dt.date(2027, 5, 1)).exists()


def test_a_manager_adds_a_calendar_with_hours_and_a_holiday(manager_client):
    # when a manager adds a calendar with one open interval and one closed date
    data = calendar_post(intervals=[(0, "09:00", "17:30")], closed_dates=[("2027-01-07", "Xmas")])
    response = manager_client.post(ADD, data)
    # then it is stored with both
    assert response.status_code == 302, response.content.decode()[:3000]
    calendar = BusinessCalendar.objects.get(key="support-hours")
    assert [(i.weekday, i.start, i.end) for i in calendar.intervals.all()] == [
        (0, dt.time(9), dt.time(17, 30))
    ]
    assert [(d.date, d.name) for d in calendar.closed_dates.all()] == [
        (dt.date(2027, 1, 7), "Xmas")
    ]


def test_a_manager_edits_the_hours_and_adds_a_holiday(manager_client, calendar):
    before = calendar.updated_at
    data = calendar_post(
        calendar=calendar,
        name="Test hours",
        key="test-hours",
        tz="+03:00",
        intervals=[(5, "10:00", "14:00")],
        closed_dates=[("2027-03-08", "Women's day")],
    )
    response = manager_client.post(change_url(calendar), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    calendar.refresh_from_db()
    assert calendar.intervals.count() == 6
    assert calendar.intervals.filter(weekday=5, start=dt.time(10), end=dt.time(14)).exists()
    assert set(calendar.closed_dates.values_list("date", flat=True)) == {
        dt.date(2027, 1, 1),
        dt.date(2027, 3, 8),
    }
    assert calendar.updated_at > before  # the engine's cached calendar is rebuilt


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"intervals": [(0, "12:00", "13:00")]}, "overlap"),
        ({"intervals": [(1, "18:00", "09:00")]}, "before"),
        (
            {
                "closed_dates": [("2027-02-06", "closed")],
                "extra_open_dates": [("2027-02-06", "10:00", "12:00")],
            },
            "both a closed date and an extra open date",
        ),
    ],
)
def test_a_bad_calendar_is_refused_and_nothing_changes(manager_client, calendar, rows, message):
    # given a change that would make the calendar invalid (even within one save)
    data = calendar_post(calendar=calendar, tz="+03:00", **rows)
    # when a manager saves it
    response = manager_client.post(change_url(calendar), data)
    # then the page comes back with the engine's reason, nothing stored
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CalendarInterval.objects.filter(calendar=calendar).count() == 5
    assert CalendarClosedDate.objects.filter(calendar=calendar).count() == 1
    assert calendar.extra_open_dates.count() == 1


# --- targets in business hours ------------------------------------------------------------


def cells(html: str, column: str) -> list[str]:
    return re.findall(rf'<td class="field-{column}[^"]*">([^<]*)</td>', html)


@pytest.mark.parametrize("who", ["engineer_client", "manager_client", "superuser_client"])
def test_target_lists_read_in_business_hours(request, who):
    client = request.getfixturevalue(who)
    pro = factories.SupportPackageFactory(code="pro")
    html = client.get("/admin/sla/slatarget/", {"package__id__exact": pro.pk}).content.decode()
    # the seeded Pro targets: reactions 30 min to 5 h, resolutions up to 80 h
    assert sorted(cells(html, "reaction_hours")) == ["1 h", "2 h", "30 min", "5 h", "5 h"]
    assert "80 h" in cells(html, "resolution_hours")
    assert "100 h" in cells(html, "extended_resolution_hours")
    assert "day" not in " ".join(cells(html, "resolution_hours"))


@pytest.mark.parametrize(
    ("who", "status", "editable"),
    [
        ("engineer_client", 200, False),
        ("manager_client", 200, True),
        ("superuser_client", 200, True),
    ],
)
def test_target_form_per_role(request, who, status, editable):
    client = request.getfixturevalue(who)
    target = SlaTarget.objects.get(package__code="advanced", ticket_type="change")
    response = client.get(f"/admin/sla/slatarget/{target.pk}/change/")
    assert response.status_code == status
    html = response.content.decode()
    assert ('name="resolution" value="80 h"' in html) is editable
    if not editable:
        assert "80 h" in html and "3 days" not in html


@pytest.fixture
def target(db):
    return factories.SlaTargetFactory(reaction=H + 30 * MIN, resolution=8 * H)


def target_post(target, **changes) -> dict:
    data = {
        "reaction": "1 h 30 min",
        "resolution": "8 h",
        "extended_resolution": "20 h",
        "calendar": target.calendar_id,
        "_save": "Save",
    }
    return {**data, **changes}


def test_a_manager_saves_a_target_typed_in_hours(manager_client, target):
    url = f"/admin/sla/slatarget/{target.pk}/change/"
    assert 'name="reaction" value="1 h 30 min"' in manager_client.get(url).content.decode()
    response = manager_client.post(url, target_post(target, reaction="2 h 15 min"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.reaction == 2 * H + 15 * MIN
    assert target.resolution == 8 * H


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("3 days, 8:00:00", "Enter business time in hours and minutes"),
        ("8", "Enter business time in hours and minutes"),
        ("20000 h", "cannot be longer than 10000 h"),
        ("0 min", "longer than zero"),
    ],
)
def test_a_bad_duration_is_refused_with_a_clear_error(manager_client, target, typed, message):
    url = f"/admin/sla/slatarget/{target.pk}/change/"
    response = manager_client.post(url, target_post(target, resolution=typed))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'value="{typed}"' in html  # what was typed is kept
    target.refresh_from_db()
    assert target.resolution == 8 * H


def test_which_target_a_row_is_cannot_be_changed(manager_client, target):
    url = f"/admin/sla/slatarget/{target.pk}/change/"
    data = target_post(target, ticket_type="change", priority="", package=1)
    assert manager_client.post(url, data).status_code == 302
    target.refresh_from_db()
    assert (target.ticket_type, target.priority) == ("incident", 1)


@pytest.mark.parametrize(
    ("who", "may_add"),
    [("engineer_client", False), ("manager_client", True), ("superuser_client", True)],
)
def test_contract_overrides_per_role(request, who, may_add):
    client = request.getfixturevalue(who)
    override = factories.ContractTargetFactory(reaction=15 * MIN)
    html = client.get("/admin/sla/contracttarget/").content.decode()
    assert cells(html, "reaction_hours") == ["15 min"]
    assert client.get("/admin/sla/contracttarget/add/").status_code == (200 if may_add else 403)
    delete = client.get(f"/admin/sla/contracttarget/{override.pk}/delete/")
    assert delete.status_code == (200 if may_add else 403)


# --- changes apply to open tickets from the moment of the change ------------------------------


def _open_p3(contact, at: dt.datetime):
    from tickets.services.filing import ticket_file

    return ticket_file(
        contact=contact,
        ticket_type="incident",
        priority=3,
        component=factories.ComponentFactory(code="inbound-calls"),
        subject="Calls drop",
        description="Since today.",
        now=at,
    )


def test_holidays_saved_in_the_admin_re_time_open_tickets(manager_client, contact, now):
    # Given an open P3 incident filed an hour ago (at most 1 h of its 4 h reaction counted)
    from sla.models import BusinessCalendar

    utc3 = dt.timezone(dt.timedelta(hours=3))
    calendar = BusinessCalendar.objects.get(key="incident-hours")
    ticket = _open_p3(contact, now - H)
    # When a manager closes the incident calendar for today and the six days after it
    today = now.astimezone(utc3).date()
    week = [today + dt.timedelta(days=n) for n in range(7)]
    data = calendar_post(
        calendar=calendar,
        name=calendar.name,
        key=calendar.key,
        tz=calendar.time_zone,
        closed_dates=[(day.isoformat(), "Outage week") for day in week],
    )
    response = manager_client.post(change_url(calendar), data, follow=True)
    # Then the change is kept as a version and the ticket's reaction moved past the week at once
    assert "due times were recomputed" in response.content.decode()
    calendar.refresh_from_db()
    assert len(calendar.history) == 1
    ticket.refresh_from_db()
    assert ticket.reaction_due >= dt.datetime.combine(
        week[-1] + dt.timedelta(days=1), dt.time(9), utc3
    )
    assert ticket.next_due == ticket.reaction_due
    assert ticket.changes.filter(action="sla_retimed").count() == 1


def test_a_target_saved_in_the_admin_re_times_open_tickets(manager_client, contact, now):
    from sla.models import SlaTarget

    ticket = _open_p3(contact, now - H)
    target = SlaTarget.objects.get(package__code="advanced", ticket_type="incident", priority=3)
    url = f"/admin/sla/slatarget/{target.pk}/change/"
    response = manager_client.post(
        url,
        target_post(target, reaction="4 h", resolution="16 h", extended_resolution="20 h"),
        follow=True,
    )
    assert "due times were recomputed" in response.content.decode()
    target.refresh_from_db()
    assert [entry["resolution"] for entry in target.history] == [8 * 3600]
    ticket.refresh_from_db()
    assert ticket.resolution_target == 16 * H
