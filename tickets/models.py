"""Tickets, their conversation, their SLA event log and their history."""

import uuid
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from packages.models import Component, Contract, Customer
from sla.models import Priority, TicketType


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.WAITING)


class RootCause(models.TextChoices):
    PRODUCT_DEFECT = "product_defect", _("Product defect")
    CUSTOMER_ACTION = "customer_action", _("Customer's action or inaction (staff, local admins)")
    THIRD_PARTY = "third_party", _("Third party (carriers, hosting, CRM vendors…)")
    CUSTOMER_SYSTEMS = "customer_systems", _("Customer's hardware or software")


class Ticket(models.Model):
    """A customer's request. SLA columns are written only from the engine's results."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="tickets"
    )
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="tickets"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT,
        related_name="reported_tickets",
    )
    ticket_type = models.CharField(_("type"), max_length=20, choices=TicketType.choices)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, null=True, blank=True
    )
    component = models.ForeignKey(
        Component, verbose_name=_("affected component"), on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="assigned_tickets",
    )

    # Billing and quota.
    is_billable = models.BooleanField(_("billable"), default=False)
    is_over_quota = models.BooleanField(_("over quota"), default=False)
    is_deferred = models.BooleanField(_("deferred to next month"), default=False)
    quota_month = models.DateField(
        _("quota month"), null=True, blank=True,
        help_text=_("First day of the month whose quota this request uses."),
    )
    root_cause = models.CharField(
        _("root cause"), max_length=20, choices=RootCause.choices, blank=True
    )
    time_spent = models.DurationField(_("time spent"), null=True, blank=True)

    # Timestamps (UTC).
    created_at = models.DateTimeField(_("filed"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    opened_at = models.DateTimeField(
        _("opened"), null=True, blank=True,
        help_text=_("When the SLA clock started; empty while deferred."),
    )
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    # SLA state as computed by sla.clock (see tickets.sla_sync).
    reaction_due = models.DateTimeField(_("reaction due"), null=True, blank=True)
    reaction_met = models.BooleanField(_("reaction met"), null=True, blank=True)
    reaction_breached_at = models.DateTimeField(_("reaction breached"), null=True, blank=True)
    reaction_at_risk_at = models.DateTimeField(_("reaction at risk from"), null=True, blank=True)
    reaction_elapsed = models.DurationField(_("reaction business time"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolution_met = models.BooleanField(_("resolution met"), null=True, blank=True)
    resolution_breached_at = models.DateTimeField(_("resolution breached"), null=True, blank=True)
    resolution_at_risk_at = models.DateTimeField(
        _("resolution at risk from"), null=True, blank=True
    )
    resolution_elapsed = models.DurationField(_("resolution business time"), null=True, blank=True)
    resolution_target = models.DurationField(_("resolution target"), null=True, blank=True)
    sla_paused = models.BooleanField(_("SLA paused"), default=False)
    sla_extended = models.BooleanField(_("SLA extended"), default=False)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    # The nearest due time that still matters: reaction before the first reply, resolution
    # after; NULL when nothing runs (paused, resolved, deferred). The queue sorts on it.
    next_due = models.DateTimeField(_("next due"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        permissions = [
            ("extend_sla", _("Can extend a ticket's SLA")),
            ("view_dashboard", _("Can view SLA dashboards")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(ticket_type="incident") & Q(priority__in=[1, 2, 3]))
                | (~Q(ticket_type="incident") & Q(priority__isnull=True)),
                name="ticket_priority_only_for_incidents",
            ),
            models.CheckConstraint(
                condition=Q(is_deferred=True, opened_at__isnull=True)
                | Q(is_deferred=False, opened_at__isnull=False),
                name="ticket_opened_unless_deferred",
            ),
            models.CheckConstraint(
                condition=Q(time_spent__isnull=True) | Q(time_spent__gte=timedelta(0)),
                name="ticket_time_spent_non_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_due"], name="ticket_queue_idx"),
            # Covers the engineers' queue: its COUNT, its order and its SLA filters are read
            # from the index alone (the page's 50 rows are then fetched by primary key).
            models.Index(
                fields=[
                    "status", "is_deferred", "next_due", "opened_at", "reaction_breached_at",
                    "resolution_breached_at", "first_response_at", "reaction_at_risk_at",
                    "resolution_at_risk_at", "priority", "ticket_type", "assignee", "customer",
                    "contract",
                ],
                name="ticket_queue_cover_idx",
            ),
            # PostgreSQL walks this one in the queue's order and stops after a page.
            models.Index(
                fields=["next_due", "opened_at", "id"],
                condition=Q(status__in=OPEN_STATUSES, is_deferred=False),
                name="ticket_open_by_due_idx",
            ),
            models.Index(fields=["reaction_due"], name="ticket_reaction_due_idx"),
            models.Index(fields=["resolution_due"], name="ticket_resolution_due_idx"),
            models.Index(fields=["reaction_at_risk_at"], name="ticket_reaction_risk_idx"),
            models.Index(fields=["resolution_at_risk_at"], name="ticket_resolution_risk_idx"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_idx"),
            models.Index(fields=["contract", "quota_month"], name="ticket_quota_idx"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_idx"),
            models.Index(fields=["opened_at"], name="ticket_opened_idx"),
            # The managers' dashboard. Its counts read the period's rows from this index alone
            # (SQLite cannot otherwise avoid fetching every row of the period).
            models.Index(
                fields=[
                    "opened_at", "customer", "contract", "ticket_type", "priority",
                    "reaction_met", "resolution_met", "reaction_due", "resolution_due",
                    "reaction_breached_at", "resolution_breached_at", "reaction_elapsed",
                    "resolution_elapsed",
                ],
                name="ticket_dash_counts_idx",
            ),
            # Medians on SQLite: walk the business times in order up to the middle row.
            models.Index(
                fields=["reaction_elapsed", "opened_at", "customer"],
                name="ticket_dash_reaction_idx",
            ),
            models.Index(
                fields=["resolution_elapsed", "resolution_met", "opened_at", "customer"],
                name="ticket_dash_resolution_idx",
            ),
            # Billable hours per customer and month resolved: the billable rows only (with
            # every column the query reads, so SQLite reads nothing else).
            models.Index(
                fields=["resolved_at", "customer", "time_spent", "opened_at", "is_billable"],
                condition=Q(is_billable=True),
                name="ticket_dash_billable_idx",
            ),
            # Requests filed over quota per contract and month: a handful of rows.
            models.Index(
                fields=["contract", "created_at", "customer", "is_over_quota"],
                condition=Q(is_over_quota=True),
                name="ticket_dash_over_quota_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def reference(self) -> str:
        return f"#{self.pk}"


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
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on #{self.ticket_id}"

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


class TicketChange(models.Model):
    """History: who changed what, when, old → new, and what it did to the SLA."""

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
    sla_effect = models.TextField(_("SLA effect"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["ticket", "at"], name="change_ticket_idx")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.action} {self.field}"


class OutboxMessage(models.Model):
    """An e-mail to send, written in the same transaction as the change that caused it.

    Delivery runs in a Celery task after commit; if the broker is down the row waits and the
    outbox flush job sends it later. ``dedupe_key`` makes "tell them once" a database fact.
    """

    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbox"
    )
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="outbox_unsent_idx"
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
