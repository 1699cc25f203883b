"""Listen to the ticket services' events (tickets.events) and tell the staff concerned."""

from django.dispatch import receiver

from oncall.services.notify import ticket_event_notify
from tickets import events


@receiver(events.ticket_event, dispatch_uid="oncall.ticket_event")
def _ticket_event(sender, **kwargs) -> None:
    ticket_event_notify(**{k: v for k, v in kwargs.items() if k != "signal"})
