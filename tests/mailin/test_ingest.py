"""From a received message to a ticket, a comment, a note to an unknown sender, or nothing."""

import datetime as dt

import pytest

from mailin.models import InboundMessage, Outcome
from mailin.services.ingest import mail_ingest
from packages.models import ComponentKind
from sla.models import TicketType
from tests import factories
from tests.mailin.conftest import ALICE, eml
from tickets.models import Channel, Message, MessageKind, OutboxMessage, Ticket, TicketStatus
from tickets.selectors.quota import quota_month_of

pytestmark = pytest.mark.django_db


def ingest(raw, now, source="test"):
    return mail_ingest(raw=raw, source=source, now=now)


def test_a_contacts_mail_files_a_ticket_with_the_subject_tag(alice, now):
    result = ingest(eml("plain_p1.eml"), now)
    assert result.outcome == Outcome.TICKET
    ticket = Ticket.objects.get(pk=result.ticket)
    assert (ticket.ticket_type, ticket.priority, ticket.channel) == (
        TicketType.INCIDENT,
        1,
        Channel.EMAIL,
    )
    assert ticket.subject == "Calls drop on every trunk"
    assert ticket.description == "All inbound calls drop after 3 seconds."
    assert ticket.reporter == alice.user and ticket.opened_at == now
    assert ticket.component.kind == ComponentKind.BASE  # P1-eligible until triage
    kept = InboundMessage.objects.get()
    assert (kept.ticket, kept.outcome, kept.message_id) == (ticket, "ticket", "<p1@customer.test>")
    assert bytes(kept.raw) == eml("plain_p1.eml")


@pytest.mark.parametrize(
    ("name", "ticket_type", "priority"),
    [
        ("tag_sr.eml", TicketType.SERVICE_REQUEST, None),
        ("tag_change.eml", TicketType.CHANGE, None),
        ("no_tag.eml", TicketType.INCIDENT, 3),
    ],
)
def test_subject_tags(alice, now, name, ticket_type, priority):
    ticket = Ticket.objects.get(pk=ingest(eml(name), now).ticket)
    assert (ticket.ticket_type, ticket.priority) == (ticket_type, priority)


def test_configured_component(alice, now, settings):
    factories.ComponentFactory(code="reports", name="Reports")
    settings.MAIL_IN_COMPONENT = "reports"
    assert Ticket.objects.get(pk=ingest(eml("no_tag.eml"), now).ticket).component.code == "reports"


def test_the_same_message_twice_is_handled_once(alice, now):
    first = ingest(eml("plain_p1.eml"), now)
    again = ingest(eml("plain_p1.eml"), now)
    assert (first.outcome, again.outcome) == (Outcome.TICKET, Outcome.DUPLICATE)
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_a_message_without_id_is_still_seen_once(alice, now):
    assert ingest(eml("no_message_id.eml"), now).outcome == Outcome.TICKET
    assert ingest(eml("no_message_id.eml"), now).outcome == Outcome.DUPLICATE


def test_attachments_follow_the_portal_rules_and_refusals_are_listed(alice, now):
    ticket = Ticket.objects.get(pk=ingest(eml("attachments.eml"), now).ticket)
    assert sorted(a.original_name for a in ticket.attachments.all()) == [
        "winmail.dat",
        "журнал.log",
    ]
    assert "setup.exe" in ticket.description and "not accepted" in ticket.description


def test_html_only_mail_is_kept_as_text(alice, now):
    ticket = Ticket.objects.get(pk=ingest(eml("html_only.eml"), now).ticket)
    assert "Звіт не відкривається." in ticket.description
    assert "<" not in ticket.description and "alert" not in ticket.description


def test_automatic_mail_and_bounces_are_never_tickets_nor_answered(alice, now):
    outcomes = [
        ingest(eml(n), now).outcome
        for n in ("auto_submitted.eml", "x_autoreply.eml", "bounce_plain.eml")
    ]
    assert outcomes == [Outcome.AUTO_REPLY, Outcome.AUTO_REPLY, Outcome.BOUNCE]
    assert not Ticket.objects.exists() and not OutboxMessage.objects.exists()


def test_auto_submitted_no_files_a_ticket(alice, now):
    assert ingest(eml("auto_submitted_no.eml"), now).outcome == Outcome.TICKET


def test_dmarc_fail_is_not_trusted_as_the_contact(alice, now):
    result = ingest(eml("dmarc_fail.eml"), now)
    assert (result.outcome, result.ticket) == (Outcome.UNKNOWN_SENDER, None)
    assert "dmarc=fail" in result.reason
    assert not OutboxMessage.objects.exists()  # a forged address is not written to


