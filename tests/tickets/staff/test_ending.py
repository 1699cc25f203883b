"""Resolve and withdraw by engineers, replies on ended tickets, the workaround on the same
priority, and reopening from the workspace (SPEC "Ending a ticket", Advanced P1: reaction 1 h,
resolution 2 h on incident hours from ``t0`` = 10:00 UTC+03:00)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests import factories
from tickets.models import (
    Message,
    MessageKind,
    SlaEvent,
    SlaEventKind,
    Ticket,
    TicketChange,
    TicketStatus,
    WithdrawReason,
)
from tickets.selectors.history import effect_text
from tickets.services import ending, workflow
from tickets.services.filing import ticket_file

MIN = dt.timedelta(minutes=1)
H = dt.timedelta(hours=1)
SLA_COLUMNS = (
    "reaction_due",
    "reaction_met",
    "reaction_breached_at",
    "first_response_at",
    "resolution_due",
    "resolution_met",
    "resolution_breached_at",
    "resolution_elapsed",
    "next_due",
)


def sla_of(ticket) -> dict:
    fresh = Ticket.objects.get(pk=ticket.pk)
    return {name: getattr(fresh, name) for name in SLA_COLUMNS}


def resolve(ticket, by, at, **overrides):
    values = {
        "root_cause": "product_defect",
        "time_spent": 30 * MIN,
        "message": "The trunk is fixed.",
    }
    values.update(overrides)
    return ending.ticket_resolve(ticket=ticket, by=by, now=at, **values)


# --- resolve ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"root_cause": ""}, {"root_cause"}),
        ({"time_spent": None}, {"time_spent"}),
        ({"time_spent": dt.timedelta(0)}, {"time_spent"}),
        ({"message": "   "}, {"message"}),
        (
            {"root_cause": "aliens", "time_spent": None, "message": ""},
            {"root_cause", "time_spent", "message"},
        ),
    ],
)
def test_resolve_needs_cause_time_and_message_and_writes_nothing_without(
    file_ticket, t0, engineer, overrides, fields
):
    ticket = file_ticket(now=t0)
    with pytest.raises(ValidationError) as caught:
        resolve(ticket, engineer, t0 + 20 * MIN, **overrides)
    assert set(caught.value.error_dict) == fields
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW and ticket.first_response_at is None
    assert not Message.objects.filter(ticket=ticket).exists()
    assert not SlaEvent.objects.filter(ticket=ticket, kind=SlaEventKind.RESOLVE).exists()


def test_resolving_a_new_ticket_sends_the_message_as_the_first_reply(
    file_ticket, t0, engineer, contact, django_capture_on_commit_callbacks
):
    # Given a P1 filed at t0, never replied to
    ticket = file_ticket(now=t0)
    mail.outbox.clear()
    # When the engineer resolves it 20 minutes later with a message
    with django_capture_on_commit_callbacks(execute=True):
        resolve(ticket, engineer, t0 + 20 * MIN, root_cause="third_party", time_spent=25 * MIN)
    ticket.refresh_from_db()
    # Then the message is a public reply that met reaction, and resolution is met
    reply = Message.objects.get(ticket=ticket)
    assert (reply.kind, reply.author, reply.body) == (
        MessageKind.PUBLIC_REPLY,
        engineer,
        "The trunk is fixed.",
    )
    assert ticket.status == TicketStatus.RESOLVED and ticket.resolved_at == t0 + 20 * MIN
    assert ticket.assignee == engineer  # it was unassigned: the resolver took it
    assert ticket.reaction_met is True and ticket.first_response_at == t0 + 20 * MIN
    assert ticket.resolution_met is True and ticket.next_due is None
    assert (ticket.root_cause, ticket.time_spent, ticket.is_billable) == (
        "third_party",
        25 * MIN,
        True,
    )
    # and the customer gets one mail with the status and the message
    mails = [m for m in mail.outbox if m.to == [contact.user.email]]
    assert len(mails) == 1
    assert "Resolved" in mails[0].subject and "The trunk is fixed." in mails[0].body


def test_a_late_resolution_is_not_met(file_ticket, t0, engineer):
    ticket = file_ticket(now=t0)
    resolve(ticket, engineer, t0 + 3 * H)
    ticket.refresh_from_db()
    assert ticket.reaction_met is False and ticket.resolution_met is False


def test_only_staff_resolve_and_only_open_tickets(file_ticket, t0, engineer, contact):
    ticket = file_ticket(now=t0)
    with pytest.raises(PermissionDenied):
        resolve(ticket, contact.user, t0 + MIN)
    resolve(ticket, engineer, t0 + 10 * MIN)
    with pytest.raises(ValidationError, match="is resolved already"):
        resolve(ticket, engineer, t0 + 20 * MIN)
    assert Message.objects.filter(ticket=ticket).count() == 1


# --- withdraw by an engineer --------------------------------------------------------------------


def test_duplicate_of_a_ticket_of_the_same_organisation(
    file_ticket, t0, engineer, contact, django_capture_on_commit_callbacks
):
    original = file_ticket(now=t0, subject="Calls drop")
    again = file_ticket(now=t0 + 5 * MIN, subject="Calls drop again")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ending.ticket_withdraw(
            ticket=again,
            by=engineer,
            reason=WithdrawReason.DUPLICATE,
            duplicate_of=original.pk,
            now=t0 + 10 * MIN,
        )
    again.refresh_from_db()
    assert again.status == TicketStatus.WITHDRAWN and again.withdrawn_at == t0 + 10 * MIN
    assert (again.withdraw_reason, again.duplicate_of) == (WithdrawReason.DUPLICATE, original)
    change = TicketChange.objects.filter(ticket=again).latest("pk")
    assert (change.field, change.new_value) == ("status", "withdrawn")
    assert f"duplicate of {original.reference}" in effect_text(change.effects)
    assert SlaEvent.objects.filter(ticket=again).latest("seq").kind == SlaEventKind.WITHDRAW
    # the customer is told, with the ticket the work goes on in
    assert [m.to for m in mail.outbox] == [[contact.user.email]]
    assert original.reference in mail.outbox[0].body


def test_spam_needs_no_number(file_ticket, t0, engineer):
    ticket = file_ticket(now=t0)
    ending.ticket_withdraw(ticket=ticket, by=engineer, reason="spam", now=t0 + MIN)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.withdraw_reason, ticket.duplicate_of) == (
        TicketStatus.WITHDRAWN,
        "spam",
        None,
    )


def test_the_duplicate_number_is_validated_without_revealing_other_organisations(
    file_ticket, t0, engineer, other_contact, base_component
):
    ticket = file_ticket(now=t0)
    foreign = ticket_file(
        contact=other_contact,
        ticket_type="incident",
        priority=3,
        component=base_component,
        subject="Globex's own",
        description="d",
        now=t0,
    )
    withdrawn = file_ticket(now=t0)
    ending.ticket_withdraw(ticket=withdrawn, by=engineer, reason="spam", now=t0 + MIN)

    def refusal(number):
        with pytest.raises(ValidationError) as caught:
            ending.ticket_withdraw(
                ticket=ticket, by=engineer, reason="duplicate", duplicate_of=number, now=t0 + H
            )
        return caught.value.error_dict["duplicate_of"][0].messages[0]

    missing = Ticket.objects.order_by("-pk").first().pk + 1000
    # Another organisation's ticket gets exactly the answer a number that does not exist gets
    assert refusal(foreign.pk) == f"Acme Test has no ticket #{foreign.pk}."
    assert refusal(missing) == f"Acme Test has no ticket #{missing}."
    assert "Globex" not in refusal(foreign.pk)
    assert refusal(None) == "Give the number of the ticket it duplicates."
    assert refusal(ticket.pk) == "A ticket cannot duplicate itself."
    assert "is withdrawn itself" in refusal(withdrawn.pk)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW and ticket.duplicate_of is None


def test_engineers_cannot_use_the_contacts_reason_nor_withdraw_an_ended_ticket(
    file_ticket, t0, engineer
):
    ticket = file_ticket(now=t0)
    with pytest.raises(ValidationError):
        ending.ticket_withdraw(ticket=ticket, by=engineer, reason="not_needed", now=t0 + MIN)
    resolve(ticket, engineer, t0 + 10 * MIN)
    with pytest.raises(ValidationError, match="is resolved already"):
        ending.ticket_withdraw(ticket=ticket, by=engineer, reason="spam", now=t0 + 20 * MIN)


def test_withdrawn_unmet_targets_are_neither_met_nor_breached_later(file_ticket, t0, engineer):
    # Given a P1 withdrawn 20 minutes in (reaction due t0+1 h, resolution t0+2 h)
    ticket = file_ticket(now=t0)
    ending.ticket_withdraw(ticket=ticket, by=engineer, reason="spam", now=t0 + 20 * MIN)
    # When the beat job runs long after both due times
    from sla.services import sla_check

    sla_check(now=t0 + 10 * H)
    # Then nothing is breached or met, and nothing runs
    sla = sla_of(ticket)
    assert (sla["reaction_met"], sla["reaction_breached_at"]) == (None, None)
    assert (sla["resolution_met"], sla["resolution_breached_at"]) == (None, None)
    assert sla["next_due"] is None


def test_a_breach_before_withdrawal_stays_and_a_met_reaction_stays_met(file_ticket, t0, engineer):
    late = file_ticket(now=t0)
    ending.ticket_withdraw(ticket=late, by=engineer, reason="spam", now=t0 + 90 * MIN)
    assert sla_of(late)["reaction_met"] is False
    assert sla_of(late)["reaction_breached_at"] == t0 + H
    replied = file_ticket(now=t0)
    workflow.ticket_reply(ticket=replied, by=engineer, body="On it", internal=False, now=t0 + MIN)
    ending.ticket_withdraw(ticket=replied, by=engineer, reason="spam", now=t0 + 3 * H)
    sla = sla_of(replied)
    assert sla["reaction_met"] is True
    assert (sla["resolution_met"], sla["resolution_breached_at"]) == (False, t0 + 2 * H)


# --- replies on ended tickets -------------------------------------------------------------------


@pytest.mark.parametrize("end", ["resolved_without_reply", "closed", "withdrawn"])
def test_a_public_reply_on_an_ended_ticket_is_conversation_only(
    file_ticket, t0, engineer, contact, end
):
    ticket = file_ticket(now=t0)
    if end == "withdrawn":
        ending.ticket_withdraw(ticket=ticket, by=engineer, reason="spam", now=t0 + 10 * MIN)
    else:
        # a ticket resolved before resolving needed a message (its log has no first response)
        factories.SlaEventFactory(ticket=ticket, kind=SlaEventKind.RESOLVE, at=t0 + 10 * MIN)
        Ticket.objects.filter(pk=ticket.pk).update(
            status=TicketStatus.RESOLVED, resolved_at=t0 + 10 * MIN
        )
        if end == "closed":
            ending.ticket_close(ticket=ticket, by=contact.user, now=t0 + 20 * MIN)
    before, events = sla_of(ticket), SlaEvent.objects.filter(ticket=ticket).count()
    status = Ticket.objects.get(pk=ticket.pk).status
    # When an engineer replies publicly much later (this used to fail: first_response after
    # resolve)
    workflow.ticket_reply(
        ticket=ticket, by=engineer, body="For the record: patched.", internal=False, now=t0 + 5 * H
    )
    # Then the reply is there, and no SLA event, column or status changed
    assert Message.objects.filter(ticket=ticket, kind=MessageKind.PUBLIC_REPLY).exists()
    assert SlaEvent.objects.filter(ticket=ticket).count() == events
    assert sla_of(ticket) == before
    assert Ticket.objects.get(pk=ticket.pk).status == status
    assert TicketChange.objects.filter(ticket=ticket).latest("pk").action == "reply"


# --- workaround on the same priority, changes on ended tickets ----------------------------------


def test_a_workaround_on_the_same_priority_is_an_ordinary_change(file_ticket, t0, engineer):
    # Given a P2 (resolution 4 h) replied to
    ticket = file_ticket(now=t0, priority=2)
    workflow.ticket_reply(ticket=ticket, by=engineer, body="On it", internal=False, now=t0 + MIN)
    before = sla_of(ticket)
    # When the engineer records "workaround applied" keeping priority 2
    workflow.ticket_priority_change(
        ticket=ticket, priority=2, workaround=True, by=engineer, now=t0 + H
    )
    # Then it is accepted and in the history, and no clock starts (nothing moves)
    change = TicketChange.objects.filter(ticket=ticket).latest("pk")
    assert change.action == "priority" and "Workaround applied" in effect_text(change.effects)
    after = sla_of(ticket)
    assert after.pop("resolution_elapsed") > before.pop("resolution_elapsed")  # time ran on
    assert after == before
    assert not SlaEvent.objects.filter(ticket=ticket, kind=SlaEventKind.PRIORITY).exists()
    # Without the workaround the same priority is still refused (nothing to change)
    with pytest.raises(ValidationError, match="already has this priority"):
        workflow.ticket_priority_change(
            ticket=ticket, priority=2, workaround=False, by=engineer, now=t0 + 2 * H
        )


def test_changes_on_an_ended_ticket_say_truthfully_why_not(file_ticket, t0, engineer, now):
    resolved = file_ticket(now=t0)
    resolve(resolved, engineer, now - MIN)
    with pytest.raises(ValidationError) as caught:
        workflow.ticket_priority_change(
            ticket=resolved, priority=2, workaround=False, by=engineer, now=now
        )
    assert caught.value.messages == [f"{resolved.reference} is resolved: reopen it first."]
    withdrawn = file_ticket(now=t0)
    ending.ticket_withdraw(ticket=withdrawn, by=engineer, reason="spam", now=t0 + MIN)
    with pytest.raises(ValidationError) as caught:
        workflow.ticket_status_change(
            ticket=withdrawn, status=TicketStatus.WAITING, by=engineer, now=t0 + H
        )
    assert caught.value.messages == [
        f"{withdrawn.reference} is withdrawn: it can no longer change."
    ]


# --- the workspace ------------------------------------------------------------------------------


def test_the_workspace_offers_reopen_exactly_where_it_is_allowed(
    engineer_client, engineer, file_ticket, t0, now, settings
):
    open_ticket = file_ticket(now=t0)
    recent = file_ticket(now=t0)
    resolve(recent, engineer, now - H)
    old = file_ticket(now=t0 - dt.timedelta(days=settings.PORTAL_REOPEN_DAYS + 2))
    resolve(old, engineer, now - dt.timedelta(days=settings.PORTAL_REOPEN_DAYS, minutes=1))

    def page(ticket):
        return engineer_client.get(reverse("tickets:workspace", args=[ticket.pk])).content.decode()

    reopen = 'id="reopen"'
    assert reopen not in page(open_ticket) and 'id="resolve-form"' in page(open_ticket)
    assert reopen in page(recent) and 'id="resolve-form"' not in page(recent)
    assert reopen not in page(old)
    # the button works; a refused reopen changes nothing and says why
    engineer_client.post(reverse("tickets:staff_reopen", args=[recent.pk]))
    assert Ticket.objects.get(pk=recent.pk).status == TicketStatus.IN_PROGRESS
    response = engineer_client.post(reverse("tickets:staff_reopen", args=[old.pk]), follow=True)
    assert Ticket.objects.get(pk=old.pk).status == TicketStatus.RESOLVED
    assert "can no longer be reopened" in response.content.decode()


def test_resolve_and_withdraw_through_the_workspace(engineer_client, file_ticket, t0):
    ticket = file_ticket(now=t0)
    other = file_ticket(now=t0)
    response = engineer_client.post(
        reverse("tickets:resolve", args=[ticket.pk]),
        {"root_cause": "product_defect", "time_spent_minutes": "15", "message": "Fixed."},
    )
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.RESOLVED
    bad = engineer_client.post(
        reverse("tickets:staff_withdraw", args=[other.pk]),
        {"reason": "duplicate", "duplicate_of": "#abc"},
    )
    assert bad.status_code == 400 and "duplicate_of" in bad.context["withdraw_form"].errors
    good = engineer_client.post(
        reverse("tickets:staff_withdraw", args=[other.pk]),
        {"reason": "duplicate", "duplicate_of": f"#{ticket.pk}"},
    )
    assert good.status_code == 302
    other.refresh_from_db()
    assert other.status == TicketStatus.WITHDRAWN and other.duplicate_of_id == ticket.pk
    page = engineer_client.get(reverse("tickets:workspace", args=[other.pk])).content.decode()
    assert 'id="ticket-withdrawn"' in page and 'data-sla="reaction-breached"' in page  # a day late
