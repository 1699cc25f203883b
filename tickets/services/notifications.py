"""Who is told what by e-mail. Every message goes through the outbox (sent after commit).

Mail to a contact is written in the contact's language — the language of their last request to
the portal (``Contact.language``), the site's default until they have visited — and its times
are in their contract's zone, whoever caused the mail.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tickets.models import ChangeAction, Message, Ticket, TicketChange
from tickets.services.outbox import outbox_enqueue
from tickets.services.sla_effects import DUE_MOVES


def ticket_url(ticket: Ticket) -> str:
    try:
        path = reverse("tickets:detail", args=[ticket.pk])
    except NoReverseMatch:
        path = f"/tickets/{ticket.pk}/"
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _customer_recipients(ticket: Ticket) -> list[str]:
    reporter = ticket.reporter
    return [reporter.email] if reporter.is_active and reporter.email else []


def customer_language(ticket: Ticket) -> str:
    contact = getattr(ticket.reporter, "contact", None)
    return (contact.language if contact is not None else "") or settings.LANGUAGE_CODE


@contextmanager
def customer_locale(ticket: Ticket) -> Iterator[None]:
    """The contact's language and their contract's zone, for everything written inside."""
    with (
        translation.override(customer_language(ticket)),
        timezone.override(zoneinfo.ZoneInfo(ticket.contract.time_zone)),
    ):
        yield


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
    with customer_locale(ticket):
        _send(
            ticket,
            "filed",
            _("[%(ref)s] We received your request: %(subject)s")
            % {"ref": ticket.reference, "subject": ticket.subject},
        )


def notify_customer_of_reply(ticket: Ticket, message: Message) -> None:
    with customer_locale(ticket):
        _send(
            ticket,
            "reply",
            _("[%(ref)s] New reply: %(subject)s")
            % {"ref": ticket.reference, "subject": ticket.subject},
            automatic=False,
            message=message,
        )


def notify_customer_of_status(
    ticket: Ticket, old_status: str, new_status: str, *, note: str | Callable[[], str] = "",
    message: Message | None = None,
) -> None:
    """A status change; ``note`` says why (e.g. the ticket it duplicates; a callable to word
    it in the contact's language), ``message`` is the reply that came with it (resolve: one
    mail, not two)."""
    from tickets.models import TicketStatus

    with customer_locale(ticket):
        _send(
            ticket,
            "status",
            _("[%(ref)s] Status: %(status)s")
            % {"ref": ticket.reference, "status": TicketStatus(new_status).label},
            old_status=TicketStatus(old_status).label,
            new_status=TicketStatus(new_status).label,
            note=note() if callable(note) else note,
            message=message,
        )


def notify_customer_of_due_change(ticket: Ticket, change: TicketChange | None) -> None:
    """Tell the contact why their due times moved (a workaround downgrade, a reclassification,
    an extension and its reason) and the due times now in force.

    A reclassification or an extension always changes the target, even while the clock is
    paused; any other change is told only when it moved a due time.
    """
    from tickets.selectors.history import CUSTOMER, history_entries

    if change is None:
        return
    moved = any(item.get("kind") in DUE_MOVES for item in change.effects)
    if not moved and change.action not in (ChangeAction.RECLASSIFY, ChangeAction.EXTEND):
        return
    with customer_locale(ticket):
        (entry,) = history_entries([change], audience=CUSTOMER)
        _send(
            ticket,
            "due_changed",
            _("[%(ref)s] Due times changed: %(subject)s")
            % {"ref": ticket.reference, "subject": ticket.subject},
            entry=entry,
            zone=ticket.contract.time_zone,
        )
