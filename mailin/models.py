"""Every message that came in by mail, kept with what became of it and its original bytes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket


class Outcome(models.TextChoices):
    TICKET = "ticket", _("New ticket")
    REPLY = "reply", _("Comment on a ticket")
    AUTO_REPLY = "auto_reply", _("Automatic mail (ignored)")
    BOUNCE = "bounce", _("Bounce (ignored)")
    UNKNOWN_SENDER = "unknown_sender", _("Unknown sender")
    DUPLICATE = "duplicate", _("Already received")
    REJECTED = "rejected", _("Rejected")


class InboundMessage(models.Model):
    """One received message. ``key`` (its Message-ID, or a hash of its bytes) is unique: the
    same message seen twice is handled once. ``raw`` is the original, for staff only."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received"))
    from_address = models.CharField(_("sender"), max_length=254, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_mail",
    )
    size = models.PositiveBigIntegerField(_("size"))
    raw = models.BinaryField(_("original message"))

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        indexes = [models.Index(fields=["outcome", "received_at"], name="inbound_outcome_idx")]

    def __str__(self) -> str:
        return f"{self.from_address or '?'}: {self.subject}"
