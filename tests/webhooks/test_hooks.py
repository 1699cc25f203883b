"""Registering web hooks: who may, for which organisation, to which addresses; the pages."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from webhooks.models import DeliveryStatus, WebHook
from webhooks.services.hooks import webhook_create, webhook_delete, webhook_update

from .conftest import make_delivery

pytestmark = pytest.mark.django_db
EVENTS = ["ticket.created"]


def test_a_customer_admins_hook_is_for_their_organisation(customer_admin, now):
    hook, secret = webhook_create(
        by=customer_admin.user, url="https://acme.example/h", events=EVENTS, now=now
    )

    assert hook.customer_id == customer_admin.customer_id and hook.for_staff is False
    assert secret.startswith("whsec_") and hook.secret == secret


def test_a_manager_registers_for_all_or_one_organisation(manager, customer, now):
    everyone, _ = webhook_create(by=manager, url="https://v.example/a", events=EVENTS, now=now)
    one, _ = webhook_create(
        by=manager, url="https://v.example/b", events=EVENTS, now=now, customer=customer
    )

    assert everyone.customer is None and everyone.for_staff
    assert one.customer == customer and one.for_staff


@pytest.mark.parametrize("who", ["contact", "engineer"])
def test_others_may_not_register(request, who, now):
    user = request.getfixturevalue(who)
    user = getattr(user, "user", user)

    with pytest.raises(PermissionDenied):
        webhook_create(by=user, url="https://x.example/h", events=EVENTS, now=now)


@pytest.mark.parametrize(
    ("url", "allow_local"),
    [
        ("http://acme.example/h", False),
        ("https://10.0.0.5/h", False),
        ("https://169.254.169.254/latest", False),
        ("http://127.0.0.1:9000/h", False),
        ("https://user:pw@acme.example/h", False),
        ("ftp://acme.example/h", True),
        ("https://", True),
        ("http://192.168.1.1/h", True),
    ],
)
def test_only_https_public_addresses(customer_admin, now, settings, url, allow_local):
    settings.PORTAL_WEBHOOK_ALLOW_LOCALHOST = allow_local

    with pytest.raises(ValidationError) as caught:
        webhook_create(by=customer_admin.user, url=url, events=EVENTS, now=now)
    assert "url" in caught.value.error_dict


def test_loopback_when_the_setting_allows_it(customer_admin, now, settings):
    settings.PORTAL_WEBHOOK_ALLOW_LOCALHOST = True

    hook, _ = webhook_create(
        by=customer_admin.user, url="http://127.0.0.1:9000/h", events=EVENTS, now=now
    )
    assert hook.pk


def test_events_must_be_known_and_chosen(customer_admin, now):
    for events in ([], ["ticket.exploded"]):
        with pytest.raises(ValidationError) as caught:
            webhook_create(
                by=customer_admin.user, url="https://a.example/h", events=events, now=now
            )
        assert "events" in caught.value.error_dict


def test_turning_a_hook_off_ends_what_waited_and_on_again_forgets_failures(customer_admin, now):
    hook, _ = webhook_create(
        by=customer_admin.user, url="https://a.example/h", events=EVENTS, now=now
    )
    waiting = make_delivery(hook)

    webhook_update(
        hook=hook, by=customer_admin.user, url=hook.url, events=EVENTS, is_active=False, now=now
    )
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.FAILED

    WebHook.objects.filter(pk=hook.pk).update(failing_since=now, disabled_reason="down")
    hook.refresh_from_db()
    webhook_update(
        hook=hook, by=customer_admin.user, url=hook.url, events=EVENTS, is_active=True, now=now
    )
    hook.refresh_from_db()
    assert hook.is_active and hook.failing_since is None and hook.disabled_reason == ""


def test_another_organisations_admin_cannot_change_or_delete(customer_admin, other_contact, now):
    hook, _ = webhook_create(
        by=customer_admin.user, url="https://a.example/h", events=EVENTS, now=now
    )
    other_contact.is_customer_admin = True
    other_contact.save()

    with pytest.raises(PermissionDenied):
        webhook_delete(hook=hook, by=other_contact.user)
    with pytest.raises(PermissionDenied):
        webhook_update(
            hook=hook, by=other_contact.user, url=hook.url, events=EVENTS, is_active=False, now=now
        )


def test_the_page_registers_a_hook_and_shows_the_secret_once(customer_admin_client):
    response = customer_admin_client.post(
        "/webhooks/", {"url": "https://acme.example/hook", "events": ["ticket.created"]}
    )

    assert response.status_code == 200
    page = response.content.decode()
    secret = re.search(r'id="hook-secret"[^>]*>(whsec_[^<]+)<', page).group(1)
    hook = WebHook.objects.get()
    assert hook.secret == secret
    detail = customer_admin_client.get(f"/webhooks/{hook.pk}/").content.decode()
    assert (
        secret not in detail
        and secret not in customer_admin_client.get("/webhooks/").content.decode()
    )


def test_the_page_says_what_is_wrong_with_an_address(customer_admin_client):
    response = customer_admin_client.post(
        "/webhooks/", {"url": "http://acme.example/hook", "events": ["ticket.created"]}
    )

    assert response.status_code == 400
    assert "Use an https:// address." in response.content.decode()


def test_the_delivery_log_and_send_again(
    customer_admin_client, customer_admin, now, django_capture_on_commit_callbacks
):
    hook, _ = webhook_create(
        by=customer_admin.user, url="https://a.example/h", events=EVENTS, now=now
    )
    delivery = make_delivery(
        hook,
        status=DeliveryStatus.FAILED,
        next_attempt_at=None,
        attempts=9,
        last_error="HTTP 503: busy",
    )

    page = customer_admin_client.get(f"/webhooks/{hook.pk}/").content.decode()
    assert "HTTP 503: busy" in page and "Send again" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = customer_admin_client.post(f"/webhooks/deliveries/{delivery.pk}/resend/")

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at is not None
    assert len(callbacks) == 1  # handed to the worker after commit, never sent in the request


@pytest.mark.parametrize("who", ["contact_client", "engineer_client"])
def test_the_pages_are_404_for_others(request, who):
    assert request.getfixturevalue(who).get("/webhooks/").status_code == 404


def test_a_managers_page_lists_every_hook(manager_client, customer_admin, manager, now):
    webhook_create(by=customer_admin.user, url="https://acme.example/x", events=EVENTS, now=now)
    webhook_create(by=manager, url="https://vendor.example/y", events=EVENTS, now=now)

    page = manager_client.get("/webhooks/").content.decode()

    assert "https://acme.example/x" in page and "https://vendor.example/y" in page
