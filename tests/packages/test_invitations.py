"""Invitations: no account enumeration or capture, unique addresses, a mail that says what to
do when the link expires, resend and cancel, limits, and links that die with the customer."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from packages.invitations import contact_invite, invitation_cancel, invitation_resend
from packages.models import Contact, Invitation
from tests import factories

pytestmark = pytest.mark.django_db
INVITE_URL = reverse("contacts:invite")
LIST_URL = reverse("contacts:list")
LINK = re.compile(r"https?://\S+(/accounts/invitation/\S+/)")


def invite(client, email, **extra):
    return client.post(INVITE_URL, {"email": email, "first_name": "Ivan", **extra})


def listing_row(client, email) -> str:
    html = client.get(LIST_URL).content.decode()
    row = re.search(r'<tr data-invitation="\d+">(.*?)</tr>', html, re.S)
    if not row:
        return ""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", row[1].replace(email, "EMAIL"))
    return re.sub(r"\d+", "N", text)


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root@vendor.test", is_superuser=True, is_staff=True)


@pytest.mark.parametrize("owner", ["superuser", "engineer", "other_contact"])
def test_an_address_with_an_account_elsewhere_answers_like_a_fresh_one(
    request, owner, customer_admin_client, django_capture_on_commit_callbacks
):
    # given an account of the superuser, an engineer or another organisation's contact
    taken = request.getfixturevalue(owner)
    taken_user = getattr(taken, "user", taken)
    password_before = taken_user.password
    # when the customer admin invites that address, and a fresh one
    with django_capture_on_commit_callbacks(execute=True):
        taken_answer = invite(customer_admin_client, taken_user.email.upper())
        taken_row = listing_row(customer_admin_client, taken_user.email)
        Invitation.objects.filter(email=taken_user.email).update(cancelled_at=timezone.now())
        fresh_answer = invite(customer_admin_client, "fresh@acme.test")
        fresh_row = listing_row(customer_admin_client, "fresh@acme.test")
    # then both answers and both rows of the list look the same
    assert taken_answer.status_code == fresh_answer.status_code == 302
    assert taken_row == fresh_row != ""
    # and only the fresh address got a mail; the existing account is untouched
    assert [m.to for m in mail.outbox] == [["fresh@acme.test"]]
    taken_user.refresh_from_db()
    assert taken_user.password == password_before
    assert not Contact.objects.filter(user=taken_user, customer__name="Acme Test").exists()


def test_a_silent_invitation_can_never_be_accepted(customer_admin, other_contact, now):
    # given an invitation of another organisation's address (no mail went)
    invitation = contact_invite(
        customer=customer_admin.customer,
        invited_by=customer_admin,
        email=other_contact.user.email,
        now=now,
    )
    # when it is sent again
    invitation_resend(invitation=invitation, by=customer_admin, now=now)
    # then still no mail went, and no key in the database opens it
    assert mail.outbox == []
    assert Client().get(reverse("invitation_accept", args=["guess"])).status_code == 404


def test_addresses_are_unique_across_users_in_any_case(db):
    # given a user
    factories.UserFactory(username="one@example.test", email="one@example.test")
    # when another user gets the same address in other letters
    # then the database refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.UserFactory(username="other", email="ONE@example.test")
    # and empty addresses stay allowed for many
    factories.UserFactory(username="a", email="")
    factories.UserFactory(username="b", email="")


def test_the_migration_settles_existing_duplicates(db):
    # given duplicates that were allowed before the index (dropped here to make them)
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migration = import_module("accounts.migrations.0001_unique_user_email")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {migration.INDEX}")
    user_model = get_user_model()
    old = factories.UserFactory(username="old", email="Same@Example.test")
    staff = factories.UserFactory(username="staff", email="same@example.test", is_staff=True)
    # when the migration's data step runs
    migration.settle_duplicates(apps, None)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE UNIQUE INDEX {migration.INDEX} ON auth_user (lower(email)) WHERE email <> ''"
        )
    # then the staff account keeps the address (lower case), the other's is cleared and logged
    assert user_model.objects.get(pk=staff.pk).email == "same@example.test"
    assert user_model.objects.get(pk=old.pk).email == ""
    from audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="account_email_cleared")
    assert entry.target_label == "old" and entry.details["kept_by"] == "staff"


def test_the_mail_says_to_ask_for_a_new_invitation_when_the_link_expires(
    customer_admin, customer_admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(customer_admin_client, "new@acme.test")
    body = mail.outbox[0].body
    assert "Forgotten your password" not in body
    assert "for 7 days" in body
    assert "ask the person who invited you" in body
    assert "send the invitation again" in body
    assert customer_admin.user.get_full_name() in body


def test_an_expired_link_asks_for_a_new_invitation_and_resend_gives_a_working_one(
    customer_admin, customer_admin_client, frozen_clock, django_capture_on_commit_callbacks
):
    # given an invitation whose link has expired
    with django_capture_on_commit_callbacks(execute=True):
        invite(customer_admin_client, "late@acme.test")
    old_link = LINK.search(mail.outbox[0].body)[1]
    frozen_clock.shift(dt.timedelta(days=8))
    customer_admin_client.force_login(customer_admin.user)  # the old session timed out
    page = Client().get(old_link)
    assert page.status_code == 404
    assert "send the invitation again" in page.content.decode()
    assert "link expired" in customer_admin_client.get(LIST_URL).content.decode()
    # when the admin sends it again
    invitation = Invitation.objects.get(email="late@acme.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_admin_client.post(
            reverse("contacts:invitation_resend", args=[invitation.pk]), follow=True
        )
    assert "is sent again with a new link" in response.content.decode()
    # then the new link works and the old one still does not
    new_link = LINK.search(mail.outbox[1].body)[1]
    assert Client().get(new_link).status_code == 200
    assert Client().get(old_link).status_code == 404


def test_a_cancelled_invitation_link_stops_working(
    customer_admin_client, django_capture_on_commit_callbacks
):
    # given a pending invitation with its link
    with django_capture_on_commit_callbacks(execute=True):
        invite(customer_admin_client, "maybe@acme.test")
    link = LINK.search(mail.outbox[0].body)[1]
    assert Client().get(link).status_code == 200
    # when the admin cancels it (the invitee never joined: that is "deactivating" them)
    invitation = Invitation.objects.get(email="maybe@acme.test")
    customer_admin_client.post(reverse("contacts:invitation_cancel", args=[invitation.pk]))
    # then the link no longer creates an account
    anonymous = Client()
    assert anonymous.get(link).status_code == 404
    anonymous.post(link, {"password1": "Sunny-Trunk-2026", "password2": "Sunny-Trunk-2026"})
    assert not get_user_model().objects.filter(email="maybe@acme.test").exists()


def test_a_deactivated_contacts_old_password_link_stops_working(customer_admin, contact, now):
    # given a set-password link (as invitations mailed before) for a contact
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from accounts.tokens import portal_token_generator
    from packages.services import contact_set_active

    url = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(contact.user.pk)),
            "token": portal_token_generator.make_token(contact.user),
        },
    )
    assert "new_password1" in Client().get(url, follow=True).content.decode()
    # when the contact is deactivated
    contact_set_active(contact=contact, active=False, by=customer_admin)
    # then the link is refused
    assert "new_password1" not in Client().get(url, follow=True).content.decode()


def test_a_deactivated_customers_invitation_link_stops_working(
    customer_admin_client, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(customer_admin_client, "soon@acme.test")
    link = LINK.search(mail.outbox[0].body)[1]
    customer.is_active = False
    customer.save()
    assert Client().get(link).status_code == 404


def test_invitations_per_organisation_are_limited(
    customer_admin_client, django_capture_on_commit_callbacks
):
    # when the admin invites eleven outside addresses within the hour
    with django_capture_on_commit_callbacks(execute=True):
        codes = [invite(customer_admin_client, f"p{n}@outside.test").status_code for n in range(11)]
    # then ten go (PORTAL_INVITATIONS_PER_CUSTOMER_HOUR) and the eleventh is refused in words
    assert codes == [302] * 10 + [200]
    assert len(mail.outbox) == 10
    page = invite(customer_admin_client, "p99@outside.test").content.decode()
    assert "can send 10 invitations an hour" in page


def test_resends_to_one_address_are_limited(customer_admin, now):
    invitation = contact_invite(
        customer=customer_admin.customer,
        invited_by=customer_admin,
        email="again@acme.test",
        now=now,
    )
    invitation_resend(invitation=invitation, by=customer_admin, now=now)
    invitation_resend(invitation=invitation, by=customer_admin, now=now)
    with pytest.raises(ValidationError, match="wait an hour"):
        invitation_resend(invitation=invitation, by=customer_admin, now=now)


def test_an_admin_of_a_deactivated_customer_cannot_invite(customer_admin, customer, now):
    customer.is_active = False
    customer.save()
    customer_admin.refresh_from_db()
    with pytest.raises(ValidationError, match="is deactivated"):
        contact_invite(customer=customer, invited_by=customer_admin, email="x@acme.test", now=now)
    assert not Invitation.objects.exists()


def test_another_organisations_admin_cannot_resend_or_cancel(customer_admin, now):
    other_admin = factories.ContactFactory(is_customer_admin=True)
    invitation = contact_invite(
        customer=customer_admin.customer, invited_by=customer_admin, email="mine@acme.test", now=now
    )
    for call in (invitation_resend, invitation_cancel):
        with pytest.raises(PermissionDenied):
            call(invitation=invitation, by=other_admin, now=now)


def test_accepting_creates_the_contact_with_a_valid_password_only(
    customer_admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(customer_admin_client, "weak@acme.test")
    link = urlsplit("http://x" + LINK.search(mail.outbox[0].body)[1]).path
    anonymous = Client()
    page = anonymous.post(link, {"password1": "123", "password2": "123"})
    assert page.status_code == 200
    assert "This password is too short" in page.content.decode()
    assert not get_user_model().objects.filter(email="weak@acme.test").exists()
