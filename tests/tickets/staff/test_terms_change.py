"""A calendar or a target changes under open tickets: re-timed at once, the past as counted,
breaches kept (SPEC "Calendars and terms change under open tickets")."""

import datetime as dt

import pytest

from sla.changes import (
    calendar_change_record,
    calendar_snapshot,
    target_change_record,
    target_snapshot,
)
from sla.models import BusinessCalendar, CalendarClosedDate, SlaTarget
from sla.services import sla_check
from tickets.models import Ticket
from tickets.services import ending, workflow

UTC3 = dt.timezone(dt.timedelta(hours=3))
H = dt.timedelta(hours=1)


@pytest.fixture
def wednesday(now) -> dt.datetime:
    """10:00 (UTC+03:00) on the last Wednesday at least two days ago: incident hours 09-18."""
    day = now.astimezone(UTC3).date() - dt.timedelta(days=2)
    while day.weekday() != 2:
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(10), UTC3)


def close_today(at: dt.datetime) -> None:
    """A manager closes the incident calendar for the rest of ``at``'s day, at ``at``."""
    calendar = BusinessCalendar.objects.get(key="incident-hours")
    before = calendar_snapshot(calendar)
    CalendarClosedDate.objects.create(calendar=calendar, date=at.date(), name="Outage day")
    assert calendar_change_record(calendar=calendar, before=before, now=at)


def test_a_holiday_added_today_moves_open_due_times_at_once(file_ticket, wednesday, engineer):
    # Given a P3 incident opened at 10:00: reaction due 14:00 (4 h), resolution 18:00 (8 h)
    ticket = file_ticket(now=wednesday, priority=3)
    assert ticket.reaction_due == wednesday + 4 * H
    # When at 12:00 the rest of the day is closed (2 h counted)
    close_today(wednesday + 2 * H)
    # Then the 2 h left of reaction run from 09:00 tomorrow, and 6 h of resolution
    ticket.refresh_from_db()
    tomorrow_nine = wednesday + dt.timedelta(days=1) - H
    assert ticket.reaction_due == tomorrow_nine + 2 * H
    assert ticket.next_due == ticket.reaction_due
    assert ticket.changes.filter(action="sla_retimed").count() == 1
    # and the SLA check in the afternoon breaches nothing (the old due was 14:00)
    sla_check(now=wednesday + 4 * H + dt.timedelta(minutes=30))
    ticket.refresh_from_db()
    assert ticket.reaction_breached_at is None
    # and a reply later keeps the counted time: 2 h before the change, 1 h tomorrow
    workflow.ticket_reply(
        ticket=ticket, by=engineer, body="On it", internal=False, now=tomorrow_nine + H
    )
    ticket.refresh_from_db()
    assert ticket.reaction_met is True
    assert ticket.reaction_elapsed == 3 * H


def test_a_breach_recorded_before_a_change_is_never_cleared(file_ticket, wednesday, engineer):
    ticket = file_ticket(now=wednesday, priority=3)
    # the reaction (due 14:00) breaches; at 15:00 the day is closed, which alone would not
    # have moved a due already passed — and nothing later clears the breach
    sla_check(now=wednesday + 4 * H + dt.timedelta(minutes=1))
    close_today(wednesday + 5 * H)
    workflow.ticket_reply(
        ticket=ticket, by=engineer, body="Sorry", internal=False, now=wednesday + 6 * H
    )
    ticket.refresh_from_db()
    assert ticket.reaction_breached_at == wednesday + 4 * H
    assert ticket.reaction_met is False


