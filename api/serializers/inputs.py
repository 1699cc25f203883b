"""What the API accepts: the shape of each request. The product's rules are the services'."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from packages.models import Component
from sla.models import Priority, TicketType
from tickets.forms.staff import staff_users
from tickets.models import OPEN_STATUSES, RootCause, TicketStatus, WithdrawReason
from tickets.selectors.queue import ANY_STATUS
from tickets.services.filing import QuotaChoice

TEXT_LIMIT = 20_000


def _optional_bool(help_text: str = "") -> serializers.BooleanField:
    """A filter that is off unless given (true: only those; false: all but those)."""
    return serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=help_text
    )


def _component_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=Component.objects.filter(is_active=True),
        help_text=_("The component's code (GET /api/components/)."),
        error_messages={"does_not_exist": _("There is no active component “{value}”.")},
        **kwargs,
    )


class TicketFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[("open", "open"), *TicketStatus.choices],
        required=False,
        help_text=_("One status, or “open” (new, in progress, waiting). Default: every status."),
    )
    ticket_type = serializers.ChoiceField(choices=TicketType.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    breached = _optional_bool(_("Breached now (true) or not (false)."))
    at_risk = _optional_bool(_("Past 80 % (of a running target), not breached."))
    customer = serializers.IntegerField(
        min_value=1,
        max_value=2**62,
        required=False,
        help_text=_("A customer's id (staff; a contact only ever sees its own organisation)."),
    )
    updated_since = serializers.DateTimeField(
        required=False, help_text=_("Changed at or after this instant (ISO 8601).")
    )
    search = serializers.CharField(
        required=False,
        max_length=200,
        allow_blank=True,
        help_text=_("Words in the subject, description or conversation, or #123."),
    )


class QueueFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        max_length=200,
        allow_blank=True,
        help_text=_("Text, or #123 for that ticket whatever its status."),
    )
    customer = serializers.IntegerField(min_value=1, max_value=2**62, required=False)
    package = serializers.IntegerField(min_value=1, max_value=2**62, required=False)
    ticket_type = serializers.ChoiceField(choices=TicketType.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    status = serializers.ChoiceField(
        choices=[*TicketStatus.choices, (ANY_STATUS, ANY_STATUS)],
        required=False,
        help_text=_("Default: the open queue; “any”: every ticket."),
    )
    assignee = serializers.IntegerField(min_value=1, max_value=2**62, required=False)
    mine = _optional_bool()
    unassigned = _optional_bool()
    breached = _optional_bool()
    at_risk = _optional_bool()
    page = serializers.IntegerField(min_value=1, max_value=10**9, required=False)


class TicketFileSerializer(serializers.Serializer):
    ticket_type = serializers.ChoiceField(choices=TicketType.choices)
    priority = serializers.ChoiceField(
        choices=Priority.choices,
        required=False,
        allow_null=True,
        help_text=_(
            "Incidents only: 1 (critical) to 3. Priority 1 is for base functions and "
            "the blocks the contract covers."
        ),
    )
    component = _component_field()
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=TEXT_LIMIT)
    quota_choice = serializers.ChoiceField(
        choices=QuotaChoice.choices,
        required=False,
        allow_null=True,
        help_text=_(
            "Past the monthly quota: file it as billable, or defer it to next month. "
            "Without it such a request is refused with 409."
        ),
    )


class CommentSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=TEXT_LIMIT, trim_whitespace=True)
    internal = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Staff: an internal note, never shown to the customer."),
    )


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(max_length=255, allow_empty_file=True)
    body = serializers.CharField(
        max_length=TEXT_LIMIT,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A message to go with the file."),
    )
    internal = serializers.BooleanField(required=False, default=False)


class AssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=staff_users(), help_text=_("A support engineer's id (GET /api/staff/).")
    )


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in OPEN_STATUSES])


class ResolveSerializer(serializers.Serializer):
    root_cause = serializers.ChoiceField(choices=RootCause.choices)
    time_spent_minutes = serializers.IntegerField(min_value=1, max_value=100_000)
    message = serializers.CharField(max_length=TEXT_LIMIT)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=WithdrawReason.choices,
        required=False,
        help_text=_("Contacts: not_needed (the default). Staff: duplicate or spam."),
    )
    duplicate_of = serializers.IntegerField(
        min_value=1,
        max_value=2**62,
        required=False,
        allow_null=True,
        help_text=_("The number of the ticket it duplicates (the same customer's)."),
    )


class PrioritySerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.choices)
    workaround = serializers.BooleanField(required=False, default=False)


class ReclassifySerializer(serializers.Serializer):
    ticket_type = serializers.ChoiceField(choices=TicketType.choices)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, allow_null=True)


class ComponentChangeSerializer(serializers.Serializer):
    component = _component_field()


class ExtendSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
