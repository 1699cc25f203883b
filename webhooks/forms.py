"""The web hook form: address, events and (managers) which organisation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from packages.models import Customer
from webhooks.models import WebhookEvent


class WebHookForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("An https:// address that accepts POST requests."),
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/hooks/support"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    customer = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Customer.objects.order_by("name"),
        required=False,
        empty_label=_("All organisations"),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, for_manager: bool, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not for_manager:
            del self.fields["customer"]
        if not editing:
            del self.fields["is_active"]
