"""Filing a ticket: validation of the product rules, the monthly quota, the SLA clock start."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from packages.models import Component, Contact, Contract
from packages.selectors import component_priority_one_allowed, contract_in_force
from sla.models import TicketType
from sla.selectors import is_counting_type, terms_for_contract
from tickets.events import (
    TICKET_CREATED,
    TICKET_UPDATED,
    ticket_event_emit,
    ticket_snapshot,
)
from tickets.models import (
    ONLINE_CHANNELS,
    Attachment,
    ChangeAction,
    Channel,
    SlaEventKind,
    Ticket,
    TicketStatus,
)
from tickets.selectors.quota import QuotaStatus, quota_month_of, quota_status
from tickets.services.history import history_record, type_value
from tickets.services.notifications import notify_ticket_filed
from tickets.services.sla import sla_event_append, ticket_sla_apply
from tickets.services.sla_effects import Effect, effect, sla_effects
from tickets.services.ticket_lock import locked_now


class QuotaChoice(models.TextChoices):
    BILLABLE = "billable", gettext_lazy("File it now as billable (hourly rate)")
    DEFER = "defer", gettext_lazy("Defer it to next month")


class QuotaExhausted(ValidationError):
    """The month's quota is used up and the contact has not chosen billable or deferred."""

    def __init__(self, status: QuotaStatus):
        self.status = status
        super().__init__(
            _("This month's %(limit)d consultation requests are used up. Choose whether to file "
              "this one now as billable or to defer it to next month.") % {"limit": status.limit},
            code="quota_exhausted",
        )


def ticket_check_rules(
    *, contract: Contract, ticket_type: str, priority: int | None, component: Component | None
) -> None:
    """The product's rules for type, priority and component, as field errors."""
    errors: dict[str, str] = {}
    if ticket_type not in TicketType.values:
        errors["ticket_type"] = _("Choose an incident, a service request or a change.")
    elif ticket_type == TicketType.INCIDENT:
        if priority not in (1, 2, 3):
            errors["priority"] = _("An incident needs a priority from 1 to 3.")
        elif priority == 1 and component is not None and not component_priority_one_allowed(
            contract=contract, component=component
        ):
            errors["priority"] = _(
                "Priority 1 is only for base functions and the additional blocks your contract "
                "covers; “%(component)s” is not covered, so this incident is at most priority 2."
            ) % {"component": component.label}
    elif priority is not None:
        errors["priority"] = _("Only incidents have a priority.")
    if component is None:
        errors["component"] = _("Name the affected component.")
    elif not component.is_active:
        errors["component"] = _("This component is no longer offered; choose another.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def ticket_file(
    *,
    contact: Contact,
    ticket_type: str,
    priority: int | None,
    component: Component | None,
    subject: str,
    description: str,
    now: datetime | None = None,
    quota_choice: str | None = None,
    attachments: Sequence = (),
    channel: str = Channel.PORTAL,
    registered_by=None,
) -> Ticket:
    """File a ticket for the contact's organisation; start its SLA clock unless deferred.

    Every channel files through here. Phone and chat name the engineer who registered the
    ticket (``registered_by``); on a package without online support that is recorded.

    The contract row is locked while the quota is counted, so two filings at the same moment
    cannot both take the last unit.
    """
    if not contact.user.is_active:
        raise ValidationError(_("Your account is deactivated."))
    if not contact.customer.is_active:
        raise ValidationError(
            _("Your organisation's account is deactivated: tickets cannot be filed. Contact "
              "your account manager.")
        )
    contract = contract_in_force(customer=contact.customer_id, at=now or timezone.now())
    if contract is None:
        raise ValidationError(
            _("Your organisation has no support contract in force today; contact your account "
              "manager.")
        )
    ticket_check_rules(
        contract=contract, ticket_type=ticket_type, priority=priority, component=component
    )
    contract = Contract.objects.select_for_update().select_related("package").get(pk=contract.pk)
    now = locked_now(now)

    ticket = Ticket(
        customer_id=contract.customer_id,
        contract=contract,
        reporter=contact.user,
        ticket_type=ticket_type,
        priority=priority if ticket_type == TicketType.INCIDENT else None,
        component=component,
        subject=subject.strip(),
        description=description,
        status=TicketStatus.NEW,
        opened_at=now,
        created_at=now,
        channel=channel,
        registered_by=registered_by,
        online_outside_package=(
            channel in ONLINE_CHANNELS and not contract.package.online_support
        ),
    )
    if is_counting_type(ticket_type) and contract.package.has_quota:
        status = quota_status(contract=contract, now=now)
        if not status.exhausted:
            ticket.quota_month = status.month
        elif quota_choice == QuotaChoice.BILLABLE:
            ticket.is_billable = ticket.is_over_quota = True
        elif quota_choice == QuotaChoice.DEFER:
            ticket.is_deferred = ticket.is_over_quota = True
            ticket.opened_at = None
        else:
            raise QuotaExhausted(status)
    ticket.save()

    for upload in attachments:
        Attachment.objects.create(
            ticket=ticket, file=upload, original_name=upload.name[:255], size=upload.size,
            content_type=(getattr(upload, "content_type", "") or "")[:100],
        )

    effects = (
        [effect(Effect.DEFERRED)] if ticket.is_deferred else ticket_sla_start(ticket, now=now)
    )
    history_record(
        ticket=ticket, actor=registered_by or contact.user, at=now, action=ChangeAction.FILED,
        new=type_value(ticket.ticket_type, ticket.priority), effects=effects,
    )
    notify_ticket_filed(ticket)
    ticket_event_emit(TICKET_CREATED, ticket=ticket, now=now, actor=contact.user, action="filed")
    if ticket.quota_month is not None:
        from tickets.services.quota_jobs import quota_usage_dispatch  # imports this module

        contract_id = contract.pk
        transaction.on_commit(lambda: quota_usage_dispatch(contract_id))
    return ticket


def ticket_sla_start(ticket: Ticket, *, now: datetime) -> list[dict]:
    """Write the OPEN event and the first SLA state; returns the history's SLA effects."""
    terms = terms_for_contract(ticket.contract)
    sla_event_append(
        ticket=ticket, kind=SlaEventKind.OPEN, at=now, priority=ticket.priority,
        ticket_type=ticket.ticket_type,
    )
    state = ticket_sla_apply(ticket, now=now, terms=terms)
    ticket.save()
    return sla_effects(None, state)


@transaction.atomic
def ticket_open_deferred(*, ticket: Ticket, now: datetime) -> bool:
    """Open a deferred request on the first of the month if the new month's quota has room."""
    contract = Contract.objects.select_for_update().select_related("package").get(
        pk=ticket.contract_id
    )
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not ticket.is_deferred or ticket.status == TicketStatus.WITHDRAWN:
        return False
    status = quota_status(contract=contract, now=now)
    if status.exhausted:
        return False
    before = ticket_snapshot(ticket)
    ticket.is_deferred = False
    ticket.is_over_quota = False
    ticket.opened_at = now
    ticket.quota_month = quota_month_of(now, contract.time_zone)
    ticket.save()
    history_record(
        ticket=ticket, actor=None, at=now, action=ChangeAction.OPENED_DEFERRED,
        field="is_deferred", old=True, new=False, effects=ticket_sla_start(ticket, now=now),
    )
    ticket_event_emit(
        TICKET_UPDATED, ticket=ticket, now=now, action="opened_deferred", before=before
    )
    return True
