"""The API tokens page's form: a name for the new token."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use it, e.g. “Monitoring” or “Service desk sync”."),
    )
