"""The API tokens page: a user creates a token (shown once), lists and revokes their own."""

import re

import pytest

from api.models import ApiToken
from tests.api.conftest import api_for

pytestmark = pytest.mark.django_db
PAGE = "/account/api-tokens/"


def test_a_new_token_is_shown_once_and_works(contact_client, contact):
    created = contact_client.post(PAGE, {"name": "Monitoring"})

    assert created.status_code == 200
    assert created["Cache-Control"].startswith("max-age=0")
    text = re.search(r'id="token-text"[^>]*>(spt_[^<]+)<', created.content.decode()).group(1)
    token = ApiToken.objects.get(user=contact.user)
    assert token.name == "Monitoring"
    listing = contact_client.get(PAGE).content.decode()
    assert "Monitoring" in listing and text not in listing
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    assert client.get("/api/me/").status_code == 200


def test_a_token_needs_a_name(contact_client):
    response = contact_client.post(PAGE, {"name": ""})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_ones_own_token(contact_client, contact):
    client = api_for(contact.user)
    token = ApiToken.objects.get(user=contact.user)

    response = contact_client.post(f"{PAGE}{token.pk}/revoke/")

    assert response.status_code == 302
    assert client.get("/api/me/").status_code == 401


def test_another_users_token_is_404(contact_client, other_contact):
    api_for(other_contact.user)
    theirs = ApiToken.objects.get(user=other_contact.user)

    assert contact_client.post(f"{PAGE}{theirs.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    assert "Tests" not in contact_client.get(PAGE).content.decode()


@pytest.mark.parametrize("who", ["contact_client", "engineer_client", "manager_client"])
def test_every_role_finds_the_page_in_the_navigation(request, who):
    page = request.getfixturevalue(who).get("/")
    if page.status_code == 302:
        page = request.getfixturevalue(who).get(page["Location"])
    assert f'href="{PAGE}"' in page.content.decode()


def test_the_page_needs_a_login(client):
    assert client.get(PAGE).status_code == 302
