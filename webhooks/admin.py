"""Web hooks in the admin: hooks to look at (the secret never shown), a read-only log."""

from django.contrib import admin

from webhooks.models import WebHook, WebhookDelivery


@admin.register(WebHook)
class WebHookAdmin(admin.ModelAdmin):
    list_display = ("url", "customer", "for_staff", "is_active", "last_success_at", "failing_since")
    list_filter = ("is_active", "for_staff")
    search_fields = ("url", "description", "customer__name")
    fields = (
        "url",
        "description",
        "customer",
        "for_staff",
        "events",
        "is_active",
        "disabled_reason",
        "failing_since",
        "last_success_at",
        "created_by",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False  # registered in the portal, where the secret is shown once


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: what was sent where, and how it went. Read only."""

    list_display = (
        "created_at",
        "event",
        "hook",
        "customer",
        "status",
        "attempts",
        "response_status",
        "response_ms",
    )
    list_filter = ("status", "event")
    search_fields = ("event_id", "hook__url")
    list_select_related = ("hook", "customer")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
