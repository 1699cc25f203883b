"""The conversation: public replies and internal notes by staff, comments by customers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from packages.roles import Role
from tickets.events import TICKET_COMMENTED, TICKET_UPDATED, ticket_event_emit
from tickets.models import (
    Attachment,
    ChangeAction,
    Message,
    MessageKind,
    SlaEventKind,
    Ticket,
    TicketStatus,
)
from tickets.services.history import history_record
from tickets.services.notifications import notify_customer_of_reply
from tickets.services.sla import sla_event_append
from tickets.services.status import follow_up_refusal
from tickets.services.tenancy import ticket_actor_role
from tickets.services.ticket_lock import locked_now, ticket_change_sla


@transaction.atomic
def message_add(
    *,
    ticket: Ticket,
    author,
    kind: str,
    body: str,
    now: datetime | None = None,
    attachments: Sequence = (),
    notify: bool = True,
) -> Message:
    """Add a conversation entry. The first public reply meets the reaction target; a
    customer's comment on a ticket waiting for them resumes its resolution clock. On an ended
    ticket (resolved, closed, withdrawn) a staff reply is conversation only: no SLA event, no
    SLA figure moves; a contact is told what to do instead (reopen, or file a new ticket).
    ``notify=False``: the caller tells the customer itself (resolve sends one mail)."""
    role = ticket_actor_role(author, ticket)
    if role == Role.CONTACT:
        if kind != MessageKind.CUSTOMER_COMMENT:
            raise PermissionDenied
    elif kind not in (MessageKind.PUBLIC_REPLY, MessageKind.INTERNAL_NOTE):
        raise PermissionDenied
    body = body.strip()
    if not body and not attachments:
        raise ValidationError({"body": _("Write a message or attach a file.")})

    ticket = Ticket.objects.select_for_update().select_related("contract").get(pk=ticket.pk)
    now = locked_now(now)
    if ticket.is_deferred and kind == MessageKind.PUBLIC_REPLY:
        raise ValidationError(_("This request is deferred to next month; it opens then."))
    if kind == MessageKind.CUSTOMER_COMMENT:
        refusal = follow_up_refusal(ticket, now=now)
        if refusal:
            raise ValidationError(refusal)

    message = Message.objects.create(
        ticket=ticket, author=author, kind=kind, body=body, created_at=now
    )
    for upload in attachments:
        Attachment.objects.create(
            ticket=ticket, message=message, file=upload, original_name=upload.name[:255],
            size=upload.size, content_type=(getattr(upload, "content_type", "") or "")[:100],
        )

    if kind == MessageKind.PUBLIC_REPLY:
        if ticket.is_open:
            _after_public_reply(ticket, author=author, now=now)
        else:
            history_record(ticket=ticket, actor=author, at=now, action="reply")
            Ticket.objects.filter(pk=ticket.pk).update(updated_at=now)
        if notify:
            notify_customer_of_reply(ticket, message)
    elif kind == MessageKind.CUSTOMER_COMMENT and ticket.status == TicketStatus.WAITING:
        with ticket_change_sla(ticket, actor=author, now=now, action=ChangeAction.STATUS,
                               field="status", old=ticket.status) as change:
            sla_event_append(ticket=ticket, kind=SlaEventKind.RESUME, at=now)
            ticket.status = TicketStatus.IN_PROGRESS
            change.new = ticket.status
    else:
        history_record(ticket=ticket, actor=author, at=now, action=kind)
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=now)
    ticket_event_emit(TICKET_COMMENTED, ticket=ticket, now=now, actor=author, message=message)
    return message


def _after_public_reply(ticket: Ticket, *, author, now: datetime) -> None:
    first = ticket.first_response_at is None
    # The reply itself is "ticket.commented"; "ticket.updated" only when the status moves.
    event = TICKET_UPDATED if ticket.status == TicketStatus.NEW else None
    with ticket_change_sla(
        ticket, actor=author, now=now, action=ChangeAction.REPLY, event=event
    ) as change:
        if first:
            sla_event_append(ticket=ticket, kind=SlaEventKind.FIRST_RESPONSE, at=now)
        if ticket.status == TicketStatus.NEW:
            ticket.status = TicketStatus.IN_PROGRESS
            change.field, change.old, change.new = (
                "status", TicketStatus.NEW, TicketStatus.IN_PROGRESS)
