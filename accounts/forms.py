"""Forms of the account pages: password reset (mail sent by a task), two-factor codes, and
choosing a password from an invitation."""

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from accounts.backends import customer_allows_login


class _Crispy:
    def _crispy(self):
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class PortalPasswordResetForm(PasswordResetForm):
    """Looks the address up and mails the link only inside the task (accounts.tasks), never
    in the request; the mail goes through the outbox."""

    def get_users(self, email):
        return [user for user in super().get_users(email) if customer_allows_login(user)]

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.template import loader

        from tickets.services.outbox import outbox_enqueue  # local: tickets depends on accounts

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        outbox_enqueue(recipients=[to_email], subject=subject, body=body)


class CodeForm(_Crispy, forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "inputmode": "text",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, help_text=None, **kwargs):
        super().__init__(*args, **kwargs)
        if help_text is not None:
            self.fields["token"].help_text = help_text
        self._crispy()


class InvitationPasswordForm(_Crispy, forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._crispy()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned
