"""The on-duty rota (a weekly pattern plus one-off changes) and what staff are told.

A weekly shift is wall-clock time in its own zone (09:00–18:00 stays 09:00–18:00 across a DST
change); a shift whose end is not after its start runs into the next day (22:00–06:00), and
equal times mean the whole 24 hours. A one-off change is a stretch of real time (stored UTC)
that puts an engineer on or off duty whatever the pattern says.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sla.models import Weekday, validate_calendar_zone


def default_rota_zone() -> str:
    return settings.PORTAL_ROTA_TIME_ZONE


class RotaShift(models.Model):
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"), help_text=_("Not after “from”: the shift ends next day."))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=default_rota_zone,
        validators=[validate_calendar_zone],
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rota_shifts",
        verbose_name=_("engineer"),
    )

    class Meta:
        verbose_name = _("weekly shift")
        verbose_name_plural = _("weekly shifts")
        ordering = ["weekday", "starts", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="rota_shift_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class RotaChange(models.Model):
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rota_changes",
        verbose_name=_("engineer"),
    )
    on_duty = models.BooleanField(_("on duty"), help_text=_("Off: away, whatever the pattern."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("one-off change")
        verbose_name_plural = _("one-off changes")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="rota_change_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="rota_change_span")]

    def __str__(self) -> str:
        return f"{self.engineer} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M}"


class EventKind(models.TextChoices):
    NEW_P1 = "new_p1", _("New priority 1 incident")
    NEW_TICKET = "new_ticket", _("New ticket")
    CUSTOMER_REPLY = "customer_reply", _("Reply from the customer")
    REOPENED = "reopened", _("Ticket reopened")
    ASSIGNED = "assigned", _("Ticket assigned to you")
    AT_RISK = "at_risk", _("SLA target at risk")
    BREACHED = "breached", _("SLA target breached")


# The SPEC: everything can be turned off by e-mail except these.
MANDATORY_KINDS = frozenset({EventKind.NEW_P1, EventKind.BREACHED})


class StaffEvent(models.Model):
    """One thing one person was told; ``key`` names the event, so a retry adds nothing."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_events"
    )
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    key = models.CharField(max_length=120)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="staff_event_once"),
        ]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="staff_event_unread"
            ),
            models.Index(fields=["recipient", "-created_at"], name="staff_event_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.ticket_id}"

    @property
    def detail_text(self) -> str:
        """What the list shows under the event: an SLA alert's metric in the reader's
        language, else the words kept (a customer's comment)."""
        from tickets.models import SlaMetric

        if self.kind in (EventKind.AT_RISK, EventKind.BREACHED) and self.detail in SlaMetric:
            return str(SlaMetric(self.detail).label)
        return self.detail


class NotificationPreference(models.Model):
    """A person's choice for one kind of event; no row means e-mail on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_once"),
            models.CheckConstraint(
                condition=Q(email=True) | ~Q(kind__in=sorted(MANDATORY_KINDS)),
                name="notification_pref_mandatory_kept",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {'on' if self.email else 'off'}"
