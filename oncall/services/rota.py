"""Managers edit the rota: weekly shifts and one-off changes, each change in the audit log."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from oncall.models import RotaChange, RotaShift
from oncall.selectors import staff_users
from packages.roles import is_manager
from sla.models import validate_calendar_zone


def _require_manager(user) -> None:
    if not is_manager(user):
        raise PermissionDenied


def _check_engineer(engineer) -> None:
    if engineer is None or not staff_users().filter(pk=engineer.pk).exists():
        raise ValidationError(
            {"engineer": _("Only an active support engineer or manager can be on the rota.")}
        )


def _audit(by, target, verb: str, **details) -> None:
    audit_record(actor=by, action=AuditAction.ADMIN_CHANGE, target=target, rota=verb, **details)


@transaction.atomic
def rota_shift_add(
    *, by, engineer, weekday: int, starts: time, ends: time, time_zone: str
) -> RotaShift:
    _require_manager(by)
    _check_engineer(engineer)
    errors = {}
    if weekday not in range(7):
        errors["weekday"] = _("Choose a day of the week.")
    try:
        validate_calendar_zone(time_zone)
    except ValidationError as exc:
        errors["time_zone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    clash = RotaShift.objects.filter(
        engineer=engineer, weekday=weekday, starts=starts, ends=ends, time_zone=time_zone
    )
    if clash.exists():
        raise ValidationError(_("This engineer already has exactly this shift."))
    shift = RotaShift.objects.create(
        engineer=engineer, weekday=weekday, starts=starts, ends=ends, time_zone=time_zone
    )
    _audit(by, shift, "shift added", engineer=engineer.get_username(), zone=time_zone)
    return shift


@transaction.atomic
def rota_shift_delete(*, by, shift: RotaShift) -> None:
    _require_manager(by)
    _audit(by, shift, "shift removed", engineer=shift.engineer.get_username())
    shift.delete()


@transaction.atomic
def rota_change_add(
    *, by, engineer, starts_at: datetime, ends_at: datetime, on_duty: bool, note: str = ""
) -> RotaChange:
    """A one-off change; one engineer's changes never overlap (which would win is unclear)."""
    _require_manager(by)
    _check_engineer(engineer)
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("one-off changes need aware datetimes")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("“To” must be after “from”.")})
    # the engineer's row is the lock: two managers adding at once cannot both pass the check
    get_user_model().objects.select_for_update().filter(pk=engineer.pk).first()
    overlapping = (
        RotaChange.objects.filter(engineer=engineer, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .order_by("starts_at")
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            _("This overlaps another change for the same engineer (%(change)s); remove or "
              "shorten that one first.") % {"change": overlapping}
        )
    change = RotaChange.objects.create(
        engineer=engineer, starts_at=starts_at, ends_at=ends_at, on_duty=on_duty,
        note=note.strip(), created_by=by,
    )
    _audit(
        by, change, "one-off added", engineer=engineer.get_username(),
        on_duty=on_duty, starts_at=starts_at.isoformat(), ends_at=ends_at.isoformat(),
    )
    return change


@transaction.atomic
def rota_change_delete(*, by, change: RotaChange) -> None:
    _require_manager(by)
    _audit(by, change, "one-off removed", engineer=change.engineer.get_username())
    change.delete()
