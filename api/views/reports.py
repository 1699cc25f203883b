"""Staff and managers' reads: the queue, the dashboard's figures, quota use; and the small
reference lists an integration needs (who am I, components, engineers)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api.selectors.reports import api_quota_use
from api.serializers.inputs import QueueFilterSerializer
from api.serializers.reports import (
    DashboardSerializer,
    MeSerializer,
    QueuePageSerializer,
    QuotaUseSerializer,
)
from api.serializers.tickets import ComponentSerializer, PersonSerializer
from api.views.base import ApiView
from packages.models import Component
from packages.roles import contact_of, is_manager, is_support_staff, role_of
from tickets.forms.dashboard import DashboardFilterForm
from tickets.forms.staff import staff_users
from tickets.selectors.dashboard import dashboard_for
from tickets.selectors.queue import queue_page


def _require_staff(user) -> None:
    if not is_support_staff(user):
        raise PermissionDenied(_("For support staff only."))


def _require_manager(user) -> None:
    if not is_manager(user):
        raise PermissionDenied(_("For support managers only."))


class QueueView(ApiView):
    api_errors = (400, 401, 403, 429)

    @extend_schema(
        operation_id="queue_list",
        parameters=[QueueFilterSerializer],
        responses=QueuePageSerializer,
        description=_(
            "Staff: the engineers' queue as on the page, nearest due first, 25 a page; the "
            "status filter reaches ended tickets, #123 finds that ticket."
        ),
    )
    def get(self, request):
        _require_staff(request.user)
        form = QueueFilterSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        filters = {k: v for k, v in form.validated_data.items() if v is not None}
        page_number = filters.pop("page", 1)
        now = timezone.now()
        page = queue_page(user=request.user, filters=filters, page=page_number, now=now)
        for row in page.object_list:
            row.api_sla = {
                **vars(row.sla),
                "time_left_seconds": _seconds(row.sla.time_left),
                "due_kind": row.sla.due_kind or None,
            }
        body = {
            "count": page.paginator.count,
            "count_capped": page.paginator.capped,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "next": page.next_page_number() if page.has_next() else None,
            "previous": page.previous_page_number() if page.has_previous() else None,
            "results": page.object_list,
        }
        return Response(QueuePageSerializer(body).data)


def _seconds(delta):
    return None if delta is None else int(delta.total_seconds())


class DashboardView(ApiView):
    api_errors = (400, 401, 403, 429)

    @extend_schema(
        operation_id="dashboard_retrieve",
        parameters=[
            OpenApiParameter(
                "from_month",
                OpenApiTypes.STR,
                description=_("YYYY-MM; default: eleven months before the selected month."),
            ),
            OpenApiParameter(
                "to_month",
                OpenApiTypes.STR,
                description=_("YYYY-MM, the selected month; default: this month."),
            ),
            OpenApiParameter("customer", OpenApiTypes.INT, description=_("A customer's id.")),
        ],
        responses=DashboardSerializer,
        description=_("Managers: the SLA dashboard's figures (compliance is met ÷ due)."),
    )
    def get(self, request):
        _require_manager(request.user)
        form = DashboardFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(
                {
                    field: [e["message"] for e in errors]
                    for field, errors in form.errors.get_json_data().items()
                }
            )
        data = dashboard_for(user=request.user, period=form.period(now=timezone.now()))
        return Response(DashboardSerializer(data).data)


class QuotaView(ApiView):
    api_errors = (401, 403, 429)

    @extend_schema(
        operation_id="quota_list",
        responses=QuotaUseSerializer(many=True),
        description=_(
            "This month's consultation requests: a contact's organisation (its contract in "
            "force), or every contract with a quota for managers."
        ),
    )
    def get(self, request):
        if contact_of(request.user) is None:
            _require_manager(request.user)
        rows = api_quota_use(user=request.user, now=timezone.now())
        return Response(QuotaUseSerializer(rows, many=True).data)


class MeView(ApiView):
    @extend_schema(operation_id="me_retrieve", responses=MeSerializer)
    def get(self, request):
        user = request.user
        contact = contact_of(user)
        body = {
            "pk": user.pk,
            "username": user.get_username(),
            "name": user.get_full_name() or user.get_username(),
            "email": user.email,
            "role": str(role_of(user)),
            "customer": contact.customer if contact else None,
            "is_customer_admin": bool(contact and contact.is_customer_admin),
        }
        return Response(MeSerializer(body).data)


class ComponentsView(ApiView):
    @extend_schema(
        operation_id="components_list",
        responses=ComponentSerializer(many=True),
        description=_("The components a ticket can name (by code)."),
    )
    def get(self, request):
        components = Component.objects.filter(is_active=True)
        return Response(ComponentSerializer(components, many=True).data)


class StaffView(ApiView):
    api_errors = (401, 403, 429)

    @extend_schema(
        operation_id="staff_list",
        responses=PersonSerializer(many=True),
        description=_("Staff: the engineers a ticket can be assigned to."),
    )
    def get(self, request):
        _require_staff(request.user)
        return Response(PersonSerializer(staff_users(), many=True).data)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([])
def not_found(request, *args, **kwargs):
    raise NotFound
