"""Isolation, login, CSRF, escaping and upload limits for EVERY URL of the contact side.

The URL lists are read from the modules' ``urlpatterns``, so a new URL cannot escape these
tests: one that names an object must be added to ``OBJECT_OF`` or the suite fails.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

import packages.views
import tickets.views.customer
from sla.models import TicketType
from tests import factories
from tickets.models import Attachment, Message, MessageKind, Ticket, TicketStatus
from tickets.services.conversation import message_add

# Which of organisation A's objects each URL's ``pk`` names.
OBJECT_OF = {
    "tickets:detail": "ticket",
    "tickets:comment": "ticket",
    "tickets:close": "ticket",
    "tickets:reopen": "ticket",
    "tickets:withdraw": "ticket",
    "tickets:attachment": "attachment",
    "contacts:deactivate": "contact",
    "contacts:reactivate": "contact",
    "contacts:invitation_resend": "invitation",
    "contacts:invitation_cancel": "invitation",
}


def _contact_side_patterns() -> list[tuple[str, object]]:
    found = []
    for module, namespace in ((tickets.views.customer, "tickets"), (packages.views, "contacts")):
        for pattern in module.urlpatterns:
            found.append((f"{namespace}:{pattern.name}", pattern))
    return found


PATTERNS = _contact_side_patterns()
NAMES = [name for name, _ in PATTERNS]
WITH_OBJECT = [name for name, p in PATTERNS if p.pattern.converters]
WITHOUT_OBJECT = [name for name, p in PATTERNS if not p.pattern.converters]


def test_every_url_naming_an_object_is_covered():
    assert set(WITH_OBJECT) <= set(OBJECT_OF), (
        f"add {set(WITH_OBJECT) - set(OBJECT_OF)} to OBJECT_OF so its isolation is tested"
    )
    assert len(NAMES) >= 11  # the customer views and the contacts views are all listed


@pytest.fixture
def a_objects(file_ticket, contact, customer_admin, upload):
    """Organisation A's ticket (with a comment carrying a file), contact and invitation."""
    ticket = file_ticket(subject="A-secret-subject")
    message = message_add(
        ticket=ticket,
        author=contact.user,
        kind=MessageKind.CUSTOMER_COMMENT,
        body="A-secret-comment",
        now=ticket.opened_at,
        attachments=[upload("a-secret.log")],
    )
    invitation = factories.InvitationFactory(
        customer=contact.customer, invited_by=customer_admin, email="a-invitee@acme.test"
    )
    return {
        "ticket": ticket, "attachment": message.attachments.get(), "contact": contact,
        "invitation": invitation,
    }


def _url(name: str, objects: dict) -> str:
    if name in OBJECT_OF:
        return reverse(name, args=[objects[OBJECT_OF[name]].pk])
    return reverse(name)


def _call(client: Client, url: str):
    """GET, or POST where the view only accepts POST (the method a user would use)."""
    response = client.get(url)
    return client.post(url) if response.status_code == 405 else response


@pytest.mark.django_db
@pytest.mark.parametrize("name", WITH_OBJECT)
@pytest.mark.parametrize("client_fixture", ["other_contact_client", "other_admin_client"])
def test_another_organisation_gets_404_for_a_objects(request, name, client_fixture, a_objects):
    client = request.getfixturevalue(client_fixture)
    response = _call(client, _url(name, a_objects))
    assert response.status_code == 404
    a_objects["ticket"].refresh_from_db()
    a_objects["contact"].user.refresh_from_db()
    assert a_objects["ticket"].status == TicketStatus.NEW
    assert a_objects["contact"].user.is_active
    a_objects["invitation"].refresh_from_db()
    assert a_objects["invitation"].is_open
    assert Message.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("name", WITHOUT_OBJECT)
def test_pages_without_an_object_never_show_a_objects(other_admin_client, name, a_objects):
    response = other_admin_client.get(_url(name, a_objects))
    html = response.content.decode()
    assert response.status_code == 200
    assert "A-secret-subject" not in html
    assert a_objects["contact"].user.email not in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_login(client, name, method, a_objects):
    url = _url(name, a_objects)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert Message.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_csrf_is_enforced(customer_admin, name, a_objects):
    # customer_admin is of organisation A, so only the missing token can refuse the POST
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer_admin.user)
    response = client.post(_url(name, a_objects), {"body": "x", "email": "csrf@acme.test"})
    assert response.status_code == 403
    a_objects["contact"].user.refresh_from_db()
    assert a_objects["contact"].user.is_active
    assert Message.objects.count() == 1


