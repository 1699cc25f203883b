"""Managers edit calendars and targets here; every save is checked by the engine's own rules."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from sla.calendar import CalendarSpec, OpenInterval
from sla.models import (
    BusinessCalendar,
    CalendarClosedDate,
    CalendarExtraOpenDate,
    CalendarInterval,
    ContractTarget,
    SlaTarget,
)


def _live_rows(formset):
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if data and not data.get("DELETE"):
            yield data


class IntervalFormSet(forms.BaseInlineFormSet):
    """Intervals of one weekday must start before they end and must not overlap."""

    def clean(self):
        super().clean()
        weekly = tuple(
            OpenInterval(row["weekday"], row["start"], row["end"])
            for row in _live_rows(self)
            if row.get("start") is not None and row.get("end") is not None
        )
        try:
            CalendarSpec(tz="UTC", weekly=weekly).validate()
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class ExtraOpenFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        extra = tuple(
            (row["date"], row["start"], row["end"])
            for row in _live_rows(self)
            if row.get("date") and row.get("start") is not None and row.get("end") is not None
        )
        closed = (
            frozenset(
                CalendarClosedDate.objects.filter(calendar=self.instance).values_list(
                    "date", flat=True
                )
            )
            if self.instance.pk
            else frozenset()
        )
        if not extra:
            return
        try:
            CalendarSpec(tz="UTC", weekly=(), closed_dates=closed, extra_open=extra).validate()
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class IntervalInline(admin.TabularInline):
    model = CalendarInterval
    formset = IntervalFormSet
    extra = 0


class ClosedDateInline(admin.TabularInline):
    model = CalendarClosedDate
    extra = 0


class ExtraOpenInline(admin.TabularInline):
    model = CalendarExtraOpenDate
    formset = ExtraOpenFormSet
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "time_zone", "updated_at")
    search_fields = ("name", "key")
    inlines = [IntervalInline, ClosedDateInline, ExtraOpenInline]
    readonly_fields = ("updated_at",)


class TargetAdminMixin:
    list_filter = ("ticket_type", "priority", "calendar")
    list_select_related = ("calendar",)


@admin.register(SlaTarget)
class SlaTargetAdmin(TargetAdminMixin, admin.ModelAdmin):
    list_display = (
        "package",
        "ticket_type",
        "priority",
        "reaction",
        "resolution",
        "extended_resolution",
        "calendar",
    )
    list_filter = ("package", *TargetAdminMixin.list_filter)
    list_select_related = ("package", "calendar")


@admin.register(ContractTarget)
class ContractTargetAdmin(TargetAdminMixin, admin.ModelAdmin):
    list_display = (
        "contract",
        "ticket_type",
        "priority",
        "reaction",
        "resolution",
        "extended_resolution",
        "calendar",
    )
    list_select_related = ("contract", "calendar")
    autocomplete_fields = ("contract",)
