"""Compliance leaves withdrawn tickets' unmet targets out, and says how many were withdrawn.

The tickets go through the real services, in a month two months before the test's clock (so the
figures are final whatever instant the suite runs at). Advanced P1 on incident hours
(09:00–18:00 UTC+03:00): reaction due 1 h after the filing at 10:00, resolution 2 h.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from packages.models import Component
from tests import factories
from tests.tickets.dashboard.conftest import KYIV
from tests.tickets.dashboard.helpers import cell_text, csv_rows, ratio_in
from tickets.services import ending, workflow
from tickets.services.filing import ticket_file

pytestmark = pytest.mark.django_db
MIN = dt.timedelta(minutes=1)
UTC3 = dt.timezone(dt.timedelta(hours=3))


def _month_two_before(now: dt.datetime) -> dt.date:
    local = now.astimezone(KYIV).date().replace(day=1)
    index = local.year * 12 + local.month - 1 - 2
    return dt.date(index // 12, index % 12 + 1, 1)


@pytest.fixture
def month() -> dt.date:
    return _month_two_before(timezone.now())


@pytest.fixture
def outcomes(month, engineer):
    """Five P1 incidents, four of them withdrawn, with known outcomes."""
    contract = factories.ContractFactory(
        customer=factories.CustomerFactory(name="Acme Test"),
        valid_from=month - dt.timedelta(days=40),
        valid_to=month + dt.timedelta(days=400),
    )
    contact = factories.ContactFactory(customer=contract.customer)
    component = Component.objects.get(code="inbound-calls")

    def filed(day: int) -> tuple:
        at = dt.datetime.combine(month.replace(day=day), dt.time(10), UTC3)
        ticket = ticket_file(
            contact=contact,
            ticket_type="incident",
            priority=1,
            component=component,
            subject=f"Day {day}",
            description="d",
            now=at,
        )
        return ticket, at

    def reply(ticket, at):
        workflow.ticket_reply(ticket=ticket, by=engineer, body="On it", internal=False, now=at)

    def withdraw(ticket, at, by=None, reason="not_needed", **kw):
        ending.ticket_withdraw(ticket=ticket, by=by or contact.user, reason=reason, now=at, **kw)

    # 1: replied in time, withdrawn by the contact: reaction met; resolution not due
    t1, at = filed(5)
    reply(t1, at + 10 * MIN)
    withdraw(t1, at + 30 * MIN)
    # 2: withdrawn unreplied after its reaction due: reaction due and breached (not met)
    t2, at = filed(6)
    withdraw(t2, at + 90 * MIN)
    # 3: withdrawn unreplied before any due (a duplicate of 4): nothing due, however late
    t3, at3 = filed(7)
    # 4: replied and resolved in time: both met
    t4, at = filed(8)
    reply(t4, at + 5 * MIN)
    ending.ticket_resolve(
        ticket=t4,
        by=engineer,
        root_cause="product_defect",
        time_spent=20 * MIN,
        message="Fixed.",
        now=at + 60 * MIN,
    )
    withdraw(t3, at3 + 20 * MIN, by=engineer, reason="duplicate", duplicate_of=t4.pk)
    # 5: replied, then spam after its resolution breached: reaction met, resolution due, not met
    t5, at = filed(9)
    reply(t5, at + 5 * MIN)
    withdraw(t5, at + 3 * 60 * MIN, by=engineer, reason="spam")
    return contract


def test_withdrawn_metrics_leave_compliance_and_are_counted(manager_client, month, outcomes):
    params = {"from_month": f"{month:%Y-%m}", "to_month": f"{month:%Y-%m}"}
    html = manager_client.get(reverse("tickets:dashboard"), params).content.decode()
    key = f"{month:%Y-%m}"
    # reaction: due for 1, 2, 4, 5 (3 was withdrawn before its due), met by 1, 4, 5
    assert ratio_in(html, "monthly", key, "period-reaction") == (3, 4)
    # resolution: due for 4 and 5 (breached before the withdrawal), met by 4
    assert ratio_in(html, "monthly", key, "period-resolution") == (1, 2)
    assert cell_text(html, "monthly", key, "withdrawn") == "4"
    assert "4 tickets of the period were withdrawn" in html
    rows = csv_rows(manager_client.get("/dashboard/monthly.csv", params))
    assert [(row["Month"], row["Withdrawn"]) for row in rows] == [(key, "4")]
    assert (rows[0]["Reaction met"], rows[0]["Reaction due"]) == ("3", "4")
