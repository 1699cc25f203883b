"""Writing the audit log: one function every app calls.

    from audit.services import audit_record
    audit_record(actor=request.user, action=AuditAction.API_TOKEN_CREATED, target=token,
                 request=request, name=token.name)

* ``actor``: the user who acted (None for the system or an anonymous visitor);
* ``action``: an ``AuditAction`` value (add a member there for a new kind of event);
* ``target``: the object acted on: a model instance, a ``(type, id, label)`` tuple, or a
  string such as the username a failed login named; its type, id and label are copied, no
  foreign key is kept;
* ``request``: for the visitor's IP address (defaults to the request being served);
* ``**details``: anything JSON-serialisable worth keeping (names, old and new values).

The entry joins the caller's transaction: an action that rolls back leaves no entry.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone

from audit.context import current_request
from audit.models import AuditAction, AuditEntry
from portal.client_ip import client_ip


def _label(obj) -> str:
    if obj is None:
        return ""
    if hasattr(obj, "get_username"):
        return obj.get_username()[:254]
    return str(obj)[:254]


def _target_fields(target) -> dict:
    if target is None:
        return {}
    if isinstance(target, models.Model):
        return {
            "target_type": target._meta.label_lower,
            "target_id": str(target.pk or ""),
            "target_label": _label(target),
        }
    if isinstance(target, tuple):  # (type, id, label), e.g. from an admin log entry
        target_type, target_id, label = target
        return {
            "target_type": str(target_type)[:100],
            "target_id": str(target_id or "")[:64],
            "target_label": str(label)[:254],
        }
    return {"target_label": str(target)[:254]}


def _summary(details: dict) -> str:
    return "; ".join(f"{key}: {value}" for key, value in details.items())


def audit_record(
    *,
    actor,
    action: str,
    target=None,
    request=None,
    at: datetime | None = None,
    **details,
) -> AuditEntry:
    """Append one entry to the audit log (see the module's docstring)."""
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    request = request if request is not None else current_request.get()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        at=at or timezone.now(),
        action=action,
        actor_id=getattr(actor, "pk", None),
        actor_label=_label(actor),
        ip_address=client_ip(request),
        details=details,
        summary=_summary(details),
        **_target_fields(target),
    )
