"""A trusted contact's mail becomes a comment on the ticket it answers, or a new ticket.

Subject tags choose the type and priority (``[P1]`` … ``[CHANGE]``; none: an incident of
priority 3). The SPEC leaves the component to the engineer at triage, but a ticket must name
one: mail tickets get ``MAIL_IN_COMPONENT`` or the first active base function (eligible for
priority 1 on every contract), and the ticket's text says so. Past the quota a counting
request is deferred and the contact told how to make it billable instead.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from mailin.files import accept_files
from mailin.models import Outcome
from mailin.parsing import ParsedMail
from mailin.quoting import strip_quoted
from mailin.selectors import TICKET_TAG, Sender, mail_component
from mailin.services.answers import deferred_notice, reply_refused_notice
from sla.models import TicketType
from tickets.models import Channel, MessageKind, Ticket
from tickets.services.conversation import message_add
from tickets.services.filing import QuotaChoice, ticket_file
from tickets.services.status import can_reopen

TYPE_TAG = re.compile(r"\[(P[123]|SR|CHANGE)\]", re.I)
SUBJECT_MAX = 200  # Ticket.subject


def subject_type(subject: str) -> tuple[str, int | None, str]:
    """(type, priority, the subject without the tag) from the subject's tag."""
    found = TYPE_TAG.search(subject)
    tag = found.group(1).upper() if found else "P3"
    clean = " ".join(TYPE_TAG.sub(" ", subject).split()) if found else subject
    if tag == "SR":
        return TicketType.SERVICE_REQUEST, None, clean
    if tag == "CHANGE":
        return TicketType.CHANGE, None, clean
    return TicketType.INCIDENT, int(tag[1]), clean


def reply_or_ticket(
    mail: ParsedMail, *, sender: Sender, answered: Ticket | None, now: datetime
) -> tuple[str, Ticket | None, str]:
    contact = sender.contact
    follow_up = ""
    if answered is not None and answered.customer_id == contact.customer_id:
        files = accept_files(mail.files)
        with customer_locale_of(contact):
            body = _with_refused(
                strip_quoted(mail.text) or files.body or _("(no text)"), files.refused
            )
        try:
            with transaction.atomic():
                message_add(
                    ticket=answered,
                    author=contact.user,
                    kind=MessageKind.CUSTOMER_COMMENT,
                    body=body,
                    attachments=files.uploads,
                    now=now,
                )
            return Outcome.REPLY, answered, f"comment on {answered.reference}"
        except ValidationError as exc:
            refusal = " ".join(exc.messages)
        if answered.is_deferred or can_reopen(answered, now=now):
            reply_refused_notice(
                ticket=answered, address=mail.from_address, refusal=refusal, key=mail.key
            )
            return Outcome.REJECTED, None, f"not added to {answered.reference}: {refusal}"
        follow_up = answered.reference  # ended for good: the contact's mail is a new ticket
    return _file(mail, sender=sender, follow_up=follow_up, now=now)


def _file(mail: ParsedMail, *, sender: Sender, follow_up: str, now: datetime):
    contact = sender.contact
    ticket_type, priority, subject = subject_type(mail.subject)
    subject = " ".join(TICKET_TAG.sub(" ", subject).split()) if follow_up else subject
    component = mail_component(settings.MAIL_IN_COMPONENT)
    files = accept_files(mail.files)
    with customer_locale_of(contact):
        intro = []
        if follow_up:
            intro.append(_("Follow-up of %(ref)s, which has ended.") % {"ref": follow_up})
        description = "\n\n".join(
            [*intro, _with_refused(mail.text or files.body or _("(no text)"), files.refused)]
        )
        subject = (subject or _("(no subject)"))[:SUBJECT_MAX]
    try:
        with transaction.atomic():
            ticket = ticket_file(
                contact=contact,
                ticket_type=ticket_type,
                priority=priority,
                component=component,
                subject=subject,
                description=description,
                now=now,
                quota_choice=QuotaChoice.DEFER,
                attachments=files.uploads,
                channel=Channel.EMAIL,
            )
    except ValidationError as exc:
        return Outcome.REJECTED, None, "not filed: " + " ".join(exc.messages)
    reason = [
        f"filed as {ticket_type}" + (f" P{priority}" if priority else ""),
        f"component {component.code} until triage",
    ]
    if follow_up:
        reason.append(f"follow-up of {follow_up}")
    if ticket.is_deferred:
        deferred_notice(ticket)
        reason.append("deferred: quota used up")
    if files.refused:
        reason.append(f"{len(files.refused)} file(s) refused")
    return Outcome.TICKET, ticket, "; ".join(reason)


def customer_locale_of(contact):
    """The contact's language for the words the portal adds to their mail."""
    return translation.override(contact.language or settings.LANGUAGE_CODE)


def _with_refused(text: str, refused: list[str]) -> str:
    if not refused:
        return text
    lines = "\n".join(f"- {line}" for line in refused)
    return f"{text}\n\n{_('Files not accepted:')}\n{lines}"
