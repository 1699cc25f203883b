"""Each ticket's SLA timeline on the statement: every change that moved a due time, with its
reason, written by the real services (workaround, reclassification, extension), and the
outcome of a withdrawn ticket."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from packages.models import Component
from tests.statements.conftest import kyiv_month
from tickets.models import WithdrawReason
from tickets.services.ending import ticket_withdraw
from tickets.services.filing import ticket_file
from tickets.services.workflow import ticket_priority_change, ticket_reclassify, ticket_sla_extend

MIN = dt.timedelta(minutes=1)
UTC3 = dt.timezone(dt.timedelta(hours=3))


def _file(contact, now, **kwargs):
    return ticket_file(
        contact=contact,
        ticket_type=kwargs.pop("ticket_type", "incident"),
        priority=kwargs.pop("priority", 1),
        component=Component.objects.get(code="inbound-calls"),
        subject=kwargs.pop("subject", "Calls drop"),
        description="Every call drops after 30 seconds.",
        now=now,
    )


def test_the_timeline_says_why_each_due_time_moved_and_withdrawn_is_an_outcome(
    contact, contact_client, engineer, manager
):
    # Given an incident filed yesterday at 10:00 UTC+03:00 (inside incident hours), given a
    # workaround (priority 1 → 3), then reclassified as a service request and extended
    t0 = dt.datetime.combine(timezone.localdate() - dt.timedelta(days=1), dt.time(10), UTC3)
    ticket = _file(contact, t0)
    ticket = ticket_priority_change(
        ticket=ticket, priority=3, workaround=True, by=engineer, now=t0 + 30 * MIN
    )
    ticket = ticket_reclassify(
        ticket=ticket,
        ticket_type="service_request",
        priority=None,
        by=engineer,
        now=t0 + 60 * MIN,
    )
    ticket_sla_extend(
        ticket=ticket, reason="Waiting for the carrier", by=manager, now=t0 + 90 * MIN
    )
    gone = _file(contact, t0 + 20 * MIN, subject="Not needed", priority=3)
    late = _file(contact, t0 + 20 * MIN, subject="Late, then not needed")
    ticket_withdraw(
        ticket=late, by=contact.user, reason=WithdrawReason.NOT_NEEDED, now=t0 + 100 * MIN
    )
    ticket_withdraw(
        ticket=gone, by=contact.user, reason=WithdrawReason.NOT_NEEDED, now=t0 + 100 * MIN
    )

    # When the contact reads that month's statement
    month = kyiv_month(t0)
    url = reverse("statements:month", args=[contact.customer_id, month])
    page = contact_client.get(url).content.decode()

    # Then the ticket's timeline lists each change with its reason and the due times
    timeline = page.split(f'data-ticket="{ticket.pk}"')[1].split("data-ticket=")[0]
    assert "SLA started: reaction due" in timeline
    assert (
        timeline.index("Workaround")
        < timeline.index("Reclassification")
        < timeline.index("Extension")
    )
    assert "new clock: priority 3" in timeline.lower()
    assert "resolution target extended to" in timeline
    assert "(Incident, 1 — Critical)" in timeline  # filed as
    assert "1 — Critical → 3 — Normal" in timeline
    assert "Incident, 3 — Normal → Service request" in timeline
    assert "(Waiting for the carrier)" in timeline  # the extension's reason
    # and a withdrawn ticket's unmet targets are "withdrawn"; a breach before it stays
    assert f'data-ticket="{gone.pk}" data-reaction="withdrawn" data-resolution="withdrawn"' in page
    assert f'data-ticket="{late.pk}" data-reaction="breached" data-resolution="withdrawn"' in page
    csv = contact_client.get(reverse("statements:csv", args=[contact.customer_id, month]))
    assert "Workaround" in csv.content.decode("utf-8-sig")
