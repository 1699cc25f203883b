"""Admin for packages, components, customers and contracts.

A contract's price (licence cost, support percentage, the yearly price they make) is
commercial: only users with ``packages.view_contract_price`` (managers, superusers) see it.
For everyone else it is left out of the form, the list, the lookups the list accepts and the
change history.
"""

import json

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from packages.admin.contacts import ContactInline
from packages.models import Component, Contract, Customer, SupportPackage
from packages.roles import may_see_contract_price
from packages.selectors import user_label, users_pickable_as_account_manager
from packages.services import contract_check_covered_blocks

PRICE_FIELDS = ("licence_cost", "support_percentage")


@admin.register(SupportPackage)
class SupportPackageAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "monthly_request_quota",
        "covered_blocks_limit",
        "online_support",
        "vendor_configuration",
    )
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
            "customer",
            "number",
            "package",
            "valid_from",
            "valid_to",
            "is_cloud",
            "has_24x7",
            "time_zone",
            "covered_blocks",
            *PRICE_FIELDS,
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


class AccountManagerField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return user_label(obj)


class CustomerAdminForm(forms.ModelForm):
    """The account manager is one of the vendor's managers (or stays whoever it was)."""

    class Meta:
        model = Customer
        fields = ["name", "is_active", "requires_two_factor", "account_manager"]
        field_classes = {"account_manager": AccountManagerField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("account_manager")
        if field is not None:
            keep = self.instance.account_manager_id if self.instance.pk else None
            field.queryset = users_pickable_as_account_manager(keep=keep)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    form = CustomerAdminForm
    list_display = ("name", "is_active", "requires_two_factor", "account_manager")
    search_fields = ("name",)
    list_filter = ("is_active", "requires_two_factor")
    list_select_related = ("account_manager",)
    inlines = [ContractInline, ContactInline]


def _price_labels() -> set[str]:
    """The labels the change history stores for the price fields (untranslated, as Django)."""
    with override(None):
        return {str(capfirst(Contract._meta.get_field(name).verbose_name)) for name in PRICE_FIELDS}


def history_without_price(change_message: str) -> str:
    """A LogEntry's JSON change message with the price fields taken out of "changed"."""
    try:
        parts = json.loads(change_message) if change_message.startswith("[") else None
    except json.JSONDecodeError:
        parts = None
    if not isinstance(parts, list):
        return change_message
    hidden, kept, removed = _price_labels(), [], False
    for part in parts:
        changed = part.get("changed") if isinstance(part, dict) else None
        if changed is not None and "name" not in changed:
            fields = [f for f in changed.get("fields", []) if f not in hidden]
            removed |= len(fields) != len(changed.get("fields", []))
            if not fields:
                continue
            part = {"changed": {**changed, "fields": fields}}
        kept.append(part)
    if removed and not kept:
        return gettext("Changed details you are not allowed to see.")
    return json.dumps(kept)


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    form = ContractAdminForm
    list_display = (
        "number",
        "customer",
        "package",
        "valid_from",
        "valid_to",
        "is_cloud",
        "has_24x7",
    )
    list_filter = ("package", "is_cloud", "has_24x7")
    search_fields = ("number", "customer__name")
    list_select_related = ("customer", "package")
    filter_horizontal = ("covered_blocks",)
    readonly_fields = ("yearly_price",)
    fieldsets = (
        (None, {"fields": ("customer", "number", "package", "valid_from", "valid_to")}),
        (_("Service"), {"fields": ("is_cloud", "has_24x7", "time_zone", "covered_blocks")}),
        (_("Price"), {"fields": (*PRICE_FIELDS, "yearly_price")}),
    )

    @admin.display(description=_("yearly support price"))
    def yearly_price(self, obj):
        return obj.yearly_price if obj.pk else "—"

    def get_fieldsets(self, request, obj=None):
        if may_see_contract_price(request.user):
            return self.fieldsets
        return tuple(fs for fs in self.fieldsets if not set(fs[1]["fields"]) & set(PRICE_FIELDS))

    def get_form(self, request, obj=None, **kwargs):
        if not may_see_contract_price(request.user):
            kwargs["exclude"] = [*(kwargs.get("exclude") or ()), *PRICE_FIELDS]
        return super().get_form(request, obj, **kwargs)

    def get_list_display(self, request):
        if may_see_contract_price(request.user):
            return (*self.list_display, *PRICE_FIELDS, "yearly_price")
        return self.list_display

    def lookup_allowed(self, lookup, value, request=None):
        """No filtering by price in the list's URL unless the price may be seen."""
        field_name = lookup.split("__", 1)[0]
        if field_name in PRICE_FIELDS and not (request and may_see_contract_price(request.user)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if may_see_contract_price(request.user) or not hasattr(response, "context_data"):
            return response
        for entry in response.context_data["action_list"]:
            entry.change_message = history_without_price(entry.change_message)
        return response
