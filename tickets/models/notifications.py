"""What the portal tells people: the e-mail outbox, SLA alerts and quota notices."""

from email.utils import make_msgid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from packages.models import Contract

from .ticket import Ticket


def new_message_id() -> str:
    """A Message-ID for a new outbox row, fixed when it is queued: every attempt (and a
    duplicate after a crash) carries the same one, so mail clients and the inbound side see
    one message, and a reply's In-Reply-To finds its ticket."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "portal.localhost"
    return make_msgid(domain=domain)


class OutboxMessage(models.Model):
    """An e-mail to send, written in the same transaction as the change that caused it.

    Delivery claims the row (``claim`` and ``lease_until``), sends, then records the result in
    its own short transaction. A failed attempt is retried from ``next_attempt_at`` (backoff
    with a ceiling, never a cap); a claim whose worker died lapses at ``lease_until``. So a
    mail is sent however long an outage lasts, and a crash between sending and recording
    sends it at worst twice, with the same ``message_id``. ``dedupe_key`` makes "tell them
    once" a database fact.
    """

    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbox"
    )
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    message_id = models.CharField(
        _("Message-ID"), max_length=255, unique=True, default=new_message_id, editable=False
    )
    auto_submitted = models.BooleanField(_("automatic"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # empty: due at once (never tried); else the earliest time of the next attempt
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "created_at"],
                condition=Q(sent_at__isnull=True),
                name="outbox_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients)}"


class SlaMetric(models.TextChoices):
    REACTION = "reaction", _("Reaction")
    RESOLUTION = "resolution", _("Resolution")


class SlaAlertKind(models.TextChoices):
    AT_RISK = "at_risk", _("At risk")
    BREACH = "breach", _("Breached")


class SlaAlert(models.Model):
    """One SLA event the beat job told people about. The unique constraint is what makes
    "each event once" true however often the job runs, retries or overlaps.

    ``batch`` is the id of the run that inserted the row: a run notifies only its own rows.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_alerts")
    metric = models.CharField(_("metric"), max_length=12, choices=SlaMetric.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=SlaAlertKind.choices)
    due_at = models.DateTimeField(_("due"))
    created_at = models.DateTimeField(_("noticed"))
    batch = models.UUIDField(editable=False, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("SLA alert")
        verbose_name_plural = _("SLA alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "metric", "kind", "due_at"], name="sla_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.metric} {self.kind} (due {self.due_at.isoformat()})"


class QuotaNotice(models.Model):
    """A quota usage notice sent for a contract's month at 80 % or 100 % (once each)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("quota month"))
    threshold = models.PositiveSmallIntegerField(_("threshold, %"))
    used = models.PositiveIntegerField(_("used"))
    created_at = models.DateTimeField(_("sent"))

    class Meta:
        ordering = ["-month", "contract", "threshold"]
        verbose_name = _("quota notice")
        verbose_name_plural = _("quota notices")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "month", "threshold"], name="quota_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.month:%Y-%m} {self.threshold} %"
