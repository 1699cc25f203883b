"""The SLA check (beat, every minute): breaches at their due time, at risk, exactly once."""

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from sla.services import sla_check
from tests.tickets.jobs.digests import digests, events_in, told
from tickets.models import (
    MessageKind,
    SlaAlert,
    SlaMetric,
    Ticket,
    TicketChange,
    TicketStatus,
)
from tickets.selectors.history import effect_text
from tickets.services.conversation import message_add
from tickets.services.ending import ticket_resolve
from tickets.services.sla import ticket_sla_state
from tickets.services.status import ticket_set_status

H = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)

pytestmark = pytest.mark.django_db


def alerts(ticket):
    return sorted(SlaAlert.objects.filter(ticket=ticket).values_list("metric", "kind"))


def test_reaction_breach_is_recorded_at_the_due_time_not_when_noticed(file_incident, t0, staff):
    # given a P1 incident filed at 10:00, reaction due 11:00
    ticket = file_incident()
    assert ticket.reaction_due == t0 + H

    # when the check runs at 11:30
    result = sla_check(now=t0 + 90 * MIN)

    # then the breach time is the due time, and the engine's replay agrees
    ticket.refresh_from_db()
    assert result.reaction_breached == 1
    assert ticket.reaction_breached_at == t0 + H
    assert ticket.resolution_breached_at is None  # due 12:00, not yet
    replay = ticket_sla_state(ticket, as_of=t0 + 90 * MIN)
    assert replay.reaction_breached_at == ticket.reaction_breached_at
    change = TicketChange.objects.get(ticket=ticket, action="sla_breach")
    assert change.actor is None
    assert change.field == SlaMetric.REACTION
    # stored as data; each reader sees it in their own language and zone
    (item,) = change.effects
    assert (item["kind"], item["metric"]) == ("alert_breach", "reaction")
    assert dt.datetime.fromisoformat(item["due"]) == t0 + H
    with timezone.override(zoneinfo.ZoneInfo("Europe/Kyiv")):
        due_local = date_format(timezone.localtime(t0 + H), "DATETIME_FORMAT")
        assert effect_text(change.effects) == f"Reaction breached (was due {due_local})."


def test_the_breach_mark_stays_when_the_ticket_is_answered_and_resolved(file_incident, t0, staff):
    # given a breached reaction
    ticket = file_incident()
    sla_check(now=t0 + 90 * MIN)
    engineer = staff["engineer"]

    # when the engineer replies and resolves later (both recompute the SLA from the log)
    message_add(
        ticket=ticket,
        author=engineer,
        kind=MessageKind.PUBLIC_REPLY,
        body="Looking.",
        now=t0 + 100 * MIN,
    )
    ticket_resolve(
        ticket=Ticket.objects.get(pk=ticket.pk),
        by=engineer,
        root_cause="product_defect",
        time_spent=H,
        message="Fixed.",
        now=t0 + 3 * H,
    )

    # then the breach stays, at the due time; resolution (due 12:00) breached too
    ticket.refresh_from_db()
    assert ticket.reaction_breached_at == t0 + H
    assert ticket.reaction_met is False
    assert ticket.resolution_breached_at == t0 + 2 * H
    assert ticket.resolution_met is False


def test_running_twice_or_retrying_alerts_each_event_once(
    file_incident, t0, staff, django_capture_on_commit_callbacks
):
    ticket = file_incident()
    mail.outbox.clear()

    # when the check runs twice at the same minute, and again later
    with django_capture_on_commit_callbacks(execute=True):
        first = sla_check(now=t0 + 100 * MIN)
    with django_capture_on_commit_callbacks(execute=True):
        second = sla_check(now=t0 + 100 * MIN)
        third = sla_check(now=t0 + 101 * MIN)

    # then one reaction breach and one resolution at risk (from 11:36), at 11:40, each told
    # exactly once to each recipient, in one digest per recipient
    assert first.alerts_total == 2
    assert second.alerts_total == third.alerts_total == 0
    assert second.reaction_breached == 0
    assert alerts(ticket) == [("reaction", "breach"), ("resolution", "at_risk")]
    assert TicketChange.objects.filter(ticket=ticket, action__startswith="sla_").count() == 2
    assert sorted(to for m in mail.outbox for to in m.to) == [
        "boss@vendor.test",
        "eng1@vendor.test",
    ]
    expected = {
        (to, ticket.pk, metric, kind): 1
        for to in ("boss@vendor.test", "eng1@vendor.test")
        for metric, kind in (("reaction", "breach"), ("resolution", "at_risk"))
    }
    assert told(mail.outbox) == expected
    assert told(digests()) == expected
    assert not digests().filter(sent_at__isnull=True).exists()
    # breaches first; two events, so the subject counts them
    assert events_in(mail.outbox[0].body)[0][2] == "breach"
    assert "2 new events (1 breached, 1 at risk)" in mail.outbox[0].subject


