"""The hourly job that closes resolved tickets once the reopen window has passed."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core import mail
from django_celery_beat.models import PeriodicTask

from portal.celery import app
from tickets.models import SlaEvent, Ticket, TicketChange, TicketStatus
from tickets.services.ending import ticket_reopen, ticket_resolve, tickets_close_resolved

pytestmark = pytest.mark.django_db
MIN = dt.timedelta(minutes=1)
TASK = "tickets.tasks.close_resolved"
SLA_COLUMNS = ("reaction_met", "resolution_met", "resolution_due", "resolution_elapsed")


@pytest.fixture
def resolved(file_incident, staff, t0):
    """resolved(at) -> a P1 filed at t0 and resolved at ``at``."""

    def make(at):
        ticket = file_incident()
        return ticket_resolve(
            ticket=ticket,
            by=staff["engineer"],
            root_cause="product_defect",
            time_spent=10 * MIN,
            message="Fixed.",
            now=at,
        )

    return make


def test_closes_after_the_window_once_and_changes_no_sla_figure(
    resolved, t0, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_REOPEN_DAYS = 14
    done_at = t0 + 30 * MIN
    ticket = resolved(done_at)
    before = {name: getattr(Ticket.objects.get(pk=ticket.pk), name) for name in SLA_COLUMNS}
    events = SlaEvent.objects.filter(ticket=ticket).count()
    window_end = done_at + dt.timedelta(days=14)
    # Within the window (its last instant included) nothing closes
    assert tickets_close_resolved(now=window_end) == 0
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.RESOLVED
    # Just after, it closes by itself: history by the system, one mail, no SLA event
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tickets_close_resolved(now=window_end + MIN) == 1
    closed = Ticket.objects.get(pk=ticket.pk)
    assert closed.status == TicketStatus.CLOSED and closed.closed_at == window_end + MIN
    assert {name: getattr(closed, name) for name in SLA_COLUMNS} == before
    assert SlaEvent.objects.filter(ticket=ticket).count() == events
    change = TicketChange.objects.filter(ticket=ticket).latest("pk")
    assert (change.actor, change.field, change.new_value) == (None, "status", "closed")
    assert len(mail.outbox) == 1 and "Closed" in mail.outbox[0].subject
    # A second (or overlapping) run does nothing more
    assert tickets_close_resolved(now=window_end + 2 * MIN) == 0
    assert TicketChange.objects.filter(ticket=ticket, new_value="closed").count() == 1


def test_works_in_batches_and_leaves_recent_and_reopened_tickets(resolved, t0, staff, settings):
    settings.PORTAL_REOPEN_DAYS = 1
    old = [resolved(t0 + i * MIN) for i in range(5)]
    reopened = resolved(t0 + 10 * MIN)
    ticket_reopen(ticket=reopened, by=staff["engineer"], now=t0 + 20 * MIN)
    recent = resolved(t0 + dt.timedelta(days=1, hours=2))
    now = t0 + dt.timedelta(days=1, hours=3)
    assert tickets_close_resolved(now=now, batch_size=2) == 5
    statuses = dict(Ticket.objects.values_list("pk", "status"))
    assert {statuses[t.pk] for t in old} == {TicketStatus.CLOSED}
    assert statuses[reopened.pk] == TicketStatus.IN_PROGRESS
    assert statuses[recent.pk] == TicketStatus.RESOLVED


def test_the_schedule_is_seeded_once_and_the_task_is_registered():
    PeriodicTask.objects.filter(task=TASK).delete()
    seed = importlib.import_module("tickets.migrations.0006_ending_a_ticket").seed
    seed(apps, None)
    seed(apps, None)
    row = PeriodicTask.objects.select_related("crontab").get(task=TASK)
    assert (row.crontab.minute, row.crontab.hour) == ("15", "*")  # hourly
    app.loader.import_default_modules()
    task = app.tasks[TASK]
    assert task.acks_late is True and Exception in task.autoretry_for


def test_the_task_reads_the_clock_once_and_calls_the_service(monkeypatch, now):
    from tickets import tasks

    calls = []
    monkeypatch.setattr(tasks, "tickets_close_resolved", lambda **kw: calls.append(kw) or 3)
    assert tasks.close_resolved() == 3
    assert len(calls) == 1 and calls[0]["now"] >= now
