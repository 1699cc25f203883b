"""What a web hook receives: the Standard Webhooks envelope ``{type, timestamp, data}``.

Machine values only (status codes, not their translated labels), so a receiver's code does
not depend on anybody's language. Built when the event happens and stored with the
delivery, so a retry or a "send again" sends exactly what was true then.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.urls import reverse

from tickets.events import SNAPSHOT_FIELDS


def iso(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def ticket_links(ticket_id: int) -> dict:
    return {
        "url": _absolute(reverse("tickets:detail", args=[ticket_id])),
        "api_url": _absolute(reverse("api:ticket-detail", args=[ticket_id])),
    }


def ticket_data(ticket) -> dict:
    """The ticket as an event shows it (a subset of the API's ticket)."""
    return {
        "id": ticket.pk,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "status": ticket.status,
        "ticket_type": ticket.ticket_type,
        "priority": ticket.priority,
        "component": ticket.component.code,
        "customer": {"id": ticket.customer_id, "name": ticket.customer.name},
        "assignee": _person(ticket.assignee),
        "is_billable": ticket.is_billable,
        "is_deferred": ticket.is_deferred,
        "created_at": iso(ticket.created_at),
        "opened_at": iso(ticket.opened_at),
        "resolved_at": iso(ticket.resolved_at),
        "closed_at": iso(ticket.closed_at),
        "withdrawn_at": iso(ticket.withdrawn_at),
        "sla": {
            "reaction_due": iso(ticket.reaction_due),
            "reaction_met": ticket.reaction_met,
            "reaction_breached_at": iso(ticket.reaction_breached_at),
            "resolution_due": iso(ticket.resolution_due),
            "resolution_met": ticket.resolution_met,
            "resolution_breached_at": iso(ticket.resolution_breached_at),
            "paused": ticket.sla_paused,
            "extended": ticket.sla_extended,
        },
        **ticket_links(ticket.pk),
    }


def changes(before: dict | None, ticket) -> list[dict]:
    """What moved, field by field (``component`` and ``assignee`` as ids)."""
    if not before:
        return []
    found = []
    for name in SNAPSHOT_FIELDS:
        old, new = before.get(name), getattr(ticket, name)
        if old != new:
            found.append({"field": name.removesuffix("_id"), "old": iso(old), "new": iso(new)})
    return found


def message_data(message) -> dict:
    return {
        "id": message.pk,
        "kind": message.kind,
        "internal": not message.is_public,
        "body": message.body,
        "author": _person(message.author),
        "created_at": iso(message.created_at),
        "attachments": [
            {"id": a.pk, "name": a.original_name, "size": a.size} for a in message.attachments.all()
        ],
    }


def envelope(event: str, *, now: datetime, data: dict) -> dict:
    return {"type": event, "timestamp": iso(now), "data": data}
