"""Tickets: the list (filters, cursor pages), filing, one ticket, its SLA state."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from api.pagination import NewestFirst
from api.schema import QuotaErrorSerializer
from api.selectors.tickets import (
    annotate_api_sla,
    api_ticket_detail,
    api_ticket_list,
    api_tickets_by_id,
)
from api.serializers.inputs import TicketFileSerializer, TicketFilterSerializer
from api.serializers.tickets import SlaSerializer, TicketDetailSerializer, TicketSerializer
from api.views.base import ApiView, TicketView
from packages.roles import contact_of
from tickets.models import Channel
from tickets.selectors.access import ticket_for_user
from tickets.services.filing import ticket_file


class TicketListView(ApiView):
    """GET: the tickets the user may see. POST: a contact files a ticket."""

    pagination_class = NewestFirst
    api_errors = (400, 401, 403, 409, 429)

    @extend_schema(
        operation_id="tickets_list",
        parameters=[TicketFilterSerializer],
        responses=TicketSerializer(many=True),
        description=_(
            "Newest first, 50 a page (page_size up to 200), cursor pagination. A contact sees "
            "their organisation's tickets only."
        ),
    )
    def get(self, request):
        filters = TicketFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        now = timezone.now()
        tickets = api_ticket_list(user=request.user, filters=filters.validated_data, now=now)
        page = api_tickets_by_id([row["id"] for row in self.paginate_queryset(tickets)])
        annotate_api_sla(page, now=now)
        data = TicketSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="tickets_file",
        request=TicketFileSerializer,
        responses={
            201: TicketDetailSerializer,
            409: OpenApiResponse(
                QuotaErrorSerializer,
                description=_(
                    "The month's quota is used up: send it again with quota_choice billable "
                    "or defer."
                ),
            ),
        },
        description=_(
            "A customer contact files a ticket for their organisation (staff: 403). The "
            "product's rules apply: priority 1 only on base functions and covered blocks, and "
            "past the Advanced quota the choice of billable or deferred."
        ),
    )
    def post(self, request):
        contact = contact_of(request.user)
        if contact is None:
            raise PermissionDenied(_("Only customer contacts file tickets."))
        form = TicketFileSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        ticket = ticket_file(
            contact=contact,
            ticket_type=data["ticket_type"],
            priority=data.get("priority"),
            component=data["component"],
            subject=data["subject"],
            description=data["description"],
            quota_choice=data.get("quota_choice") or None,
            channel=Channel.API,
        )
        ticket = api_ticket_detail(
            user=request.user, ticket=ticket_for_user(request.user, ticket.pk), now=timezone.now()
        )
        body = TicketDetailSerializer(ticket, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["url"]})


class TicketDetailView(TicketView):
    @extend_schema(operation_id="tickets_retrieve", responses=TicketDetailSerializer)
    def get(self, request, pk: int):
        ticket = api_ticket_detail(user=request.user, ticket=self.ticket(), now=timezone.now())
        return Response(TicketDetailSerializer(ticket, context={"request": request}).data)


class TicketSlaView(TicketView):
    @extend_schema(
        operation_id="tickets_sla",
        responses=SlaSerializer,
        description=_(
            "Reaction and resolution: due times, met or breached, paused, and the business "
            "time left now."
        ),
    )
    def get(self, request, pk: int):
        (ticket,) = annotate_api_sla([self.ticket()], now=timezone.now())
        return Response(SlaSerializer(ticket.api_sla).data)
