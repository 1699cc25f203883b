"""The monthly mail: from the first working day on, each customer admin gets last month's
statement as PDF and CSV, once however often the job runs; managers can send one again."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core import mail
from django_celery_beat.models import PeriodicTask

from sla.models import BusinessCalendar, CalendarClosedDate
from statements import tasks
from statements.mail import first_working_day, statement_mail_queue, statements_monthly_mail
from statements.models import FileKind, FrozenStatement, FrozenStatementFile, StatementMail
from statements.services import MAKERS
from tests import factories
from tests.statements.helpers import pdf_text
from tickets.models import OutboxMessage
from tickets.services.outbox import outbox_deliver_many

KYIV = ZoneInfo("Europe/Kyiv")


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, tzinfo=KYIV)


def _service_desk() -> BusinessCalendar:
    return BusinessCalendar.objects.get(key="service-desk-hours")


def test_the_first_working_day_skips_weekends_and_the_calendars_holidays(db):
    calendar = _service_desk()
    assert first_working_day(dt.date(2026, 11, 1), calendar) == dt.date(2026, 11, 2)  # Sun → Mon
    CalendarClosedDate.objects.create(calendar=calendar, date=dt.date(2026, 12, 1))
    assert first_working_day(dt.date(2026, 12, 1), _service_desk()) == dt.date(2026, 12, 2)


def test_the_job_mails_each_admin_once_with_the_pdf_and_csv_from_the_first_working_day(
    acme, acme_admin, settings
):
    # Given 1 December 2026 (a Tuesday) is a holiday of the service-desk calendar
    CalendarClosedDate.objects.create(calendar=_service_desk(), date=dt.date(2026, 12, 1))
    factories.ContactFactory(customer=acme, user__email="plain@acme.test")  # not an admin

    # the holiday: nothing yet
    assert statements_monthly_mail(now=_at(1, 10)) == 0
    assert not StatementMail.objects.exists()

    # the first working day: one mail per admin (Acme has one), however often the job runs
    assert statements_monthly_mail(now=_at(2, 9)) == 1
    assert statements_monthly_mail(now=_at(2, 10)) == 0
    assert statements_monthly_mail(now=_at(3, 9)) == 0
    sent = StatementMail.objects.get()
    assert (sent.customer, sent.month, sent.contact, sent.automatic) == (
        acme,
        dt.date(2026, 11, 1),
        acme_admin,
        True,
    )
    frozen = FrozenStatement.objects.get(customer=acme, month=dt.date(2026, 11, 1))
    # the files were made with the mail, in the admin's language: sending only reads them
    assert sorted(frozen.files.values_list("language", "kind")) == [("uk", "csv"), ("uk", "pdf")]
    row = OutboxMessage.objects.get(pk=sent.outbox_id)
    assert row.recipients == ["admin@acme.test"]
    assert "листопад" in row.subject.lower()  # the admin reads Ukrainian
    assert f"/statements/{acme.pk}/2026-11/" in row.body  # and a link to the page

    # When the outbox sends it, the files are attached (in the admin's language)
    assert outbox_deliver_many(message_ids=[row.pk], now=_at(2, 9)) == 1
    (message,) = mail.outbox
    names = sorted(name for name, _content, _type in message.attachments)
    assert names == [f"sla-statement-{acme.pk}-2026-11.csv", f"sla-statement-{acme.pk}-2026-11.pdf"]
    pdf = next(content for name, content, _t in message.attachments if name.endswith(".pdf"))
    text = pdf_text(pdf)
    assert pdf.startswith(b"%PDF") and "Acme Test" in text and "Усі звернення" in text


def test_a_manager_sends_again_however_many_times_and_the_monthly_one_still_goes_once(
    acme, acme_admin
):
    now = _at(2, 9)
    assert (
        statement_mail_queue(customer=acme, month=dt.date(2026, 10, 1), automatic=False, now=now)
        == 1
    )
    assert (
        statement_mail_queue(customer=acme, month=dt.date(2026, 10, 1), automatic=False, now=now)
        == 1
    )
    assert (
        statement_mail_queue(customer=acme, month=dt.date(2026, 10, 1), automatic=True, now=now)
        == 1
    )
    assert (
        statement_mail_queue(customer=acme, month=dt.date(2026, 10, 1), automatic=True, now=now)
        == 0
    )
    assert StatementMail.objects.filter(automatic=False).count() == 2
    assert StatementMail.objects.filter(automatic=True).count() == 1


def test_a_file_that_cannot_be_made_keeps_the_mail_for_a_retry(acme, acme_admin, monkeypatch):
    statement_mail_queue(customer=acme, month=dt.date(2026, 10, 1), automatic=True, now=_at(2, 9))
    row = OutboxMessage.objects.get()
    FrozenStatementFile.objects.all().delete()  # e.g. removed in the admin

    def broken(view):
        raise OSError("no fonts")

    monkeypatch.setitem(MAKERS, FileKind.PDF, broken)
    assert outbox_deliver_many(message_ids=[row.pk], now=_at(2, 9)) == 0
    row.refresh_from_db()
    assert row.sent_at is None and row.next_attempt_at is not None and "no fonts" in row.last_error
    monkeypatch.undo()
    assert outbox_deliver_many(message_ids=[row.pk], now=row.next_attempt_at) == 1
    assert len(mail.outbox) == 1 and len(mail.outbox[0].attachments) == 2


def test_beat_runs_the_monthly_job_hourly_and_the_task_calls_the_service(db, monkeypatch):
    job = PeriodicTask.objects.get(task="statements.tasks.statements_monthly_mail")
    assert job.enabled and job.crontab.minute == "20" and job.crontab.hour == "*"
    seen = []
    monkeypatch.setattr(tasks, "monthly_mail_run", lambda *, now: seen.append(now) or 3)
    assert tasks.statements_monthly_mail.apply().get() == 3
    assert len(seen) == 1 and seen[0].tzinfo is not None
