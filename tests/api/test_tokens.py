"""Personal tokens: made by their owner, shown once, stored hashed, acting as their user."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from tests import factories
from tests.api.conftest import token_text

pytestmark = pytest.mark.django_db


def bearer(text: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    return client


def test_a_token_is_stored_as_a_hash_of_its_secret_and_found_by_its_prefix(contact, now):
    token, text = api_token_create(user=contact.user, name="Monitoring", now=now)

    prefix, secret = text.removeprefix("spt_").split("_", 1)
    assert prefix == token.prefix
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())


def test_a_token_acts_as_its_user_and_records_when_it_was_last_used(contact, now):
    token, text = api_token_create(user=contact.user, name="Monitoring", now=now)

    response = bearer(text).get("/api/me/")

    assert response.status_code == 200
    assert response.json()["username"] == contact.user.username
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer spt_nope", "Bearer spt_AAAAAAAAAA_wrong", "Bearer", "Bearer a b", "Basic abc"],
)
def test_a_wrong_token_or_none_is_401_with_the_challenge(contact, header):
    token_text(contact.user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/tickets/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]


def test_a_right_prefix_with_a_wrong_secret_is_refused(contact):
    text = token_text(contact.user)
    forged = text[:-4] + ("AAAA" if not text.endswith("AAAA") else "BBBB")

    assert bearer(forged).get("/api/me/").status_code == 401


def test_a_revoked_token_stops_working_at_once(contact, now):
    token, text = api_token_create(user=contact.user, name="Old", now=now)
    assert bearer(text).get("/api/me/").status_code == 200

    api_token_revoke(token=token, by=contact.user, now=now)

    assert bearer(text).get("/api/me/").status_code == 401


def test_only_the_owner_revokes_a_token(contact, other_contact, now):
    token, _ = api_token_create(user=contact.user, name="Mine", now=now)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        api_token_revoke(token=token, by=other_contact.user, now=now)


def test_a_deactivated_contact_or_organisation_makes_the_token_401(contact):
    text = token_text(contact.user)
    contact.customer.is_active = False
    contact.customer.save()
    assert bearer(text).get("/api/me/").status_code == 401

    contact.customer.is_active = True
    contact.customer.save()
    contact.user.is_active = False
    contact.user.save()
    assert bearer(text).get("/api/me/").status_code == 401


def test_a_user_without_a_role_gets_no_token(now):
    nobody = factories.UserFactory()

    with pytest.raises(ValidationError):
        api_token_create(user=nobody, name="x", now=now)


def test_a_token_needs_a_name(contact, now):
    with pytest.raises(ValidationError) as caught:
        api_token_create(user=contact.user, name="  ", now=now)
    assert "name" in caught.value.error_dict


def test_last_used_is_written_at_most_once_a_minute(contact, now):
    token, text = api_token_create(user=contact.user, name="Busy", now=now)
    client = bearer(text)
    client.get("/api/me/")
    first = ApiToken.objects.get(pk=token.pk).last_used_at

    client.get("/api/me/")

    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/me/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_the_command_prints_a_working_token(engineer, capsys):
    call_command("api_token", engineer.username, "--name", "Ops script")

    text = capsys.readouterr().out.strip()
    assert text.startswith("spt_")
    assert ApiToken.objects.get(user=engineer).name == "Ops script"
    assert bearer(text).get("/api/me/").json()["role"] == "engineer"


def test_the_command_refuses_an_unknown_or_inactive_user(engineer):
    with pytest.raises(CommandError, match="no user named"):
        call_command("api_token", "ghost@example.test")
    engineer.is_active = False
    engineer.save()
    with pytest.raises(CommandError, match="neither an active"):
        call_command("api_token", engineer.username)
