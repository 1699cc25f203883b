"""Forms of the engineers' queue and workspace.

They check shape only; the product's rules live in tickets.services.workflow, whose
ValidationErrors the views put back onto these forms (``add_service_errors``).
"""

from __future__ import annotations

import re
from datetime import timedelta

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from packages.models import Component, Customer, SupportPackage
from packages.roles import ENGINEERS_GROUP, MANAGERS_GROUP
from portal.fields import ListedModelChoiceField
from portal.widgets import PlainSelect
from sla.models import Priority, TicketType
from tickets.forms.customer import MultipleFileField, attachment_help
from tickets.models import OPEN_STATUSES, RootCause, TicketStatus, WithdrawReason
from tickets.selectors.queue import ANY_STATUS

PRIORITY_CHOICES = [("", "---------"), *Priority.choices]
TICKET_NUMBER = re.compile(r"^#?\s*(\d{1,9})$")


def staff_users() -> QuerySet:
    """Active engineers and managers (and superusers), for assignment."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=[ENGINEERS_GROUP, MANAGERS_GROUP]) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class StaffUserChoiceField(ListedModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class _BootstrapForm(forms.Form):
    """Crispy renders the fields; the templates write the <form> tag and the buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


# --- the queue --------------------------------------------------------------------------------


class QueueFilterForm(_BootstrapForm):
    """GET filters of the queue. An invalid value is dropped (and said so), never a 500."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": _("Words in tickets and conversations, customer or #123")}
        ),
    )
    # Every customer, on every view of the queue: read in one query, rendered in Python.
    customer = ListedModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.order_by("name"), required=False
    )
    package = ListedModelChoiceField(
        label=_("Package"), queryset=SupportPackage.objects.order_by("name"), required=False
    )
    ticket_type = forms.ChoiceField(
        label=_("Type"),
        choices=[("", "---------"), *TicketType.choices],
        required=False,
        widget=PlainSelect,
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=PRIORITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=PlainSelect,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("", _("Open (new, in progress, waiting)")),
            *TicketStatus.choices,
            (ANY_STATUS, _("Any status")),
        ],
        required=False,
        help_text=_("A search for #123 finds that ticket whatever its status."),
        widget=PlainSelect,
    )
    assignee = StaffUserChoiceField(label=_("Assignee"), queryset=None, required=False)
    mine = forms.BooleanField(label=_("Mine"), required=False)
    unassigned = forms.BooleanField(label=_("Unassigned"), required=False)
    breached = forms.BooleanField(label=_("Breached"), required=False)
    at_risk = forms.BooleanField(label=_("At risk"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()
        # Plain Bootstrap widgets: the queue renders them by hand (crispy costs ~20 ms each).
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-sm"
            else:
                widget.attrs["class"] = "form-control form-control-sm"

    def filters(self) -> dict:
        """The valid filters; invalid ones are left out (their errors stay on the form)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}


# --- the workspace ----------------------------------------------------------------------------


class AssignForm(_BootstrapForm):
    assignee = StaffUserChoiceField(
        label=_("Assign to"),
        queryset=None,
        error_messages={"invalid_choice": _("Choose an engineer from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()


class ReplyForm(_BootstrapForm):
    body = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    internal = forms.BooleanField(
        label=_("Internal note (never shown to the customer)"), required=False
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachment_help()

    def clean(self):
        cleaned = super().clean()
        if (
            not (cleaned.get("body") or "").strip()
            and not cleaned.get("attachments")
            and ("attachments" not in self.errors)
        ):
            self.add_error("body", _("Write a message or attach a file."))
        return cleaned


class StatusForm(_BootstrapForm):
    """Moves of an open ticket; resolving and withdrawing are their own forms."""

    status = forms.ChoiceField(
        label=_("New status"), choices=[(s.value, s.label) for s in OPEN_STATUSES]
    )


class ResolveForm(_BootstrapForm):
    """Resolve: root cause, time spent and the message the customer receives, all required."""

    root_cause = forms.ChoiceField(
        label=_("Root cause"),
        choices=[("", "---------"), *RootCause.choices],
        help_text=_("Anything but a product defect makes the ticket billable."),
        error_messages={"required": _("Record the root cause to resolve the ticket.")},
    )
    time_spent_minutes = forms.IntegerField(
        label=_("Time spent (minutes)"),
        min_value=1,
        max_value=100_000,
        error_messages={
            "required": _("Record the time spent (more than zero) to resolve the ticket.")
        },
    )
    message = forms.CharField(
        label=_("Message to the customer"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done. It is sent as a public reply with the resolution."),
        error_messages={
            "required": _("Tell the customer what was done: the message is sent with it.")
        },
    )

    @property
    def time_spent(self) -> timedelta | None:
        minutes = self.cleaned_data.get("time_spent_minutes")
        return timedelta(minutes=minutes) if minutes else None


class WithdrawForm(_BootstrapForm):
    """An engineer withdraws a duplicate (of the same organisation's ticket) or spam."""

    reason = forms.ChoiceField(
        label=_("Why"),
        choices=[
            (WithdrawReason.DUPLICATE.value, WithdrawReason.DUPLICATE.label),
            (WithdrawReason.SPAM.value, WithdrawReason.SPAM.label),
        ],
        widget=forms.RadioSelect,
    )
    duplicate_of = forms.CharField(
        label=_("Duplicate of ticket"),
        required=False,
        max_length=20,
        help_text=_("Its number, e.g. #123 (the same customer's)."),
    )

    def clean_duplicate_of(self) -> int | None:
        text = (self.cleaned_data.get("duplicate_of") or "").strip()
        if not text:
            return None
        match = TICKET_NUMBER.match(text)
        if not match:
            raise ValidationError(_("Give a ticket number, e.g. #123."))
        return int(match.group(1))

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("reason") == WithdrawReason.DUPLICATE
            and cleaned.get("duplicate_of") is None
            and "duplicate_of" not in self.errors
        ):
            self.add_error("duplicate_of", _("Give the number of the ticket it duplicates."))
        return cleaned


class PriorityForm(_BootstrapForm):
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)
    workaround = forms.BooleanField(
        label=_("Workaround applied (service restored: a new resolution clock starts)"),
        required=False,
    )


class ReclassifyForm(_BootstrapForm):
    ticket_type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=PRIORITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Only for incidents."),
    )


class ComponentForm(_BootstrapForm):
    component = forms.ModelChoiceField(
        label=_("Affected component"),
        queryset=Component.objects.filter(is_active=True),
        error_messages={"invalid_choice": _("Choose a component from the list.")},
    )


class ExtendForm(_BootstrapForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Which support rule the customer broke (requests past the portal, "
            "repeated requests before the SLA expired...)."
        ),
    )
