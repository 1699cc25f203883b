"""Comments and files over the API: internal notes stay with staff, uploads obey the rules."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tickets.models import Message, MessageKind, TicketStatus
from tickets.services.workflow import ticket_reply, ticket_status_change

pytestmark = pytest.mark.django_db


def test_contacts_see_the_public_conversation_staff_also_the_notes(
    contact_api, engineer_api, engineer, ticket
):
    ticket_reply(
        ticket=ticket, by=engineer, body="We are on it.", internal=False, now=timezone.now()
    )
    ticket_reply(
        ticket=ticket,
        by=engineer,
        body="Customer's trunk is odd.",
        internal=True,
        now=timezone.now(),
    )

    public = contact_api.get(f"/api/tickets/{ticket.pk}/comments/").json()["results"]
    everything = engineer_api.get(f"/api/tickets/{ticket.pk}/comments/").json()["results"]

    assert [m["body"] for m in public] == ["We are on it."]
    assert [m["internal"] for m in everything] == [False, True]


def test_a_contacts_comment_resumes_a_clock_waiting_for_them(contact_api, engineer, ticket):
    ticket_status_change(
        ticket=ticket, status=TicketStatus.WAITING, by=engineer, now=timezone.now()
    )

    response = contact_api.post(
        f"/api/tickets/{ticket.pk}/comments/", {"body": "Here are the logs."}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["kind"] == "comment"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS


def test_a_contact_cannot_write_an_internal_note(contact_api, ticket):
    response = contact_api.post(
        f"/api/tickets/{ticket.pk}/comments/", {"body": "x", "internal": True}, format="json"
    )

    assert response.status_code == 403
    assert not Message.objects.exists()


def test_the_first_public_reply_meets_reaction(engineer_api, ticket):
    response = engineer_api.post(
        f"/api/tickets/{ticket.pk}/comments/", {"body": "Looking now."}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["kind"] == "reply"
    body = engineer_api.get(f"/api/tickets/{ticket.pk}/").json()
    assert body["sla"]["reaction"]["state"] == "met"
    assert body["status"] == "in_progress"


def test_an_empty_comment_is_refused_naming_the_body(contact_api, ticket):
    response = contact_api.post(
        f"/api/tickets/{ticket.pk}/comments/", {"body": "  "}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body"


def upload(name="trace.log", content=b"line 1\n"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


def test_a_contact_uploads_a_file_and_downloads_it_through_the_check(contact_api, ticket):
    response = contact_api.post(
        f"/api/tickets/{ticket.pk}/attachments/",
        {"file": upload(), "body": "The log."},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    (attachment,) = response.json()["attachments"]
    assert attachment["name"] == "trace.log"
    listed = contact_api.get(f"/api/tickets/{ticket.pk}/attachments/").json()["results"]
    assert [a["id"] for a in listed] == [attachment["id"]]
    download = contact_api.get(f"/api/attachments/{attachment['id']}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"line 1\n"
    assert download["Content-Type"] == "application/octet-stream"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("run.exe", b"MZ", "attachment_type"),
        ("page.html", b"<b>", "attachment_type"),
        ("empty.txt", b"", "attachment_empty"),
    ],
)
def test_uploads_follow_the_portals_type_and_size_rules(contact_api, ticket, name, content, code):
    response = contact_api.post(
        f"/api/tickets/{ticket.pk}/attachments/",
        {"file": upload(name, content)},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == code
    assert not Message.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(contact_api, ticket, settings):
    settings.PORTAL_ATTACHMENT_MAX_BYTES = 10

    response = contact_api.post(
        f"/api/tickets/{ticket.pk}/attachments/",
        {"file": upload(content=b"x" * 11)},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "attachment_size"


def test_a_file_on_an_internal_note_is_hidden_from_the_contact(contact_api, engineer_api, ticket):
    response = engineer_api.post(
        f"/api/tickets/{ticket.pk}/attachments/",
        {"file": upload(), "internal": "true"},
        format="multipart",
    )
    assert response.json()["kind"] == MessageKind.INTERNAL_NOTE
    attachment_id = response.json()["attachments"][0]["id"]

    assert contact_api.get(f"/api/tickets/{ticket.pk}/attachments/").json()["results"] == []
    assert contact_api.get(f"/api/attachments/{attachment_id}/").status_code == 404
    assert engineer_api.get(f"/api/attachments/{attachment_id}/").status_code == 200