def test_a_late_run_catches_up_and_skips_at_risk_for_what_is_already_breached(
    file_incident, t0, staff
):
    # given two incidents, and the job down for five hours
    p1 = file_incident()
    p3 = file_incident(priority=3)  # reaction 4 h -> 14:00, resolution 8 h -> 18:00

    # when it runs at 15:00
    result = sla_check(now=t0 + 5 * H)

    # then everything due before 15:00 is breached at its own due time
    p1.refresh_from_db()
    p3.refresh_from_db()
    assert (p1.reaction_breached_at, p1.resolution_breached_at) == (t0 + H, t0 + 2 * H)
    assert (p3.reaction_breached_at, p3.resolution_breached_at) == (t0 + 4 * H, None)
    assert (result.reaction_breached, result.resolution_breached) == (2, 1)
    assert alerts(p1) == [("reaction", "breach"), ("resolution", "breach")]
    # p3's resolution passed 80 % (16:24)? not yet at 15:00: nothing for it
    assert alerts(p3) == [("reaction", "breach")]


def test_at_risk_then_breach(file_incident, t0, staff):
    ticket = file_incident()

    # 10:50: past 80 % of the reaction target (10:48), not due yet
    at_risk = sla_check(now=t0 + 50 * MIN)
    ticket.refresh_from_db()
    assert at_risk.alerts["reaction_at_risk"] == 1
    assert ticket.reaction_breached_at is None
    assert ticket.reaction_at_risk_at <= t0 + 50 * MIN

    # exactly at the due time nothing is breached yet (a breach is strictly after due)
    assert sla_check(now=t0 + H).reaction_breached == 0

    # 11:01: breached
    assert sla_check(now=t0 + 61 * MIN).reaction_breached == 1
    assert alerts(ticket) == [("reaction", "at_risk"), ("reaction", "breach")]


def test_a_paused_resolution_never_breaches(file_incident, t0, staff):
    # given an answered ticket waiting for the customer since 10:30
    engineer = staff["engineer"]
    ticket = file_incident()
    message_add(
        ticket=ticket,
        author=engineer,
        kind=MessageKind.PUBLIC_REPLY,
        body="Which version?",
        now=t0 + 10 * MIN,
    )
    ticket_set_status(
        ticket=Ticket.objects.get(pk=ticket.pk),
        status=TicketStatus.WAITING,
        by=engineer,
        now=t0 + 30 * MIN,
    )

    # when the check runs long after the resolution would have been due
    result = sla_check(now=t0 + 30 * H)

    # then nothing is breached or at risk
    ticket.refresh_from_db()
    assert ticket.sla_paused is True
    assert ticket.resolution_breached_at is None
    assert result.resolution_breached == 0
    assert alerts(ticket) == []


def test_deferred_and_resolved_tickets_are_left_alone(file_incident, t0, staff):
    engineer = staff["engineer"]
    ticket = file_incident()
    ticket_resolve(
        ticket=ticket,
        by=engineer,
        root_cause="product_defect",
        time_spent=MIN,
        message="Fixed.",
        now=t0 + 5 * MIN,
    )

    result = sla_check(now=t0 + 10 * H)

    ticket.refresh_from_db()
    assert (ticket.reaction_breached_at, ticket.resolution_breached_at) == (None, None)
    assert result.alerts_total == 0


def test_recipients_unassigned_go_to_active_engineers_and_managers(file_incident, t0, staff):
    ticket = file_incident()

    sla_check(now=t0 + 90 * MIN)

    # one event: a digest each for the active engineer and the manager, never the inactive one
    assert sorted(m.recipients for m in digests()) == [["boss@vendor.test"], ["eng1@vendor.test"]]
    for message in digests():
        assert events_in(message.body) == [(ticket.pk, "reaction", "breach")]
        assert message.subject == f"[#{ticket.pk}] Reaction breached: Calls drop"
        assert message.ticket_id == ticket.pk
        assert "nobody" in message.body
        assert ticket.customer.name in message.body
        assert message.body.rstrip().endswith(f"/queue/{ticket.pk}/")  # staff: the workspace


