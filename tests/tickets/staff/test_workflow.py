"""The engineers' actions against the SPEC's clock rules (Advanced, incident hours 09–18)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sla.selectors import terms_for_contract
from tests import factories
from tickets.models import RootCause, SlaEvent, SlaEventKind, Ticket, TicketChange, TicketStatus
from tickets.selectors.history import effect_text
from tickets.selectors.quota import quota_month_of
from tickets.services import ending, workflow

MIN = dt.timedelta(minutes=1)
H = dt.timedelta(hours=1)


def _last_change(ticket) -> TicketChange:
    return TicketChange.objects.filter(ticket=ticket).order_by("-at", "-pk").first()


def _last_effect(ticket) -> str:
    """The last history row's SLA effect as an English reader sees it."""
    return effect_text(_last_change(ticket).effects)


def _reply(ticket, by, at, *, internal=False):
    workflow.ticket_reply(ticket=ticket, by=by, body="Looking at it.", internal=internal, now=at)
    ticket.refresh_from_db()


# --- take / assign ----------------------------------------------------------------------------


def test_take_assigns_to_me_with_history(file_ticket, t0, engineer):
    ticket = file_ticket(now=t0)
    workflow.ticket_take(ticket=ticket, by=engineer, now=t0 + MIN)
    ticket.refresh_from_db()
    assert ticket.assignee == engineer
    change = _last_change(ticket)
    assert (change.action, change.actor, change.field) == ("take", engineer, "assignee")


def test_assign_to_another_engineer(file_ticket, t0, engineer, other_engineer):
    ticket = file_ticket(now=t0)
    workflow.ticket_assign(ticket=ticket, engineer=other_engineer, by=engineer, now=t0 + MIN)
    ticket.refresh_from_db()
    assert ticket.assignee == other_engineer
    assert _last_change(ticket).new_value == other_engineer.get_full_name()


def test_only_staff_can_be_assigned_or_assign(file_ticket, t0, engineer, contact):
    ticket = file_ticket(now=t0)
    with pytest.raises(ValidationError):
        workflow.ticket_assign(ticket=ticket, engineer=contact.user, by=engineer, now=t0)
    with pytest.raises(PermissionDenied):
        workflow.ticket_take(ticket=ticket, by=contact.user, now=t0)
    ticket.refresh_from_db()
    assert ticket.assignee is None


# --- conversation -----------------------------------------------------------------------------


def test_first_public_reply_meets_reaction(file_ticket, t0, engineer):
    # Given a priority 1 incident (reaction 1 h) filed at t0
    ticket = file_ticket(now=t0)
    assert ticket.next_due == t0 + H
    # When an engineer replies 12 minutes later
    _reply(ticket, engineer, t0 + 12 * MIN)
    # Then reaction is met 48 min before due and the queue now sorts on the resolution due
    assert ticket.reaction_met is True and ticket.first_response_at == t0 + 12 * MIN
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert ticket.next_due == ticket.resolution_due == t0 + 2 * H
    assert "Reaction met 48 min before due" in _last_effect(ticket)


def test_internal_note_does_not_meet_reaction(file_ticket, t0, engineer):
    ticket = file_ticket(now=t0)
    _reply(ticket, engineer, t0 + 5 * MIN, internal=True)
    assert ticket.reaction_met is None and ticket.first_response_at is None
    assert ticket.next_due == ticket.reaction_due == t0 + H
    assert ticket.status == TicketStatus.NEW


# --- status -----------------------------------------------------------------------------------


