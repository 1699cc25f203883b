"""Two-factor login: a TOTP app (django-otp's TOTPDevice) with one-time recovery codes
(a StaticDevice named "recovery").

Required for support staff and anyone who can open the admin site, and for the contacts of a
customer whose ``requires_two_factor`` flag a manager turned on; any other contact may turn it
on (and off again). A session is "verified" once a code from the app or a recovery code has
been accepted (django-otp keeps the device in the session); ``accounts.middleware`` sends an
unverified session to the code page, or to the set-up page when it is required and missing.
"""

from __future__ import annotations

import base64

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditAction
from audit.services import audit_record
from packages.roles import Role, contact_of, role_of

RECOVERY_DEVICE = "recovery"
RECOVERY_CODES = 10
TOTP_NAME = "authenticator app"


def two_factor_required(user) -> bool:
    """Staff, admin-site users and contacts of a customer that requires it must use it."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser or role_of(user) in (Role.ENGINEER, Role.MANAGER):
        return True
    contact = contact_of(user)
    return contact is not None and contact.customer.requires_two_factor


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def two_factor_enabled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE).count()


def secret_base32(device: TOTPDevice) -> str:
    """The key as the app's "enter a key" field wants it, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def two_factor_begin(*, user) -> TOTPDevice:
    """A new, unconfirmed TOTP key for the set-up page (an earlier unconfirmed one goes)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def _clean_code(token: str) -> str:
    return "".join((token or "").split()).replace("-", "").lower()


@transaction.atomic
def recovery_codes_create(*, user, request=None) -> list[str]:
    """Ten new one-time codes; earlier ones stop working. Shown once, never again."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_record(
        actor=user, action=AuditAction.RECOVERY_CODES_CREATED, target=user, request=request
    )
    return codes


@transaction.atomic
def two_factor_confirm(*, user, device_id: int, token: str, request) -> list[str]:
    """The first code from the app confirms the new key: older keys go, the session counts as
    verified, and ten recovery codes are made (returned to be shown once)."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(pk=device_id, user=user, confirmed=False)
        .first()
    )
    if device is None:
        raise ValidationError(_("This set-up has expired: start again."))
    if not device.verify_token(_clean_code(token)):
        raise ValidationError(
            {
                "token": _(
                    "That code is not right. Enter the code the app "
                    "shows now (it changes every 30 seconds)."
                )
            }
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    audit_record(actor=user, action=AuditAction.TWO_FACTOR_ENABLED, target=user, request=request)
    return recovery_codes_create(user=user, request=request)


def two_factor_verify(*, user, token: str, request) -> bool:
    """Accept a code from the app (six digits) or a recovery code (used up by this)."""
    code = _clean_code(token)
    device = None
    with transaction.atomic():
        if code.isdigit():
            candidates = TOTPDevice.objects.filter(user=user, confirmed=True)
        else:
            candidates = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE)
        for candidate in candidates.select_for_update():
            if candidate.verify_token(code):
                device = candidate
                break
    if device is None:
        audit_record(actor=user, action=AuditAction.TWO_FACTOR_FAILED, target=user, request=request)
        return False
    otp_login(request, device)
    action = (
        AuditAction.RECOVERY_CODE_USED
        if isinstance(device, StaticDevice)
        else AuditAction.TWO_FACTOR_VERIFIED
    )
    audit_record(
        actor=user,
        action=action,
        target=user,
        request=request,
        **(
            {"codes_left": recovery_codes_left(user)}
            if action == AuditAction.RECOVERY_CODE_USED
            else {}
        ),
    )
    return True


@transaction.atomic
def two_factor_disable(*, user, token: str, request) -> None:
    """Turn it off (only where it is optional), confirmed with a current code."""
    if two_factor_required(user):
        raise PermissionDenied
    device = totp_device(user)
    if device is None:
        return
    if not device.verify_token(_clean_code(token)):
        raise ValidationError({"token": _("That code is not right: two-factor login stays on.")})
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=user, action=AuditAction.TWO_FACTOR_DISABLED, target=user, request=request)
