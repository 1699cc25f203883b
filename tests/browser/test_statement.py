"""A customer's contact opens the SLA statement in a real browser, picks a month and
downloads it as PDF and as CSV."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from tests import factories
from tests.statements.conftest import kyiv_month
from tests.statements.helpers import csv_sections, pdf_text
from tests.tickets.dashboard.conftest import known_tickets, long_contracts  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_contact_opens_the_statement_and_downloads_the_pdf_and_csv(
    page,
    live_server,
    known_tickets,  # noqa: F811
    shot,
):
    acme = known_tickets["a"].customer
    contact = factories.ContactFactory(customer=acme, user__username="reader@acme.test")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", contact.user.username)
    page.fill("input[name=password]", factories.TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()

    # the navigation leads to the latest month; the contact picks October 2026
    page.click("nav >> text=SLA statement")
    page.wait_for_url(f"**/statements/*/{kyiv_month(timezone.now())}/")
    page.select_option("#statement-month-select", "2026-10")
    page.click("#statement-month button[type=submit]")
    page.wait_for_url("**/statements/*/2026-10/")
    shot(page, "statement")
    footer = page.locator('table[data-table="type"] tfoot').inner_text()
    assert "(3/5)" in footer and "(2/4)" in footer
    assert "frozen on" in page.locator(".frozen-note").inner_text()

    with page.expect_download() as info:
        page.click("#statement-pdf")
    pdf = info.value
    assert pdf.suggested_filename == f"sla-statement-{acme.pk}-2026-10.pdf"
    assert "All tickets 60.0 % (3/5) 50.0 % (2/4)" in pdf_text(Path(pdf.path()).read_bytes())

    with page.expect_download() as info:
        page.click("#statement-csv")
    csv_file = info.value
    assert csv_file.suggested_filename == f"sla-statement-{acme.pk}-2026-10.csv"
    sections = csv_sections(Path(csv_file.path()).read_bytes())
    overall = sections["Compliance by ticket type"][-1]
    assert (overall["Reaction met"], overall["Reaction due"]) == ("3", "5")
