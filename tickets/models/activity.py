"""What happens on a ticket: its SLA event log, conversation, attachments and history."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import choice_display
from sla.models import TicketType

from .ticket import Ticket


class SlaEventKind(models.TextChoices):
    OPEN = "open", _("Opened")
    FIRST_RESPONSE = "first_response", _("First response")
    PAUSE = "pause", _("Clock paused")
    RESUME = "resume", _("Clock resumed")
    PRIORITY = "priority", _("Priority changed")
    RECLASSIFY = "reclassify", _("Reclassified")
    EXTEND = "extend", _("SLA extended")
    RESOLVE = "resolve", _("Resolved")
    REOPEN = "reopen", _("Reopened")
    WITHDRAW = "withdraw", _("Withdrawn")


class SlaEvent(models.Model):
    """The ticket's SLA-relevant events, in order: the engine replays them to get its state.

    Sequence 0 is always OPEN with the type and priority the ticket was opened with.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=SlaEventKind.choices)
    priority = models.PositiveSmallIntegerField(null=True, blank=True)
    ticket_type = models.CharField(max_length=20, choices=TicketType.choices, blank=True)
    workaround = models.BooleanField(default=False)

    class Meta:
        ordering = ["ticket", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "seq"], name="sla_event_unique_seq")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.seq} {self.kind} @ {self.at.isoformat()}"


class MessageKind(models.TextChoices):
    PUBLIC_REPLY = "reply", _("Reply from support")
    INTERNAL_NOTE = "note", _("Internal note")
    CUSTOMER_COMMENT = "comment", _("Customer comment")


class Message(models.Model):
    """One entry of the conversation. Internal notes are never shown to customers."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on #{self.ticket_id}"

    get_kind_display = choice_display("kind")  # translated once per language

    @property
    def is_public(self) -> bool:
        return self.kind != MessageKind.INTERNAL_NOTE


def attachment_path(instance: "Attachment", filename: str) -> str:
    """Store under a random name: the user's file name is kept only as data, never as a path."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"attachments/{instance.ticket_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file on a ticket: filed with it (no message) or attached to a conversation entry."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ChangeAction(models.TextChoices):
    """What a history row records. Values are codes; pages translate them when they show them
    (tickets.selectors.history). The field has no ``choices`` so a new action needs no
    migration; the SLA log's own kinds (``SlaEventKind``) are valid actions too."""

    FILED = "filed", _("Filed")
    OPENED_DEFERRED = "opened_deferred", _("Deferred request opened")
    TAKE = "take", _("Took the ticket")
    ASSIGN = "assign", _("Assigned")
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")
    COMMENT = "comment", _("Customer comment")
    STATUS = "status", _("Status")
    PRIORITY = "priority", _("Priority")
    RECLASSIFY = "reclassify", _("Type")
    COMPONENT = "component", _("Component")
    EXTEND = "extend", _("SLA extended")
    SLA_BREACH = "sla_breach", _("SLA breach")
    SLA_AT_RISK = "sla_at_risk", _("SLA at risk")
    SLA_RETIMED = "sla_retimed", _("Due times recomputed: calendar or targets changed")


class TicketChange(models.Model):
    """History: who changed what, when, old → new, and what it did to the SLA.

    Everything is stored language-neutral: ``action`` and ``field`` are codes, the values are
    codes too (a status, a priority number, ``type[:priority]``, a component's code; people's
    names and an extension's reason as written) and ``effects`` is a list of
    ``{"kind": ..., **params}`` (tickets.services.sla_effects). Each reader sees them in their
    own language and time zone.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Empty for the system (beat jobs)."),
    )
    at = models.DateTimeField(_("when"))
    action = models.CharField(_("action"), max_length=40)
    field = models.CharField(_("field"), max_length=40, blank=True)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    effects = models.JSONField(_("SLA effect"), default=list, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["ticket", "at"], name="change_ticket_idx")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.action} {self.field}"
