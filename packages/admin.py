"""Admin for packages, components, customers, contracts and contacts."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from packages.models import Component, Contact, Contract, Customer, SupportPackage
from packages.roles import is_manager
from packages.services import contract_check_covered_blocks


@admin.register(SupportPackage)
class SupportPackageAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "monthly_request_quota", "covered_blocks_limit",
                    "online_support", "vendor_configuration")
    readonly_fields = ("code",)


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "position", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")


class ContractAdminForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = [
            "customer", "number", "package", "valid_from", "valid_to", "is_cloud", "has_24x7",
            "time_zone", "covered_blocks", "licence_cost", "support_percentage",
        ]

    def clean(self):
        cleaned = super().clean()
        package = cleaned.get("package")
        blocks = cleaned.get("covered_blocks")
        if package is not None and blocks is not None:
            probe = Contract(package=package)
            try:
                contract_check_covered_blocks(contract=probe, blocks=blocks)
            except ValidationError as exc:
                self.add_error("covered_blocks", exc)
        return cleaned


class ContractInline(admin.TabularInline):
    model = Contract
    extra = 0
    fields = ("number", "package", "valid_from", "valid_to", "is_cloud", "has_24x7")
    show_change_link = True


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "requires_two_factor", "account_manager")
    search_fields = ("name",)
    list_filter = ("is_active", "requires_two_factor")
    inlines = [ContractInline, ContactInline]


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    form = ContractAdminForm
    list_display = ("number", "customer", "package", "valid_from", "valid_to", "is_cloud",
                    "has_24x7")
    list_filter = ("package", "is_cloud", "has_24x7")
    search_fields = ("number", "customer__name")
    list_select_related = ("customer", "package")
    filter_horizontal = ("covered_blocks",)
    fieldsets = (
        (None, {"fields": ("customer", "number", "package", "valid_from", "valid_to")}),
        (_("Service"), {"fields": ("is_cloud", "has_24x7", "time_zone", "covered_blocks")}),
        (_("Price"), {"fields": ("licence_cost", "support_percentage")}),
    )

    def get_fieldsets(self, request, obj=None):
        """Contract money is a manager's: an engineer reading a contract sees no price."""
        fieldsets = super().get_fieldsets(request, obj)
        if is_manager(request.user):
            return fieldsets
        return [(name, opts) for name, opts in fieldsets if "licence_cost" not in opts["fields"]]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("__str__", "customer", "is_customer_admin")
    list_filter = ("customer", "is_customer_admin")
    search_fields = ("user__email", "user__first_name", "user__last_name", "customer__name")
    list_select_related = ("user", "customer")
    autocomplete_fields = ("user",)