def test_unknown_sender_gets_one_answer_a_day(db, now):
    first = ingest(eml("plain_p1.eml"), now)
    second = ingest(eml("no_tag.eml"), now + dt.timedelta(hours=2))
    next_day = ingest(eml("tag_sr.eml"), now + dt.timedelta(days=1))
    assert {first.outcome, second.outcome, next_day.outcome} == {Outcome.UNKNOWN_SENDER}
    answers = OutboxMessage.objects.filter(recipients=[ALICE])
    assert answers.count() == 2 and all(a.auto_submitted for a in answers)
    # the sender's language is unknown: the answer is in English and in Ukrainian
    assert "not registered" in answers[0].subject and "не зареєстровано" in answers[0].subject
    assert "invite you" in answers[0].body and "запросити вас" in answers[0].body
    assert not Ticket.objects.exists()
    assert InboundMessage.objects.filter(outcome=Outcome.UNKNOWN_SENDER).count() == 3


def test_deactivated_contact_and_customer_without_contract_are_unknown(alice, now):
    alice.user.is_active = False
    alice.user.save()
    result = ingest(eml("plain_p1.eml"), now)
    assert (result.outcome, result.reason.split(";")[0]) == (
        Outcome.UNKNOWN_SENDER,
        "deactivated contact",
    )


def test_customer_without_a_contract_in_force(alice, contract, now):
    contract.valid_to = contract.valid_from + dt.timedelta(days=1)
    contract.save()
    result = ingest(eml("plain_p1.eml"), now)
    assert result.outcome == Outcome.UNKNOWN_SENDER and "no contract" in result.reason


def test_a_staff_address_is_not_accepted_by_mail(db, now):
    factories.EngineerFactory(username=ALICE, email=ALICE)
    result = ingest(eml("plain_p1.eml"), now)
    assert result.outcome == Outcome.REJECTED and "staff" in result.reason
    assert not OutboxMessage.objects.exists()


def _filed(alice, now):
    ticket = Ticket.objects.get(pk=ingest(eml("plain_p1.eml"), now).ticket)
    return ticket, OutboxMessage.objects.filter(ticket=ticket).first()


def test_a_reply_to_the_portals_mail_is_a_comment_without_the_quoted_history(alice, now):
    ticket, sent = _filed(alice, now)
    reply = eml("reply_template.eml", TICKET="999999", PORTALID=sent.message_id)
    result = ingest(reply, now + dt.timedelta(minutes=5))
    assert (result.outcome, result.ticket) == (Outcome.REPLY, ticket.pk)
    comment = Message.objects.get(ticket=ticket)
    assert comment.kind == MessageKind.CUSTOMER_COMMENT and comment.author == alice.user
    assert comment.body == "Thanks, it works again after the restart."


def test_a_reply_found_by_its_subject_tag(alice, now):
    ticket, _sent = _filed(alice, now)
    result = ingest(eml("tag_reply_template.eml", TICKET=str(ticket.pk)), now)
    assert (result.outcome, result.ticket) == (Outcome.REPLY, ticket.pk)
    assert Message.objects.get(ticket=ticket).body == "Still broken."


def test_a_reply_on_another_organisations_ticket_is_a_new_message(alice, other_contact, now):
    theirs = factories.TicketFactory(
        customer=other_contact.customer,
        contract=other_contact.customer.contracts.get(),
        reporter=other_contact.user,
    )
    result = ingest(eml("tag_reply_template.eml", TICKET=str(theirs.pk)), now)
    assert result.outcome == Outcome.TICKET and result.ticket != theirs.pk
    assert not Message.objects.filter(ticket=theirs).exists()


def test_quota_past_the_limit_defers_and_tells_how_to_make_it_billable(alice, contract, now):
    limit = contract.package.monthly_request_quota
    for _ in range(limit):
        factories.TicketFactory(
            customer=contract.customer,
            contract=contract,
            reporter=alice.user,
            ticket_type=TicketType.SERVICE_REQUEST,
            priority=None,
            quota_month=quota_month_of(now, contract.time_zone),
        )
    result = ingest(eml("tag_sr.eml"), now)
    ticket = Ticket.objects.get(pk=result.ticket)
    assert ticket.is_deferred and "deferred" in result.reason
    notice = OutboxMessage.objects.get(dedupe_key=f"mailin:deferred:{ticket.pk}")
    assert "billable" in notice.body and "/tickets/new/" in notice.body


