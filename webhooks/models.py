"""Outgoing web hooks and their deliveries (an outbox: rows written with the change)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from packages.models import Customer
from tickets import events


class WebhookEvent(models.TextChoices):
    TICKET_CREATED = events.TICKET_CREATED, _("Ticket created")
    TICKET_UPDATED = events.TICKET_UPDATED, _("Ticket updated")
    TICKET_COMMENTED = events.TICKET_COMMENTED, _("Ticket commented")
    TICKET_RESOLVED = events.TICKET_RESOLVED, _("Ticket resolved")
    TICKET_REOPENED = events.TICKET_REOPENED, _("Ticket reopened")
    SLA_AT_RISK = events.SLA_AT_RISK, _("SLA at risk")
    SLA_BREACHED = events.SLA_BREACHED, _("SLA breached")
    QUOTA_80 = events.QUOTA_80, _("Quota at 80 %")
    QUOTA_100 = events.QUOTA_100, _("Quota at 100 %")


class WebHook(models.Model):
    """An https address told of the chosen events.

    A customer admin's hook (``for_staff`` false) hears only its organisation's tickets and
    never an internal note. A manager's hook (``for_staff``) hears every organisation's, or
    one's (``customer``), internal notes included.
    """

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
        help_text=_("Empty: every organisation (managers' hooks only)."),
    )
    for_staff = models.BooleanField(_("support staff's hook"), default=False, editable=False)
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why it was turned off"), max_length=300, blank=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last delivered"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ["customer__name", "url", "pk"]
        verbose_name = _("web hook")
        verbose_name_plural = _("web hooks")
        indexes = [models.Index(fields=["is_active", "customer"], name="webhook_active_idx")]
        constraints = [
            # Only staff hooks may span every organisation.
            models.CheckConstraint(
                condition=Q(for_staff=True) | Q(customer__isnull=False),
                name="webhook_customer_hook_has_customer",
            ),
        ]

    def __str__(self) -> str:
        return self.url

    def hears(self, event: str) -> bool:
        return self.is_active and event in (self.events or [])


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one hook: the signed payload, and how sending it went.

    ``next_attempt_at`` is when a worker may (re)try it; a worker claims the row by moving it
    forward (a lease), so two workers never send the same attempt. ``event_id`` is the
    ``webhook-id`` header: the same for every attempt and for "send again", so a receiver
    can drop what it already has.
    """

    hook = models.ForeignKey(
        WebHook, verbose_name=_("web hook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField(_("event id"), max_length=40, unique=True)
    event = models.CharField(_("event"), max_length=32, choices=WebhookEvent.choices)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"))
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    retry_until = models.DateTimeField(_("retried until"))
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_ms = models.PositiveIntegerField(_("response time, ms"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("web hook delivery")
        verbose_name_plural = _("web hook deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due_idx",
            ),
            models.Index(fields=["hook", "-created_at"], name="webhook_delivery_hook_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", next_attempt_at__isnull=False)
                | (~Q(status="pending") & Q(next_attempt_at__isnull=True)),
                name="webhook_delivery_pending_has_next_attempt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.hook_id} ({self.status})"
