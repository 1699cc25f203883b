"""Reads for inbound mail: who wrote (as the SPEC trusts them), which ticket a reply answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from packages.models import Component, ComponentKind, Contact, Contract
from packages.roles import Role, role_of
from packages.selectors import contract_in_force
from tickets.models import OutboxMessage, Ticket

from .models import InboundMessage, Outcome

TICKET_TAG = re.compile(r"\[#(\d{1,12})\]")


@dataclass(frozen=True)
class Sender:
    """What the address is to the portal. ``contact`` is set only for a contact who may file
    (active, of an active customer with a contract in force); ``why`` says why not."""

    contact: Contact | None = None
    contract: Contract | None = None
    is_staff: bool = False
    why: str = ""


def sender_of(address: str, *, at: datetime) -> Sender:
    users = list(
        get_user_model()
        .objects.filter(email__iexact=address)
        .select_related("contact__customer")
        .order_by("-is_active", "pk")
    )
    if not users:
        return Sender(why="unknown address")
    for user in users:
        if role_of(user) in (Role.ENGINEER, Role.MANAGER) or user.is_staff:
            return Sender(is_staff=True, why="staff address")
    why = "not a contact"
    for user in users:
        contact = getattr(user, "contact", None)
        if contact is None:
            continue
        if not user.is_active:
            why = "deactivated contact"
            continue
        if not contact.customer.is_active:
            why = "deactivated customer"
            continue
        contract = contract_in_force(customer=contact.customer_id, at=at)
        if contract is None:
            why = "no contract in force"
            continue
        return Sender(contact=contact, contract=contract)
    return Sender(why=why)


def thread_ticket(*, referenced_ids: list[str], subject: str) -> Ticket | None:
    """The ticket a message answers: a portal mail (or a mail that filed a ticket) named in
    In-Reply-To/References, else the subject's ``[#N]`` tag."""
    if referenced_ids:
        sent = (
            OutboxMessage.objects.filter(message_id__in=referenced_ids, ticket__isnull=False)
            .values_list("ticket_id", flat=True)
            .first()
        )
        if sent is None:
            sent = (
                InboundMessage.objects.filter(message_id__in=referenced_ids, ticket__isnull=False)
                .values_list("ticket_id", flat=True)
                .first()
            )
        if sent is not None:
            return Ticket.objects.select_related("customer").filter(pk=sent).first()
    for number in TICKET_TAG.findall(subject):
        ticket = Ticket.objects.select_related("customer").filter(pk=int(number)).first()
        if ticket is not None:
            return ticket
    return None


def mail_component(component_code: str = "") -> Component | None:
    """The component a mail ticket is filed under until triage: the configured one, else the
    first active base function (priority-1 eligible on every contract)."""
    active = Component.objects.filter(is_active=True)
    if component_code:
        chosen = active.filter(code=component_code).first()
        if chosen is not None:
            return chosen
    return active.filter(kind=ComponentKind.BASE).order_by("position", "name", "pk").first()


def inbound_for_managers() -> QuerySet[InboundMessage]:
    """Mail kept for a person to look at: unknown senders and rejected messages."""
    return InboundMessage.objects.filter(
        outcome__in=[Outcome.UNKNOWN_SENDER, Outcome.REJECTED]
    ).defer("raw")
