"""Who reaches the engineers' pages and actions, and how the workspace answers bad input."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, reverse

from tests import factories
from tickets.models import Message, MessageKind, TicketChange, TicketStatus
from tickets.views import staff

PAGES = {"queue", "workspace"}
ACTIONS = [p.name for p in staff.urlpatterns if p.name not in PAGES]


def _url(pattern: URLPattern, ticket) -> str:
    args = [ticket.pk] if "<int:pk>" in str(pattern.pattern) else []
    return reverse(f"tickets:{pattern.name}", args=args)


@pytest.fixture
def ticket(file_ticket, t0):
    return file_ticket(now=t0)


@pytest.fixture
def stranger_client(db):
    from django.test import Client

    client = Client()
    client.force_login(factories.UserFactory(username="nobody@example.test"))
    return client


@pytest.mark.parametrize("who", ["contact_client", "stranger_client", "other_contact_client"])
def test_non_staff_get_404_on_every_staff_url(request, who, ticket):
    # Given a logged-in user who is not support staff (even the ticket's own contact)
    client = request.getfixturevalue(who)
    before = TicketChange.objects.count()
    # When they request every URL of the staff views, with GET and with POST
    for pattern in staff.urlpatterns:
        url = _url(pattern, ticket)
        # Then each is a 404 and nothing changes
        assert client.get(url).status_code == 404, url
        assert (
            client.post(
                url, {"body": "x", "status": "resolved", "reason": "x", "priority": "3"}
            ).status_code
            == 404
        ), url
    assert TicketChange.objects.count() == before


def test_anonymous_is_sent_to_login(client, ticket):
    response = client.get(reverse("tickets:queue"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("name", ACTIONS)
def test_get_on_an_action_is_405_for_staff(manager_client, ticket, name):
    response = manager_client.get(reverse(f"tickets:{name}", args=[ticket.pk]))
    assert response.status_code == 405


def test_engineer_cannot_extend_the_sla(engineer_client, ticket):
    url = reverse("tickets:extend", args=[ticket.pk])
    assert engineer_client.post(url, {"reason": "Calls to staff phones"}).status_code == 404
    ticket.refresh_from_db()
    assert not ticket.sla_extended


def test_engineer_workspace_has_no_extend_form(engineer_client, manager_client, ticket):
    url = reverse("tickets:workspace", args=[ticket.pk])
    assert b'id="extend-form"' not in engineer_client.get(url).content
    assert b'id="extend-form"' in manager_client.get(url).content


def test_manager_extends_with_a_reason(manager_client, ticket):
    url = reverse("tickets:extend", args=[ticket.pk])
    response = manager_client.post(url, {"reason": "Requests sent to staff phones"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.sla_extended and ticket.extension_reason == "Requests sent to staff phones"


def test_extension_without_reason_is_a_field_error(manager_client, ticket):
    response = manager_client.post(reverse("tickets:extend", args=[ticket.pk]), {"reason": " "})
    assert response.status_code == 400
    assert response.context["extend_form"].errors["reason"]


@pytest.mark.parametrize("pk", [999_999])
def test_unknown_ticket_is_404(engineer_client, pk):
    assert engineer_client.get(reverse("tickets:workspace", args=[pk])).status_code == 404
    assert engineer_client.post(reverse("tickets:take", args=[pk])).status_code == 404


def test_take_assigns_to_me(engineer_client, engineer, ticket):
    response = engineer_client.post(reverse("tickets:take", args=[ticket.pk]))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == engineer


def test_resolve_without_cause_or_message_keeps_the_form_and_says_why(engineer_client, ticket):
    # Given an engineer resolving without root cause or message, with 25 minutes typed
    url = reverse("tickets:resolve", args=[ticket.pk])
    response = engineer_client.post(url, {"time_spent_minutes": "25", "message": " "})
    # Then the workspace is shown again with the errors on the fields and the value kept
    assert response.status_code == 400
    form = response.context["resolve_form"]
    assert {"root_cause", "message"} <= set(form.errors)
    assert b'value="25"' in response.content
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW
    assert not Message.objects.filter(ticket=ticket).exists()


def test_the_status_form_no_longer_resolves_or_closes(engineer_client, ticket):
    for status in ("resolved", "closed", "withdrawn"):
        url = reverse("tickets:status", args=[ticket.pk])
        response = engineer_client.post(url, {"status": status})
        assert response.status_code == 400
        assert "status" in response.context["status_form"].errors
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW


def test_reply_with_attachment_and_internal_note_render_distinctly(engineer_client, ticket):
    # Given a public reply with a file and an internal note
    url = reverse("tickets:reply", args=[ticket.pk])
    upload = SimpleUploadedFile("trace.log", b"SIP 486 busy\n", content_type="text/plain")
    assert (
        engineer_client.post(url, {"body": "We are on it.", "attachments": upload}).status_code
        == 302
    )
    assert (
        engineer_client.post(url, {"body": "Carrier <b>suspect</b>", "internal": "on"}).status_code
        == 302
    )
    # When the workspace is shown
    page = engineer_client.get(reverse("tickets:workspace", args=[ticket.pk])).content.decode()
    # Then both are there, the note marked as internal, user text escaped, the file linked
    assert Message.objects.filter(ticket=ticket, kind=MessageKind.INTERNAL_NOTE).count() == 1
    assert 'data-kind="note"' in page and 'data-kind="reply"' in page
    assert "Carrier &lt;b&gt;suspect&lt;/b&gt;" in page
    assert "trace.log" in page
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None  # the reply, not the note, is the reaction


def test_refused_attachment_type_is_a_field_error(engineer_client, ticket):
    upload = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = engineer_client.post(
        reverse("tickets:reply", args=[ticket.pk]), {"body": "See attached", "attachments": upload}
    )
    assert response.status_code == 400
    assert response.context["reply_form"].errors["attachments"]
    assert "See attached" in response.content.decode()
    assert not Message.objects.filter(ticket=ticket).exists()


def test_priority_one_on_uncovered_block_is_refused_in_the_form(
    engineer_client, file_ticket, t0, uncovered_block
):
    ticket = file_ticket(now=t0, priority=2, component=uncovered_block)
    response = engineer_client.post(
        reverse("tickets:priority", args=[ticket.pk]), {"priority": "1"}
    )
    assert response.status_code == 400
    assert "not covered" in str(response.context["priority_form"].errors["priority"])


def test_junk_posted_values_are_form_errors(engineer_client, ticket):
    for name, data in [
        ("priority", {"priority": "9"}),
        ("status", {"status": "bogus"}),
        ("assign", {"assignee": "abc"}),
        ("component", {"component": "-1"}),
        ("reclassify", {"ticket_type": "x", "priority": "y"}),
    ]:
        response = engineer_client.post(reverse(f"tickets:{name}", args=[ticket.pk]), data)
        assert response.status_code == 400, name


def test_workspace_history_explains_the_sla(engineer_client, engineer, ticket, t0):
    from tickets.services import workflow

    workflow.ticket_reply(
        ticket=ticket, by=engineer, body="On it", internal=False, now=t0 + dt.timedelta(minutes=12)
    )
    workflow.ticket_status_change(
        ticket=ticket, status="waiting", by=engineer, now=t0 + dt.timedelta(minutes=20)
    )
    page = engineer_client.get(reverse("tickets:workspace", args=[ticket.pk])).content.decode()
    assert "Reaction met 48 min before due" in page
    assert "Resolution clock paused" in page
    assert 'data-sla="resolution-paused"' in page


def test_workspace_query_count_does_not_grow_with_the_conversation(
    engineer_client, engineer, ticket, t0, django_assert_max_num_queries
):
    from tests import factories as f

    url = reverse("tickets:workspace", args=[ticket.pk])
    engineer_client.get(url)
    for _ in range(15):
        message = f.MessageFactory(ticket=ticket, reply=True, author=engineer)
        f.AttachmentFactory(ticket=ticket, message=message)
        f.TicketChangeFactory(ticket=ticket, actor=engineer)
    with django_assert_max_num_queries(16):
        response = engineer_client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("data-message=") == 15
