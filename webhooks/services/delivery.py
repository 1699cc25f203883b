"""Delivering: claim a due row, send it signed, record how it went, back off, give up.

* A worker **claims** a pending row whose ``next_attempt_at`` has come by moving that time
  forward past the request's timeout (one conditional UPDATE): a second worker, the beat job
  or a duplicate task finds nothing to do. A worker that dies mid-request leaves the row due
  again when the lease ends, so nothing is lost (a receiver may at worst see one attempt
  twice, with the same ``webhook-id``).
* No transaction is held during the request (SQLite's write lock is not kept for seconds).
* A failure retries after 1, 2, 4, 8 … minutes (at most 4 hours apart) until ``retry_until``
  (a day, ``PORTAL_WEBHOOK_RETRY_HOURS``); then the delivery has failed. A hook that has not
  delivered anything for all that time is turned off and its owner told by e-mail.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from packages.models import Contact
from tickets.services.outbox import outbox_enqueue
from webhooks import transport
from webhooks.models import DeliveryStatus, WebHook, WebhookDelivery

logger = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=4)
DUE_BATCH = 200


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def _lease() -> timedelta:
    return timedelta(seconds=settings.PORTAL_WEBHOOK_TIMEOUT + 30)


def delivery_claim(*, delivery_id: int, now: datetime) -> WebhookDelivery | None:
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status=DeliveryStatus.PENDING,
        next_attempt_at__lte=now,
        hook__is_active=True,
    ).update(next_attempt_at=now + _lease(), attempts=F("attempts") + 1, last_attempt_at=now)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("hook").get(pk=delivery_id)


def delivery_attempt(*, delivery_id: int, now: datetime) -> bool | None:
    """One attempt if the row is due: True delivered, False failed, None nothing to do."""
    delivery = delivery_claim(delivery_id=delivery_id, now=now)
    if delivery is None:
        return None
    body = transport.body_of(delivery.payload)
    headers = transport.signed_headers(
        secret=delivery.hook.secret, event_id=delivery.event_id, at=now, body=body
    )
    outcome = transport.post(delivery.hook.url, body=body, headers=headers)
    _record(delivery, outcome, now=now)
    return outcome.ok


@transaction.atomic
def _record(delivery: WebhookDelivery, outcome: transport.Outcome, *, now: datetime) -> None:
    row = WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts)
    hook = WebHook.objects.select_for_update().get(pk=delivery.hook_id)
    fields = {"response_status": outcome.status, "response_ms": outcome.ms}
    if outcome.ok:
        row.update(
            status=DeliveryStatus.SUCCEEDED,
            next_attempt_at=None,
            delivered_at=now,
            last_error="",
            **fields,
        )
        hook.last_success_at, hook.failing_since = now, None
        hook.save(update_fields=["last_success_at", "failing_since"])
        return
    retry_at = now + backoff(delivery.attempts)
    if retry_at <= delivery.retry_until:
        row.update(next_attempt_at=retry_at, last_error=outcome.error, **fields)
    else:
        row.update(
            status=DeliveryStatus.FAILED,
            next_attempt_at=None,
            last_error=outcome.error,
            **fields,
        )
    if hook.failing_since is None:
        hook.failing_since = now
        hook.save(update_fields=["failing_since"])
    nothing_since = hook.last_success_at is None or hook.last_success_at < delivery.created_at
    if retry_at > delivery.retry_until and hook.is_active and nothing_since:
        _give_up(hook, error=outcome.error, now=now)


def _give_up(hook: WebHook, *, error: str, now: datetime) -> None:
    """Nothing got through for a whole retry period: turn the hook off, tell its owner."""
    hours = settings.PORTAL_WEBHOOK_RETRY_HOURS
    reason = _(
        "Turned off: nothing could be delivered for %(hours)d hours. Last error: %(error)s"
    ) % {
        "hours": hours,
        "error": error,
    }
    hook.is_active, hook.disabled_reason = False, reason[:300]
    hook.save(update_fields=["is_active", "disabled_reason"])
    WebhookDelivery.objects.filter(hook=hook, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED,
        next_attempt_at=None,
        last_error=_("The web hook was turned off."),
    )
    recipients = _owners(hook)
    body = _(
        "The web hook to %(url)s was turned off: for %(hours)d hours nothing sent to it was "
        "accepted.\n\nLast error: %(error)s\n\nFix the receiver, then turn the hook on again "
        "and send the failed deliveries again from its delivery log:\n%(link)s\n"
    ) % {"url": hook.url, "hours": hours, "error": error, "link": _hook_link(hook)}
    outbox_enqueue(
        recipients=recipients,
        subject=_("Web hook turned off: %(url)s") % {"url": hook.url},
        body=body,
        dedupe_key=f"webhook-off:{hook.pk}:{now.isoformat()}",
    )
    logger.warning("web hook %s turned off after failing since %s", hook.pk, hook.failing_since)


def _owners(hook: WebHook) -> list[str]:
    """The hook's owner; when that login is gone, the organisation's customer admins."""
    owner = hook.created_by
    if owner is not None and owner.is_active and owner.email:
        return [owner.email]
    if hook.customer_id is None:
        return []
    return list(
        Contact.objects.filter(
            customer_id=hook.customer_id, is_customer_admin=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def _hook_link(hook: WebHook) -> str:
    from django.urls import reverse

    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("webhooks:detail", args=[hook.pk])


def dispatch(ids: list[int]) -> bool:
    """Hand deliveries to the worker; with the broker down the beat job sends them later."""
    if not ids:
        return True
    from webhooks.tasks import deliver

    try:
        for delivery_id in ids:
            deliver.delay(delivery_id)
    except Exception:  # any broker failure: the rows are due, the every-minute job sends them
        logger.warning(
            "broker unavailable; web hook deliveries %s left to the job", ids, exc_info=True
        )
        return False
    return True


def deliveries_due(*, now: datetime, limit: int = DUE_BATCH) -> list[int]:
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now, hook__is_active=True
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def delivery_resend(*, delivery: WebhookDelivery, by, now: datetime) -> WebhookDelivery:
    """ "Send again": the same event (same ``webhook-id`` and payload), due now, with a new
    day of retries. The hook must be on."""
    hook = delivery.hook
    if not hook.is_active:
        raise ValidationError(_("The web hook is turned off: turn it on first."))
    if delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0:
        return delivery
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING,
        next_attempt_at=now,
        retry_until=now + timedelta(hours=settings.PORTAL_WEBHOOK_RETRY_HOURS),
    )
    delivery_id = delivery.pk
    transaction.on_commit(lambda: dispatch([delivery_id]))
    delivery.refresh_from_db()
    return delivery
