"""The beat schedules seeded by migration: every task exists, runs on its schedule, once."""

import importlib

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from portal.celery import app

pytestmark = pytest.mark.django_db

seed = importlib.import_module("tickets.migrations.0003_seed_beat_schedules").seed


def test_the_seed_creates_each_schedule_once_for_registered_tasks():
    PeriodicTask.objects.all().delete()  # a transactional test may have flushed them anyway

    seed(apps, None)
    seed(apps, None)  # idempotent: re-running keeps one row each

    rows = {row.task: row for row in PeriodicTask.objects.select_related("interval", "crontab")}
    assert set(rows) == {
        "sla.tasks.sla_check",
        "tickets.tasks.outbox_flush",
        "tickets.tasks.quota_open_deferred",
        "tickets.tasks.quota_reconcile",
    }
    app.loader.import_default_modules()
    assert set(rows) <= set(app.tasks)
    for every_minute in ("sla.tasks.sla_check", "tickets.tasks.outbox_flush"):
        interval = rows[every_minute].interval
        assert (interval.every, interval.period) == (1, "minutes")
        assert rows[every_minute].expire_seconds < 60  # a missed tick is dropped, not piled up
    opening = rows["tickets.tasks.quota_open_deferred"].crontab
    assert (opening.minute, opening.hour) == ("5", "*")  # hourly: each zone's midnight
    assert rows["tickets.tasks.quota_reconcile"].crontab.hour == "2"


def test_the_tasks_are_late_acknowledged_and_retried():
    app.loader.import_default_modules()
    for name in (
        "sla.tasks.sla_check",
        "tickets.tasks.quota_open_deferred",
        "tickets.tasks.quota_usage_check",
        "tickets.tasks.quota_reconcile",
    ):
        task = app.tasks[name]
        assert task.acks_late is True
        assert task.max_retries >= 3
        assert Exception in task.autoretry_for


def test_the_mail_tasks_never_start_retry_chains_of_their_own():
    # a failed mail waits on its row for the flush: retries by the tasks themselves would
    # multiply with every flush (one chain each) and end at their cap
    app.loader.import_default_modules()
    for name in (
        "tickets.tasks.outbox_flush",
        "tickets.tasks.outbox_send",
        "tickets.tasks.outbox_send_many",
    ):
        task = app.tasks[name]
        assert task.acks_late is True
        assert not getattr(task, "autoretry_for", ())