def test_waiting_pauses_resolution_and_resuming_restores_it(file_ticket, t0, engineer):
    # Given a P1 replied to at t0+10 min (resolution due t0+2 h)
    ticket = file_ticket(now=t0)
    _reply(ticket, engineer, t0 + 10 * MIN)
    # When it waits for the customer from t0+30 min
    workflow.ticket_status_change(
        ticket=ticket, status=TicketStatus.WAITING, by=engineer, now=t0 + 30 * MIN
    )
    ticket.refresh_from_db()
    # Then the resolution clock is paused: no due time, nothing for the queue to sort on
    assert ticket.sla_paused and ticket.resolution_due is None and ticket.next_due is None
    assert "Resolution clock paused" in _last_effect(ticket)
    # When work resumes one hour later, the hour paused does not count
    workflow.ticket_status_change(
        ticket=ticket, status=TicketStatus.IN_PROGRESS, by=engineer, now=t0 + 90 * MIN
    )
    ticket.refresh_from_db()
    assert not ticket.sla_paused
    assert ticket.resolution_due == ticket.next_due == t0 + 3 * H


def test_the_status_change_no_longer_resolves_or_closes(file_ticket, t0, engineer):
    ticket = file_ticket(now=t0)
    for status in (TicketStatus.RESOLVED, TicketStatus.CLOSED, TicketStatus.WITHDRAWN):
        with pytest.raises(ValidationError) as caught:
            workflow.ticket_status_change(ticket=ticket, status=status, by=engineer, now=t0 + H)
        assert "status" in caught.value.error_dict
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW
    assert not SlaEvent.objects.filter(ticket=ticket, kind=SlaEventKind.RESOLVE).exists()


