"""The dashboard's filters: a period of months and, optionally, one customer."""

from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from packages.models import Customer
from tickets.selectors.dashboard import Period, add_months, staff_zone

DEFAULT_MONTHS = 12
MAX_MONTHS = 36


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, date):
            return f"{value:%Y-%m}"
        return super().format_value(value)


class MonthField(forms.DateField):
    """A calendar month typed as YYYY-MM (a full date is accepted and means its month)."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, for example 2026-03.")}

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value else value


class DashboardFilterForm(forms.Form):
    from_month = MonthField(
        label=_("From month"),
        required=False,
        help_text=_("Empty: eleven months before the selected month."),
    )
    to_month = MonthField(
        label=_("Selected month"),
        required=False,
        help_text=_("The month the “this month” figures are for; empty: this month."),
    )
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.order_by("name"),
        required=False,
        empty_label=_("All customers"),
    )

    def clean(self):
        data = super().clean()
        first, last = data.get("from_month"), data.get("to_month")
        if first and last:
            if first > last:
                self.add_error("from_month", _("The first month must not be after the last."))
            elif add_months(first, MAX_MONTHS) <= last:
                self.add_error(
                    "from_month",
                    _("Choose at most %(months)d months.") % {"months": MAX_MONTHS},
                )
        return data

    def period(self, *, now: datetime) -> Period:
        """The period asked for; any field that did not validate falls back to its default."""
        data = {}
        if self.is_bound:
            self.is_valid()  # runs once; keeps the fields that did validate
            data = self.cleaned_data
        this_month = now.astimezone(staff_zone()).date().replace(day=1)
        last = data.get("to_month") or this_month
        first = data.get("from_month")
        if not first or "from_month" in self.errors:
            first = add_months(last, 1 - DEFAULT_MONTHS)
        customer = data.get("customer")
        return Period(
            first=first, last=last, now=now, customer_id=customer.pk if customer else None
        )
