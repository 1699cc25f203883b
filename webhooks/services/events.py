"""Turn the services' events into deliveries, one per hook that hears them.

Runs inside the service's transaction (tickets.events): the deliveries commit with the change
or not at all, and are handed to a worker only after commit. Scope is decided here, once:
a customer admin's hook hears its own organisation only and never an internal note.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from packages.models import Component
from tickets import events
from tickets.models import SlaAlert, SlaAlertKind
from webhooks import payloads
from webhooks.models import DeliveryStatus, WebHook, WebhookDelivery


def _active_hooks(customer_id: int | None):
    """Hooks that may hear an event of this organisation (None: of no organisation)."""
    scope = Q(customer__isnull=True, for_staff=True)
    if customer_id is not None:
        scope |= Q(customer_id=customer_id)
    return list(WebHook.objects.filter(scope, is_active=True).order_by("pk"))


def _delivery(hook: WebHook, event: str, *, now: datetime, data: dict, customer_id, ticket_id):
    return WebhookDelivery(
        hook=hook,
        event_id=f"msg_{uuid.uuid4().hex}",
        event=event,
        customer_id=customer_id,
        ticket_id=ticket_id,
        payload=payloads.envelope(event, now=now, data=data),
        status=DeliveryStatus.PENDING,
        created_at=now,
        next_attempt_at=now,
        retry_until=now + timedelta(hours=settings.PORTAL_WEBHOOK_RETRY_HOURS),
    )


def _queue(deliveries: list[WebhookDelivery]) -> list[WebhookDelivery]:
    if not deliveries:
        return []
    created = WebhookDelivery.objects.bulk_create(deliveries, batch_size=500)
    ids = [d.pk for d in created]
    transaction.on_commit(lambda: deliveries_dispatch(ids))
    return created


def deliveries_dispatch(ids: list[int]) -> bool:
    """After commit: hand the deliveries to a worker. A broker outage leaves them to the
    every-minute job (their ``next_attempt_at`` has come)."""
    from webhooks.services.delivery import dispatch

    return dispatch(ids)


def ticket_event_record(
    *,
    event: str,
    ticket,
    now: datetime,
    actor=None,
    action: str = "",
    before=None,
    message=None,
) -> list[WebhookDelivery]:
    """A ticket event for every hook of the ticket's organisation (and staff hooks)."""
    internal = message is not None and not message.is_public
    hooks = [
        h
        for h in _active_hooks(ticket.customer_id)
        if h.hears(event) and (h.for_staff or not internal)
    ]
    if not hooks:
        return []
    data: dict = {"ticket": payloads.ticket_data(ticket)}
    if action:
        data["action"] = action
    if event == events.TICKET_UPDATED or before is not None:
        data["changes"] = _component_codes(payloads.changes(before, ticket))
    if message is not None:
        data["comment"] = payloads.message_data(message)
    return _queue(
        [
            _delivery(
                h, event, now=now, data=data, customer_id=ticket.customer_id, ticket_id=ticket.pk
            )
            for h in hooks
        ]
    )


def _component_codes(found: list[dict]) -> list[dict]:
    """Components by their code (what the API takes), not by database id."""
    for change in found:
        if change["field"] == "component":
            codes = dict(
                Component.objects.filter(pk__in=[change["old"], change["new"]]).values_list(
                    "pk", "code"
                )
            )
            change["old"], change["new"] = codes.get(change["old"]), codes.get(change["new"])
    return found


SLA_EVENTS = {SlaAlertKind.AT_RISK: events.SLA_AT_RISK, SlaAlertKind.BREACH: events.SLA_BREACHED}


def sla_alerts_record(*, batch, now: datetime) -> list[WebhookDelivery]:
    """The SLA check's new alerts (one run's ``batch``) for the hooks that hear them: one
    query for the hooks, one for the alerts (only when some hook listens)."""
    hooks = [
        h
        for h in WebHook.objects.filter(is_active=True).order_by("pk")
        if h.hears(events.SLA_AT_RISK) or h.hears(events.SLA_BREACHED)
    ]
    if not hooks:
        return []
    rows = (
        SlaAlert.objects.filter(batch=batch)
        .order_by("pk")
        .values(
            "ticket_id",
            "metric",
            "kind",
            "due_at",
            "ticket__customer_id",
            "ticket__customer__name",
            "ticket__subject",
            "ticket__status",
            "ticket__ticket_type",
            "ticket__priority",
        )
    )
    deliveries = []
    for row in rows:
        event = SLA_EVENTS[row["kind"]]
        customer_id = row["ticket__customer_id"]
        data = {
            "ticket": {
                "id": row["ticket_id"],
                "reference": f"#{row['ticket_id']}",
                "subject": row["ticket__subject"],
                "status": row["ticket__status"],
                "ticket_type": row["ticket__ticket_type"],
                "priority": row["ticket__priority"],
                "customer": {"id": customer_id, "name": row["ticket__customer__name"]},
                **payloads.ticket_links(row["ticket_id"]),
            },
            "metric": row["metric"],
            "due_at": payloads.iso(row["due_at"]),
        }
        deliveries.extend(
            _delivery(
                h, event, now=now, data=data, customer_id=customer_id, ticket_id=row["ticket_id"]
            )
            for h in hooks
            if h.hears(event) and (h.customer_id is None or h.customer_id == customer_id)
        )
    return _queue(deliveries)


QUOTA_EVENTS = {80: events.QUOTA_80, 100: events.QUOTA_100}


def quota_event_record(
    *, contract, month, threshold: int, used: int, limit: int, now: datetime
) -> list[WebhookDelivery]:
    event = QUOTA_EVENTS.get(threshold)
    if event is None:
        return []
    hooks = [h for h in _active_hooks(contract.customer_id) if h.hears(event)]
    if not hooks:
        return []
    data = {
        "customer": {"id": contract.customer_id, "name": contract.customer.name},
        "contract": contract.number,
        "month": f"{month:%Y-%m}",
        "threshold": threshold,
        "used": used,
        "limit": limit,
    }
    return _queue(
        [
            _delivery(
                h, event, now=now, data=data, customer_id=contract.customer_id, ticket_id=None
            )
            for h in hooks
        ]
    )
