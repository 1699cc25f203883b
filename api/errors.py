"""Every API error is JSON: ``{"detail", "code", "errors": [{"field", "message", "code"}]}``.

The services speak Django (ValidationError with field names, PermissionDenied, Http404);
this maps them, and DRF's own errors, onto one shape. ``field`` is the request field the
message is about (dotted for nested ones), or null for the request as a whole.

404 and 403, consistently: anything of another organisation, or that the user may not see
at all, is 404 (its existence is not revealed); 403 is a user who sees the ticket (or the
endpoint is no object's) but whose role may not do this.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from tickets.services.filing import QuotaChoice, QuotaExhausted


def _django_errors(exc: DjangoValidationError) -> list[dict]:
    items = []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                items.append(_item(None if field == NON_FIELD_ERRORS else field, error))
    else:
        items.extend(_item(None, error) for error in exc.error_list)
    return items


def _item(field, error) -> dict:
    message = error.message % error.params if error.params else error.message
    return {"field": field, "message": str(message), "code": error.code or "invalid"}


def _drf_errors(detail, field: str | None = None) -> list[dict]:
    """Flatten DRF's nested detail ({field: [..]}, lists for list items) to items."""
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            name = None if key in ("non_field_errors", NON_FIELD_ERRORS) else str(key)
            path = name if field is None else (f"{field}.{name}" if name else field)
            found.extend(_drf_errors(value, path))
        return found
    if isinstance(detail, list):
        found = []
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            path = f"{field}.{index}" if nested and field else field
            found.extend(_drf_errors(value, path))
        return found
    return [{"field": field, "message": str(detail), "code": getattr(detail, "code", "invalid")}]


def error_body(detail: str, code: str, errors: list[dict] | None = None) -> dict:
    return {"detail": detail, "code": code, "errors": errors or []}


def _validation_body(errors: list[dict]) -> dict:
    detail = errors[0]["message"] if len(errors) == 1 else _("The request has errors.")
    return error_body(detail, "invalid", errors)


def _quota_response(exc: QuotaExhausted) -> Response:
    """409: the month's quota is used up; the client must choose billable or defer."""
    body = error_body(
        exc.messages[0],
        "quota_exhausted",
        [{"field": "quota_choice", "message": exc.messages[0], "code": "quota_exhausted"}],
    )
    body["choices"] = [
        {"value": value, "label": str(label)} for value, label in QuotaChoice.choices
    ]
    body["quota"] = {
        "month": exc.status.month.isoformat(),
        "limit": exc.status.limit,
        "used": exc.status.used,
    }
    return Response(body, status=status.HTTP_409_CONFLICT)


def api_exception_handler(exc, context):
    if isinstance(exc, QuotaExhausted):
        return _quota_response(exc)
    if isinstance(exc, DjangoValidationError):
        return Response(_validation_body(_django_errors(exc)), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, SuspiciousOperation):  # e.g. a body over the upload limits
        return Response(
            error_body(_("The request could not be read."), "bad_request"),
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(_drf_errors(exc.detail))
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        code = getattr(detail, "code", None) or exc.default_code
        response.data = error_body(str(detail), str(code))
    else:  # Http404 and PermissionDenied, which DRF answered as NotFound / PermissionDenied
        detail = response.data.get("detail", "")
        response.data = error_body(str(detail), str(getattr(detail, "code", "error")))
    return response
