"""Forms of the customer portal: filing a ticket and commenting on one.

They check what a form can (shape, attachments); the product's rules (priority 1 on covered
blocks, the quota) are the services', whose ValidationErrors the views map onto these forms.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from packages.models import Component, ComponentKind, Contract
from packages.selectors import components_for_filing
from sla.models import Priority, TicketType
from tickets.attachments import ALWAYS_REFUSED, attachment_validate
from tickets.services.filing import QuotaChoice

COUNTING_TYPES = f"{TicketType.SERVICE_REQUEST} {TicketType.CHANGE}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked with ``attachment_validate``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        errors = []
        for upload in cleaned:
            try:
                attachment_validate(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            errors.append(_("Files cannot be kept after an error: choose the files again."))
            raise ValidationError(errors)
        return cleaned


def attachment_help() -> str:
    allowed = sorted(
        {e.lower().lstrip(".") for e in settings.PORTAL_ATTACHMENT_EXTENSIONS} - ALWAYS_REFUSED
    )
    return _("Up to %(limit)s per file. Allowed types: %(types)s.") % {
        "limit": filesizeformat(settings.PORTAL_ATTACHMENT_MAX_BYTES),
        "types": ", ".join(allowed),
    }


class ComponentField(forms.ModelChoiceField):
    """The component select, grouped as base functions and additional blocks (optgroups)."""

    def __init__(self, *, contract: Contract | None, **kwargs):
        super().__init__(queryset=Component.objects.filter(is_active=True), **kwargs)
        groups = components_for_filing()
        covered = set(contract.covered_blocks.values_list("pk", flat=True)) if contract else set()
        additional = [
            (
                c.pk,
                _("%(name)s (covered at priority 1)") % {"name": c.label}
                if c.pk in covered
                else c.label,
            )
            for c in groups[ComponentKind.ADDITIONAL]
        ]
        self.choices = [
            ("", "---------"),
            (_("Base functions"), [(c.pk, c.label) for c in groups[ComponentKind.BASE]]),
            (_("Additional blocks"), additional),
        ]


class TicketFileForm(forms.Form):
    ticket_type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[("", "---------"), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "Priority 1 is for base functions and the additional blocks your contract covers."
        ),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, when, and what you have tried."),
    )
    attachments = MultipleFileField(label=_("Attachments"))
    quota_choice = forms.ChoiceField(
        label=_("This month's quota is used up"),
        choices=QuotaChoice.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, contract: Contract | None = None, show_quota_choice=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"] = ComponentField(
            contract=contract,
            label=_("Affected component"),
            error_messages={"invalid_choice": _("Choose a component from the list.")},
        )
        self.order_fields(["ticket_type", "priority", "component"])
        self.fields["attachments"].help_text = attachment_help()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.show_quota_choice(show_quota_choice)

    def show_quota_choice(self, show: bool = True) -> None:
        """Offer billable / defer (when the quota is used up); the typed values stay bound."""
        self.quota_choice_shown = show
        quota_fields = (
            [Div("quota_choice", css_id="quota-choice", data_show_for=COUNTING_TYPES)]
            if show
            else []
        )
        self.helper.layout = Layout(
            Field("ticket_type"),
            Div("priority", css_id="priority-field", data_show_for=TicketType.INCIDENT),
            "component",
            "subject",
            "description",
            "attachments",
            *quota_fields,
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("ticket_type") != TicketType.INCIDENT:
            # A priority left in the hidden field of a non-incident is not an error.
            cleaned["priority"] = None
        return cleaned


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachment_help()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        cleaned = super().clean()
        if (
            not (cleaned.get("body") or "").strip()
            and not cleaned.get("attachments")
            and ("attachments" not in self.errors)
        ):
            raise ValidationError(_("Write a message or attach a file."))
        return cleaned


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors on fields, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
