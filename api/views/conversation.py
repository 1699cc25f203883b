"""A ticket's conversation and files: read them, add a comment (staff: a reply or an
internal note), upload a file, download one through the access check."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.pagination import OldestFirst
from api.selectors.tickets import api_attachments, api_messages
from api.serializers.inputs import AttachmentUploadSerializer, CommentSerializer
from api.serializers.tickets import AttachmentSerializer, MessageSerializer
from api.views.base import ApiView, TicketView
from packages.roles import is_support_staff
from tickets.attachments import attachment_validate
from tickets.models import MessageKind
from tickets.selectors.access import attachment_for_user
from tickets.services.conversation import message_add
from tickets.services.workflow import ticket_reply


def _write(request, ticket, *, body: str, internal: bool, files=()):
    """A conversation entry by whoever asks: staff reply (or note), a contact comments.
    Files follow the portal's size and type rules."""
    now = None  # the service reads the clock once it holds the ticket's lock
    if is_support_staff(request.user):
        return ticket_reply(
            ticket=ticket,
            by=request.user,
            body=body,
            internal=internal,
            now=now,
            attachments=files,
        )
    for upload in files:
        attachment_validate(upload)
    kind = MessageKind.INTERNAL_NOTE if internal else MessageKind.CUSTOMER_COMMENT
    return message_add(
        ticket=ticket, author=request.user, kind=kind, body=body, now=now, attachments=files
    )


class CommentsView(TicketView):
    pagination_class = OldestFirst
    api_errors = (400, 401, 403, 404, 429)

    @extend_schema(
        operation_id="tickets_comments_list",
        responses=MessageSerializer(many=True),
        description=_(
            "The conversation, oldest first: contacts see the public entries, staff "
            "the internal notes too."
        ),
    )
    def get(self, request, pk: int):
        ticket = self.ticket()
        page = self.paginate_queryset(api_messages(user=request.user, ticket=ticket))
        data = MessageSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="tickets_comments_create",
        request=CommentSerializer,
        responses={201: MessageSerializer},
        description=_(
            "A contact's comment (it resumes a clock waiting for the customer), or a staff "
            "reply (the first public one meets the reaction target) or internal note. Ended "
            "tickets: contacts are told what to do instead (400)."
        ),
    )
    def post(self, request, pk: int):
        ticket = self.ticket()
        form = CommentSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        message = _write(
            request,
            ticket,
            body=form.validated_data["body"],
            internal=form.validated_data["internal"],
        )
        data = MessageSerializer(message, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class AttachmentsView(TicketView):
    pagination_class = OldestFirst
    parser_classes = (MultiPartParser, FormParser)
    api_errors = (400, 401, 403, 404, 429)

    @extend_schema(
        operation_id="tickets_attachments_list",
        responses=AttachmentSerializer(many=True),
        description=_("The ticket's files (contacts: not those of internal notes)."),
    )
    def get(self, request, pk: int):
        ticket = self.ticket()
        page = self.paginate_queryset(api_attachments(user=request.user, ticket=ticket))
        data = AttachmentSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="tickets_attachments_create",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: MessageSerializer},
        description=_(
            "Upload a file (the portal's size and type limits apply); it comes as a "
            "conversation entry, with the optional message."
        ),
    )
    def post(self, request, pk: int):
        ticket = self.ticket()
        form = AttachmentUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        message = _write(
            request, ticket, body=data["body"], internal=data["internal"], files=[data["file"]]
        )
        body = MessageSerializer(message, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class _AnyAccept(BaseContentNegotiation):
    """A download answers whatever the client accepts: the file, or a JSON error."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class AttachmentDownloadView(ApiView):
    api_errors = (401, 404, 429)
    content_negotiation_class = _AnyAccept

    @extend_schema(
        operation_id="attachments_download",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("The file.")
            )
        },
    )
    def get(self, request, pk: int):
        item = attachment_for_user(request.user, pk)
        try:
            handle = item.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise Http404 from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=item.original_name,
            content_type="application/octet-stream",
        )
