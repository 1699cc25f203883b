"""Who sees which web hooks: a customer admin their organisation's, a manager every hook.

Anything else is a 404, like a ticket of another organisation.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from packages.roles import contact_of, is_manager
from webhooks.models import WebHook, WebhookDelivery


def can_manage_hooks(user) -> bool:
    contact = contact_of(user)
    return is_manager(user) or (contact is not None and contact.is_customer_admin)


def hooks_visible_to(user) -> QuerySet[WebHook]:
    if is_manager(user):
        return WebHook.objects.all()
    contact = contact_of(user)
    if contact is not None and contact.is_customer_admin:
        return WebHook.objects.filter(customer_id=contact.customer_id, for_staff=False)
    return WebHook.objects.none()


def hook_list(user) -> QuerySet[WebHook]:
    if not can_manage_hooks(user):
        raise Http404
    return hooks_visible_to(user).select_related("customer", "created_by")


def hook_for_user(user, pk) -> WebHook:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    hook = hooks_visible_to(user).select_related("customer", "created_by").filter(pk=pk).first()
    if hook is None:
        raise Http404
    return hook


def hook_deliveries(hook: WebHook) -> QuerySet[WebhookDelivery]:
    """The delivery log, newest first (the payload is not shown in the list)."""
    return WebhookDelivery.objects.filter(hook=hook).defer("payload").order_by("-created_at", "-pk")


def delivery_for_user(user, pk) -> WebhookDelivery:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    delivery = (
        WebhookDelivery.objects.select_related("hook")
        .filter(pk=pk, hook__in=hooks_visible_to(user))
        .first()
    )
    if delivery is None:
        raise Http404
    return delivery
