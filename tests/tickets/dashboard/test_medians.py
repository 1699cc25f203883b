"""Median reaction and resolution business time: overall figures, recomputed from the specs.

The page shows them for the whole period, the selected month (customer filter applied) and each
month of the trend table and its CSV, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.tickets.dashboard.conftest import SPECS, Spec
from tests.tickets.dashboard.helpers import csv_rows
from tests.tickets.dashboard.test_figures import (
    PERIOD,
    hours,
    in_month,
    in_period,
    median,
    month_of,
    opened,
)
from tickets.selectors import dashboard as selectors

pytestmark = pytest.mark.django_db


def medians_of(specs: list[Spec]) -> tuple[str, str]:
    """The expected (reaction, resolution) medians as the page prints them ("" when none)."""
    return (
        hours(median(s.reaction_elapsed for s in specs if s.reaction_elapsed)),
        hours(median(s.resolution_elapsed for s in specs if s.resolved)),
    )


def summary(html: str, name: str) -> str:
    match = re.search(rf'id="summary-{name}">([^<]*)<', html)
    assert match, f"summary-{name} not on the page"
    value = match.group(1).strip()
    if "month" in name:  # "October 2026: 1.50"
        value = value.rsplit(":", 1)[1].strip()
    return "" if value == "—" else value


def page_medians(html: str) -> dict[str, tuple[str, str]]:
    return {
        "period": (summary(html, "median-reaction"), summary(html, "median-resolution")),
        "month": (
            summary(html, "month-median-reaction"),
            summary(html, "month-median-resolution"),
        ),
    }


@pytest.mark.parametrize("customer", [None, "a", "b"])
def test_period_and_month_medians_follow_the_specs(known_tickets, manager_client, customer):
    # given tickets of two customers with known business times
    params = dict(PERIOD)
    if customer:
        params["customer"] = known_tickets[customer].customer_id
    mine = [s for s in SPECS if customer is None or s.customer == customer]
    # when the manager opens the dashboard (optionally for one customer)
    html = manager_client.get(reverse("tickets:dashboard"), params).content.decode()
    # then the summary shows the medians of the period's and of the month's tickets
    shown = page_medians(html)
    assert shown["period"] == medians_of([s for s in mine if in_period(s)])
    assert shown["month"] == medians_of([s for s in mine if in_month(s)])


def test_even_counts_take_the_mean_of_the_two_middle_values(known_tickets, manager_client):
    # given Globex's October: two replies (15 min and 6 h), one resolution (90 min)
    globex = [s for s in SPECS if s.customer == "b" and in_month(s)]
    assert len([s for s in globex if s.reaction_elapsed]) == 2
    params = {**PERIOD, "customer": known_tickets["b"].customer_id}
    html = manager_client.get(reverse("tickets:dashboard"), params).content.decode()
    # then the month's median reaction is halfway between them, as PERCENTILE_CONT gives
    assert summary(html, "month-median-reaction") == "3.13"  # (0.25 h + 6 h) / 2, rounded
    assert summary(html, "month-median-resolution") == "1.50"


def test_breakdown_tables_have_no_medians(known_tickets, manager_client):
    html = manager_client.get(reverse("tickets:dashboard"), PERIOD).content.decode()
    for table in selectors.BREAKDOWNS:
        body = html.split(f'id="table-{table}"')[1].split("</table>")[0]
        assert "median" not in body.lower()


def test_monthly_medians_in_the_trend_and_its_csv(known_tickets, manager_client):
    # given tickets opened over four months (Kyiv months), on either database
    params = {"from_month": "2026-08", "to_month": "2026-11"}
    # when the manager downloads the monthly table
    rows = csv_rows(manager_client.get(reverse("tickets:dashboard_csv", args=["monthly"]), params))
    html = manager_client.get(reverse("tickets:dashboard"), params).content.decode()
    # then each month shows the medians of the tickets opened in it
    assert [row["Month"] for row in rows] == ["2026-08", "2026-09", "2026-10", "2026-11"]
    for row in rows:
        month = [s for s in SPECS if opened(s) and f"{month_of(s):%Y-%m}" == row["Month"]]
        expected = medians_of(month)
        assert (
            row["Median reaction, business hours"],
            row["Median resolution, business hours"],
        ) == expected
        cells = re.search(rf'<tr data-key="{row["Month"]}">(.*?)</tr>', html, re.S).group(1)
        shown = re.findall(r'<td class="median-(?:reaction|resolution)">([^<]*)</td>', cells)
        assert shown == [value or "—" for value in expected]
    # and no note says they are missing
    assert "monthly-medians-note" not in html
    assert "Medians per month are shown" not in html


@pytest.mark.parametrize("customer", ["a", "b"])
def test_monthly_medians_of_one_customer(known_tickets, manager_client, customer):
    params = {"from_month": "2026-08", "to_month": "2026-11"}
    params["customer"] = known_tickets[customer].customer_id
    rows = csv_rows(manager_client.get(reverse("tickets:dashboard_csv", args=["monthly"]), params))
    for row in rows:
        month = [
            s
            for s in SPECS
            if s.customer == customer and opened(s) and f"{month_of(s):%Y-%m}" == row["Month"]
        ]
        assert (
            row["Median reaction, business hours"],
            row["Median resolution, business hours"],
        ) == medians_of(month)


def test_the_medians_take_the_same_queries_whatever_the_months(known_tickets, manager_client):
    # given a 12-month period and a 1-month one
    counts = {}
    spans = {"one": {"from_month": "2026-10", "to_month": "2026-10"}, "twelve": PERIOD}
    for span, params in spans.items():
        with CaptureQueriesContext(connection) as ctx:
            assert manager_client.get(reverse("tickets:dashboard"), params).status_code == 200
        sqls = [q["sql"] for q in ctx.captured_queries]
        counts[span] = (
            len([sql for sql in sqls if "rollups_medianbin" in sql]),
            len([sql for sql in sqls if "UNION ALL" in sql and "_elapsed" in sql]),
        )
    # then each reads the stored histograms twice (wide, then the needed fine bins) and the
    # tickets at most once more for split middles, however many months it shows
    for histogram_reads, exact_reads in counts.values():
        assert histogram_reads == 2
        assert exact_reads <= 1
