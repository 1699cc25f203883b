"""How the API shows tickets, their SLA, conversation and files (output only).

Serializers read what the selectors computed (the SLA at ``now`` is attached to each ticket
as ``api_sla`` by ``api.selectors.tickets``); they compute nothing themselves.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from packages.models import ComponentKind
from sla.models import Priority, TicketType
from tickets.models import MessageKind, RootCause, TicketStatus, WithdrawReason

DUE_KINDS = [("reaction", "reaction"), ("resolution", "resolution")]
METRIC_STATES = ("met", "breached", "due", "paused", "withdrawn", "none")
ACTIONS = (
    "comment",
    "withdraw",
    "close",
    "reopen",
    "take",
    "assign",
    "reply",
    "status",
    "resolve",
    "priority",
    "reclassify",
    "component",
    "extend",
)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class CustomerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()


class ComponentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    name = serializers.CharField(source="label", help_text=_("In the request's language."))
    kind = serializers.ChoiceField(choices=ComponentKind.choices)


class MetricSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[(s, s) for s in METRIC_STATES],
        help_text=_(
            "met, breached, due (running), paused (resolution while waiting for the customer), "
            "withdrawn (ended unmet: counts neither way) or none (not started: deferred)."
        ),
    )
    due = serializers.DateTimeField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)
    breached_at = serializers.DateTimeField(allow_null=True)
    time_left_seconds = serializers.IntegerField(
        allow_null=True,
        help_text=_("Business time until due (negative: overdue); null when not running."),
    )


class SlaSerializer(serializers.Serializer):
    reaction = MetricSerializer()
    resolution = MetricSerializer()
    next_due = serializers.DateTimeField(
        allow_null=True, help_text=_("The due time that matters now (what the queue sorts by).")
    )
    next_due_kind = serializers.ChoiceField(choices=DUE_KINDS, allow_null=True)
    time_left_seconds = serializers.IntegerField(allow_null=True)
    breached = serializers.BooleanField()
    at_risk = serializers.BooleanField()
    paused = serializers.BooleanField()
    extended = serializers.BooleanField()
    extension_reason = serializers.CharField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    message = serializers.IntegerField(source="message_id", allow_null=True)
    created_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, attachment) -> str:
        path = reverse("api:attachment-download", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=MessageKind.choices)
    internal = serializers.SerializerMethodField()
    body = serializers.CharField()
    author = PersonSerializer()
    created_at = serializers.DateTimeField()
    attachments = AttachmentSerializer(many=True)

    def get_internal(self, message) -> bool:
        return not message.is_public


class TicketSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    subject = serializers.CharField()
    ticket_type = serializers.ChoiceField(choices=TicketType.choices)
    priority = serializers.ChoiceField(choices=Priority.choices, allow_null=True)
    status = serializers.ChoiceField(choices=TicketStatus.choices)
    component = ComponentSerializer()
    customer = CustomerRefSerializer()
    reporter = PersonSerializer()
    assignee = PersonSerializer(allow_null=True)
    is_billable = serializers.BooleanField()
    is_over_quota = serializers.BooleanField()
    is_deferred = serializers.BooleanField()
    deferred_until = serializers.DateField(
        source="api_deferred_until",
        allow_null=True,
        help_text=_("The month a deferred request opens in."),
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    opened_at = serializers.DateTimeField(allow_null=True)
    first_response_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdraw_reason = serializers.ChoiceField(choices=WithdrawReason.choices, allow_blank=True)
    duplicate_of = serializers.IntegerField(source="duplicate_of_id", allow_null=True)
    sla = SlaSerializer(source="api_sla")
    url = serializers.SerializerMethodField()

    def get_url(self, ticket) -> str:
        path = reverse("api:ticket-detail", args=[ticket.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class TicketDetailSerializer(TicketSerializer):
    description = serializers.CharField()
    root_cause = serializers.ChoiceField(choices=RootCause.choices, allow_blank=True)
    time_spent_minutes = serializers.SerializerMethodField()
    reopen_until = serializers.DateTimeField(source="api_reopen_until", allow_null=True)
    attachments = AttachmentSerializer(
        source="api_attachments", many=True, help_text=_("Files filed with the ticket.")
    )
    allowed_actions = serializers.ListField(
        source="api_actions",
        child=serializers.ChoiceField(choices=[(a, a) for a in ACTIONS]),
        help_text=_("What this user may do to the ticket now (the endpoints of the same names)."),
    )

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_time_spent_minutes(self, ticket) -> int | None:
        spent = ticket.time_spent
        return None if spent is None else int(spent.total_seconds() // 60)
