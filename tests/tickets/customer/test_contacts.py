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
def test_invite_mails_a_link_that_creates_the_contact_with_its_password(
    customer_admin_client, customer_admin, django_capture_on_commit_callbacks
):
    # when the admin invites a new contact
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_admin_client.post(
            INVITE_URL,
            {
                "email": "New.Person@Acme.test",
                "first_name": "New",
                "last_name": "Person",
            },
        )
    # then an invitation is listed and the invitee got a link; no account exists yet
    assert response.status_code == 302
    listing = customer_admin_client.get(LIST_URL).content.decode()
    assert "new.person@acme.test" in listing and "Send again" in listing
    assert not get_user_model().objects.filter(email__iexact="new.person@acme.test").exists()
    assert [m.to for m in mail.outbox] == [["new.person@acme.test"]]
    link = re.search(r"https?://\S+/accounts/invitation/\S+/", mail.outbox[0].body).group(0)
    # and the link lets them choose a password, which creates the contact, and log in
    anonymous = Client()
    form_page = anonymous.get(urlsplit(link).path)
    assert form_page.status_code == 200
    done = anonymous.post(
        urlsplit(link).path, {"password1": "Sunny-Trunk-2026", "password2": "Sunny-Trunk-2026"}
    )
    assert done.status_code == 302
    contact = Contact.objects.get(user__email="new.person@acme.test")
    assert contact.customer == customer_admin.customer
    assert not contact.is_customer_admin
    assert (contact.user.first_name, contact.user.last_name) == ("New", "Person")
    assert Client().login(username="new.person@acme.test", password="Sunny-Trunk-2026")
    # and the link is used up
    assert anonymous.get(urlsplit(link).path).status_code == 404


@pytest.mark.django_db
def test_inviting_an_own_contact_again_says_so_and_keeps_what_was_typed(
    customer_admin_client, contact
):
    response = customer_admin_client.post(
        INVITE_URL,
        {
            "email": contact.user.email.upper(),
            "first_name": "Typed",
            "last_name": "Name",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "is already one of your contacts" in html
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
