"""Forms for customer admins managing their organisation's contacts."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _


class ContactInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("It becomes their username; the invitation goes there.")
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    is_customer_admin = forms.BooleanField(
        label=_("Customer admin"),
        required=False,
        help_text=_("May invite and deactivate your organisation's contacts."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
