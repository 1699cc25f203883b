"""A contact is told why their due times moved — on the ticket page and by one mail each, in
their language and their contract's zone, whoever made the change."""

import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.tickets.history.conftest import MIN, REASON, client_in, file_p1
from tests.tickets.history.pages import element_text
from tickets.models import OutboxMessage
from tickets.services import workflow
from tickets.services.mail_format import mail_time

pytestmark = pytest.mark.django_db


def _shown(instant, zone: str, language: str) -> str:
    with translation.override(language):
        return date_format(timezone.localtime(instant, zoneinfo.ZoneInfo(zone)), "DATETIME_FORMAT")


def _mailed(instant, zone: str) -> str:
    return mail_time(instant, zoneinfo.ZoneInfo(zone))


def test_the_contact_sees_each_due_change_with_its_reason_and_new_due_time(story, contact):
    zone = story.ticket.contract.time_zone
    page = client_in(contact.user, "en").get(reverse("tickets:detail", args=[story.ticket.pk]))
    history = element_text(page.content.decode(), "history")
    shown = {step: _shown(story.dues[step], zone, "en") for step in story.dues}
    assert (
        "Priority: 1 — Critical → 2 — High Workaround applied. "
        f"New clock: priority 2, due {shown['workaround']}."
    ) in history
    assert (
        f"Type: Incident, 2 — High → Service request Resolution now due {shown['reclassify']}."
    ) in history
    assert (
        f"SLA extended: {REASON} Resolution now due {shown['extend']}; "
        "resolution target extended to 100 business hours."
    ) in history


def test_the_contact_gets_one_mail_per_due_change_in_their_language(
    contract, contact, engineer, manager, t0
):
    # the contact last used the portal in Ukrainian; the staff work in English
    contact.language = "uk"
    contact.save(update_fields=["language"])
    ticket = file_p1(contact, now=t0, subject="Дзвінки обриваються")
    workflow.ticket_reply(
        ticket=ticket, by=engineer, body="Дивимось.", internal=False, now=t0 + 5 * MIN
    )
    workflow.ticket_priority_change(
        ticket=ticket, priority=2, workaround=True, by=engineer, now=t0 + 10 * MIN
    )
    ticket.refresh_from_db()
    after_workaround = ticket.resolution_due
    workflow.ticket_reclassify(
        ticket=ticket, ticket_type="change", priority=None, by=engineer, now=t0 + 15 * MIN
    )
    ticket.refresh_from_db()
    after_reclassify = ticket.resolution_due
    workflow.ticket_sla_extend(ticket=ticket, reason=REASON, by=manager, now=t0 + 20 * MIN)
    ticket.refresh_from_db()

    mails = [
        m
        for m in OutboxMessage.objects.filter(ticket=ticket).order_by("pk")
        if "Терміни змінено" in m.subject
    ]
    assert len(mails) == 3
    zone = contract.time_zone
    assert all(m.recipients == [contact.user.email] for m in mails)
    assert all(
        m.subject == f"[{ticket.reference}] Терміни змінено: Дзвінки обриваються" for m in mails
    )
    workaround, reclassify, extend = (m.body for m in mails)
    assert "Пріоритет: 1 — Критичний → 2 — Високий" in workaround
    assert "Застосовано обхідний шлях." in workaround
    assert f"Термін вирішення: {_mailed(after_workaround, zone)}" in workaround
    assert "Тип: Інцидент, 2 — Високий → Зміна" in reclassify
    assert f"Термін вирішення: {_mailed(after_reclassify, zone)}" in reclassify
    assert f"SLA подовжено: {REASON}" in extend
    assert f"Термін вирішення: {_mailed(ticket.resolution_due, zone)}" in extend
    for body in (workaround, reclassify, extend):
        assert f"Час указано в часовому поясі {zone}." in body
    # the other mails of the ticket follow the contact's language too
    assert OutboxMessage.objects.filter(ticket=ticket, subject__contains="Нова відповідь").exists()


def test_the_due_change_mail_is_sent_after_commit(
    story, contact, manager, django_capture_on_commit_callbacks
):
    other = story.breached
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.ticket_sla_extend(ticket=other, reason=REASON, by=manager, now=story.t0 + 80 * MIN)
    (sent,) = [m for m in mail.outbox if "Due times changed" in m.subject]
    assert sent.to == [contact.user.email]
    assert REASON in sent.body


def _answer_and_wait(ticket, engineer, at):
    """Reaction met, clock paused: nothing left whose due time could move."""
    workflow.ticket_reply(ticket=ticket, by=engineer, body="Так.", internal=False, now=at)
    workflow.ticket_status_change(ticket=ticket, status="waiting", by=engineer, now=at + MIN)


def test_no_due_mail_when_no_due_time_moves(story, engineer):
    # waiting for the customer with the reaction met: a priority change moves nothing
    ticket = story.breached
    _answer_and_wait(ticket, engineer, story.t0 + 75 * MIN)
    before = OutboxMessage.objects.filter(ticket=ticket).count()
    workflow.ticket_priority_change(
        ticket=ticket, priority=3, workaround=False, by=engineer, now=story.t0 + 77 * MIN
    )
    assert OutboxMessage.objects.filter(ticket=ticket).count() == before


def test_a_reclassification_is_told_even_while_the_clock_is_paused(story, engineer):
    ticket = story.breached
    _answer_and_wait(ticket, engineer, story.t0 + 75 * MIN)
    workflow.ticket_reclassify(
        ticket=ticket, ticket_type="change", priority=None, by=engineer, now=story.t0 + 77 * MIN
    )
    (told,) = OutboxMessage.objects.filter(ticket=ticket, subject__contains="Due times changed")
    assert "Type: Incident, 1 — Critical → Change" in told.body
    assert "Resolution: paused while we wait for you." in told.body
