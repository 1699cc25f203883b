"""Admin forms for calendars and targets: checked by the engine's own rules before saving.

A calendar's hours, closed dates and extra open dates are edited as three inline formsets of
one page. They are validated together (a date both closed and extra open is refused even when
both are added in the same save): each formset of a page registers in a shared ``page`` dict.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sla.calendar import CalendarSpec, OpenInterval
from sla.durations import LONGEST, format_business_time, parse_business_time
from sla.models import CalendarClosedDate, ContractTarget, SlaTarget


class BusinessDurationField(forms.Field):
    """Business time typed and shown as hours and minutes ("80 h", "1 h 30 min")."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _(
            "Enter business time in hours and minutes, e.g. “80 h”, “30 min” or “1 h 30 min”."
        ),
        "too_long": _("A target cannot be longer than %(longest)s."),
    }

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "placeholder": _("1 h 30 min"), "size": 12}

    def prepare_value(self, value):
        return format_business_time(value) if isinstance(value, timedelta) else value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, timedelta):
            return value
        try:
            return parse_business_time(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["too_long"],
                code="too_long",
                params={"longest": format_business_time(LONGEST)},
            ) from None
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


DURATIONS = ("reaction", "resolution", "extended_resolution")


class _TargetForm(forms.ModelForm):
    """The three durations in business hours; the rest as the model defines it."""

    reaction = BusinessDurationField(label=_("reaction target"))
    resolution = BusinessDurationField(label=_("resolution target"))
    extended_resolution = BusinessDurationField(
        label=_("extended resolution target"),
        help_text=_("What a manager's extension raises the resolution target to."),
    )


class SlaTargetForm(_TargetForm):
    class Meta:
        model = SlaTarget
        fields = ["package", "ticket_type", "priority", *DURATIONS, "calendar"]


class ContractTargetForm(_TargetForm):
    class Meta:
        model = ContractTarget
        fields = ["contract", "ticket_type", "priority", *DURATIONS, "calendar"]


def _live_rows(formset):
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if data and not data.get("DELETE"):
            yield data


def _validate(spec: CalendarSpec) -> None:
    try:
        spec.validate()
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class CalendarPartFormSet(forms.BaseInlineFormSet):
    """A formset of one calendar's page; ``page`` holds the page's formsets by model."""

    def __init__(self, *args, page: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page if page is not None else {}
        self.page[self.model] = self


class IntervalFormSet(CalendarPartFormSet):
    """Intervals of one weekday must start before they end and must not overlap."""

    def clean(self):
        super().clean()
        weekly = tuple(
            OpenInterval(row["weekday"], row["start"], row["end"])
            for row in _live_rows(self)
            if row.get("start") is not None and row.get("end") is not None
        )
        _validate(CalendarSpec(tz="UTC", weekly=weekly))


class ClosedDateFormSet(CalendarPartFormSet):
    pass


class ExtraOpenFormSet(CalendarPartFormSet):
    """Extra open hours must be well formed and never fall on a closed date (as saved now)."""

    def clean(self):
        super().clean()
        extra = tuple(
            (row["date"], row["start"], row["end"])
            for row in _live_rows(self)
            if row.get("date") and row.get("start") is not None and row.get("end") is not None
        )
        if extra:
            spec = CalendarSpec(
                tz="UTC", weekly=(), closed_dates=self._closed_dates(), extra_open=extra
            )
            _validate(spec)

    def _closed_dates(self) -> frozenset:
        """The closed dates this save leaves: the page's formset if valid, else the stored."""
        closed = self.page.get(CalendarClosedDate)
        if closed is not None and closed.is_bound:
            if not closed.is_valid():
                return frozenset()  # its own errors are shown; nothing to compare with yet
            return frozenset(row["date"] for row in _live_rows(closed) if row.get("date"))
        if not self.instance.pk:
            return frozenset()
        return frozenset(
            CalendarClosedDate.objects.filter(calendar=self.instance).values_list("date", flat=True)
        )