@pytest.mark.parametrize(
    ("cause", "billable"),
    [
        (RootCause.PRODUCT_DEFECT, False),
        (RootCause.CUSTOMER_ACTION, True),
        (RootCause.THIRD_PARTY, True),
        (RootCause.CUSTOMER_SYSTEMS, True),
    ],
)
def test_resolving_records_cause_and_time_and_bills_non_defects(
    file_ticket, t0, engineer, cause, billable
):
    ticket = file_ticket(now=t0)
    _reply(ticket, engineer, t0 + 10 * MIN)
    ending.ticket_resolve(
        ticket=ticket,
        by=engineer,
        root_cause=cause,
        time_spent=40 * MIN,
        message="Fixed.",
        now=t0 + H,
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED and ticket.resolution_met is True
    assert (ticket.root_cause, ticket.time_spent, ticket.is_billable) == (cause, 40 * MIN, billable)


# --- priority ---------------------------------------------------------------------------------


def test_workaround_downgrade_starts_a_new_clock(file_ticket, t0, engineer):
    # Given a P1 replied to, one hour into its 2 h resolution
    ticket = file_ticket(now=t0)
    _reply(ticket, engineer, t0 + 5 * MIN)
    # When a workaround lowers it to P2 at t0+1 h
    workflow.ticket_priority_change(
        ticket=ticket, priority=2, workaround=True, by=engineer, now=t0 + H
    )
    ticket.refresh_from_db()
    # Then a new clock with P2's 4 h starts then
    assert ticket.priority == 2
    assert ticket.resolution_due == ticket.next_due == t0 + 5 * H
    event = SlaEvent.objects.filter(ticket=ticket).last()
    assert (event.kind, event.priority, event.workaround) == (SlaEventKind.PRIORITY, 2, True)
    effect = _last_effect(ticket)
    assert effect.startswith("Workaround applied.")
    assert "new clock: priority 2" in effect.lower()


def test_downgrade_without_workaround_keeps_the_clock_start(file_ticket, t0, engineer):
    ticket = file_ticket(now=t0)
    _reply(ticket, engineer, t0 + 5 * MIN)
    workflow.ticket_priority_change(
        ticket=ticket, priority=2, workaround=False, by=engineer, now=t0 + H
    )
    ticket.refresh_from_db()
    assert ticket.resolution_due == t0 + 4 * H


def test_priority_raise_keeps_the_clock_start(file_ticket, t0, engineer):
    # Given a P3 (8 h resolution) replied to
    ticket = file_ticket(now=t0, priority=3)
    _reply(ticket, engineer, t0 + 5 * MIN)
    reaction_due = ticket.reaction_due
    # When it is raised to P1 one hour after opening, even "with workaround"
    workflow.ticket_priority_change(
        ticket=ticket, priority=1, workaround=True, by=engineer, now=t0 + H
    )
    ticket.refresh_from_db()
    # Then the P1 target counts from the opening; the met reaction does not move
    assert ticket.resolution_due == t0 + 2 * H
    assert ticket.reaction_due == reaction_due
    assert "new clock" not in _last_effect(ticket).lower()
    assert "ordinary priority change" in _last_effect(ticket)


def test_priority_one_refused_on_an_uncovered_block(file_ticket, t0, engineer, uncovered_block):
    ticket = file_ticket(now=t0, priority=2, component=uncovered_block)
    with pytest.raises(ValidationError) as caught:
        workflow.ticket_priority_change(
            ticket=ticket, priority=1, workaround=False, by=engineer, now=t0 + H
        )
    assert "priority" in caught.value.error_dict


def test_priority_change_on_a_service_request_is_refused(file_ticket, t0_weekday, engineer):
    ticket = file_ticket(now=t0_weekday, ticket_type="service_request")
    with pytest.raises(ValidationError):
        workflow.ticket_priority_change(
            ticket=ticket, priority=2, workaround=False, by=engineer, now=t0_weekday + H
        )


# --- reclassification -------------------------------------------------------------------------


def test_reclassification_swaps_target_and_calendar_and_counts_quota(
    file_ticket, t0_weekday, engineer, contract
):
    # Given an incident on an Advanced contract (quota counts service requests, not incidents)
    t0 = t0_weekday
    ticket = file_ticket(now=t0, priority=3)
    assert ticket.quota_month is None
    # When it is reclassified as a service request
    workflow.ticket_reclassify(
        ticket=ticket, ticket_type="service_request", priority=None, by=engineer, now=t0 + H
    )
    ticket.refresh_from_db()
    # Then the clock keeps its start with 40 h on the service-desk calendar
    desk = terms_for_contract(contract).target("service_request", None)
    assert ticket.priority is None
    assert ticket.resolution_due == desk.calendar.deadline(t0, desk.resolution)
    assert ticket.reaction_due == desk.calendar.deadline(t0, desk.reaction)
    # and it counts in the month it was opened
    assert ticket.quota_month == quota_month_of(t0, contract.time_zone)
    # When it goes back to an incident it stops counting
    workflow.ticket_reclassify(
        ticket=ticket, ticket_type="incident", priority=2, by=engineer, now=t0 + 2 * H
    )
    ticket.refresh_from_db()
    assert ticket.quota_month is None and ticket.priority == 2
    assert ticket.resolution_due == t0 + 4 * H
    event = SlaEvent.objects.filter(ticket=ticket).last()
    assert (event.kind, event.ticket_type, event.priority) == ("reclassify", "incident", 2)


def test_reclassification_on_pro_never_counts(engineer, t0_weekday, other_contact, base_component):
    from tickets.services.filing import ticket_file

    ticket = ticket_file(
        contact=other_contact,
        ticket_type="incident",
        priority=3,
        component=base_component,
        subject="S",
        description="D",
        now=t0_weekday,
    )
    workflow.ticket_reclassify(
        ticket=ticket, ticket_type="change", priority=None, by=engineer, now=t0_weekday + H
    )
    ticket.refresh_from_db()
    assert ticket.ticket_type == "change" and ticket.quota_month is None


def test_reclassification_into_incident_needs_a_priority(file_ticket, t0_weekday, engineer):
    ticket = file_ticket(now=t0_weekday, ticket_type="change")
    with pytest.raises(ValidationError) as caught:
        workflow.ticket_reclassify(
            ticket=ticket, ticket_type="incident", priority=None, by=engineer, now=t0_weekday + H
        )
    assert "priority" in caught.value.error_dict


# --- component --------------------------------------------------------------------------------


def test_component_change_with_history(file_ticket, t0, engineer):
    ticket = file_ticket(now=t0, priority=2)
    block = factories.ComponentFactory(code="autodialer")
    workflow.ticket_component_change(ticket=ticket, component=block, by=engineer, now=t0 + H)
    ticket.refresh_from_db()
    assert ticket.component == block
    assert _last_change(ticket).new_value == block.code  # a code: each reader sees its label


def test_priority_one_cannot_move_to_an_uncovered_block(file_ticket, t0, engineer, uncovered_block):
    ticket = file_ticket(now=t0, priority=1)
    with pytest.raises(ValidationError) as caught:
        workflow.ticket_component_change(
            ticket=ticket, component=uncovered_block, by=engineer, now=t0 + H
        )
    assert "component" in caught.value.error_dict


# --- extension --------------------------------------------------------------------------------


def test_extension_is_for_managers_only(file_ticket, t0, engineer):
    ticket = file_ticket(now=t0)
    with pytest.raises(PermissionDenied):
        workflow.ticket_sla_extend(ticket=ticket, reason="x", by=engineer, now=t0 + MIN)
    assert not SlaEvent.objects.filter(ticket=ticket, kind=SlaEventKind.EXTEND).exists()


def test_extension_sets_twenty_business_hours_for_incidents(file_ticket, t0, manager, contract):
    # Given a P1 (2 h resolution) on incident hours
    ticket = file_ticket(now=t0)
    # When a manager extends it
    workflow.ticket_sla_extend(
        ticket=ticket, reason="Requests sent to staff phones", by=manager, now=t0 + 30 * MIN
    )
    ticket.refresh_from_db()
    # Then the resolution target is 20 business hours from the clock's start, reason kept
    calendar = terms_for_contract(contract).target("incident", 1).calendar
    assert ticket.sla_extended and ticket.resolution_target == 20 * H
    assert ticket.resolution_due == calendar.deadline(t0, 20 * H)
    assert ticket.extension_reason == "Requests sent to staff phones"
    assert "extended to 20 business hours" in _last_effect(ticket)


def test_extension_needs_a_reason(file_ticket, t0, manager):
    ticket = file_ticket(now=t0)
    with pytest.raises(ValidationError):
        workflow.ticket_sla_extend(ticket=ticket, reason="  ", by=manager, now=t0 + MIN)


# --- one transaction --------------------------------------------------------------------------


def test_a_failure_after_the_change_writes_nothing(file_ticket, t0, engineer, monkeypatch):
    # Given a ticket, and the history write failing after the change was made
    ticket = file_ticket(now=t0)
    events, changes = SlaEvent.objects.count(), TicketChange.objects.count()

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("tickets.services.ticket_lock.history_record", broken)
    # When a workaround downgrade runs
    with pytest.raises(RuntimeError):
        workflow.ticket_priority_change(
            ticket=ticket, priority=2, workaround=True, by=engineer, now=t0 + H
        )
    # Then neither the ticket nor its SLA log nor its history changed
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.priority, fresh.resolution_due) == (1, ticket.resolution_due)
    assert (SlaEvent.objects.count(), TicketChange.objects.count()) == (events, changes)


def test_an_event_the_engine_refuses_is_a_validation_error(file_ticket, t0, engineer):
    # Given a log that already says "paused" while the status does not (a corrupted state)
    ticket = file_ticket(now=t0)
    factories.SlaEventFactory(ticket=ticket, kind=SlaEventKind.PAUSE, at=t0 + MIN)
    changes = TicketChange.objects.count()
    # When the engineer sets "waiting for customer" (a second pause)
    with pytest.raises(ValidationError) as caught:
        workflow.ticket_status_change(
            ticket=ticket, status=TicketStatus.WAITING, by=engineer, now=t0 + H
        )
    # Then it is refused in words and nothing was written
    assert "pause while already paused" in caught.value.messages[0]
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.NEW
    assert TicketChange.objects.count() == changes
    assert SlaEvent.objects.filter(ticket=ticket).count() == 2
