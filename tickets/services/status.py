"""Status moves of an open ticket, and what an ended ticket still allows (in words).

While a ticket is open an engineer moves it between New, In progress and Waiting for customer:
waiting pauses the resolution clock, leaving it resumes. Ending a ticket (resolve, withdraw,
close) and reopening it are their own actions (tickets.services.ending). The refusals below are
the one place that says, truthfully for each case, why something cannot happen and what to do.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from packages.roles import Role
from tickets.models import OPEN_STATUSES, ChangeAction, SlaEventKind, Ticket, TicketStatus
from tickets.services.notifications import notify_customer_of_status
from tickets.services.sla import sla_event_append
from tickets.services.tenancy import ticket_actor_role
from tickets.services.ticket_lock import locked_now, ticket_change_sla

STAFF_TARGETS = frozenset(OPEN_STATUSES)


def reopen_deadline(ticket: Ticket) -> datetime | None:
    """Until when a resolved ticket can be reopened (None: it is not resolved)."""
    if ticket.status != TicketStatus.RESOLVED or ticket.resolved_at is None:
        return None
    return ticket.resolved_at + timedelta(days=settings.PORTAL_REOPEN_DAYS)


def can_reopen(ticket: Ticket, *, now: datetime) -> bool:
    deadline = reopen_deadline(ticket)
    return deadline is not None and now <= deadline


def deferred_refusal() -> str:
    return _("This request is deferred to next month; it opens then.")


def not_open_refusal(ticket: Ticket) -> str:
    """An action for open tickets (resolve, withdraw) on an ended one."""
    return _("%(ref)s is %(status)s already.") % {
        "ref": ticket.reference,
        "status": ticket.get_status_display().lower(),
    }


def _file_new(ticket: Ticket) -> str:
    """An ended ticket that can no longer be reopened: say why, and to file a new one."""
    ref = ticket.reference
    if ticket.status == TicketStatus.WITHDRAWN:
        return _(
            "%(ref)s was withdrawn and cannot be reopened: file a new ticket and mention %(ref)s."
        ) % {"ref": ref}
    if ticket.status == TicketStatus.CLOSED:
        return _(
            "%(ref)s is closed and cannot be reopened: file a new ticket and mention %(ref)s."
        ) % {"ref": ref}
    days = settings.PORTAL_REOPEN_DAYS
    return ngettext(
        "%(ref)s was resolved more than %(days)d day ago and can no longer be reopened: "
        "file a new ticket and mention %(ref)s.",
        "%(ref)s was resolved more than %(days)d days ago and can no longer be reopened: "
        "file a new ticket and mention %(ref)s.",
        days,
    ) % {"ref": ref, "days": days}


def reopen_refusal(ticket: Ticket, *, now: datetime) -> str | None:
    """Why this ticket cannot be reopened now (None: it can)."""
    if ticket.is_deferred:
        return deferred_refusal()
    if ticket.is_open:
        return _("%(ref)s is still open (%(status)s): there is nothing to reopen.") % {
            "ref": ticket.reference,
            "status": ticket.get_status_display().lower(),
        }
    if can_reopen(ticket, now=now):
        return None
    return _file_new(ticket)


def follow_up_refusal(ticket: Ticket, *, now: datetime) -> str | None:
    """Why a contact cannot comment on this ticket, and what to do instead (None: they can)."""
    if ticket.is_deferred:
        return _("This request is deferred; you can reply once it opens.")
    if ticket.is_open:
        return None
    if can_reopen(ticket, now=now):
        return _(
            "%(ref)s is resolved. If the problem is not solved, reopen it to continue the "
            "conversation."
        ) % {"ref": ticket.reference}
    if ticket.status == TicketStatus.RESOLVED:
        return _file_new(ticket)
    if ticket.status == TicketStatus.WITHDRAWN:
        text = _("%(ref)s was withdrawn: to follow up, file a new ticket and mention %(ref)s.")
    else:
        text = _("%(ref)s is closed: to follow up, file a new ticket and mention %(ref)s.")
    return text % {"ref": ticket.reference}


def change_refusal(ticket: Ticket, *, now: datetime) -> str | None:
    """Why staff cannot change this ticket's status, priority, type or SLA (None: they can)."""
    if ticket.is_deferred:
        return deferred_refusal()
    if ticket.is_open:
        return None
    if can_reopen(ticket, now=now):
        return _("%(ref)s is resolved: reopen it first.") % {"ref": ticket.reference}
    return _("%(ref)s is %(status)s: it can no longer change.") % {
        "ref": ticket.reference,
        "status": ticket.get_status_display().lower(),
    }


@transaction.atomic
def ticket_set_status(*, ticket: Ticket, status: str, by, now: datetime | None = None) -> Ticket:
    """Move an open ticket between New, In progress and Waiting for customer (staff only)."""
    if ticket_actor_role(by, ticket) not in (Role.ENGINEER, Role.MANAGER):
        raise PermissionDenied
    if status not in STAFF_TARGETS:
        raise ValidationError(
            {"status": _("Resolve, withdraw or reopen a ticket with its own action.")}
        )
    ticket = Ticket.objects.select_for_update().select_related("contract").get(pk=ticket.pk)
    now = locked_now(now)
    refusal = change_refusal(ticket, now=now)
    if refusal:
        raise ValidationError(refusal)
    old = ticket.status
    if status == old:
        return ticket
    with ticket_change_sla(
        ticket, actor=by, now=now, action=ChangeAction.STATUS, field="status", old=old
    ) as change:
        if old == TicketStatus.WAITING:
            sla_event_append(ticket=ticket, kind=SlaEventKind.RESUME, at=now)
        elif status == TicketStatus.WAITING:
            sla_event_append(ticket=ticket, kind=SlaEventKind.PAUSE, at=now)
        ticket.status = status
        change.new = status
    notify_customer_of_status(ticket, old, status)
    return ticket
