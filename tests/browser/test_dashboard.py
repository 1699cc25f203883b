"""A manager looks at the SLA dashboard in a real browser: charts, customer filter, CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests import factories
from tests.browser.two_factor import pass_two_factor
from tests.tickets.dashboard.conftest import known_tickets, long_contracts  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def manager_user(transactional_db):
    return factories.ManagerFactory(username="boss@vendor.test")


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", factories.TEST_PASSWORD)
    page.click("button[type=submit]")
    pass_two_factor(page, user)  # managers log in with a code too
    page.wait_for_load_state()


def customer_cell(page, table: str) -> list[str]:
    return page.locator(f'table[data-table="{table}"] tbody th').all_inner_texts()


def test_manager_reads_the_dashboard_filters_and_downloads_csv(
    page,
    live_server,
    manager_user,
    known_tickets,  # noqa: F811
    shot,
):
    # given a manager and tickets of Acme and Globex in October 2026
    log_in(page, live_server, manager_user)
    # when the manager opens the dashboard for the year to October 2026
    page.goto(f"{live_server.url}/dashboard/?from_month=2025-11&to_month=2026-10")
    page.wait_for_selector("#compliance-chart")
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length >= 2")
    shot(page, "dashboard")
    # then both charts were drawn, with data
    assert page.evaluate("() => Object.keys(Chart.instances).length") > 0
    points = page.evaluate(
        "() => Object.values(Chart.instances).map(c => c.data.datasets"
        ".reduce((n, d) => n + d.data.filter(v => v !== null).length, 0))"
    )
    assert all(n > 0 for n in points)
    assert customer_cell(page, "customer") == ["Acme Test", "Globex Test"]
    acme_row = page.locator('table[data-table="customer"] tbody tr').first
    assert "60.0" in acme_row.inner_text()

    # when the manager picks Globex and applies the filter
    globex = known_tickets["b"].customer_id
    page.select_option("select[name=customer]", str(globex))
    page.click("#dashboard-filters button[type=submit]")
    page.wait_for_url(f"**customer={globex}**")
    page.wait_for_function("() => Object.keys(Chart.instances).length >= 2")
    shot(page, "filtered")
    # then only Globex's figures remain
    assert customer_cell(page, "customer") == ["Globex Test"]
    footer = page.locator('table[data-table="customer"] tfoot').inner_text()
    assert "(1/2)" in footer  # Globex's October: 1 of 2 reactions met

    # when the manager downloads the customer table as CSV
    with page.expect_download() as info:
        page.click("#table-customer a.csv-link")
    download = info.value
    assert download.suggested_filename.startswith("sla-customer-2025-11-2026-10")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    # then the file has the header and the filtered rows
    assert rows[0][0] == "Customer" and "Reaction due (2026-10)" in rows[0]
    assert [row[0] for row in rows[1:]] == ["Globex Test", "All tickets"]
    header = rows[0]
    assert rows[1][header.index("Reaction met (2026-10)")] == "1"
    assert rows[1][header.index("Reaction due (2026-10)")] == "2"