def test_the_digest_shows_due_times_in_the_staff_zone(file_incident, t0, staff, settings):
    settings.PORTAL_STAFF_TIME_ZONE = "America/New_York"
    ticket = file_incident()

    sla_check(now=t0 + 90 * MIN)

    due = (t0 + H).astimezone(zoneinfo.ZoneInfo("America/New_York"))
    body = digests().get(recipients=["boss@vendor.test"]).body
    offset = f"{due:%z}"
    zone = f"UTC{offset[:3]}:{offset[3:]}, America/New_York"  # e.g. UTC-05:00 (or -04:00)
    assert f"#{ticket.pk} Reaction breached, was due {due:%Y-%m-%d %H:%M} ({zone})" in body


def test_recipients_assigned_go_to_the_assignee_and_managers(file_incident, t0, staff):
    from tests.factories import EngineerFactory

    owner = EngineerFactory(username="owner@vendor.test")
    other = file_incident(subject="Unassigned one")
    mine = file_incident(assignee=owner)

    sla_check(now=t0 + 90 * MIN)

    # the assigned ticket goes to its owner, not to the other engineer; the unassigned one to
    # every active engineer (the owner is one too); the manager hears of both, in one digest
    assert told(digests()) == {
        ("owner@vendor.test", mine.pk, "reaction", "breach"): 1,
        ("owner@vendor.test", other.pk, "reaction", "breach"): 1,
        ("eng1@vendor.test", other.pk, "reaction", "breach"): 1,
        ("boss@vendor.test", mine.pk, "reaction", "breach"): 1,
        ("boss@vendor.test", other.pk, "reaction", "breach"): 1,
    }
    assert digests().count() == 3


def test_the_number_of_queries_does_not_grow_with_the_number_of_tickets(file_incident, t0, staff):
    def queries_for_tick(now):
        with CaptureQueriesContext(connection) as ctx:
            result = sla_check(now=now)
        return len(ctx.captured_queries), result

    # given one breaching ticket, then nine more
    file_incident()
    few, result_few = queries_for_tick(t0 + 90 * MIN)
    for _ in range(9):
        file_incident(now=t0 + 2 * H)
    many, result_many = queries_for_tick(t0 + 4 * H)

    assert result_few.reaction_breached == 1
    assert result_many.reaction_breached == 9
    assert many == few
    assert many <= 22  # the picks, the alert INSERT, the marks' UPDATE, history, digests…
    # and a tick with nothing new is cheaper still
    idle, result_idle = queries_for_tick(t0 + 4 * H)
    assert result_idle.alerts_total == 0
    assert idle < many
    assert idle <= 8  # 2 marking UPDATEs, savepoint, 4 SELECTs of the work lists, release


def test_a_tick_with_30_events_costs_the_same_queries_as_one_with_3(
    file_incident, t0, staff, django_capture_on_commit_callbacks
):
    """History rows, digests and their hand-off are set-based: no query per event."""

    def queries_for_tick(now):
        with (
            CaptureQueriesContext(connection) as ctx,
            django_capture_on_commit_callbacks(execute=True),
        ):
            result = sla_check(now=now)
        return len(ctx.captured_queries), result

    # given 3 tickets whose reaction breaches at 11:00, then 30 filed at 12:00 (due 13:00)
    for n in range(3):
        file_incident(subject=f"Early {n}")
    few, result_few = queries_for_tick(t0 + 61 * MIN)
    for n in range(30):
        file_incident(now=t0 + 2 * H, subject=f"Late {n}")
    many, result_many = queries_for_tick(t0 + 3 * H + MIN)

    # 11:01: three reaction breaches; 13:01: their resolutions (due 12:00) and 30 reactions
    assert result_few.alerts_total == 3
    assert result_many.alerts_total == 33
    assert many == few
    # and every event was sent, once, to each of the two recipients
    assert len(mail.outbox) == 4
    assert set(told(mail.outbox).values()) == {1}
    assert sum(told(mail.outbox).values()) == 2 * (
        result_few.alerts_total + result_many.alerts_total
    )
