"""A new Pro P1 reaches the on-duty engineer's mailbox through a real worker within a minute.

Same set-up as test_celery_worker (Redis, PostgreSQL, a real `celery worker` process): this
process publishes the after-commit task instead of running it eagerly, and the worker sends.
"""

import datetime as dt

from django.utils import timezone

from oncall.models import RotaChange
from packages.models import Component
from sla.models import TicketType
from tests import factories
from tests.integration.test_celery_worker import (
    _wait_for,
    worker,  # noqa: F401 - the fixture
)
from tests.integration.test_celery_worker import pytestmark as worker_marks
from tickets.models import OutboxMessage
from tickets.services.filing import ticket_file

pytestmark = worker_marks


def test_a_pro_p1_is_mailed_to_the_on_duty_engineer_by_the_worker_at_once(
    worker, other_contact  # noqa: F811
):
    from portal.celery import app

    on_duty = factories.EngineerFactory(email="duty@vendor.test")
    factories.EngineerFactory(email="off@vendor.test")
    RotaChange.objects.create(
        engineer=on_duty, starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(hours=1), on_duty=True,
    )
    log = worker()
    assert _wait_for(lambda: "ready" in log.read_text(), 60), log.read_text()[-4000:]

    app.conf.task_always_eager = False  # publish to the broker, as the web process does
    try:
        ticket = ticket_file(
            contact=other_contact, ticket_type=TicketType.INCIDENT, priority=1,
            component=Component.objects.get(code="inbound-calls"),
            subject="Every inbound call fails", description="SIP 503.",
        )
    finally:
        app.conf.task_always_eager = True

    staff = OutboxMessage.objects.filter(ticket=ticket, dedupe_key__startswith="staff:")
    assert _wait_for(lambda: staff.filter(sent_at__isnull=False).exists(), 60), (
        log.read_text()[-4000:]
    )
    (mail,) = staff
    assert "duty@vendor.test" in mail.recipients and "off@vendor.test" not in mail.recipients
    assert mail.sent_at - mail.created_at < dt.timedelta(minutes=1)