def test_a_longer_target_applies_from_the_change_and_resolved_tickets_keep_theirs(
    file_ticket, wednesday, engineer
):
    open_ticket = file_ticket(now=wednesday, priority=3)
    done = file_ticket(now=wednesday, priority=3, subject="done")
    ending.ticket_resolve(
        ticket=done,
        by=engineer,
        now=wednesday + H,
        root_cause="product_defect",
        time_spent=H,
        message="Fixed.",
    )
    done_before = Ticket.objects.values("resolution_due", "resolution_met").get(pk=done.pk)
    # When at 12:00 a manager raises Advanced P3 resolution from 8 h to 12 h
    target = SlaTarget.objects.get(package__code="advanced", ticket_type="incident", priority=3)
    before = target_snapshot(target)
    target.resolution = 12 * H
    target.save()
    assert target_change_record(target=target, before=before, now=wednesday + 2 * H)
    # Then the open ticket is due 4 business hours later (13:00 tomorrow); the resolved keeps
    open_ticket.refresh_from_db()
    assert open_ticket.resolution_due == wednesday + dt.timedelta(days=1) + 3 * H
    assert Ticket.objects.values("resolution_due", "resolution_met").get(pk=done.pk) == (
        done_before
    )
    # and nothing is recorded when nothing changed
    assert not target_change_record(
        target=target, before=target_snapshot(target), now=wednesday + 3 * H
    )


def test_reaction_time_is_measured_on_the_calendar_it_was_due_on(file_ticket, wednesday, engineer):
    # An incident opened on Saturday 10:00 (incident hours run every day), answered at 12:00,
    # then reclassified to a service request (service desk: Monday to Friday)
    saturday = wednesday - dt.timedelta(days=4)
    ticket = file_ticket(now=saturday, priority=3)
    workflow.ticket_reply(
        ticket=ticket, by=engineer, body="Hi", internal=False, now=saturday + 2 * H
    )
    workflow.ticket_reclassify(
        ticket=ticket,
        ticket_type="service_request",
        priority=None,
        by=engineer,
        now=saturday + 3 * H,
    )
    ticket.refresh_from_db()
    assert ticket.reaction_elapsed == 2 * H  # not 0 h on the service desk's closed Saturday


def test_a_calendar_change_re_times_only_the_types_it_times(file_ticket, wednesday, monkeypatch):
    # Given an incident (incident hours) and a service request (service-desk hours)
    from tickets.services import sla_retime

    incident = file_ticket(now=wednesday, priority=3)
    request = file_ticket(now=wednesday, ticket_type="service_request", priority=None)
    request_due = request.next_due
    read = []
    retime_batch = sla_retime._retime_batch

    def recorded(rows, **kwargs):
        read.extend(row.pk for row in rows)
        return retime_batch(rows, **kwargs)

    monkeypatch.setattr(sla_retime, "_retime_batch", recorded)
    # When the incident calendar is closed for the rest of the day
    close_today(wednesday + 2 * H)
    # Then only the incident is re-timed: the request is not even read, and keeps its due
    assert read == [incident.pk]
    request.refresh_from_db()
    assert request.next_due == request_due
    incident.refresh_from_db()
    assert incident.next_due > wednesday + 4 * H


def test_a_large_re_time_is_queued_in_parts_that_cover_each_ticket_once(
    file_ticket, wednesday, monkeypatch, django_capture_on_commit_callbacks
):
    # Given five open incidents, and a change too large to re-time inline
    from sla import changes, tasks
    from tickets.services import sla_retime

    tickets = [file_ticket(now=wednesday, priority=3) for _ in range(5)]
    monkeypatch.setattr(changes, "RETIME_INLINE", 2)
    monkeypatch.setattr(sla_retime, "PART", 2)
    queued = []
    monkeypatch.setattr(tasks.sla_retime, "delay", lambda *args: queued.append(args))
    read = []
    retime_batch = sla_retime._retime_batch

    def recorded(rows, **kwargs):
        read.extend(row.pk for row in rows)
        return retime_batch(rows, **kwargs)

    monkeypatch.setattr(sla_retime, "_retime_batch", recorded)
    # When the calendar is closed, the tasks are queued on commit
    with django_capture_on_commit_callbacks(execute=True):
        close_today(wednesday + 2 * H)
    # Then three parts of at most two tickets, the last ending at the newest, incidents only
    parts = [args[2] for args in queued]
    assert len(parts) == 3 and parts[-1][1] == max(t.pk for t in tickets)
    assert all(args[1] == ["incident"] for args in queued)
    # and running them re-times every ticket exactly once
    for args in queued:
        tasks.sla_retime(*args)
    assert sorted(read) == sorted(t.pk for t in tickets)
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.changes.filter(action="sla_retimed").count() == 1
