"""Managers edit calendars and targets here; every save is checked by the engine's own rules.

Who may do what (the groups' permissions, ``packages.services.roles_sync``): managers add and
change calendars and package targets and manage contract overrides; engineers only read them.
A calendar's hours, closed dates (holidays) and extra open dates have no permissions of their
own: they are parts of the calendar, editable by whoever may edit the calendar.

Saving: a calendar page saves the calendar (``save_model``) and then its parts
(``save_related``); a target page saves the target row (``save_model``). Either way the
definition in force until then is kept and open tickets are re-timed from that moment
(``sla.changes``).
"""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sla.changes import (
    calendar_change_record,
    calendar_snapshot,
    target_change_record,
    target_snapshot,
)
from sla.durations import format_business_time
from sla.forms import (
    DURATIONS,
    ClosedDateFormSet,
    ContractTargetForm,
    ExtraOpenFormSet,
    IntervalFormSet,
    SlaTargetForm,
)
from sla.models import (
    BusinessCalendar,
    CalendarClosedDate,
    CalendarExtraOpenDate,
    CalendarInterval,
    ContractTarget,
    SlaTarget,
)


class CalendarPartInline(admin.TabularInline):
    """Rows of a calendar: their permissions are the calendar's."""

    extra = 0

    def _may_edit(self, request) -> bool:
        user = request.user
        return user.has_perm("sla.change_businesscalendar") or user.has_perm(
            "sla.add_businesscalendar"
        )

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("sla.view_businesscalendar") or self._may_edit(request)

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request)


class IntervalInline(CalendarPartInline):
    model = CalendarInterval
    formset = IntervalFormSet


class ClosedDateInline(CalendarPartInline):
    model = CalendarClosedDate
    formset = ClosedDateFormSet


class ExtraOpenInline(CalendarPartInline):
    model = CalendarExtraOpenDate
    formset = ExtraOpenFormSet


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "time_zone", "updated_at")
    search_fields = ("name", "key")
    inlines = [IntervalInline, ClosedDateInline, ExtraOpenInline]
    readonly_fields = ("updated_at",)

    def save_model(self, request, obj, form, change):
        """Keep the definition in force until now: the change applies from this moment."""
        request._calendar_before = calendar_snapshot(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_calendar_before", None)
        if before is not None and calendar_change_record(
            calendar=form.instance, before=before, now=timezone.now()
        ):
            messages.info(request, RETIMED)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """The page's formsets share one dict, so extra open dates see this save's holidays."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        page = getattr(request, "_calendar_page", None)
        if page is None:
            page = request._calendar_page = {}
        kwargs["page"] = page
        return kwargs


RETIMED = _(
    "Open tickets follow the change from now on: their due times were recomputed (business "
    "time already counted and breaches already recorded stay as they were)."
)


def _business_time(field_name: str, label):
    @admin.display(description=label, ordering=field_name)
    def show(admin_, obj):
        value = getattr(obj, field_name)
        return format_business_time(value) if value is not None else "—"

    show.__name__ = f"{field_name}_hours"
    return show


class TargetAdmin(admin.ModelAdmin):
    """Targets in business hours; which row it is (owner, type, priority) is fixed once made."""

    owner = ""  # the field naming whose target it is: "package" or "contract"
    identity = ("ticket_type", "priority")
    columns = ("reaction_hours", "resolution_hours", "extended_resolution_hours", "calendar")
    list_filter = ("ticket_type", "priority", "calendar")
    reaction_hours = _business_time("reaction", _("reaction target"))
    resolution_hours = _business_time("resolution", _("resolution target"))
    extended_resolution_hours = _business_time(
        "extended_resolution", _("extended resolution target")
    )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (self.owner, *self.identity)

    def save_model(self, request, obj, form, change):
        """A changed target applies to open tickets from this moment (the old one until now)."""
        before = target_snapshot(obj) if change else None
        super().save_model(request, obj, form, change)
        if before is not None and target_change_record(
            target=obj, before=before, now=timezone.now()
        ):
            messages.info(request, RETIMED)

    def get_fields(self, request, obj=None):
        """Read-only pages show the durations in business hours too, not as timedeltas."""
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            return [f"{name}_hours" if name in DURATIONS else name for name in fields]
        return fields


@admin.register(SlaTarget)
class SlaTargetAdmin(TargetAdmin):
    form = SlaTargetForm
    owner = "package"
    list_display = ("package", *TargetAdmin.identity, *TargetAdmin.columns)
    list_filter = ("package", *TargetAdmin.list_filter)
    list_select_related = ("package", "calendar")


@admin.register(ContractTarget)
class ContractTargetAdmin(TargetAdmin):
    form = ContractTargetForm
    owner = "contract"
    list_display = ("contract", *TargetAdmin.identity, *TargetAdmin.columns)
    list_select_related = ("contract", "contract__customer", "contract__package", "calendar")
    autocomplete_fields = ("contract",)
    search_fields = ("contract__number", "contract__customer__name")
