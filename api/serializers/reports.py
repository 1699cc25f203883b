"""The queue's rows, the dashboard's figures, quota use, who am I (output only)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.tickets import (
    DUE_KINDS,
    ComponentSerializer,
    CustomerRefSerializer,
    PersonSerializer,
)
from packages.roles import Role
from sla.models import Priority, TicketType
from tickets.models import TicketStatus
from tickets.selectors.queue import BADGES


class QueueSlaSerializer(serializers.Serializer):
    due = serializers.DateTimeField(allow_null=True)
    due_kind = serializers.ChoiceField(choices=DUE_KINDS, allow_null=True)
    time_left_seconds = serializers.IntegerField(allow_null=True)
    breached = serializers.BooleanField()
    at_risk = serializers.BooleanField()
    paused = serializers.BooleanField()
    badges = serializers.ListField(child=serializers.ChoiceField(choices=list(BADGES)))


class QueueRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="ticket.pk")
    subject = serializers.CharField(source="ticket.subject")
    ticket_type = serializers.ChoiceField(source="ticket.ticket_type", choices=TicketType.choices)
    priority = serializers.ChoiceField(
        source="ticket.priority", choices=Priority.choices, allow_null=True
    )
    status = serializers.ChoiceField(source="ticket.status", choices=TicketStatus.choices)
    customer = CustomerRefSerializer(source="ticket.customer")
    component = ComponentSerializer(source="ticket.component")
    assignee = PersonSerializer(source="ticket.assignee", allow_null=True)
    opened_at = serializers.DateTimeField(source="ticket.opened_at", allow_null=True)
    sla = QueueSlaSerializer(source="api_sla")


class QueuePageSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        help_text=_("Matching tickets, counted up to a cap (10,000; 1,000 for a search).")
    )
    count_capped = serializers.BooleanField(help_text=_("More tickets match than the count says."))
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    next = serializers.IntegerField(allow_null=True, help_text=_("The next page's number."))
    previous = serializers.IntegerField(allow_null=True)
    results = QueueRowSerializer(many=True)


class RatioSerializer(serializers.Serializer):
    met = serializers.IntegerField()
    due = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class ComplianceRowSerializer(serializers.Serializer):
    key = serializers.SerializerMethodField()
    label = serializers.CharField()
    reaction = RatioSerializer()
    resolution = RatioSerializer()
    month_reaction = RatioSerializer(allow_null=True)
    month_resolution = RatioSerializer(allow_null=True)
    median_reaction_hours = serializers.DecimalField(
        source="median_reaction", max_digits=12, decimal_places=2, allow_null=True
    )
    median_resolution_hours = serializers.DecimalField(
        source="median_resolution", max_digits=12, decimal_places=2, allow_null=True
    )
    withdrawn = serializers.IntegerField()
    month_withdrawn = serializers.IntegerField(allow_null=True)

    def get_key(self, row) -> str | None:
        key = row.key
        if isinstance(key, tuple):  # (package code, name)
            key = key[0]
        if hasattr(key, "strftime"):
            return f"{key:%Y-%m}"
        return None if key is None else str(key)


class OpenRowSerializer(serializers.Serializer):
    customer_id = serializers.IntegerField(allow_null=True)
    customer = serializers.CharField()
    open = serializers.IntegerField()
    breached = serializers.IntegerField()
    at_risk = serializers.IntegerField()


class QuotaRowSerializer(serializers.Serializer):
    customer_id = serializers.IntegerField()
    customer = serializers.CharField()
    contract = serializers.CharField()
    limit = serializers.IntegerField()
    used = serializers.IntegerField()
    remaining = serializers.IntegerField()
    over_quota = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=6, decimal_places=1)


class BillableRowSerializer(serializers.Serializer):
    customer_id = serializers.IntegerField()
    customer = serializers.CharField()
    by_month = serializers.ListField(
        child=serializers.DecimalField(max_digits=12, decimal_places=2)
    )
    total = serializers.DecimalField(max_digits=12, decimal_places=2)


class PeriodSerializer(serializers.Serializer):
    first = serializers.SerializerMethodField()
    last = serializers.SerializerMethodField()
    customer_id = serializers.IntegerField(allow_null=True)
    months = serializers.SerializerMethodField()

    def get_first(self, period) -> str:
        return f"{period.first:%Y-%m}"

    def get_last(self, period) -> str:
        return f"{period.last:%Y-%m}"

    def get_months(self, period) -> list[str]:
        return [f"{m:%Y-%m}" for m in period.months]


class BreakdownsSerializer(serializers.Serializer):
    package = ComplianceRowSerializer(many=True)
    customer = ComplianceRowSerializer(many=True)
    type = ComplianceRowSerializer(many=True)
    priority = ComplianceRowSerializer(many=True)


class DashboardSerializer(serializers.Serializer):
    period = PeriodSerializer()
    trend = ComplianceRowSerializer(many=True)
    overall = ComplianceRowSerializer()
    breakdowns = BreakdownsSerializer()
    open_now = OpenRowSerializer(many=True)
    quota = QuotaRowSerializer(many=True)
    billable = BillableRowSerializer(many=True)


class QuotaUseSerializer(serializers.Serializer):
    customer = CustomerRefSerializer()
    contract = serializers.CharField()
    month = serializers.DateField()
    limit = serializers.IntegerField(allow_null=True, help_text="Null: unlimited (Pro).")
    used = serializers.IntegerField(allow_null=True, help_text="Null: unlimited, not counted.")
    remaining = serializers.IntegerField(allow_null=True)
    exhausted = serializers.BooleanField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField()
    name = serializers.CharField()
    email = serializers.CharField()
    role = serializers.ChoiceField(
        choices=[(r.value, r.value) for r in (Role.CONTACT, Role.ENGINEER, Role.MANAGER)]
    )
    customer = CustomerRefSerializer(allow_null=True)
    is_customer_admin = serializers.BooleanField()
