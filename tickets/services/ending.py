"""Ending a ticket (SPEC "Ending a ticket"): resolve, withdraw, close — and reopen.

* **Resolve** (engineers): root cause, time spent and a public message, at once. It is the only
  way an engineer ends a ticket's work, and what meets or misses the resolution target.
* **Withdraw**: a contact no longer needs an open ticket, or an engineer marks it a duplicate
  (of a ticket of the same organisation) or spam. The engine's ``withdraw`` stops the clocks:
  unmet targets leave the compliance figures, breaches and a met reaction stay.
* **Close**: the contact confirms a resolution, or the beat job closes resolved tickets once
  the reopen window (``PORTAL_REOPEN_DAYS``) has passed. No SLA event: no figure changes.
* **Reopen**: a resolved ticket, within the window; its clock resumes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from packages.roles import Role
from rollups.services import tickets_ended
from tickets.events import (
    TICKET_REOPENED,
    TICKET_RESOLVED,
    TICKET_UPDATED,
    ticket_event_emit,
    ticket_snapshot,
)
from tickets.models import (
    ChangeAction,
    MessageKind,
    RootCause,
    SlaEventKind,
    Ticket,
    TicketChange,
    TicketStatus,
    WithdrawReason,
)
from tickets.selectors.history import withdraw_note
from tickets.services.conversation import message_add
from tickets.services.history import history_record
from tickets.services.notifications import notify_customer_of_status
from tickets.services.sla import sla_event_append
from tickets.services.sla_effects import Effect, effect
from tickets.services.status import deferred_refusal, not_open_refusal, reopen_refusal
from tickets.services.tenancy import ticket_actor_role
from tickets.services.ticket_lock import engine_errors, locked_now, ticket_change_sla
from tickets.services.workflow import ticket_take

CONTACT_REASONS = frozenset({WithdrawReason.NOT_NEEDED})
STAFF_REASONS = frozenset({WithdrawReason.DUPLICATE, WithdrawReason.SPAM})
CLOSE_BATCH = 500


def _role(user, ticket: Ticket) -> Role:
    """The actor's role; a contact of another organisation is refused (the views 404 first)."""
    return ticket_actor_role(user, ticket)


def _lock(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("contract", "reporter")
        .get(pk=ticket.pk)
    )


# --- resolve ------------------------------------------------------------------------------------


def _check_resolution(root_cause: str, time_spent: timedelta | None, message: str) -> None:
    errors = {}
    if root_cause not in RootCause.values:
        errors["root_cause"] = _("Record the root cause to resolve the ticket.")
    if time_spent is None or time_spent <= timedelta(0):
        errors["time_spent"] = _("Record the time spent (more than zero) to resolve the ticket.")
    if not (message or "").strip():
        errors["message"] = _("Tell the customer what was done: the message is sent with it.")
    if errors:
        raise ValidationError(errors)


@engine_errors
@transaction.atomic
def ticket_resolve(
    *,
    ticket: Ticket,
    by,
    root_cause: str,
    time_spent: timedelta | None,
    message: str,
    now: datetime | None = None,
) -> Ticket:
    """Resolve with the root cause, the time spent and a public message (the first public
    reply meets reaction). Anything but a product defect makes the ticket billable; an
    unassigned ticket is taken by whoever resolves it."""
    if _role(by, ticket) == Role.CONTACT:
        raise PermissionDenied
    _check_resolution(root_cause, time_spent, message)
    ticket = _lock(ticket)
    now = locked_now(now)
    if ticket.is_deferred:
        raise ValidationError(deferred_refusal())
    if not ticket.is_open:
        raise ValidationError(not_open_refusal(ticket))
    old = ticket.status
    if ticket.assignee_id is None:  # whoever resolves an unassigned ticket takes it
        ticket_take(ticket=ticket, by=by, now=now)
    reply = message_add(
        ticket=ticket,
        author=by,
        kind=MessageKind.PUBLIC_REPLY,
        body=message,
        now=now,
        notify=False,
    )
    ticket = _lock(ticket)
    now = locked_now(now)
    with ticket_change_sla(
        ticket, actor=by, now=now, action=ChangeAction.STATUS, field="status", old=ticket.status,
        event=TICKET_RESOLVED,
    ) as change:
        sla_event_append(ticket=ticket, kind=SlaEventKind.RESOLVE, at=now)
        ticket.status, ticket.resolved_at = TicketStatus.RESOLVED, now
        ticket.root_cause, ticket.time_spent = root_cause, time_spent
        ticket.is_billable = ticket.is_billable or root_cause != RootCause.PRODUCT_DEFECT
        change.new = ticket.status
    notify_customer_of_status(ticket, old, TicketStatus.RESOLVED, message=reply)
    return ticket


