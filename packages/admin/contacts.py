"""Contacts in the admin, and the user picker managers use without seeing the user admin.

Managers hold no permission on users (the user admin shows passwords' status, staff flags and
every login). Linking a contact to a login goes through this admin's own lookup instead: it
offers only users who may become a contact (``users_pickable_for_contact``) and shows only
their name and e-mail address. The form accepts nothing else, whatever is posted.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.urls import path, reverse

from packages.models import Contact
from packages.selectors import user_label, users_matching, users_pickable_for_contact

USERS_URL_NAME = "packages_contact_users"
USERS_PAGE = 20


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return user_label(obj)


class ContactUserSelect(AutocompleteSelect):
    """The admin's select2 widget, asking the contact admin's lookup instead of the user admin."""

    def get_url(self):
        return reverse(f"{self.admin_site.name}:{USERS_URL_NAME}")


class ContactAdminForm(forms.ModelForm):
    """The user must be pickable, or be the contact's user already."""

    class Meta:
        model = Contact
        fields = ["user", "customer", "is_customer_admin", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("user")
        if field is not None:
            keep = self.instance.user_id if self.instance.pk else None
            field.queryset = users_pickable_for_contact(keep=keep)


class ContactUserMixin:
    """The user field of contact forms: the restricted picker (page and inline alike)."""

    form = ContactAdminForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["widget"] = ContactUserSelect(db_field, self.admin_site)
            kwargs["queryset"] = users_pickable_for_contact()
            kwargs["form_class"] = UserChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ContactInline(ContactUserMixin, admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Contact)
class ContactAdmin(ContactUserMixin, admin.ModelAdmin):
    list_display = ("__str__", "customer", "is_customer_admin")
    list_filter = ("customer", "is_customer_admin")
    search_fields = ("user__email", "user__first_name", "user__last_name", "customer__name")
    list_select_related = ("user", "customer")

    def get_urls(self):
        lookup = path("users/", self.admin_site.admin_view(self.users_view), name=USERS_URL_NAME)
        return [lookup, *super().get_urls()]

    def users_view(self, request):
        """select2's JSON: pickable users matching ``term``, a page at a time."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        users = users_matching(users_pickable_for_contact(), request.GET.get("term", ""))
        page = Paginator(users, USERS_PAGE).get_page(request.GET.get("page"))
        return JsonResponse(
            {
                "results": [{"id": str(user.pk), "text": user_label(user)} for user in page],
                "pagination": {"more": page.has_next()},
            }
        )
