"""Status changes and the SLA events they imply.

waiting for customer pauses the resolution clock; leaving it resumes; resolving ends the clock
(a paused one at that moment); reopening a resolved ticket resumes it. Closing an unresolved
ticket resolves it first.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from packages.roles import Role, role_of
from tickets.models import (
    OPEN_STATUSES,
    ChangeAction,
    RootCause,
    SlaEventKind,
    Ticket,
    TicketStatus,
)
from tickets.services.notifications import notify_customer_of_status
from tickets.services.sla import sla_event_append
from tickets.services.ticket_lock import ticket_change_sla

STAFF_TARGETS = {TicketStatus.IN_PROGRESS, TicketStatus.WAITING, TicketStatus.RESOLVED,
                 TicketStatus.CLOSED, TicketStatus.NEW}
CONTACT_TARGETS = {TicketStatus.CLOSED, TicketStatus.IN_PROGRESS}  # close, or reopen


def reopen_deadline(ticket: Ticket) -> datetime | None:
    done = ticket.resolved_at or ticket.closed_at
    return None if done is None else done + timedelta(days=settings.PORTAL_REOPEN_DAYS)


def can_reopen(ticket: Ticket, *, now: datetime) -> bool:
    deadline = reopen_deadline(ticket)
    return (
        ticket.status == TicketStatus.RESOLVED
        and deadline is not None and now <= deadline
    )


@transaction.atomic
def ticket_set_status(
    *,
    ticket: Ticket,
    status: str,
    by,
    now: datetime,
    root_cause: str = "",
    time_spent: timedelta | None = None,
) -> Ticket:
    """Move a ticket to ``status`` with the SLA events that implies, and tell the customer."""
    role = role_of(by)
    allowed = STAFF_TARGETS if role in (Role.ENGINEER, Role.MANAGER) else (
        CONTACT_TARGETS if role == Role.CONTACT else set())
    if status not in allowed:
        raise PermissionDenied
    ticket = Ticket.objects.select_for_update().select_related("contract").get(pk=ticket.pk)
    old = ticket.status
    if status == old:
        return ticket
    if ticket.is_deferred:
        raise ValidationError(_("This request is deferred to next month; it opens then."))

    was_open = old in OPEN_STATUSES
    if status in OPEN_STATUSES and not was_open and not can_reopen(ticket, now=now):
        raise ValidationError(
            _("This ticket can no longer be reopened: only a resolved ticket can, within "
              "%(days)d days. File a new one and mention %(ref)s.")
            % {"days": settings.PORTAL_REOPEN_DAYS, "ref": ticket.reference}
        )
    if status == TicketStatus.RESOLVED and role != Role.CONTACT:
        _check_resolution(root_cause, time_spent)

    with ticket_change_sla(ticket, actor=by, now=now, action=ChangeAction.STATUS,
                           field="status", old=old) as change:
        if was_open and status not in OPEN_STATUSES:
            # Resolve (or close unresolved): the engine ends a paused clock at this moment.
            if old != TicketStatus.RESOLVED:
                sla_event_append(ticket=ticket, kind=SlaEventKind.RESOLVE, at=now)
                ticket.resolved_at = now
            if status == TicketStatus.RESOLVED and root_cause:
                ticket.root_cause = root_cause
                ticket.time_spent = time_spent
                ticket.is_billable = ticket.is_billable or root_cause != RootCause.PRODUCT_DEFECT
        elif not was_open and status in OPEN_STATUSES:
            sla_event_append(ticket=ticket, kind=SlaEventKind.REOPEN, at=now)
            ticket.resolved_at = ticket.closed_at = None
            if status == TicketStatus.WAITING:
                sla_event_append(ticket=ticket, kind=SlaEventKind.PAUSE, at=now)
        elif old == TicketStatus.WAITING and status != TicketStatus.WAITING:
            sla_event_append(ticket=ticket, kind=SlaEventKind.RESUME, at=now)
        elif status == TicketStatus.WAITING:
            sla_event_append(ticket=ticket, kind=SlaEventKind.PAUSE, at=now)
        if status == TicketStatus.CLOSED:
            ticket.closed_at = now
        ticket.status = status
        change.new = status
    if role != Role.CONTACT or status != TicketStatus.CLOSED:
        notify_customer_of_status(ticket, old, status)
    return ticket


def _check_resolution(root_cause: str, time_spent: timedelta | None) -> None:
    errors = {}
    if root_cause not in RootCause.values:
        errors["root_cause"] = _("Record the root cause to resolve the ticket.")
    if time_spent is None or time_spent <= timedelta(0):
        errors["time_spent"] = _("Record the time spent (more than zero) to resolve the ticket.")
    if errors:
        raise ValidationError(errors)
