"""The dashboard's roll-ups: the figures of *ended* tickets (closed or withdrawn), summed.

An ended ticket's figures no longer depend on the clock (see ``rollups.contribution``), so its
month's counts are stored once and read by every page view; tickets still open (or resolved,
within the reopen window) are counted live, a small set whatever the history's length.
"""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from packages.models import Contract

NO_PRIORITY = 0  # service requests and changes (stored as 0: NULL never matches in a key)


class MonthCell(models.Model):
    """Counts of the ended tickets opened in one month (reporting zone) for one contract,
    type and priority: the dashboard's counts cube, stored. Signed on purpose: a cell gone
    wrong (rows written behind the services' back) must never make a ticket's save fail;
    ``rollups_rebuild`` repairs it."""

    month = models.DateField(_("month"))  # first day, in PORTAL_STAFF_TIME_ZONE
    customer_id = models.BigIntegerField(_("customer"))
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    ticket_type = models.CharField(_("type"), max_length=20)
    priority = models.PositiveSmallIntegerField(_("priority"), default=NO_PRIORITY)
    tickets = models.IntegerField(default=0)
    r_due = models.IntegerField(default=0)
    r_met = models.IntegerField(default=0)
    s_due = models.IntegerField(default=0)
    s_met = models.IntegerField(default=0)
    r_timed = models.IntegerField(default=0)
    s_timed = models.IntegerField(default=0)
    w = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("dashboard roll-up")
        verbose_name_plural = _("dashboard roll-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "customer_id", "contract", "ticket_type", "priority"],
                name="rollup_month_cell_unique",
            )
        ]
        indexes = [models.Index(fields=["month", "customer_id"], name="rollup_month_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.contract_id} {self.ticket_type} P{self.priority}"


class PendingDue(models.Model):
    """An ended ticket whose target was neither met nor breached yet is still ahead: it
    becomes due when the clock passes it (the counts cube's ``due < now``), with no event to
    mark it. Rare (e.g. closed without a reply); counted against ``now`` on each page view."""

    ticket_id = models.BigIntegerField(_("ticket"), unique=True)
    month = models.DateField(_("month"))
    customer_id = models.BigIntegerField(_("customer"))
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    ticket_type = models.CharField(_("type"), max_length=20)
    priority = models.PositiveSmallIntegerField(_("priority"), default=NO_PRIORITY)
    reaction_due = models.DateTimeField(_("reaction due"), null=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True)

    class Meta:
        verbose_name = _("pending due time")
        verbose_name_plural = _("pending due times")
        indexes = [models.Index(fields=["month", "customer_id"], name="rollup_pending_month_idx")]

    def __str__(self) -> str:
        return f"#{self.ticket_id}"


class BillableCell(models.Model):
    """Time spent on the ended billable tickets of one customer resolved in one month
    (reporting zone): the dashboard's billable hours, stored."""

    month = models.DateField(_("month"))  # the month resolved in, first day
    customer_id = models.BigIntegerField(_("customer"))
    tickets = models.IntegerField(default=0)
    spent = models.DurationField(_("time spent"), default=timedelta(0))

    class Meta:
        verbose_name = _("billable roll-up")
        verbose_name_plural = _("billable roll-ups")
        constraints = [
            models.UniqueConstraint(fields=["month", "customer_id"], name="rollup_billable_unique")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.customer_id}"


ALL_CUSTOMERS = 0  # MedianBin rows of every customer together (the dashboard's default view)


class TimedMetric(models.IntegerChoices):
    REACTION = 0, _("reaction")
    RESOLUTION = 1, _("resolution")


class MedianBin(models.Model):
    """How many ended tickets opened in one month took a business time in one bin of the
    display's steps (``rollups.histogram``): the dashboard's medians, stored as counts. Each
    ticket counts in its customer's rows and in the ``ALL_CUSTOMERS`` rows, at both levels
    (fine: 0.01 h, wide: one hour), so a page reads a few hundred wide rows and the fine rows
    of the middle hour only."""

    month = models.DateField(_("month"))  # first day, in PORTAL_STAFF_TIME_ZONE
    customer_id = models.BigIntegerField(_("customer"))  # ALL_CUSTOMERS: all of them
    metric = models.PositiveSmallIntegerField(_("metric"), choices=TimedMetric.choices)
    level = models.PositiveSmallIntegerField(_("level"))  # histogram.FINE or histogram.WIDE
    bin = models.IntegerField(_("bin"))
    tickets = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("median roll-up")
        verbose_name_plural = _("median roll-ups")
        constraints = [
            # also the index of every read: one customer (or all), a level, a run of months
            models.UniqueConstraint(
                fields=["customer_id", "level", "month", "metric", "bin"],
                name="rollup_median_bin_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.customer_id} {self.metric}/{self.level}:{self.bin}"
