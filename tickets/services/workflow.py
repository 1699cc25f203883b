"""What an engineer does to a ticket: take, assign, reply, change status, priority, type,
component, and (managers) extend the SLA.

Each action locks the ticket row and goes through ``ticket_change_sla``, so the change, its SLA
events, the engine's recomputed state and the history row are one transaction. An event the
engine refuses (sla.clock.InvalidEvent) rolls it all back and comes out as a ValidationError.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from packages.models import Component
from packages.roles import is_manager, is_support_staff
from sla.models import TicketType
from sla.selectors import is_counting_type
from tickets.attachments import attachment_validate
from tickets.models import ChangeAction, Message, MessageKind, SlaEventKind, Ticket
from tickets.selectors.quota import quota_month_of
from tickets.services.conversation import message_add
from tickets.services.filing import ticket_check_rules
from tickets.services.history import type_value
from tickets.services.notifications import notify_customer_of_due_change
from tickets.services.sla import sla_event_append
from tickets.services.sla_effects import Effect, effect
from tickets.services.status import change_refusal, ticket_set_status
from tickets.services.ticket_lock import engine_errors as _engine_errors
from tickets.services.ticket_lock import locked_now, ticket_change_sla


def _require_staff(user) -> None:
    if not is_support_staff(user):
        raise PermissionDenied


def _lock(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("contract__package", "component", "assignee")
        .get(pk=ticket.pk)
    )


def _require_open_clock(ticket: Ticket, now: datetime) -> None:
    refusal = change_refusal(ticket, now=now)
    if refusal:
        raise ValidationError(refusal)


def _check_rules(ticket: Ticket, *, ticket_type: str, priority: int | None) -> None:
    """filing.ticket_check_rules for the ticket's own component (even if since retired)."""
    try:
        ticket_check_rules(
            contract=ticket.contract,
            ticket_type=ticket_type,
            priority=priority,
            component=ticket.component,
        )
    except ValidationError as exc:
        errors = {k: v for k, v in exc.error_dict.items() if k != "component"}
        if errors:
            raise ValidationError(errors) from exc


def _user_label(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# --- assignment -------------------------------------------------------------------------------


@_engine_errors
@transaction.atomic
def ticket_assign(*, ticket: Ticket, engineer, by, now: datetime | None = None) -> Ticket:
    """Give the ticket to a support engineer or manager (``engineer=by`` is "take")."""
    _require_staff(by)
    if engineer is None or not engineer.is_active or not is_support_staff(engineer):
        raise ValidationError({"assignee": _("Only an active support engineer can be assigned.")})
    ticket = _lock(ticket)
    now = locked_now(now)
    if ticket.assignee_id == engineer.pk:
        return ticket
    action = ChangeAction.TAKE if engineer.pk == by.pk else ChangeAction.ASSIGN
    with ticket_change_sla(
        ticket, actor=by, now=now, action=action, field="assignee", old=_user_label(ticket.assignee)
    ) as change:
        ticket.assignee = engineer
        change.new = _user_label(engineer)
    return ticket


def ticket_take(*, ticket: Ticket, by, now: datetime | None = None) -> Ticket:
    return ticket_assign(ticket=ticket, engineer=by, by=by, now=now)


# --- conversation and status ------------------------------------------------------------------


@_engine_errors
@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    by,
    body: str,
    internal: bool,
    now: datetime | None = None,
    attachments: Sequence = (),
) -> Message:
    """A public reply (the first one meets reaction) or an internal note, with files."""
    _require_staff(by)
    for upload in attachments:
        attachment_validate(upload)
    kind = MessageKind.INTERNAL_NOTE if internal else MessageKind.PUBLIC_REPLY
    return message_add(
        ticket=ticket, author=by, kind=kind, body=body, now=now, attachments=attachments
    )


@_engine_errors
@transaction.atomic
def ticket_status_change(*, ticket: Ticket, status: str, by, now: datetime | None = None) -> Ticket:
    """New, In progress or Waiting for customer (waiting pauses the resolution clock)."""
    _require_staff(by)
    return ticket_set_status(ticket=ticket, status=status, by=by, now=now)


# --- classification ---------------------------------------------------------------------------


@_engine_errors
@transaction.atomic
def ticket_priority_change(
    *, ticket: Ticket, priority: int, workaround: bool, by, now: datetime | None = None
) -> Ticket:
    """Change an incident's priority; with ``workaround`` the engine may start a new clock."""
    _require_staff(by)
    ticket = _lock(ticket)
    now = locked_now(now)
    _require_open_clock(ticket, now)
    if ticket.ticket_type != TicketType.INCIDENT:
        raise ValidationError({"priority": _("Only incidents have a priority.")})
    if priority == ticket.priority:
        if not workaround:
            raise ValidationError({"priority": _("The ticket already has this priority.")})
        return _workaround_noted(ticket, by=by, now=now)
    _check_rules(ticket, ticket_type=ticket.ticket_type, priority=priority)
    old = ticket.priority
    with ticket_change_sla(
        ticket, actor=by, now=now, action=ChangeAction.PRIORITY, field="priority", old=old
    ) as change:
        sla_event_append(
            ticket=ticket,
            kind=SlaEventKind.PRIORITY,
            at=now,
            priority=priority,
            workaround=workaround,
        )
        ticket.priority = priority
        change.new = priority
        if workaround and old in (1, 2) and priority > old:
            change.notes.append(effect(Effect.WORKAROUND_APPLIED))
        elif workaround:
            change.notes.append(effect(Effect.WORKAROUND_IGNORED))
    notify_customer_of_due_change(ticket, change.record)
    return ticket