# --- withdraw -----------------------------------------------------------------------------------


def _duplicate_target(ticket: Ticket, number: int | None) -> Ticket:
    """The ticket this one duplicates: the same organisation's, not itself, not withdrawn.

    Another organisation's number gets the same answer as a number that does not exist."""
    if number is None:
        raise ValidationError({"duplicate_of": _("Give the number of the ticket it duplicates.")})
    if number == ticket.pk:
        raise ValidationError({"duplicate_of": _("A ticket cannot duplicate itself.")})
    target = Ticket.objects.filter(pk=number, customer_id=ticket.customer_id).first()
    if target is None:
        raise ValidationError(
            {
                "duplicate_of": _("%(customer)s has no ticket #%(number)d.")
                % {"customer": ticket.customer.name, "number": number}
            }
        )
    if target.status == TicketStatus.WITHDRAWN:
        raise ValidationError(
            {
                "duplicate_of": _(
                    "%(ref)s is withdrawn itself: give the ticket the work goes on in."
                )
                % {"ref": target.reference}
            }
        )
    return target


@engine_errors
@transaction.atomic
def ticket_withdraw(
    *, ticket: Ticket, by, reason: str, now: datetime | None = None, duplicate_of: int | None = None
) -> Ticket:
    """End an open (or deferred) ticket unresolved: a contact's "no longer needed", or an
    engineer's duplicate (``duplicate_of``: a ticket number) or spam."""
    role = _role(by, ticket)
    allowed = CONTACT_REASONS if role == Role.CONTACT else STAFF_REASONS
    if reason not in allowed:
        raise ValidationError({"reason": _("Choose why the ticket is withdrawn.")})
    ticket = _lock(ticket)
    now = locked_now(now)
    if not ticket.is_open:
        raise ValidationError(not_open_refusal(ticket))
    duplicate = (
        _duplicate_target(ticket, duplicate_of) if reason == WithdrawReason.DUPLICATE else None
    )
    old = ticket.status
    ref = duplicate.reference if duplicate is not None else ""
    with ticket_change_sla(
        ticket, actor=by, now=now, action=ChangeAction.STATUS, field="status", old=ticket.status,
    ) as change:
        if ticket.opened_at is not None:  # a deferred request has no clock yet
            sla_event_append(ticket=ticket, kind=SlaEventKind.WITHDRAW, at=now)
        ticket.status, ticket.withdrawn_at = TicketStatus.WITHDRAWN, now
        ticket.withdraw_reason, ticket.duplicate_of = reason, duplicate
        change.new = ticket.status
        change.notes.append(effect(Effect.WITHDRAWN_BECAUSE, reason=reason, ref=ref))
    if role != Role.CONTACT:
        notify_customer_of_status(
            ticket, old, TicketStatus.WITHDRAWN, note=lambda: withdraw_note(reason, ref)
        )
    return ticket


# --- close and reopen ---------------------------------------------------------------------------


