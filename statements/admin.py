"""Frozen statements and statement mails, read-only (a superuser may delete a frozen month so
that the next view freezes it again, e.g. after correcting a ticket)."""

from django.contrib import admin

from statements.models import FrozenStatement, StatementMail


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(FrozenStatement)
class FrozenStatementAdmin(ReadOnly):
    list_display = ("customer", "month", "frozen_at")
    list_filter = ("month",)
    search_fields = ("customer__name",)


@admin.register(StatementMail)
class StatementMailAdmin(ReadOnly):
    list_display = ("customer", "month", "contact", "automatic", "created_at")
    list_filter = ("automatic", "month")
    search_fields = ("customer__name", "contact__user__email")
