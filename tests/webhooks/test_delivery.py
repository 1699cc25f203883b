"""Deliveries to a real receiver: signed the Standard Webhooks way, retried with backoff,
accepted exactly once, never another organisation's; a hook that keeps failing is turned
off and its owner told; "send again" resends the same event."""

from datetime import timedelta

import pytest
from django.utils import timezone

from packages.models import Component
from tests import factories
from tickets.models import OutboxMessage
from tickets.services.filing import ticket_file
from webhooks.models import DeliveryStatus, WebhookDelivery
from webhooks.services.delivery import backoff, delivery_attempt, delivery_resend
from webhooks.services.hooks import webhook_create
from webhooks.tasks import deliver_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_organisations(receiver, customer_admin, pro_contract, now):
    """Acme's and Globex's admins each register a hook on the receiver."""
    globex_admin = factories.ContactFactory(
        customer=pro_contract.customer, is_customer_admin=True, user__username="a@globex.test"
    )
    made = {}
    for name, admin in (("/acme", customer_admin.user), ("/globex", globex_admin.user)):
        hook, secret = webhook_create(
            by=admin,
            url=receiver.url(name),
            now=now,
            events=["ticket.created", "ticket.commented"],
        )
        receiver.secrets[name] = secret
        made[name] = hook
    return made


def file(contact, subject):
    return ticket_file(
        contact=contact,
        ticket_type="incident",
        priority=3,
        subject=subject,
        description="x",
        component=Component.objects.get(code="inbound-calls"),
        now=timezone.now(),
    )


def run_due(capture):
    with capture(execute=True):
        deliver_due()


def test_each_event_is_accepted_once_after_failures_and_retries(
    receiver,
    two_organisations,
    contact,
    other_contact,
    frozen_clock,
    django_capture_on_commit_callbacks,
):
    receiver.fail_first = 2  # every event: two 500s, then 200
    with django_capture_on_commit_callbacks(execute=True):  # the first attempts, after commit
        acme_tickets = [file(contact, f"Acme {n}") for n in range(3)]
        globex_ticket = file(other_contact, "Globex 0")
    assert receiver.accepted() == []

    for minutes in (1, 2):  # the backoff: 1 minute, then 2
        frozen_clock.shift(timedelta(minutes=minutes))
        run_due(django_capture_on_commit_callbacks)
    for _ in range(3):  # more runs later find nothing left to send
        frozen_clock.shift(timedelta(hours=1))
        run_due(django_capture_on_commit_callbacks)

    assert all(r.verified for r in receiver.requests)
    acme = receiver.accepted("/acme")
    assert sorted(p["data"]["ticket"]["id"] for p in acme) == sorted(t.pk for t in acme_tickets)
    assert {p["data"]["ticket"]["customer"]["id"] for p in acme} == {contact.customer_id}
    globex = receiver.accepted("/globex")
    assert [p["data"]["ticket"]["id"] for p in globex] == [globex_ticket.pk]
    assert "Acme" not in str([r.body for r in receiver.requests if r.path == "/globex"])
    for delivery in WebhookDelivery.objects.all():
        assert delivery.status == DeliveryStatus.SUCCEEDED
        assert delivery.attempts == 3
        assert receiver.attempts_of(delivery.event_id) == 3
        assert delivery.response_status == 200 and delivery.response_ms is not None


def test_the_signature_headers_follow_standard_webhooks(
    receiver, two_organisations, contact, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file(contact, "Signed")

    (request,) = receiver.requests
    assert request.verified
    assert request.headers["webhook-id"].startswith("msg_")
    assert request.headers["webhook-signature"].startswith("v1,")
    assert abs(int(request.headers["webhook-timestamp"]) - timezone.now().timestamp()) < 60
    assert request.headers["content-type"] == "application/json"


def test_a_wrong_secret_fails_verification_on_the_receiver(
    receiver, two_organisations, contact, django_capture_on_commit_callbacks
):
    receiver.secrets["/acme"] = "whsec_" + "A" * 43  # not the hook's secret

    with django_capture_on_commit_callbacks(execute=True):
        file(contact, "Tampered?")

    assert receiver.requests[0].verified is False
    delivery = WebhookDelivery.objects.get(hook=two_organisations["/acme"])
    assert delivery.status == DeliveryStatus.PENDING and delivery.response_status == 401


def test_backoff_doubles_from_a_minute_up_to_four_hours():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(20) == timedelta(hours=4)


def test_a_hook_failing_for_a_day_is_turned_off_and_its_owner_told(
    receiver,
    two_organisations,
    contact,
    customer_admin,
    frozen_clock,
    django_capture_on_commit_callbacks,
):
    receiver.fail_first = 10_000
    with django_capture_on_commit_callbacks(execute=True):
        file(contact, "Never delivered")
    delivery = WebhookDelivery.objects.get(hook=two_organisations["/acme"])

    for _ in range(60):
        frozen_clock.shift(timedelta(hours=1))
        run_due(django_capture_on_commit_callbacks)
        delivery.refresh_from_db()
        if delivery.status != DeliveryStatus.PENDING:
            break

    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error.startswith("HTTP 500")
    hook = two_organisations["/acme"]
    hook.refresh_from_db()
    assert hook.is_active is False and "24 hours" in hook.disabled_reason
    told = OutboxMessage.objects.get(subject__contains="Web hook turned off")
    assert told.recipients == [customer_admin.user.email]
    # a turned-off hook is sent nothing more
    attempts = len(receiver.requests)
    frozen_clock.shift(timedelta(hours=1))
    run_due(django_capture_on_commit_callbacks)
    assert len(receiver.requests) == attempts


def test_send_again_resends_the_same_event(
    receiver, two_organisations, contact, customer_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file(contact, "Once more")
    delivery = WebhookDelivery.objects.get(hook=two_organisations["/acme"])
    assert delivery.status == DeliveryStatus.SUCCEEDED

    with django_capture_on_commit_callbacks(execute=True):
        delivery_resend(delivery=delivery, by=customer_admin.user, now=timezone.now())

    first, again = receiver.requests
    assert first.headers["webhook-id"] == again.headers["webhook-id"]
    assert first.body == again.body
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.status == DeliveryStatus.SUCCEEDED


def test_a_claimed_delivery_is_not_sent_twice(receiver, two_organisations):
    from tests.webhooks.conftest import make_delivery

    delivery = make_delivery(two_organisations["/acme"])
    now = timezone.now()

    assert delivery_attempt(delivery_id=delivery.pk, now=now) is True
    assert delivery_attempt(delivery_id=delivery.pk, now=now) is None
    assert len(receiver.requests) == 1


def test_private_addresses_are_refused_at_send_time(two_organisations, settings):
    from tests.webhooks.conftest import make_delivery

    settings.PORTAL_WEBHOOK_ALLOW_LOCALHOST = False
    delivery = make_delivery(two_organisations["/acme"])

    assert delivery_attempt(delivery_id=delivery.pk, now=timezone.now()) is False
    delivery.refresh_from_db()
    assert "this machine" in delivery.last_error