def _workaround_noted(ticket: Ticket, *, by, now: datetime) -> Ticket:
    """A workaround on the same priority is an ordinary change (SPEC): recorded, no new clock."""
    with ticket_change_sla(
        ticket, actor=by, now=now, action=ChangeAction.PRIORITY, field="priority",
        old=ticket.priority, new=ticket.priority,
    ) as change:
        change.notes.append(effect(Effect.WORKAROUND_SAME_PRIORITY))
    return ticket


@_engine_errors
@transaction.atomic
def ticket_reclassify(
    *, ticket: Ticket, ticket_type: str, priority: int | None, by, now: datetime | None = None
) -> Ticket:
    """Change the type: the clock keeps its start with the new target and calendar.

    A ticket reclassified into a counting type on a contract with a quota counts in the month
    it was opened; out of a counting type it stops counting.
    """
    _require_staff(by)
    ticket = _lock(ticket)
    now = locked_now(now)
    _require_open_clock(ticket, now)
    if ticket_type != TicketType.INCIDENT:
        priority = None
    if ticket_type == ticket.ticket_type:
        raise ValidationError({"ticket_type": _("The ticket already has this type.")})
    _check_rules(ticket, ticket_type=ticket_type, priority=priority)
    with ticket_change_sla(
        ticket, actor=by, now=now, action=ChangeAction.RECLASSIFY, field="ticket_type",
        old=type_value(ticket.ticket_type, ticket.priority),
    ) as change:
        sla_event_append(
            ticket=ticket,
            kind=SlaEventKind.RECLASSIFY,
            at=now,
            ticket_type=ticket_type,
            priority=priority,
        )
        was_counting = is_counting_type(ticket.ticket_type)
        ticket.ticket_type, ticket.priority = ticket_type, priority
        if not is_counting_type(ticket_type):
            ticket.quota_month = None
        elif not was_counting and ticket.contract.package.has_quota:
            ticket.quota_month = quota_month_of(ticket.opened_at, ticket.contract.time_zone)
        change.new = type_value(ticket_type, priority)
    notify_customer_of_due_change(ticket, change.record)
    return ticket


@_engine_errors
@transaction.atomic
def ticket_component_change(
    *, ticket: Ticket, component: Component, by, now: datetime | None = None
) -> Ticket:
    """Change the affected component; a priority 1 incident keeps it only on a covered one."""
    _require_staff(by)
    ticket = _lock(ticket)
    now = locked_now(now)
    if component.pk == ticket.component_id:
        raise ValidationError({"component": _("The ticket already names this component.")})
    try:
        ticket_check_rules(
            contract=ticket.contract,
            ticket_type=ticket.ticket_type,
            priority=ticket.priority,
            component=component,
        )
    except ValidationError as exc:
        if "priority" in getattr(exc, "error_dict", {}):
            raise ValidationError(
                {
                    "component": _(
                        "“%(component)s” is not covered at priority 1 by this contract: lower the "
                        "priority to 2 first."
                    )
                    % {"component": component.label}
                }
            ) from exc
        raise
    with ticket_change_sla(
        ticket, actor=by, now=now, action=ChangeAction.COMPONENT, field="component",
        old=ticket.component.code,
    ) as change:
        ticket.component = component
        change.new = component.code
    return ticket


# --- extension --------------------------------------------------------------------------------


@_engine_errors
@transaction.atomic
def ticket_sla_extend(*, ticket: Ticket, reason: str, by, now: datetime | None = None) -> Ticket:
    """A manager extends the resolution target (20 h incidents, 100 h others), with a reason."""
    if not is_manager(by):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the SLA is extended.")})
    ticket = _lock(ticket)
    now = locked_now(now)
    _require_open_clock(ticket, now)
    if ticket.sla_extended:
        raise ValidationError(_("The SLA of this ticket is already extended."))
    with ticket_change_sla(
        ticket, actor=by, now=now, action=ChangeAction.EXTEND, field="sla_extended", old=""
    ) as change:
        sla_event_append(ticket=ticket, kind=SlaEventKind.EXTEND, at=now)
        ticket.extension_reason = reason
        change.new = reason
    notify_customer_of_due_change(ticket, change.record)
    return ticket
