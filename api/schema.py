"""The OpenAPI schema: every operation documents its errors (one JSON shape, api.errors),
the 429's Retry-After, and the personal-token security scheme."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

ERROR_TEXT = {
    400: _("The request has errors: each names its field."),
    401: _("No token, or an unknown, revoked or deactivated user's token."),
    403: _("The user sees this, but their role may not do it."),
    404: _("No such object for this user (another organisation's is the same 404)."),
    409: _("The request conflicts with the current state."),
    429: _("Too many requests for this token: wait Retry-After seconds."),
}


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    code = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = ErrorItemSerializer(many=True)


class QuotaChoiceSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=[("billable", "billable"), ("defer", "defer")])
    label = serializers.CharField()


class QuotaStateSerializer(serializers.Serializer):
    month = serializers.DateField()
    limit = serializers.IntegerField()
    used = serializers.IntegerField()


class QuotaErrorSerializer(ErrorSerializer):
    choices = QuotaChoiceSerializer(many=True)
    quota = QuotaStateSerializer()


class PortalAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in getattr(self.view, "api_errors", ()):
            key = str(code)
            if key not in responses:
                responses[key] = self._get_response_for_code(ErrorSerializer, key)
                responses[key]["description"] = str(ERROR_TEXT.get(code, ""))
        if "429" in responses:
            responses["429"]["headers"] = {
                "Retry-After": {
                    "schema": {"type": "integer"},
                    "description": str(_("Seconds to wait before the next request.")),
                }
            }
        # Anything else the framework may answer (405, 406, 415) has the same JSON shape.
        responses.setdefault("default", self._get_response_for_code(ErrorSerializer, "default"))
        responses["default"]["description"] = str(_("Any other error, in the same shape."))
        return responses


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PersonalTokenAuthentication"
    name = "personalToken"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _("A personal token (API tokens page, or manage.py api_token USERNAME).")
            ),
        }


class PortalSessionScheme(SessionScheme):
    target_class = "api.authentication.PortalSessionAuthentication"
