"""A real Celery worker with embedded beat (database scheduler) against Redis and PostgreSQL.

Runs where CI runs it: CELERY_BROKER_URL=redis://… and DATABASE_URL=postgres://…; skipped
elsewhere. The worker process uses the same test database; a ticket filed two days ago (so its
resolution is long overdue) gets flagged by the beat's SLA check and the engineer is told of it in
exactly one digest e-mail, even when the check runs again.
"""

import datetime as dt
import importlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from sla.models import TicketType
from tests import factories
from tests.tickets.jobs.digests import digests, events_in, told
from tickets.models import MessageKind, OutboxMessage, SlaAlert, Ticket
from tickets.services.conversation import message_add
from tickets.services.filing import ticket_file

BASE_DIR = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CELERY_BROKER_URL", "")
UTC3 = dt.timezone(dt.timedelta(hours=3))

pytestmark = [
    pytest.mark.redis,
    pytest.mark.real_clock,  # the worker process reads the real clock
    # committed rows the worker can see; the seeded terms restored after other tests' flushes
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
    pytest.mark.skipif(
        not BROKER.startswith("redis://"), reason="needs CELERY_BROKER_URL=redis://"
    ),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{db['NAME']}"


def _seed_schedules() -> None:
    """transactional_db flushes tables between tests: seed the beat rows again, due now."""
    migration = importlib.import_module("tickets.migrations.0003_seed_beat_schedules")
    migration.seed(apps, None)
    PeriodicTask.objects.filter(task="sla.tasks.sla_check").update(
        start_time=None, last_run_at=timezone.now() - dt.timedelta(minutes=5)
    )


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


@pytest.fixture
def worker(db, tmp_path):
    """Start `celery worker -B` lazily (after the test's rows exist); stop it cleanly."""
    import redis

    redis.Redis.from_url(BROKER).flushdb()  # no messages left over from another run
    log = tmp_path / "worker.log"
    started: list[subprocess.Popen] = []

    def start() -> Path:
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "CELERY_TASK_ALWAYS_EAGER": "False",
            "CELERY_BROKER_URL": BROKER,
            "PORTAL_VAR_DIR": str(tmp_path / "var"),
        }
        celery = Path(sys.executable).with_name("celery")
        started.append(
            subprocess.Popen(
                [
                    str(celery),
                    "-A",
                    "portal",
                    "worker",
                    "-B",
                    "--pool=solo",
                    "--loglevel=INFO",
                    "--scheduler",
                    "django_celery_beat.schedulers:DatabaseScheduler",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        return log

    yield start
    for process in started:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        assert process.returncode is not None


def test_beat_flags_the_breach_and_the_worker_sends_one_alert(worker, contact, engineer):
    # given a P1 incident filed two days ago at 10:00 (UTC+03:00) and answered at once:
    # its reaction was met, its resolution (due 12:00 that day) is long overdue
    filed = dt.datetime.combine(
        timezone.localdate() - dt.timedelta(days=2), dt.time(10), tzinfo=UTC3
    )
    ticket = ticket_file(
        contact=contact,
        ticket_type=TicketType.INCIDENT,
        priority=1,
        component=factories.ComponentFactory(),
        subject="All calls drop",
        description="Since the update.",
        now=filed,
    )
    message_add(
        ticket=ticket,
        author=engineer,
        kind=MessageKind.PUBLIC_REPLY,
        body="Looking into it.",
        now=filed + dt.timedelta(minutes=5),
    )
    _seed_schedules()

    # when a real worker with embedded beat runs
    log = worker()

    def alert_sent() -> bool:
        return digests().filter(ticket=ticket, sent_at__isnull=False).exists()

    assert _wait_for(alert_sent, timeout=60), log.read_text()[-4000:]
    # and the check runs again (a duplicate delivery, an overlapping tick)
    from portal.celery import app

    with app.connection_for_write(BROKER) as conn:
        app.send_task("sla.tasks.sla_check", connection=conn)
        app.send_task("sla.tasks.sla_check", connection=conn)
    assert _wait_for(lambda: log.read_text().count("Task sla.tasks.sla_check[") >= 3, 20), (
        log.read_text()[-4000:]
    )

    # then the breach is flagged at its due time and told exactly once
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.resolution_breached_at == ticket.resolution_due == filed + dt.timedelta(hours=2)
    assert ticket.reaction_breached_at is None
    assert list(SlaAlert.objects.filter(ticket=ticket).values_list("metric", "kind")) == [
        ("resolution", "breach")
    ]
    # (the worker's sent mail is in its own process: the outbox rows are what we can see)
    (digest,) = digests()
    assert digest.recipients == [engineer.email]
    assert events_in(digest.body) == [(ticket.pk, "resolution", "breach")]
    assert told(digests()) == {(engineer.email, ticket.pk, "resolution", "breach"): 1}
    assert digest.sent_at is not None
    assert OutboxMessage.objects.filter(ticket=ticket, sent_at__isnull=True).count() == 0
    assert settings.CELERY_TASK_ALWAYS_EAGER  # this process stayed eager; the worker was not
