"""Customer admins invite, deactivate and reactivate their organisation's contacts."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from packages.models import Contact
from tests import factories

LIST_URL = reverse("contacts:list")
INVITE_URL = reverse("contacts:invite")


@pytest.mark.django_db
def test_the_admin_sees_only_their_organisations_contacts(
    customer_admin_client, contact, other_contact
):
    html = customer_admin_client.get(LIST_URL).content.decode()
    assert contact.user.email in html
    assert other_contact.user.email not in html


@pytest.mark.django_db
def test_invite_creates_a_contact_without_password_and_mails_a_working_link(
    customer_admin_client, customer_admin, django_capture_on_commit_callbacks
):
    # when the admin invites a new contact
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_admin_client.post(
            INVITE_URL,
            {
                "email": "new.person@acme.test",
                "first_name": "New",
                "last_name": "Person",
            },
        )
    # then the contact exists in their organisation, cannot log in yet, and got a link
    assert response.status_code == 302
    contact = Contact.objects.get(user__email="new.person@acme.test")
    assert contact.customer == customer_admin.customer
    assert not contact.is_customer_admin
    assert not contact.user.has_usable_password()
    assert [m.to for m in mail.outbox] == [["new.person@acme.test"]]
    link = re.search(r"https?://\S+/reset/\S+/", mail.outbox[0].body).group(0)
    # and the link lets them set a password and log in
    anonymous = Client()
    form_page = anonymous.get(urlsplit(link).path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = anonymous.post(
        set_url, {"new_password1": "Sunny-Trunk-2026", "new_password2": "Sunny-Trunk-2026"}
    )
    assert done.status_code == 302
    assert Client().login(username="new.person@acme.test", password="Sunny-Trunk-2026")


@pytest.mark.django_db
def test_inviting_an_existing_address_keeps_what_was_typed(customer_admin_client, contact):
    response = customer_admin_client.post(
        INVITE_URL,
        {
            "email": contact.user.email,
            "first_name": "Typed",
            "last_name": "Name",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "A user with this e-mail address already exists." in html
    assert 'value="Typed"' in html and 'value="Name"' in html


@pytest.mark.django_db
def test_deactivate_and_reactivate_a_contact(customer_admin_client, contact):
    customer_admin_client.post(reverse("contacts:deactivate", args=[contact.pk]))
    contact.user.refresh_from_db()
    assert not contact.user.is_active
    # a deactivated contact can no longer log in
    assert not Client().login(username=contact.user.username, password=factories.TEST_PASSWORD)
    customer_admin_client.post(reverse("contacts:reactivate", args=[contact.pk]))
    contact.user.refresh_from_db()
    assert contact.user.is_active


@pytest.mark.django_db
def test_an_admin_cannot_deactivate_themselves(customer_admin_client, customer_admin):
    response = customer_admin_client.post(
        reverse("contacts:deactivate", args=[customer_admin.pk]), follow=True
    )
    customer_admin.user.refresh_from_db()
    assert customer_admin.user.is_active
    assert "You cannot deactivate your own account." in response.content.decode()


@pytest.mark.django_db
def test_another_organisations_contact_is_404(customer_admin_client, other_contact):
    for name in ("contacts:deactivate", "contacts:reactivate"):
        response = customer_admin_client.post(reverse(name, args=[other_contact.pk]))
        assert response.status_code == 404
    other_contact.user.refresh_from_db()
    assert other_contact.user.is_active


@pytest.mark.django_db
@pytest.mark.parametrize("client_fixture", ["contact_client", "engineer_client"])
def test_non_admins_get_404_on_contacts_pages(request, client_fixture, contact):
    client = request.getfixturevalue(client_fixture)
    assert client.get(LIST_URL).status_code == 404
    assert client.get(INVITE_URL).status_code == 404
    assert client.post(INVITE_URL, {"email": "x@acme.test"}).status_code == 404
    assert client.post(reverse("contacts:deactivate", args=[contact.pk])).status_code == 404
    assert not get_user_model().objects.filter(email="x@acme.test").exists()
