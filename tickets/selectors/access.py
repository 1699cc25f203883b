"""Who may see which tickets: a contact sees their organisation's, staff see all.

Everything a URL names goes through here, so an object of another organisation is a 404.
"""

from django.db.models import QuerySet
from django.http import Http404

from packages.roles import Role, role_of
from tickets.models import Attachment, Ticket


def tickets_visible_to(user) -> QuerySet[Ticket]:
    role = role_of(user)
    if role in (Role.ENGINEER, Role.MANAGER):
        return Ticket.objects.all()
    if role == Role.CONTACT:
        return Ticket.objects.filter(customer_id=user.contact.customer_id)
    return Ticket.objects.none()


def ticket_for_user(user, pk) -> Ticket:
    """The ticket if the user may see it, else Http404 (never 403: existence is not revealed)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    ticket = (
        tickets_visible_to(user)
        .select_related("customer", "contract__package", "reporter", "assignee", "component")
        .filter(pk=pk)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def attachment_for_user(user, pk) -> Attachment:
    """An attachment the user may download: its ticket visible, and not on an internal note
    unless the user is support staff."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    attachments = Attachment.objects.select_related("message", "ticket").filter(
        pk=pk, ticket__in=tickets_visible_to(user)
    )
    if role_of(user) == Role.CONTACT:
        attachments = attachments.exclude(message__kind="note")
    attachment = attachments.first()
    if attachment is None:
        raise Http404
    return attachment
