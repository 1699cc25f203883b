"""The ticket: who filed what, its state, billing flags and the SLA columns the engine fills."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from packages.models import Component, Contract, Customer
from portal.choices import choice_display
from sla.models import Priority, TicketType


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.WAITING)
OPEN_RUNNING = Q(status__in=OPEN_STATUSES, is_deferred=False)


def _untold(told: str, due: str) -> Q:
    """The event of due time ``due`` has not been told: ``told`` holds another instant or none."""
    differs = Q(**{f"{told}__lt": F(due)}) | Q(**{f"{told}__gt": F(due)})
    return Q(**{f"{told}__isnull": True}) | differs


# The SLA check's work lists, each the condition of a partial index, so a tick reads only the
# tickets with something new (not every open ticket with a recorded breach, every minute).
# Reaction/resolution not marked breached yet: the index is read up to ``now`` by due time.
REACTION_UNMARKED = OPEN_RUNNING & Q(
    first_response_at__isnull=True, reaction_breached_at__isnull=True
)
RESOLUTION_UNMARKED = OPEN_RUNNING & Q(
    sla_paused=False, resolution_met__isnull=True, resolution_breached_at__isnull=True
)
# (metric, kind) -> (its work list, the column with the event's instant, its due column, the
# column recording which due time was told). A breach leaves its list once told; an at-risk
# ticket stays until it is told, breaches or ends, and is read up to ``now`` by at-risk instant.
SLA_EVENTS: dict[tuple[str, str], tuple[Q, str, str, str]] = {
    ("reaction", "breach"): (
        OPEN_RUNNING
        & Q(reaction_breached_at__isnull=False)
        & _untold("reaction_breach_told", "reaction_breached_at"),
        "reaction_breached_at", "reaction_breached_at", "reaction_breach_told",
    ),
    ("resolution", "breach"): (
        OPEN_RUNNING
        & Q(resolution_breached_at__isnull=False)
        & _untold("resolution_breach_told", "resolution_breached_at"),
        "resolution_breached_at", "resolution_breached_at", "resolution_breach_told",
    ),
    ("reaction", "at_risk"): (
        REACTION_UNMARKED
        & Q(reaction_due__isnull=False, reaction_at_risk_at__isnull=False)
        & _untold("reaction_risk_told", "reaction_due"),
        "reaction_at_risk_at", "reaction_due", "reaction_risk_told",
    ),
    ("resolution", "at_risk"): (
        OPEN_RUNNING
        & Q(sla_paused=False, resolution_breached_at__isnull=True)
        & Q(resolution_due__isnull=False, resolution_at_risk_at__isnull=False)
        & _untold("resolution_risk_told", "resolution_due"),
        "resolution_at_risk_at", "resolution_due", "resolution_risk_told",
    ),
}


class WithdrawReason(models.TextChoices):
    """Why a ticket ended without a resolution: the contact's, or the engineer's two."""

    NOT_NEEDED = "not_needed", _("No longer needed")
    DUPLICATE = "duplicate", _("Duplicate of another ticket")
    SPAM = "spam", _("Spam")


class RootCause(models.TextChoices):
    PRODUCT_DEFECT = "product_defect", _("Product defect")
    CUSTOMER_ACTION = "customer_action", _("Customer's action or inaction (staff, local admins)")
    THIRD_PARTY = "third_party", _("Third party (carriers, hosting, CRM vendors…)")
    CUSTOMER_SYSTEMS = "customer_systems", _("Customer's hardware or software")


class Channel(models.TextChoices):
    """How a ticket reached us. Every channel ends in the same ticket, with the same SLA."""

    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    API = "api", _("API")


ONLINE_CHANNELS = (Channel.PHONE, Channel.CHAT)


class Ticket(models.Model):
    """A customer's request. SLA columns are written only from the engine's results."""

    # No index of their own: ticket_customer_idx and ticket_quota_idx start with them.
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="tickets",
        db_index=False,
    )
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="tickets",
        db_index=False,
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT,
        related_name="reported_tickets",
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL
    )
    # Phone and chat: the engineer who registered the ticket for the contact.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="registered_tickets",
        db_index=False,  # a partial index below: only the tickets staff registered
    )
    # Online support (phone, chat) given on a contract whose package does not include it.
    online_outside_package = models.BooleanField(
        _("online support outside the package"), default=False
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
    # No index of its own: ticket_assignee_idx starts with it.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="assigned_tickets", db_index=False,
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
    # Set by the services from the ``now`` they were given (a default only for direct inserts).
    created_at = models.DateTimeField(_("filed"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    opened_at = models.DateTimeField(
        _("opened"), null=True, blank=True,
        help_text=_("When the SLA clock started; empty while deferred."),
    )
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    # Withdrawal: the ticket ended unresolved; its unmet targets leave the compliance figures.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdraw_reason = models.CharField(
        _("withdrawn because"), max_length=20, choices=WithdrawReason.choices, blank=True
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="duplicates",
        db_index=False,  # a partial index below: only the duplicates
    )

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
    # The due time of the last SLA event told per metric and kind (the SLA check's marks: a
    # ticket whose event is told leaves the check's work list, see SLA_EVENTS).
    reaction_breach_told = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_breach_told = models.DateTimeField(null=True, blank=True, editable=False)
    reaction_risk_told = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_risk_told = models.DateTimeField(null=True, blank=True, editable=False)
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
            # Withdrawn tickets carry when and why; no other ticket does.
            models.CheckConstraint(
                condition=Q(
                    status="withdrawn",
                    withdrawn_at__isnull=False,
                    withdraw_reason__in=WithdrawReason.values,
                )
                | (~Q(status="withdrawn") & Q(withdrawn_at__isnull=True, withdraw_reason="")),
                name="ticket_withdrawn_has_reason",
            ),
            # Exactly the duplicates name the ticket they duplicate, and never themselves.
            models.CheckConstraint(
                condition=(Q(withdraw_reason="duplicate") & Q(duplicate_of__isnull=False)
                           & ~Q(duplicate_of=F("id")))
                | (~Q(withdraw_reason="duplicate") & Q(duplicate_of__isnull=True)),
                name="ticket_duplicate_names_another",
            ),
        ]
        indexes = [
            # Covers the engineers' queue: its COUNT, its order and its SLA filters are read
            # from the index alone (the page's 25 rows are then fetched by primary key).
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
            # The same order over every status (the status filter "any") is indexed on
            # PostgreSQL only (migration 0012: SQLite cannot index NULLS LAST): a search for a
            # word found in most tickets walks it and stops after a page.
            # The SLA check's work lists (partial: only what is not marked or not told yet).
            models.Index(
                fields=["reaction_due"], condition=REACTION_UNMARKED, name="ticket_sla_mark_r_idx"
            ),
            models.Index(
                fields=["resolution_due"], condition=RESOLUTION_UNMARKED,
                name="ticket_sla_mark_s_idx",
            ),
            *(
                models.Index(
                    fields=[instant], condition=condition, name=f"ticket_sla_{m[:3]}_{k[:4]}_idx"
                )
                for (m, k), (condition, instant, _due, _told) in SLA_EVENTS.items()
            ),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_idx"),
            models.Index(fields=["contract", "quota_month"], name="ticket_quota_idx"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_idx"),
            # The dashboard's exact middle values (rollups.histogram): one bin's range of business
            # time within a period (the counts come from the roll-ups, and the live tickets
            # through ticket_queue_cover_idx).
            # Partial, like the two foreign keys' below: a write of a ticket outside the
            # condition (an open ticket re-timed, most tickets) adds no entry to them.
            models.Index(
                fields=["reaction_elapsed", "opened_at", "customer"],
                condition=Q(reaction_elapsed__isnull=False),
                name="ticket_dash_reaction_idx",
            ),
            models.Index(
                fields=["resolution_elapsed", "resolution_met", "opened_at", "customer"],
                condition=Q(resolution_met__isnull=False, resolution_elapsed__isnull=False),
                name="ticket_dash_resolution_idx",
            ),
            models.Index(
                fields=["registered_by"], condition=Q(registered_by__isnull=False),
                name="ticket_registered_by_idx",
            ),
            models.Index(
                fields=["duplicate_of"], condition=Q(duplicate_of__isnull=False),
                name="ticket_duplicate_of_idx",
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

    # Labels translated once per language (Django's translate every choice on each call).
    get_status_display = choice_display("status")
    get_ticket_type_display = choice_display("ticket_type")
    get_priority_display = choice_display("priority")
    get_channel_display = choice_display("channel")
    get_root_cause_display = choice_display("root_cause")
    get_withdraw_reason_display = choice_display("withdraw_reason")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_withdrawn(self) -> bool:
        return self.status == TicketStatus.WITHDRAWN

    @property
    def reference(self) -> str:
        return f"#{self.pk}"
