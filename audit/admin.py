"""The audit log in the admin: to read, never to add, change or delete."""

from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "actor_label", "target_label", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_label", "target_label", "summary")
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