@transaction.atomic
def ticket_close(*, ticket: Ticket, by, now: datetime | None = None) -> Ticket:
    """The contact confirms the resolution: the ticket closes (no SLA event, no figure moves)."""
    if _role(by, ticket) != Role.CONTACT:
        raise PermissionDenied
    ticket = _lock(ticket)
    now = locked_now(now)
    before = ticket_snapshot(ticket)
    if ticket.status != TicketStatus.RESOLVED:
        if ticket.is_open:
            raise ValidationError(
                _("%(ref)s is not resolved yet. If you no longer need it, withdraw it.")
                % {"ref": ticket.reference}
            )
        raise ValidationError(not_open_refusal(ticket))
    ticket.status, ticket.closed_at = TicketStatus.CLOSED, now
    ticket.save(update_fields=["status", "closed_at", "updated_at"])
    history_record(
        ticket=ticket,
        actor=by,
        at=now,
        action=ChangeAction.STATUS,
        field="status",
        old=TicketStatus.RESOLVED,
        new=TicketStatus.CLOSED,
        effects=[effect(Effect.CONFIRMED)],
    )
    ticket_event_emit(
        TICKET_UPDATED, ticket=ticket, now=now, actor=by, action="status", before=before
    )
    return ticket


@engine_errors
@transaction.atomic
def ticket_reopen(*, ticket: Ticket, by, now: datetime | None = None) -> Ticket:
    """A resolved ticket, within the reopen window, goes back to In progress; its resolution
    clock resumes (the time it spent resolved counts as paused)."""
    _role(by, ticket)
    ticket = _lock(ticket)
    now = locked_now(now)
    refusal = reopen_refusal(ticket, now=now)
    if refusal:
        raise ValidationError(refusal)
    with ticket_change_sla(
        ticket, actor=by, now=now, action=ChangeAction.STATUS, field="status", old=ticket.status,
        event=TICKET_REOPENED,
    ) as change:
        sla_event_append(ticket=ticket, kind=SlaEventKind.REOPEN, at=now)
        ticket.status = TicketStatus.IN_PROGRESS
        ticket.resolved_at = ticket.closed_at = None
        change.new = ticket.status
    notify_customer_of_status(ticket, TicketStatus.RESOLVED, TicketStatus.IN_PROGRESS)
    return ticket


def tickets_close_resolved(*, now: datetime, batch_size: int = CLOSE_BATCH) -> int:
    """The beat job: close every ticket resolved longer than the reopen window ago.

    Batched (each batch its own transaction) and idempotent: a ticket is closed by the
    conditional UPDATE that still finds it resolved, so a second or overlapping run, a
    contact's confirmation or a reopen in between never closes it twice or wrongly. Only the
    rows this run closed (``closed_at == now``) get a history row and a mail."""
    cutoff = now - timedelta(days=settings.PORTAL_REOPEN_DAYS)
    due = Ticket.objects.filter(status=TicketStatus.RESOLVED, resolved_at__lt=cutoff)
    closed = 0
    while True:
        ids = list(due.order_by("resolved_at", "pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return closed
        closed += _close_batch(ids, now=now)


@transaction.atomic
def _close_batch(ids: list[int], *, now: datetime) -> int:
    Ticket.objects.filter(pk__in=ids, status=TicketStatus.RESOLVED).update(
        status=TicketStatus.CLOSED, closed_at=now, updated_at=now
    )
    done = list(
        Ticket.objects.filter(pk__in=ids, status=TicketStatus.CLOSED, closed_at=now)
        .select_related("contract", "reporter")
        .order_by("pk")
    )
    tickets_ended(done)  # the UPDATE passed the save signals: the dashboard's roll-ups
    closed_by_itself = [effect(Effect.AUTO_CLOSED, days=settings.PORTAL_REOPEN_DAYS)]
    TicketChange.objects.bulk_create(
        TicketChange(
            ticket=ticket,
            actor=None,
            at=now,
            action=ChangeAction.STATUS,
            field="status",
            old_value=TicketStatus.RESOLVED,
            new_value=TicketStatus.CLOSED,
            effects=closed_by_itself,
        )
        for ticket in done
    )
    for ticket in done:
        notify_customer_of_status(ticket, TicketStatus.RESOLVED, TicketStatus.CLOSED)
        before = {**ticket_snapshot(ticket), "status": TicketStatus.RESOLVED}
        ticket_event_emit(TICKET_UPDATED, ticket=ticket, now=now, action="status", before=before)
    return len(done)
