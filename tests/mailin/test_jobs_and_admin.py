"""The beat job that polls the mailbox, its schedule, and the staff-only original message."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from mailin import tasks
from mailin.imap import MailboxConfig
from mailin.models import InboundMessage
from mailin.services.ingest import mail_ingest
from portal.celery import app
from tests.mailin.conftest import eml

seed = importlib.import_module("mailin.migrations.0002_seed_mail_poll").seed

pytestmark = pytest.mark.django_db


def test_the_poll_is_scheduled_often_enough_for_a_p1():
    PeriodicTask.objects.filter(task="mailin.tasks.mail_poll").delete()
    seed(apps, None)
    seed(apps, None)  # idempotent
    job = PeriodicTask.objects.get(task="mailin.tasks.mail_poll")
    assert job.enabled and job.interval.period == "seconds" and job.interval.every <= 30
    assert job.expire_seconds < job.interval.every  # a missed poll is dropped, not piled up
    app.loader.import_default_modules()
    assert app.tasks[job.task].acks_late


def test_no_mailbox_configured_means_no_poll(settings, monkeypatch):
    settings.MAIL_IN_URL = ""
    monkeypatch.setattr(tasks, "mailbox_poll", lambda *a, **k: pytest.fail("polled"))
    assert tasks.mail_poll() == 0


def test_the_poll_reads_the_configured_mailbox_once_at_a_time(settings, monkeypatch):
    settings.MAIL_IN_URL = "imap://u:p@127.0.0.1:1/INBOX"
    settings.MAIL_IN_DONE_FOLDER = "Done"
    calls = []

    def poll(url, *, done_folder):
        calls.append((url, done_folder))
        assert tasks.mail_poll() == 0  # a second poll while this one runs does nothing
        return 3

    monkeypatch.setattr(tasks, "mailbox_poll", poll)
    assert tasks.mail_poll() == 3
    assert calls == [("imap://u:p@127.0.0.1:1/INBOX", "Done")]


def test_a_mail_server_that_is_down_is_a_warning_not_a_crash(settings, caplog):
    settings.MAIL_IN_URL = "imap://u:p@127.0.0.1:9/INBOX"  # the discard port: nothing listens
    assert tasks.mail_poll() == 0
    assert "mailbox poll failed" in caplog.text


def test_mailbox_url():
    config = MailboxConfig.from_url("imaps://support%40x.test:p%40ss@imap.x.test:993/Support")
    assert (
        config.secure,
        config.host,
        config.port,
        config.user,
        config.password,
        config.folder,
    ) == (True, "imap.x.test", 993, "support@x.test", "p@ss", "Support")
    with pytest.raises(ValueError):
        MailboxConfig.from_url("pop3://x")


def test_the_original_message_downloads_for_staff_only(
    engineer_client, superuser_client, contact_client, now
):
    mail_ingest(raw=eml("plain_p1.eml"), now=now)
    kept = InboundMessage.objects.get()
    url = reverse("admin:mailin_inboundmessage_raw", args=[kept.pk])
    response = engineer_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "message/rfc822"
    assert response.content == eml("plain_p1.eml")
    assert contact_client.get(url).status_code == 302  # to the admin login, nothing shown
    listing = superuser_client.get(reverse("admin:mailin_inboundmessage_changelist"))
    assert listing.status_code == 200 and b"Calls drop" in listing.content
    page = superuser_client.get(reverse("admin:mailin_inboundmessage_change", args=[kept.pk]))
    assert page.status_code == 200 and url.encode() in page.content
