"""Calendars and SLA policy as data. The pure engine (calendar.py, clock.py) computes with them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from packages.models import Contract, SupportPackage


class TicketType(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    SERVICE_REQUEST = "service_request", _("Service request")
    CHANGE = "change", _("Change")


class Priority(models.IntegerChoices):
    CRITICAL = 1, _("1 — Critical")
    HIGH = 2, _("2 — High")
    NORMAL = 3, _("3 — Normal")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def validate_calendar_zone(value: str) -> None:
    from sla.calendar import CalendarSpec

    try:
        CalendarSpec(tz=value, weekly=()).tzinfo  # noqa: B018 - resolving the zone validates it
    except (ValueError, LookupError) as exc:
        raise ValidationError(
            _("“%(value)s” is neither an IANA time zone (Europe/Kyiv) nor an offset (+03:00)."),
            params={"value": value},
        ) from exc


class BusinessCalendar(models.Model):
    """Weekly open intervals in a zone, plus closed dates and extra open dates."""

    key = models.SlugField(_("key"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="+03:00",
        validators=[validate_calendar_zone],
        help_text=_("An IANA zone (Europe/Kyiv, works in local wall time) or a fixed offset."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The definitions this calendar had before each change, oldest first:
    # [{"until": ISO instant, "spec": sla.versions.spec_to_data(...)}]. Business time before a
    # change is counted on the definition then in force (sla.spliced).
    history = models.JSONField(_("earlier versions"), default=list, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name


class CalendarInterval(models.Model):
    """An open interval on a weekday, local wall time, half-open; end 00:00 means midnight."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="intervals"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("opens"))
    end = models.TimeField(_("closes"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("open interval")
        verbose_name_plural = _("open intervals")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6), name="interval_weekday_0_6"
            ),
            models.UniqueConstraint(
                fields=["calendar", "weekday", "start"], name="interval_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class CalendarClosedDate(models.Model):
    """A holiday: the calendar is closed all day."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="closed_dates"
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=150, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("closed date")
        verbose_name_plural = _("closed dates")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="closed_date_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}".strip()


class CalendarExtraOpenDate(models.Model):
    """A date open although its weekday is not (a working Saturday), with its hours."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="extra_open_dates"
    )
    date = models.DateField(_("date"))
    start = models.TimeField(_("opens"))
    end = models.TimeField(_("closes"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        ordering = ["date", "start"]
        verbose_name = _("extra open date")
        verbose_name_plural = _("extra open dates")
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date", "start"], name="extra_open_unique_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.start:%H:%M}–{self.end:%H:%M}"


class TargetFields(models.Model):
    """Reaction and resolution targets (business time) for one type × priority on a calendar."""

    ticket_type = models.CharField(_("ticket type"), max_length=20, choices=TicketType.choices)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, null=True, blank=True
    )
    reaction = models.DurationField(_("reaction target"))
    resolution = models.DurationField(_("resolution target"))
    extended_resolution = models.DurationField(
        _("extended resolution target"),
        help_text=_("What a manager's extension raises the resolution target to."),
    )
    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="+"
    )
    # The values this target had before each change, oldest first:
    # [{"until": ISO instant, **sla.versions.target_to_data(...)}]; see sla.selectors.
    history = models.JSONField(_("earlier versions"), default=list, blank=True, editable=False)

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.ticket_type == TicketType.INCIDENT and self.priority is None:
            raise ValidationError({"priority": _("An incident target needs a priority.")})
        if self.ticket_type and self.ticket_type != TicketType.INCIDENT and self.priority:
            raise ValidationError(
                {"priority": _("Only incidents have priorities; leave it empty.")}
            )
        for field in ("reaction", "resolution", "extended_resolution"):
            value = getattr(self, field)
            if value is not None and value.total_seconds() <= 0:
                raise ValidationError({field: _("A target must be longer than zero.")})


def _target_constraints(owner: str, prefix: str) -> list:
    return [
        models.UniqueConstraint(
            fields=[owner, "ticket_type", "priority"],
            condition=Q(priority__isnull=False),
            name=f"{prefix}_unique_with_priority",
        ),
        models.UniqueConstraint(
            fields=[owner, "ticket_type"],
            condition=Q(priority__isnull=True),
            name=f"{prefix}_unique_without_priority",
        ),
        models.CheckConstraint(
            condition=(Q(ticket_type="incident") & Q(priority__in=[1, 2, 3]))
            | (~Q(ticket_type="incident") & Q(priority__isnull=True)),
            name=f"{prefix}_priority_only_for_incidents",
        ),
    ]


class SlaTarget(TargetFields):
    """The package's targets, seeded from the SPEC's table."""

    package = models.ForeignKey(
        SupportPackage,
        verbose_name=_("package"),
        on_delete=models.CASCADE,
        related_name="sla_targets",
    )

    class Meta:
        ordering = ["package", "ticket_type", "priority"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = _target_constraints("package", "sla_target")

    def __str__(self) -> str:
        suffix = f" P{self.priority}" if self.priority else ""
        return f"{self.package} {self.get_ticket_type_display()}{suffix}"


class ContractTarget(TargetFields):
    """A negotiated target of an individual (e.g. 24×7) contract, overriding the package's."""

    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.CASCADE,
        related_name="sla_overrides",
    )

    class Meta:
        ordering = ["contract", "ticket_type", "priority"]
        verbose_name = _("contract SLA override")
        verbose_name_plural = _("contract SLA overrides")
        constraints = _target_constraints("contract", "contract_target")

    def __str__(self) -> str:
        suffix = f" P{self.priority}" if self.priority else ""
        return f"{self.contract.number} {self.get_ticket_type_display()}{suffix}"
