"""A month that has ended is frozen when its statement is first made: later changes to
calendars, targets or tickets never rewrite it; the current month stays live."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from sla.models import BusinessCalendar, CalendarClosedDate, SlaTarget
from statements.models import FileKind, FrozenStatement
from statements.selectors import compute_statement
from statements.services import MAKERS
from tests import factories
from tests.statements.conftest import kyiv_month, kyiv_text
from tests.statements.helpers import page_ratios
from tests.tickets.dashboard.conftest import Spec, spec_row
from tickets.models import Ticket, TicketChange


def test_a_frozen_month_is_not_rewritten_by_calendar_target_or_ticket_changes(
    acme, acme_admin, acme_client, month_arg, now, frozen_clock
):
    url = reverse("statements:month", args=[acme.pk, month_arg])
    first = acme_client.get(url).content.decode()
    frozen = FrozenStatement.objects.get(customer=acme)
    before = frozen.data
    assert dt.timedelta(0) <= frozen.frozen_at - now < dt.timedelta(minutes=1)
    shown = f"was frozen on {kyiv_text(frozen.frozen_at)}"
    assert shown in first  # the date it was frozen

    # When, days later, a calendar, a target and the month's tickets change
    frozen_clock.shift(dt.timedelta(days=3))
    calendar = BusinessCalendar.objects.get(key="service-desk-hours")
    CalendarClosedDate.objects.create(calendar=calendar, date=dt.date(2026, 10, 20), name="late")
    SlaTarget.objects.filter(ticket_type="incident", priority=3).update(
        reaction=dt.timedelta(hours=9)
    )
    breached = Ticket.objects.get(customer=acme, subject__contains="2026-10-20")
    Ticket.objects.filter(pk=breached.pk).update(reaction_met=True, resolution_met=True)
    TicketChange.objects.create(
        ticket=breached,
        at=now,
        action="sla_retimed",
        effects=[{"kind": "reaction_due", "due": now.isoformat()}],
    )
    assert compute_statement(customer=acme, month=dt.date(2026, 10, 1), now=now) != before

    # Then the statement still shows what it showed
    acme_client.force_login(acme_admin.user)  # a new session: the old one timed out
    again = acme_client.get(url).content.decode()
    assert FrozenStatement.objects.get(customer=acme).data == before
    assert page_ratios(again, "type") == page_ratios(first, "type")
    assert shown in again
    assert "9 h 00 min" not in again and "Calendar or terms change" not in again


def test_the_current_month_is_live_and_never_frozen(acme, acme_client, known_tickets, now):
    # Given a ticket of the current month, opened a minute ago and replied to in time
    # (its resolution is not due yet)
    contract = known_tickets["a"]
    Ticket.objects.filter(customer=acme, opened_at__gte=now - dt.timedelta(days=40)).delete()
    opened = now - dt.timedelta(minutes=1)
    Ticket.objects.bulk_create(
        [
            spec_row(
                Spec("a", opened, reaction_met=True, reaction_elapsed=dt.timedelta(seconds=30)),
                contract=contract,
                reporter=factories.ContactUserFactory(customer=acme),
                component=factories.ComponentFactory(),
            )
        ]
    )
    url = reverse("statements:month", args=[acme.pk, kyiv_month(opened)])
    page = acme_client.get(url).content.decode()
    assert "computed live" in page
    assert page_ratios(page, "type")["all"] == (1, 1, 0, 0)
    # When the ticket changes, the statement shows it at once
    Ticket.objects.filter(customer=acme, opened_at=opened).update(reaction_met=False)
    assert page_ratios(acme_client.get(url).content.decode(), "type")["all"] == (0, 1, 0, 0)
    assert not FrozenStatement.objects.exists()


def test_a_frozen_months_files_are_made_once_and_then_served_as_kept(
    acme, acme_client, month_arg, monkeypatch
):
    url = reverse("statements:pdf", args=[acme.pk, month_arg])
    first = acme_client.get(url).content

    def must_not_run(view):
        raise AssertionError("a kept file is not made again")

    monkeypatch.setitem(MAKERS, FileKind.PDF, must_not_run)
    assert acme_client.get(url).content == first