XSS_SUBJECT = '<script>alert("subject")</script>'
XSS_DESCRIPTION = "<img src=x onerror=alert(1)>"
XSS_COMMENT = '<script>alert("comment")</script>'
XSS_FILE = "<img src=y onerror=alert(2)>.log"


@pytest.mark.django_db
def test_user_text_and_file_names_are_escaped(contact_client, contact, file_ticket, upload):
    ticket = file_ticket(
        subject=XSS_SUBJECT, description=XSS_DESCRIPTION, attachments=[upload(XSS_FILE)]
    )
    message_add(
        ticket=ticket,
        author=contact.user,
        kind=MessageKind.CUSTOMER_COMMENT,
        body=XSS_COMMENT,
        now=ticket.opened_at,
    )
    pages = {
        "detail": contact_client.get(reverse("tickets:detail", args=[ticket.pk])),
        "list": contact_client.get(reverse("tickets:contact_list")),
    }
    for page, response in pages.items():
        html = response.content.decode()
        assert XSS_SUBJECT not in html, page
        assert "&lt;script&gt;alert(&quot;subject&quot;)&lt;/script&gt;" in html, page
    detail = pages["detail"].content.decode()
    for raw in (XSS_DESCRIPTION, XSS_COMMENT, XSS_FILE):
        assert raw not in detail
    assert "&lt;img src=x onerror=alert(1)&gt;" in detail
    assert "&lt;script&gt;alert(&quot;comment&quot;)&lt;/script&gt;" in detail
    assert "&lt;img src=y onerror=alert(2)&gt;.log" in detail


@pytest.mark.django_db
def test_a_contact_name_is_escaped_on_the_contacts_page(customer_admin_client, contact):
    contact.user.first_name = "<script>alert('name')</script>"
    contact.user.save()
    html = customer_admin_client.get(reverse("contacts:list")).content.decode()
    assert "<script>alert('name')</script>" not in html
    assert "&lt;script&gt;alert(&#x27;name&#x27;)&lt;/script&gt;" in html


@pytest.mark.django_db
@pytest.mark.parametrize("bad_name", ["setup.exe", "page.html"])
def test_a_forbidden_file_type_is_refused_and_the_form_kept(
    contact_client, base_component, upload, bad_name
):
    response = contact_client.post(
        reverse("tickets:file"),
        {
            "ticket_type": TicketType.INCIDENT,
            "priority": "2",
            "component": base_component.pk,
            "subject": "Kept subject",
            "description": "Kept description",
            "attachments": [upload("ok.log"), upload(bad_name, b"MZ...")],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"“{bad_name}”: files of this type are not accepted." in html
    assert "choose the files again" in html
    assert 'value="Kept subject"' in html and "Kept description" in html
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


@pytest.mark.django_db
def test_an_oversized_file_is_refused_on_filing_and_on_reply(
    contact_client, base_component, file_ticket, upload, settings
):
    settings.PORTAL_ATTACHMENT_MAX_BYTES = 10
    response = contact_client.post(
        reverse("tickets:file"),
        {
            "ticket_type": TicketType.SERVICE_REQUEST,
            "component": base_component.pk,
            "subject": "Big file",
            "description": "Kept description",
            "attachments": [upload("big.log", b"x" * 11)],
        },
    )
    html = response.content.decode()
    assert "“big.log” is 11\xa0bytes; the limit is 10\xa0bytes per file." in html
    assert 'value="Big file"' in html and "Up to 10\xa0bytes per file." in html
    assert not Ticket.objects.exists()

    ticket = file_ticket()
    reply = contact_client.post(
        reverse("tickets:comment", args=[ticket.pk]),
        {
            "body": "Kept reply text",
            "attachments": [upload("big.log", b"x" * 11)],
        },
    )
    html = reply.content.decode()
    assert "“big.log” is 11\xa0bytes; the limit is 10\xa0bytes per file." in html
    assert "Kept reply text" in html
    assert not Message.objects.exists()
