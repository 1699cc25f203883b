"""The portal remembers the language a contact last used, to write to them in it."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_contacts_language_is_the_one_of_their_last_request(contact, contact_client):
    assert contact.language == ""  # never visited: mail goes out in the site's language
    contact_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
    contact_client.get(reverse("tickets:contact_list"))
    contact.refresh_from_db()
    assert contact.language == "uk"
    contact_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    contact_client.get(reverse("tickets:contact_list"))
    contact.refresh_from_db()
    assert contact.language == "en"


def test_it_is_written_only_when_it_changes(contact, contact_client):
    contact_client.get(reverse("tickets:contact_list"))
    with CaptureQueriesContext(connection) as queries:
        contact_client.get(reverse("tickets:contact_list"))
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]


def test_staff_have_no_language_to_remember(engineer_client):
    engineer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
    assert engineer_client.get(reverse("tickets:queue")).status_code == 200
