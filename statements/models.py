"""A customer's SLA statement of a month that has ended, frozen, and the mails that sent one."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from packages.models import Contact, Customer
from tickets.models import OutboxMessage


class FrozenStatement(models.Model):
    """The statement of an ended month as first computed (language-neutral JSON: codes and
    UTC instants, rendered in each reader's language). Later changes to calendars, terms or
    tickets never rewrite it."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    data = models.JSONField(_("statement"))
    frozen_at = models.DateTimeField(_("frozen"))

    class Meta:
        ordering = ["customer", "-month"]
        verbose_name = _("frozen SLA statement")
        verbose_name_plural = _("frozen SLA statements")
        constraints = [
            models.UniqueConstraint(fields=["customer", "month"], name="statement_unique_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="statement_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.month:%Y-%m}"


class StatementMail(models.Model):
    """One statement mailed to one customer admin through the outbox row it rides on.

    ``automatic`` rows (the monthly job) are unique per customer, month and contact: the job
    sends once however often it runs. A manager's "send again" adds a row that is not.
    """

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"))
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10)
    outbox = models.OneToOneField(
        OutboxMessage, on_delete=models.CASCADE, related_name="statement_mail"
    )
    automatic = models.BooleanField(_("monthly job"), default=True)
    created_at = models.DateTimeField(_("queued"))

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("statement mail")
        verbose_name_plural = _("statement mails")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "month", "contact"],
                condition=Q(automatic=True),
                name="statement_mail_once_a_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.month:%Y-%m} → {self.contact_id}"


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    CSV = "csv", "CSV"


class FrozenStatementFile(models.Model):
    """A frozen statement's PDF or CSV in one language, made once: a long month's PDF takes
    WeasyPrint seconds, and the monthly mail and every later download send these bytes."""

    statement = models.ForeignKey(FrozenStatement, on_delete=models.CASCADE, related_name="files")
    language = models.CharField(_("language"), max_length=10)
    kind = models.CharField(_("kind"), max_length=3, choices=FileKind.choices)
    content = models.BinaryField(_("content"))

    class Meta:
        ordering = ["statement", "language", "kind"]
        verbose_name = _("frozen statement file")
        verbose_name_plural = _("frozen statement files")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "language", "kind"], name="statement_file_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement} {self.language}.{self.kind}"
