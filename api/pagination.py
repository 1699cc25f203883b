"""Cursor pagination: stable under inserts, and one query a page whatever the table's size."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class _Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_cursor_message = _("This cursor is not one the API gave out: start without it.")

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {self.cursor_query_param: [self.invalid_cursor_message]}
            ) from None

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                size = int(raw)
            except ValueError:
                size = 0
            if not 1 <= size <= self.max_page_size:
                raise ValidationError(
                    {
                        self.page_size_query_param: [
                            _("Give a whole number from 1 to %(max)d.")
                            % {"max": self.max_page_size}
                        ]
                    }
                )
        return super().get_page_size(request)


class NewestFirst(_Cursor):
    """Tickets: newest (highest number) first."""

    ordering = "-id"


class OldestFirst(_Cursor):
    """A conversation or a ticket's files: in the order they were written."""

    ordering = "id"
