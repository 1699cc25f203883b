"""Handing out an attachment: the access check (again, inside the service), then the audit log
entry for the download."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from audit.models import AuditAction
from audit.services import audit_record
from packages.roles import Role
from tickets.models import Attachment, MessageKind
from tickets.services.tenancy import ticket_actor_role


def attachment_download(*, attachment: Attachment, user, request=None):
    """The attachment's open file for a user who may have it: staff, or a contact of the
    ticket's organisation for anything but an internal note's file. Raises PermissionDenied
    otherwise, FileNotFoundError when the file is gone."""
    role = ticket_actor_role(user, attachment.ticket)
    message = attachment.message
    if role == Role.CONTACT and message is not None and message.kind == MessageKind.INTERNAL_NOTE:
        raise PermissionDenied
    handle = attachment.file.open("rb")
    audit_record(
        actor=user,
        action=AuditAction.ATTACHMENT_DOWNLOADED,
        target=attachment,
        request=request,
        ticket=attachment.ticket.reference,
        file=attachment.original_name,
    )
    return handle
