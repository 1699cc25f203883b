"""Registering web hooks: create, change, delete (one function each, for the audit log).

A customer admin's hook is for their organisation; a manager's is for every organisation or
for one. The signing secret is made here and returned once, to be shown to the owner.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from packages.models import Customer
from packages.roles import contact_of, is_manager
from webhooks.models import DeliveryStatus, WebHook, WebhookDelivery, WebhookEvent
from webhooks.transport import hook_url_validate, secret_new


def _owner_scope(by, customer: Customer | None) -> tuple[Customer | None, bool]:
    """(the hook's organisation, whether it is a staff hook) for who registers it."""
    if is_manager(by):
        return customer, True
    contact = contact_of(by)
    if contact is None or not contact.is_customer_admin:
        raise PermissionDenied
    return contact.customer, False


def _may_manage(by, hook: WebHook) -> None:
    if is_manager(by):
        return
    contact = contact_of(by)
    if (
        contact is None
        or not contact.is_customer_admin
        or hook.for_staff
        or hook.customer_id != contact.customer_id
    ):
        raise PermissionDenied


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events or ()))
    if not chosen:
        raise ValidationError({"events": _("Choose at least one event.")})
    unknown = [e for e in chosen if e not in WebhookEvent.values]
    if unknown:
        raise ValidationError(
            {"events": _("Unknown events: %(events)s.") % {"events": ", ".join(unknown)}}
        )
    return chosen


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if len(url) > 500:
        raise ValidationError({"url": _("The address is too long (500 characters at most).")})
    hook_url_validate(url)
    return url


@transaction.atomic
def webhook_create(
    *,
    by,
    url: str,
    events: Iterable[str],
    now: datetime,
    description: str = "",
    customer: Customer | None = None,
) -> tuple[WebHook, str]:
    """Register a hook; returns it and its signing secret (shown once, never again)."""
    customer, for_staff = _owner_scope(by, customer)
    secret = secret_new()
    hook = WebHook.objects.create(
        customer=customer,
        for_staff=for_staff,
        url=_clean_url(url),
        description=(description or "").strip()[:200],
        events=_clean_events(events),
        secret=secret,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    return hook, secret


@transaction.atomic
def webhook_update(
    *,
    hook: WebHook,
    by,
    url: str,
    events: Iterable[str],
    is_active: bool,
    now: datetime,
    description: str = "",
    customer: Customer | None = None,
) -> WebHook:
    """Change a hook. Turning it on again forgets its failures; turning it off ends what was
    still waiting to be sent (the log keeps it, to send again)."""
    _may_manage(by, hook)
    hook = WebHook.objects.select_for_update().get(pk=hook.pk)
    hook.url = _clean_url(url)
    hook.events = _clean_events(events)
    hook.description = (description or "").strip()[:200]
    if hook.for_staff and is_manager(by):
        hook.customer = customer
    if is_active and not hook.is_active:
        hook.failing_since, hook.disabled_reason = None, ""
    elif not is_active and hook.is_active:
        WebhookDelivery.objects.filter(hook=hook, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.FAILED,
            next_attempt_at=None,
            last_error=_("The web hook was turned off."),
        )
    hook.is_active = is_active
    hook.updated_at = now
    hook.save()
    return hook


@transaction.atomic
def webhook_delete(*, hook: WebHook, by) -> None:
    """Delete a hook with its delivery log."""
    _may_manage(by, hook)
    WebHook.objects.filter(pk=hook.pk).delete()
