"""What every API view shares: the ticket lookup (404 across organisations) and the list of
error statuses it documents (read by api.schema)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework.generics import GenericAPIView

from tickets.selectors.access import ticket_for_user


class ApiView(GenericAPIView):
    # The error statuses this view can answer with (each documented in the schema).
    api_errors: tuple[int, ...] = (401, 429)

    def initial(self, request, *args, **kwargs):
        timezone.activate(dt.UTC)  # the API speaks UTC, whatever the viewer's zone
        super().initial(request, *args, **kwargs)

    def ticket(self):
        return ticket_for_user(self.request.user, self.kwargs["pk"])


class TicketView(ApiView):
    """A view of one ticket: another organisation's (or no such) ticket is 404."""

    api_errors = (401, 404, 429)
