"""Known outcomes give exact figures on the page and in the CSV.

The expectations are derived from the fixture's SPECS by the page's own definitions (reaction
due once replied, breached or past its due time; resolution due once resolved, breached or past
its running due time), never by calling the selectors.
"""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.tickets.dashboard.conftest import HOUR, KYIV, MONTH, SPECS, Spec
from tests.tickets.dashboard.helpers import cell_text, csv_rows, ratio_in, row_html

pytestmark = pytest.mark.django_db
PERIOD = {"from_month": "2025-11", "to_month": "2026-10"}
FIRST = dt.date(2025, 11, 1)


def month_of(spec: Spec) -> dt.date:
    return spec.opened.astimezone(KYIV).date().replace(day=1)


def opened(spec: Spec) -> bool:
    return spec.opened is not None


def in_period(spec: Spec) -> bool:
    return opened(spec) and FIRST <= month_of(spec) <= MONTH


def in_month(spec: Spec) -> bool:
    return opened(spec) and month_of(spec) == MONTH


def reaction_due(spec: Spec, now) -> bool:
    return spec.reaction_met is not None or spec.reaction_late or spec.opened + HOUR < now


def resolution_due(spec: Spec, now) -> bool:
    running_past_due = not spec.paused and spec.opened + 8 * HOUR < now
    return spec.resolved or spec.resolution_late or running_past_due


def expected(specs, now) -> dict:
    specs = list(specs)
    r_due = [s for s in specs if reaction_due(s, now)]
    s_due = [s for s in specs if resolution_due(s, now)]
    return {
        "reaction": (sum(s.reaction_met is True for s in r_due), len(r_due)),
        "resolution": (sum(s.resolution_met is True for s in s_due), len(s_due)),
    }


def hours(value: dt.timedelta | None) -> str:
    if value is None:
        return ""
    return str((Decimal(value.total_seconds()) / 3600).quantize(Decimal("0.01"), ROUND_HALF_UP))


def median(values) -> dt.timedelta | None:
    values = list(values)
    return statistics.median(values) if values else None


def percent(met: int, due: int) -> str:
    return str((Decimal(100 * met) / due).quantize(Decimal("0.1"), ROUND_HALF_UP)) if due else ""


def test_customer_compliance_on_the_page_matches_the_known_outcomes(known_tickets, manager_client):
    # given tickets of two customers with known SLA outcomes
    now = timezone.now()
    # when the manager opens the dashboard for October 2026 and the year before
    html = manager_client.get(reverse("tickets:dashboard"), PERIOD).content.decode()
    # then each customer's row shows met/due for the month and the period
    for key, contract in known_tickets.items():
        mine = [s for s in SPECS if s.customer == key]
        month = expected(filter(in_month, mine), now)
        period = expected(filter(in_period, mine), now)
        cid = contract.customer_id
        assert ratio_in(html, "customer", cid, "month-reaction") == month["reaction"]
        assert ratio_in(html, "customer", cid, "month-resolution") == month["resolution"]
        assert ratio_in(html, "customer", cid, "period-reaction") == period["reaction"]
        assert ratio_in(html, "customer", cid, "period-resolution") == period["resolution"]


def test_acme_october_reads_three_of_five_reactions_met(known_tickets, manager_client):
    # given Acme's October: 3 replies in time, 1 late reply, 1 unreplied past its due time
    acme = known_tickets["a"].customer_id
    # when the manager looks at October
    html = manager_client.get(reverse("tickets:dashboard"), PERIOD).content.decode()
    # then 3 of 5 reactions were met, and 60.0 % is shown
    assert ratio_in(html, "customer", acme, "month-reaction") == (3, 5)
    assert "60.0&nbsp;%" in row_html(html, "customer", acme)


def test_breakdown_csv_has_the_same_figures(known_tickets, manager_client):
    now = timezone.now()
    for table, key_of, label_of in (
        (
            "type",
            lambda s: s.ticket_type,
            lambda k: {
                "incident": "Incident",
                "service_request": "Service request",
                "change": "Change",
            }[k],
        ),
        ("package", lambda s: s.customer, lambda k: {"a": "Advanced", "b": "Pro"}[k]),
    ):
        # when the manager downloads the table as CSV
        response = manager_client.get(reverse("tickets:dashboard_csv", args=[table]), PERIOD)
        assert response["Content-Type"].startswith("text/csv")
        assert f"sla-{table}-2025-11-2026-10.csv" in response["Content-Disposition"]
        rows = {row[next(iter(row))]: row for row in csv_rows(response)}
        # medians are overall figures, not per breakdown
        assert not any("Median" in column for column in next(iter(rows.values())))
        # then each group's figures follow from the specs
        for key in {key_of(s) for s in SPECS if in_period(s)}:
            group = [s for s in SPECS if in_period(s) and key_of(s) == key]
            row = rows[label_of(key)]
            period = expected(group, now)
            month = expected([s for s in group if in_month(s)], now)
            span = "(2025-11…2026-10)"
            assert (int(row[f"Reaction met {span}"]), int(row[f"Reaction due {span}"])) == (
                period["reaction"]
            )
            assert row[f"Resolution compliance, % {span}"] == percent(*period["resolution"])
            assert (int(row["Reaction met (2026-10)"]), int(row["Reaction due (2026-10)"])) == (
                month["reaction"]
            )
        everything = expected([s for s in SPECS if in_period(s)], now)
        assert (
            int(rows["All tickets"]["Reaction due (2025-11…2026-10)"])
            == (everything["reaction"][1])
        )


