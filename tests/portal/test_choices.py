"""``choice_display`` gives what Django's ``get_<field>_display`` gives, in each language."""

from functools import partial

import pytest
from django.db.models import Model
from django.utils import translation

from sla.models import Priority, TicketType
from tickets.models import Message, MessageKind, Ticket, TicketStatus


def djangos(instance: Model, name: str):
    return partial(Model._get_FIELD_display, instance, field=instance._meta.get_field(name))()


@pytest.mark.parametrize("language", ["en", "uk"])
def test_every_choice_reads_as_djangos_in_each_language(language):
    cases = [
        *((Ticket(status=v), "status") for v in [*TicketStatus.values, "gone"]),
        *((Ticket(ticket_type=v), "ticket_type") for v in TicketType.values),
        *((Ticket(priority=v), "priority") for v in [*Priority.values, None, 9]),
        *((Message(kind=v), "kind") for v in MessageKind.values),
    ]
    with translation.override(language):
        for instance, name in cases:
            ours = getattr(instance, f"get_{name}_display")()
            assert ours == djangos(instance, name), (name, getattr(instance, name))
    with translation.override("uk"):
        assert Ticket(status=TicketStatus.NEW).get_status_display() != "New"
