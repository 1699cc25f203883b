"""What every portal mail carries: a stable Message-ID, the [#N] tag, Reply-To the support
address, Auto-Submitted where it is automatic, and times that name the reader's zone."""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from tests import factories
from tickets.models import MessageKind, OutboxMessage
from tickets.services.conversation import message_add
from tickets.services.mail_format import mail_time
from tickets.services.outbox import outbox_enqueue, outbox_flush_pending

pytestmark = pytest.mark.django_db

MIN = dt.timedelta(minutes=1)


@pytest.fixture
def support(settings):
    settings.SUPPORT_EMAIL = "help@vendor.test"
    settings.DEFAULT_FROM_EMAIL = "noreply@vendor.test"


def test_every_attempt_carries_the_rows_message_id_tag_reply_to_and_auto_submitted(
    mail_server, support, file_incident, engineer
):
    # given a filing (automatic mail) and an engineer's reply (a person's words) on one ticket,
    # and an invitation that concerns no ticket
    ticket = file_incident()
    message_add(
        ticket=ticket,
        author=engineer,
        kind=MessageKind.PUBLIC_REPLY,
        body="On it.",
        now=timezone.now(),
    )
    outbox_enqueue(recipients=["new@acme.test"], subject="You are invited", body="Hello")
    rows = {row.subject: row for row in OutboxMessage.objects.all()}
    assert len(rows) == 4  # with the on-duty engineer's new-ticket notice (oncall)

    # when the first flush finds the server down and a later one delivers
    mail_server.down = True
    outbox_flush_pending(now=timezone.now() + MIN)
    mail_server.down = False
    outbox_flush_pending(now=timezone.now() + 30 * MIN)

    # then the Message-ID of every attempt is the one stored when the mail was queued
    sent = {m["Subject"]: m for m in mail_server.accepted}
    assert set(sent) == set(rows)
    assert set(mail_server.tried) == {row.message_id for row in rows.values()}
    assert len(mail_server.tried) == 5  # one attempt failed
    for subject, message in sent.items():
        assert message["Message-ID"] == rows[subject].message_id
        assert message["Message-ID"].endswith("@vendor.test>")
        assert message["Reply-To"] == "help@vendor.test"
        assert message["From"] == "noreply@vendor.test"
    filed, reply, invitation = (
        sent[f"[#{ticket.pk}] We received your request: Calls drop"],
        sent[f"[#{ticket.pk}] New reply: Calls drop"],
        sent["You are invited"],
    )
    assert filed["Auto-Submitted"] == "auto-generated"
    assert sent[f"[#{ticket.pk}] New priority 1 incident: Calls drop"]["Auto-Submitted"] == (
        "auto-generated"
    )
    assert invitation["Auto-Submitted"] == "auto-generated"
    assert reply["Auto-Submitted"] is None  # it carries the engineer's own words


def test_a_mail_about_a_ticket_gets_its_tag_even_when_the_caller_forgot_it(mail_server):
    ticket = factories.TicketFactory()

    row = outbox_enqueue(
        recipients=["a@example.test"], subject="Quota\n used", body="b", ticket=ticket
    )

    assert row.subject == f"[#{ticket.pk}] Quota used"


@pytest.mark.parametrize("zone", ["Europe/Kyiv", "America/New_York", "Asia/Tokyo"])
@pytest.mark.parametrize("language", ["en", "uk"])
def test_the_filing_mail_gives_the_due_time_in_the_contracts_zone_naming_it(
    mail_server, contract, file_incident, zone, language
):
    # given a contract in a zone other than the staff's (whatever the date: DST or not)
    contract.time_zone = zone
    contract.save(update_fields=["time_zone"])

    # when a ticket is filed (in the contact's language)
    with translation.override(language):
        ticket = file_incident()
    outbox_flush_pending(now=timezone.now() + MIN)

    # then the mail gives the reaction due time in that zone, with its offset and name
    (message,) = mail_server.accepted
    local = ticket.reaction_due.astimezone(zoneinfo.ZoneInfo(zone))
    offset = f"{local:%z}"
    expected = f"{local:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]}, {zone})"
    assert mail_time(ticket.reaction_due, zone) == expected
    assert expected in message.get_payload(decode=True).decode()


def test_mail_time_names_utc_once_and_fixed_offsets_by_their_offset():
    instant = dt.datetime(2026, 5, 12, 15, 0, tzinfo=dt.UTC)

    assert mail_time(instant, "UTC") == "2026-05-12 15:00 (UTC)"
    assert mail_time(instant, "Europe/Kyiv") == "2026-05-12 18:00 (UTC+03:00, Europe/Kyiv)"
    assert mail_time(instant, dt.timezone(dt.timedelta(hours=-5))) == "2026-05-12 10:00 (UTC-05:00)"


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_queued_row_its_own_message_id():
    # given the outbox before the migration, with unsent rows in it
    before = [("tickets", "0008_history_codes")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("tickets", "OutboxMessage")
    for n in range(3):
        old.objects.create(recipients=[f"p{n}@example.test"], subject=f"s{n}", body="b")

    # when it (and every later migration) runs
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    # then each row has a Message-ID of its own and is due for delivery at once
    rows = list(OutboxMessage.objects.all())
    assert len({row.message_id for row in rows}) == 3
    assert all(row.message_id.startswith("<") and row.next_attempt_at is None for row in rows)
