"""The user admin keeps e-mail addresses unique (in any case) with a clear form error instead
of the database index refusing the save."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

User = get_user_model()


class UniqueEmailUserChangeForm(UserChangeForm):
    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip().lower()
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another account already has this e-mail address."))
        return email


admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    form = UniqueEmailUserChangeForm
