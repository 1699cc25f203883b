from django.contrib import admin

from oncall.models import RotaChange, RotaShift


@admin.register(RotaShift)
class RotaShiftAdmin(admin.ModelAdmin):
    list_display = ("weekday", "starts", "ends", "time_zone", "engineer")
    list_filter = ("weekday",)


@admin.register(RotaChange)
class RotaChangeAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "ends_at", "engineer", "on_duty", "note")
    list_filter = ("on_duty",)