def test_oversized_mail_is_kept_with_a_reason(alice, now, settings):
    settings.MAIL_IN_MAX_BYTES = 100
    result = ingest(eml("plain_p1.eml"), now)
    assert result.outcome == Outcome.REJECTED and "limit" in result.reason
    kept = InboundMessage.objects.get()
    assert kept.message_id == "<p1@customer.test>" and kept.size == len(eml("plain_p1.eml"))
    assert ingest(eml("plain_p1.eml"), now).outcome == Outcome.DUPLICATE


def test_mail_without_any_header_is_rejected_not_crashed(db, now):
    result = ingest(eml("no_headers.eml"), now)
    assert (result.outcome, result.reason) == (Outcome.REJECTED, "no sender address")


def test_the_portals_own_message_coming_back_is_a_loop(alice, now):
    _ticket, sent = _filed(alice, now)
    raw = f"From: someone@else.test\nMessage-ID: {sent.message_id}\nSubject: x\n\nx\n".encode()
    assert ingest(raw, now).outcome == Outcome.AUTO_REPLY


def test_the_deferral_notice_is_in_the_contacts_language(alice, contract, now):
    alice.language = "uk"
    alice.save()
    for _ in range(contract.package.monthly_request_quota):
        factories.TicketFactory(
            customer=contract.customer,
            contract=contract,
            reporter=alice.user,
            ticket_type=TicketType.SERVICE_REQUEST,
            priority=None,
            quota_month=quota_month_of(now, contract.time_zone),
        )
    ticket = Ticket.objects.get(pk=ingest(eml("tag_sr.eml"), now).ticket)
    notice = OutboxMessage.objects.get(dedupe_key=f"mailin:deferred:{ticket.pk}")
    assert notice.subject.startswith(f"[#{ticket.pk}] Відкладено на наступний місяць")
    assert "Подати зараз як платний" in notice.body


def test_control_characters_never_reach_the_database(alice, now):
    raw = (
        b"From: alice@customer.test\nSubject: =?utf-8?Q?Calls=00_drop?=\x01\n"
        b"Message-ID: <nul@customer.test>\n\nText with a NUL\x00 byte.\n"
    )
    ticket = Ticket.objects.get(pk=ingest(raw, now).ticket)
    assert ticket.subject == "Calls drop" and "\x00" not in ticket.description


def _ended(alice, contract, now, **fields):
    return factories.TicketFactory(contract=contract, reporter=alice.user, **fields)


def test_a_reply_to_a_resolved_ticket_that_can_reopen_is_not_added_and_says_why(
    alice, contract, now
):
    ticket = _ended(alice, contract, now, status=TicketStatus.RESOLVED, resolved_at=now)
    result = ingest(eml("tag_reply_template.eml", TICKET=str(ticket.pk)), now)
    assert (result.outcome, result.ticket) == (Outcome.REJECTED, None)
    assert not Message.objects.filter(ticket=ticket).exists()
    notice = OutboxMessage.objects.get(ticket=ticket, recipients=[ALICE])
    assert "reopen" in notice.body and notice.auto_submitted
    assert Ticket.objects.count() == 1


def test_a_reply_to_a_closed_ticket_files_a_follow_up(alice, contract, now):
    ticket = _ended(
        alice,
        contract,
        now,
        status=TicketStatus.CLOSED,
        resolved_at=now - dt.timedelta(days=30),
        closed_at=now,
    )
    result = ingest(eml("tag_reply_template.eml", TICKET=str(ticket.pk)), now)
    follow_up = Ticket.objects.get(pk=result.ticket)
    assert result.outcome == Outcome.TICKET and follow_up.pk != ticket.pk
    assert f"#{ticket.pk}" in follow_up.description
    assert f"[#{ticket.pk}]" not in follow_up.subject


def test_a_defect_of_ours_on_one_message_keeps_it_rejected_instead_of_blocking(
    alice, now, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("mailin.services.ingest.reply_or_ticket", broken)
    result = ingest(eml("plain_p1.eml"), now)
    assert result.outcome == Outcome.REJECTED and "RuntimeError: a bug" in result.reason
    assert InboundMessage.objects.get().outcome == Outcome.REJECTED
    assert not Ticket.objects.exists()


def test_a_database_outage_propagates_and_records_nothing(alice, now, monkeypatch):
    from django.db import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("gone")

    monkeypatch.setattr("mailin.services.ingest.reply_or_ticket", down)
    with pytest.raises(OperationalError):
        ingest(eml("plain_p1.eml"), now)
    assert not InboundMessage.objects.exists()
