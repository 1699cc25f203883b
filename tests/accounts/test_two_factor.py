"""Two-factor login: required for staff and the admin site (set up on first login), optional
for contacts, required for a customer's contacts when a manager says so; recovery codes shown
once; a code is needed before anything else opens."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import post_login, totp_code
from tests.factories import TEST_PASSWORD, EngineerFactory

pytestmark = pytest.mark.django_db
SETUP, VERIFY = reverse("two_factor_setup"), reverse("two_factor_verify")


def password_step(user) -> Client:
    client = Client()
    assert post_login(client, user.username, TEST_PASSWORD).status_code == 302
    return client


def set_up(client, user) -> list[str]:
    """Open the set-up page, type the app's first code; returns the recovery codes shown."""
    page = client.get(SETUP)
    assert "<svg" in page.content.decode()  # the QR code, made on the server
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(SETUP, {"token": totp_code(device)})
    assert done.status_code == 200, done.content.decode()
    return re.findall(r'<li class="col">(\w+)</li>', done.content.decode())


def test_an_engineer_is_sent_to_set_it_up_and_nothing_else_opens(engineer):
    client = password_step(engineer)
    for url in (reverse("tickets:queue"), reverse("home"), reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(SETUP), url


def test_setting_up_shows_ten_recovery_codes_once_and_opens_the_queue(engineer):
    client = password_step(engineer)
    codes = set_up(client, engineer)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("tickets:queue")).status_code == 200
    # the codes are not shown again anywhere
    assert codes[0] not in client.get(reverse("two_factor")).content.decode()
    assert client.get(reverse("two_factor_recovery_codes")).status_code == 405


def test_the_next_login_asks_for_a_code_from_the_app(engineer):
    set_up(password_step(engineer), engineer)
    client = password_step(engineer)
    response = client.get(reverse("tickets:queue"))
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    refused = client.post(VERIFY, {"token": "000000"})
    assert "That code is not right" in refused.content.decode()
    device = TOTPDevice.objects.get(user=engineer, confirmed=True)
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    # the set-up used this step's code: an app's code is accepted once (the next step's then)
    accepted = client.post(VERIFY, {"token": totp_code(device, offset=1), "next": "/queue/"})
    assert accepted.status_code == 302 and accepted.url == "/queue/"
    assert client.get(reverse("tickets:queue")).status_code == 200


def test_a_recovery_code_works_once(engineer):
    codes = set_up(password_step(engineer), engineer)
    first = password_step(engineer)
    assert first.post(VERIFY, {"token": codes[0].upper()}).status_code == 302
    assert first.get(reverse("tickets:queue")).status_code == 200
    second = password_step(engineer)
    again = second.post(VERIFY, {"token": codes[0]})
    assert again.status_code == 200
    assert "That code is not right" in again.content.decode()


def test_setting_up_again_cannot_skip_the_code(engineer):
    set_up(password_step(engineer), engineer)
    client = password_step(engineer)
    response = client.get(SETUP)
    assert response.status_code == 302 and response.url.startswith(VERIFY)


def test_the_admin_site_needs_it(manager):
    client = Client()
    response = post_login(client, manager.username, TEST_PASSWORD, admin=True)
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).url.startswith(SETUP)


def test_a_contact_may_do_without_it(contact):
    client = password_step(contact.user)
    assert client.get(reverse("tickets:contact_list")).status_code == 200
    page = client.get(reverse("two_factor")).content.decode()
    assert "Set up two-factor login" in page


def test_a_contact_may_turn_it_on_and_off(contact):
    client = password_step(contact.user)
    set_up(client, contact.user)
    device = TOTPDevice.objects.get(user=contact.user)
    # the next login asks for the code
    later = password_step(contact.user)
    assert later.get(reverse("tickets:contact_list")).url.startswith(VERIFY)
    # turning it off needs a current code
    client.post(reverse("two_factor_disable"), {"token": "123456"})
    assert TOTPDevice.objects.filter(user=contact.user).exists()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    client.post(reverse("two_factor_disable"), {"token": totp_code(device, offset=1)})
    assert not TOTPDevice.objects.filter(user=contact.user).exists()
    assert password_step(contact.user).get(reverse("tickets:contact_list")).status_code == 200


def test_staff_cannot_turn_it_off(engineer_client, engineer):
    device = TOTPDevice.objects.get(user=engineer)
    response = engineer_client.post(
        reverse("two_factor_disable"), {"token": totp_code(device)}, follow=True
    )
    assert "cannot be turned off" in response.content.decode()
    assert TOTPDevice.objects.filter(user=engineer).exists()


def test_a_manager_can_require_it_for_a_customer(contact, customer, manager_client):
    # when a manager ticks the customer's flag in the admin
    change = reverse("admin:packages_customer_change", args=[customer.pk])
    form = manager_client.get(change).content.decode()
    assert 'name="requires_two_factor"' in form
    customer.requires_two_factor = True
    customer.save()
    # then the customer's contacts are sent to set it up
    client = password_step(contact.user)
    assert client.get(reverse("tickets:contact_list")).url.startswith(SETUP)


def test_force_login_helper_marks_staff_verified_without_touching_production(engineer):
    client = Client()
    client.force_login(engineer, otp=False)
    assert client.get(reverse("tickets:queue")).status_code == 302
    client.force_login(engineer)
    assert client.get(reverse("tickets:queue")).status_code == 200


def test_a_new_engineer_factory_user_has_no_device(db):
    assert not TOTPDevice.objects.filter(user=EngineerFactory()).exists()


def test_the_set_up_page_speaks_ukrainian(engineer):
    client = password_step(engineer)
    html = client.get(SETUP, headers={"accept-language": "uk"}).content.decode()
    assert "Налаштувати двоетапний вхід" in html
    assert "Відскануйте цей QR-код застосунком" in html
