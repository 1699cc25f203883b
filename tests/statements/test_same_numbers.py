"""The statement's figures are the dashboard's: one customer's month, computed from the specs
by the SPEC's definitions, equals the page, the PDF's text, the CSV and the dashboard's CSV."""

from __future__ import annotations

from django.urls import reverse

from tests.statements.conftest import MONTH, expected_month
from tests.statements.helpers import csv_sections, page_outcomes, page_ratios, pdf_text
from tests.tickets.dashboard.helpers import csv_rows
from tickets.models import Ticket

TYPES = {"incident": "Incident", "service_request": "Service request", "change": "Change"}


def _percent(met: int, due: int) -> str:
    return f"{100 * met / due:.1f}"


def test_page_pdf_csv_and_dashboard_agree_with_the_month_computed_from_the_tickets(
    acme, acme_client, manager_client, month_arg, now
):
    # Given Acme's October 2026 (an ended month) computed straight from the ticket specs
    expected = expected_month("a", MONTH, now)
    figures = expected["figures"]
    assert figures["all"] == [3, 5, 2, 4]  # the fixture is what the test thinks it is
    args = [acme.pk, month_arg]

    # the page
    html = acme_client.get(reverse("statements:month", args=args)).content.decode()
    by_type = page_ratios(html, "type")
    assert by_type["all"] == tuple(figures["all"])
    for code in ("incident", "service_request"):
        assert by_type[code] == tuple(figures[code])
    assert sorted(page_outcomes(html)) == sorted((r, s) for _o, r, s in expected["outcomes"])
    assert f'data-hours="{expected["billable"]}"' in html
    assert f'<td class="used">{expected["quota_used"]}</td>' in html

    # the PDF's text
    text = pdf_text(acme_client.get(reverse("statements:pdf", args=args)).content)
    r_met, r_due, s_met, s_due = figures["all"]
    assert (
        f"All tickets {_percent(r_met, r_due)} % ({r_met}/{r_due}) "
        f"{_percent(s_met, s_due)} % ({s_met}/{s_due})"
    ) in text
    for code in ("incident", "service_request"):
        m, d, sm, sd = figures[code]
        assert f"{TYPES[code]} {_percent(m, d)} % ({m}/{d})" in text
    assert f"Total {expected['billable']}" in text

    # the CSV
    sections = csv_sections(acme_client.get(reverse("statements:csv", args=args)).content)
    rows = {row["Type"]: row for row in sections["Compliance by ticket type"]}
    for code, label in (
        ("all", "All tickets"),
        *((c, TYPES[c]) for c in ("incident", "service_request")),
    ):
        m, d, sm, sd = figures[code]
        assert (rows[label]["Reaction met"], rows[label]["Reaction due"]) == (str(m), str(d))
        assert (rows[label]["Resolution met"], rows[label]["Resolution due"]) == (str(sm), str(sd))
    billable = {row["Ticket"]: row for row in sections["Billable hours"]}
    assert billable["Total"]["Hours"] == str(expected["billable"])
    assert sections["Quota used"][0]["Used"] == str(expected["quota_used"])
    assert len(sections["Tickets"]) == len(expected["outcomes"])

    # the dashboard's CSV for the same customer and month
    query = {"from_month": month_arg, "to_month": month_arg, "customer": acme.pk}
    dash = {
        row["Type"]: row
        for row in csv_rows(
            manager_client.get(reverse("tickets:dashboard_csv", args=["type"]), query)
        )
    }
    month_col = f"Reaction met ({month_arg})"
    for code, label in (
        ("all", "All tickets"),
        *((c, TYPES[c]) for c in ("incident", "service_request")),
    ):
        m, d, sm, sd = figures[code]
        assert dash[label][month_col] == str(m)
        assert dash[label][f"Reaction due ({month_arg})"] == str(d)
        assert dash[label][f"Resolution met ({month_arg})"] == str(sm)
        assert dash[label][f"Resolution due ({month_arg})"] == str(sd)
    billable_dash = csv_rows(
        manager_client.get(reverse("tickets:dashboard_csv", args=["billable"]), query)
    )
    assert [row["Total"] for row in billable_dash] == [str(expected["billable"])]
    quota_dash = csv_rows(
        manager_client.get(reverse("tickets:dashboard_csv", args=["quota"]), query)
    )
    assert [row["Used"] for row in quota_dash] == [str(expected["quota_used"])]


def test_the_ukrainian_statement_has_its_own_words_and_the_same_figures(
    acme, acme_client, month_arg, now
):
    figures = expected_month("a", MONTH, now)["figures"]
    args = [acme.pk, month_arg]
    acme_client.cookies["django_language"] = "uk"
    html = acme_client.get(reverse("statements:month", args=args), HTTP_ACCEPT_LANGUAGE="uk")
    assert page_ratios(html.content.decode(), "type")["all"] == tuple(figures["all"])
    text = pdf_text(
        acme_client.get(reverse("statements:pdf", args=args), HTTP_ACCEPT_LANGUAGE="uk").content
    )
    assert "Усі звернення" in text and "(3/5)" in text
    sections = csv_sections(
        acme_client.get(reverse("statements:csv", args=args), HTTP_ACCEPT_LANGUAGE="uk").content
    )
    assert "Дотримання за типами звернень" in sections


def test_a_subject_that_looks_like_a_formula_stays_text_in_the_csv(acme, acme_client, month_arg):
    Ticket.objects.filter(customer=acme, subject__contains="2026-10-05").update(
        subject='=HYPERLINK("http://evil.test","x")'
    )
    sections = csv_sections(
        acme_client.get(reverse("statements:csv", args=[acme.pk, month_arg])).content
    )
    subjects = [row["Subject"] for row in sections["Tickets"]]
    assert '\'=HYPERLINK("http://evil.test","x")' in subjects
