"""Who is told what by e-mail. Every message goes through the outbox (sent after commit)."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.models import Message, Ticket
from tickets.services.outbox import outbox_enqueue


def ticket_url(ticket: Ticket) -> str:
    try:
        path = reverse("tickets:detail", args=[ticket.pk])
    except NoReverseMatch:
        path = f"/tickets/{ticket.pk}/"
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _customer_recipients(ticket: Ticket) -> list[str]:
    reporter = ticket.reporter
    return [reporter.email] if reporter.is_active and reporter.email else []


def _send(ticket: Ticket, template: str, subject: str, automatic: bool = True, **context) -> None:
    """Render in the contract's zone: the ``mail_time`` filter gives every time with it."""
    with timezone.override(zoneinfo.ZoneInfo(ticket.contract.time_zone)):
        body = render_to_string(
            f"tickets/email/{template}.txt",
            {"ticket": ticket, "url": ticket_url(ticket), **context},
        )
    outbox_enqueue(
        recipients=_customer_recipients(ticket),
        subject=subject,
        body=body,
        ticket=ticket,
        automatic=automatic,
    )


def notify_ticket_filed(ticket: Ticket) -> None:
    _send(
        ticket,
        "filed",
        _("[%(ref)s] We received your request: %(subject)s")
        % {"ref": ticket.reference, "subject": ticket.subject},
    )


def notify_customer_of_reply(ticket: Ticket, message: Message) -> None:
    _send(
        ticket,
        "reply",
        _("[%(ref)s] New reply: %(subject)s")
        % {"ref": ticket.reference, "subject": ticket.subject},
        automatic=False,
        message=message,
    )


def notify_customer_of_status(ticket: Ticket, old_status: str, new_status: str) -> None:
    from tickets.models import TicketStatus

    _send(
        ticket,
        "status",
        _("[%(ref)s] Status: %(status)s")
        % {"ref": ticket.reference, "status": TicketStatus(new_status).label},
        old_status=TicketStatus(old_status).label,
        new_status=TicketStatus(new_status).label,
    )
