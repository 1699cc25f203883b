"""Inbound mail for managers: what came in, what became of it, the original for download.
Staff only (the admin site); customers never see the original message."""

from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import InboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ("received_at", "from_address", "subject", "outcome", "ticket", "size")
    list_filter = ("outcome",)
    search_fields = ("from_address", "subject", "message_id")
    date_hierarchy = "received_at"
    list_select_related = ("ticket",)
    exclude = ("raw",)
    readonly_fields = (
        "key",
        "message_id",
        "source",
        "received_at",
        "from_address",
        "subject",
        "outcome",
        "reason",
        "ticket",
        "size",
        "original",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).defer("raw")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("original message"))
    def original(self, obj):
        url = reverse("admin:mailin_inboundmessage_raw", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download (.eml)"))

    def get_urls(self):
        raw = self.admin_site.admin_view(self.raw_view)
        return [path("<int:pk>/raw/", raw, name="mailin_inboundmessage_raw"), *super().get_urls()]

    def raw_view(self, request, pk):
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        message = get_object_or_404(InboundMessage, pk=pk)
        response = HttpResponse(bytes(message.raw), content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="message-{message.pk}.eml"'
        return response
