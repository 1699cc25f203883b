"""Listen to the services' events (tickets.events) and queue deliveries for the hooks."""

from django.dispatch import receiver

from tickets import events
from webhooks.services import events as hook_events


@receiver(events.ticket_event, dispatch_uid="webhooks.ticket_event")
def _ticket_event(sender, **kwargs) -> None:
    hook_events.ticket_event_record(**{k: v for k, v in kwargs.items() if k != "signal"})


@receiver(events.sla_alerts_recorded, dispatch_uid="webhooks.sla_alerts")
def _sla_alerts(sender, *, batch, now, **kwargs) -> None:
    hook_events.sla_alerts_record(batch=batch, now=now)


@receiver(events.quota_threshold_reached, dispatch_uid="webhooks.quota")
def _quota(sender, *, contract, month, threshold, used, limit, now, **kwargs) -> None:
    hook_events.quota_event_record(
        contract=contract, month=month, threshold=threshold, used=used, limit=limit, now=now
    )