def test_months_follow_the_staff_time_zone(known_tickets, manager_client):
    # given a ticket opened 31 Oct 23:30 Kyiv (20:30 UTC) and one on 1 Nov 00:30 Kyiv (still
    # 31 October in UTC)
    now = timezone.now()
    response = manager_client.get(
        reverse("tickets:dashboard_csv", args=["monthly"]),
        {"from_month": "2026-09", "to_month": "2026-11"},
    )
    rows = {row["Month"]: row for row in csv_rows(response)}
    # then each counts in its Kyiv month
    for label, month in (("2026-10", dt.date(2026, 10, 1)), ("2026-11", dt.date(2026, 11, 1))):
        group = [s for s in SPECS if opened(s) and month_of(s) == month]
        exp = expected(group, now)
        assert (int(rows[label]["Reaction met"]), int(rows[label]["Reaction due"])) == (
            exp["reaction"]
        )
        assert (int(rows[label]["Resolution met"]), int(rows[label]["Resolution due"])) == (
            exp["resolution"]
        )
    assert rows["2026-11"]["Reaction due"] == "1"
    # and the page's monthly table shows the same
    html = manager_client.get(
        reverse("tickets:dashboard"), {"from_month": "2026-09", "to_month": "2026-11"}
    ).content.decode()
    assert ratio_in(html, "monthly", "2026-11", "period-reaction") == (1, 1)


def test_billable_hours_per_customer_and_month(known_tickets, manager_client):
    response = manager_client.get(reverse("tickets:dashboard_csv", args=["billable"]), PERIOD)
    rows = {row["Customer"]: row for row in csv_rows(response)}
    names = {"a": "Acme Test", "b": "Globex Test"}
    for key, name in names.items():
        billed = [s for s in SPECS if s.customer == key and s.billable_spent and in_period(s)]
        by_month: dict[str, dt.timedelta] = {}
        for s in billed:
            resolved = (s.opened + s.resolution_elapsed).astimezone(KYIV)
            label = f"{resolved:%Y-%m}"
            by_month[label] = by_month.get(label, dt.timedelta()) + s.billable_spent
        for label, spent in by_month.items():
            assert rows[name][label] == hours(spent)
        assert rows[name]["Total"] == hours(sum(by_month.values(), dt.timedelta()))
    # and the page shows the same total
    html = manager_client.get(reverse("tickets:dashboard"), PERIOD).content.decode()
    acme = known_tickets["a"].customer_id
    assert cell_text(html, "billable", acme, "total") == rows["Acme Test"]["Total"]


def test_quota_usage_of_the_selected_month(known_tickets, manager_client):
    used = sum(1 for s in SPECS if s.customer == "a" and s.quota and month_of(s) == MONTH)
    response = manager_client.get(reverse("tickets:dashboard_csv", args=["quota"]), PERIOD)
    rows = csv_rows(response)
    # then only the Advanced customer is listed, with the units its October requests used
    assert [row["Customer"] for row in rows] == ["Acme Test"]
    assert rows[0]["Used"] == str(used)
    assert rows[0]["Remaining"] == str(30 - used)
    html = manager_client.get(reverse("tickets:dashboard"), PERIOD).content.decode()
    assert cell_text(html, "quota", known_tickets["a"].customer_id, "remaining") == str(30 - used)


def test_customer_filter_narrows_every_table(known_tickets, manager_client):
    now = timezone.now()
    globex = known_tickets["b"].customer_id
    params = {**PERIOD, "customer": globex}
    response = manager_client.get(reverse("tickets:dashboard_csv", args=["customer"]), params)
    rows = csv_rows(response)
    assert [row["Customer"] for row in rows] == ["Globex Test", "All tickets"]
    mine = expected([s for s in SPECS if s.customer == "b" and in_period(s)], now)
    assert int(rows[-1]["Reaction due (2025-11…2026-10)"]) == mine["reaction"][1]
    assert f"customer-{globex}" in response["Content-Disposition"]
    html = manager_client.get(reverse("tickets:dashboard"), params).content.decode()
    assert "Acme Test" not in html.split('id="table-customer"')[1].split("</table>")[0]
