"""Who among the staff is told what, at once (SPEC "Who is told what, at once").

Every channel files, comments and reopens through the ticket services, which announce each
change with ``tickets.events.ticket_event`` inside their transaction; ``oncall.receivers``
hands those events here. Each event becomes one ``StaffEvent`` row per person (unique on
person and event key, so a retried service or job adds nothing) and at most one e-mail through
the outbox (its dedupe key is the event's), sent right after the change commits.

- a new priority 1 incident: every on-duty engineer and every manager;
- any other new ticket (a deferred request: when it opens): the on-duty engineers;
- a customer's reply, a reopen: the assignee, or while nobody is assigned the on-duty engineers;
- an assignment: the new assignee.

The person who caused the event is not told of it. E-mail follows each person's preferences,
except for priority 1 incidents and breaches, which always go.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from oncall.models import EventKind, StaffEvent
from oncall.rota import zone_of
from oncall.selectors import email_muted, mailboxes, manager_ids, on_duty_ids
from tickets.events import TICKET_COMMENTED, TICKET_CREATED, TICKET_REOPENED, TICKET_UPDATED
from tickets.models import MessageKind, Ticket
from tickets.services.outbox import outbox_enqueue


def staff_url(ticket: Ticket) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("tickets:workspace", args=[ticket.pk])


def staff_notify(
    *,
    kind: str,
    ticket: Ticket,
    recipients: Iterable[int],
    key: str,
    now: datetime,
    actor=None,
    detail: str = "",
) -> frozenset[int]:
    """Record the event for each recipient and queue one e-mail to those who want it;
    returns who was told. A key already used for a person records nothing for them again."""
    ids = frozenset(recipients) - {getattr(actor, "pk", None)}
    if not ids:
        return ids
    StaffEvent.objects.bulk_create(
        [
            StaffEvent(recipient_id=pk, kind=kind, key=key, ticket=ticket, detail=detail[:200],
                       created_at=now)
            for pk in sorted(ids)
        ],
        ignore_conflicts=True,
    )
    addresses = mailboxes(ids - email_muted(kind)).of(ids)
    if addresses:
        subject, body = _mail(kind, ticket, detail=detail, now=now)
        outbox_enqueue(
            recipients=addresses, subject=subject, body=body, ticket=ticket,
            dedupe_key=f"staff:{key}",
        )
    return ids


def _mail(kind: str, ticket: Ticket, *, detail: str, now: datetime) -> tuple[str, str]:
    """Subject and body in the site's language, times in the staff's zone."""
    with (
        translation.override(settings.LANGUAGE_CODE),
        timezone.override(zone_of(settings.PORTAL_STAFF_TIME_ZONE)),
    ):
        label = EventKind(kind).label
        subject = f"{label}: {ticket.subject}"
        body = render_to_string(
            "oncall/email/event.txt",
            {"label": label, "ticket": ticket, "detail": detail, "url": staff_url(ticket),
             "now": now},
        )
    return str(subject), body


def _assignee_or_on_duty(ticket: Ticket, now: datetime) -> frozenset[int]:
    assignee = ticket.assignee if ticket.assignee_id else None
    if assignee is not None and assignee.is_active:
        return frozenset({assignee.pk})
    return on_duty_ids(now)


def ticket_filed_notify(*, ticket: Ticket, now: datetime, actor=None) -> frozenset[int]:
    if ticket.ticket_type == "incident" and ticket.priority == 1:
        return staff_notify(
            kind=EventKind.NEW_P1, ticket=ticket, key=f"new:{ticket.pk}", now=now, actor=actor,
            recipients=on_duty_ids(now) | manager_ids(),
        )
    return staff_notify(
        kind=EventKind.NEW_TICKET, ticket=ticket, key=f"new:{ticket.pk}", now=now, actor=actor,
        recipients=on_duty_ids(now),
    )


def ticket_event_notify(
    *, event: str, ticket: Ticket, now: datetime, actor=None, action: str = "",
    before: dict | None = None, message=None,
) -> None:
    """Turn one of the services' ticket events into the staff's notifications."""
    stamp = f"{now.timestamp():.6f}"
    if (event == TICKET_CREATED and not ticket.is_deferred) or (
        event == TICKET_UPDATED and action == "opened_deferred"
    ):
        filer = ticket.registered_by if ticket.registered_by_id else None
        ticket_filed_notify(ticket=ticket, now=now, actor=filer)
    elif event == TICKET_COMMENTED:
        if message is not None and message.kind == MessageKind.CUSTOMER_COMMENT:
            staff_notify(
                kind=EventKind.CUSTOMER_REPLY, ticket=ticket, key=f"reply:{message.pk}",
                now=now, actor=actor, recipients=_assignee_or_on_duty(ticket, now),
                detail=message.body[:200],
            )
    elif event == TICKET_REOPENED:
        staff_notify(
            kind=EventKind.REOPENED, ticket=ticket, key=f"reopen:{ticket.pk}:{stamp}",
            now=now, actor=actor, recipients=_assignee_or_on_duty(ticket, now),
        )
    if (
        before is not None
        and ticket.assignee_id
        and before.get("assignee_id") != ticket.assignee_id
    ):
        staff_notify(
            kind=EventKind.ASSIGNED, ticket=ticket,
            key=f"assign:{ticket.pk}:{ticket.assignee_id}:{stamp}", now=now, actor=actor,
            recipients=[ticket.assignee_id],
        )


def events_mark_read(*, user, now: datetime, pk: int | None = None) -> int:
    """Mark one of the person's events (or all of them) read; returns how many changed."""
    unread = StaffEvent.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=now)
