"""Who may read a statement: the organisation's contacts and managers; anyone else gets 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from statements.models import FrozenStatement, StatementMail
from tests.statements.conftest import kyiv_month

MONTHS = ("2026-10", "2025-01", "2024-12", "2026-13", "nonsense")


def _months(now) -> list[str]:
    return [*MONTHS, kyiv_month(now), kyiv_month(now, 1)]  # the current month, the next one


def _urls(customer_id: int, now) -> list[str]:
    urls = [reverse("statements:customer", args=[customer_id])]
    for month in _months(now):
        for name in ("month", "pdf", "csv"):
            urls.append(reverse(f"statements:{name}", args=[customer_id, month]))
    return urls


def test_a_contact_of_another_organisation_gets_404_for_every_statement_url(
    acme, globex_client, now
):
    for url in _urls(acme.pk, now):
        assert globex_client.get(url).status_code == 404, url
    for month in _months(now):
        url = reverse("statements:send", args=[acme.pk, month])
        assert globex_client.post(url).status_code == 404, url
    assert not FrozenStatement.objects.exists()  # nothing was even computed for them


def test_an_engineer_gets_404_and_an_anonymous_visitor_the_login_page(
    acme, engineer_client, client
):
    url = reverse("statements:month", args=[acme.pk, "2026-10"])
    assert engineer_client.get(url).status_code == 404
    assert engineer_client.get(reverse("statements:index")).status_code == 404
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_own_contact_reads_every_month_with_a_contract_and_none_outside(acme, acme_client, now):
    for name in ("month", "pdf", "csv"):
        assert (
            acme_client.get(reverse(f"statements:{name}", args=[acme.pk, "2026-10"])).status_code
            == 200
        )
    # before the contract, after the current month, not a month: 404, never 500
    for month in ("2024-12", kyiv_month(now, 1), "2026-13", "2026-1", "x"):
        assert (
            acme_client.get(reverse("statements:month", args=[acme.pk, month])).status_code == 404
        )


def test_the_contacts_link_leads_to_their_latest_month(acme, acme_client, now):
    home = acme_client.get(reverse("statements:index"))
    assert home.status_code == 302
    latest = acme_client.get(home["Location"])
    assert latest["Location"] == reverse("statements:month", args=[acme.pk, kyiv_month(now)])
    chosen = acme_client.get(reverse("statements:customer", args=[acme.pk]), {"month": "2026-09"})
    assert chosen["Location"] == reverse("statements:month", args=[acme.pk, "2026-09"])
    page = acme_client.get(reverse("tickets:contact_list"))
    assert reverse("statements:index").encode() in page.content


def test_a_manager_reads_any_customer_and_may_send_again_but_a_contact_may_not(
    acme, acme_admin, acme_client, manager_client, now
):
    url = reverse("statements:month", args=[acme.pk, "2026-10"])
    page = manager_client.get(url)
    assert page.status_code == 200 and b'id="statement-send"' in page.content
    assert b'id="statement-send"' not in acme_client.get(url).content
    send = reverse("statements:send", args=[acme.pk, "2026-10"])
    assert acme_client.post(send).status_code == 404
    assert manager_client.get(send).status_code == 405  # never by GET
    assert manager_client.post(send).status_code == 302
    assert StatementMail.objects.filter(automatic=False, contact=acme_admin).count() == 1
    # the current month cannot be sent: it is not over
    assert (
        manager_client.post(reverse("statements:send", args=[acme.pk, kyiv_month(now)])).status_code
        == 404
    )


@pytest.mark.parametrize("customer_id", [999999])
def test_a_customer_that_does_not_exist_is_a_404_for_managers(manager_client, customer_id):
    assert (
        manager_client.get(reverse("statements:month", args=[customer_id, "2026-10"])).status_code
        == 404
    )


def test_a_manager_reads_a_pro_customers_month_which_has_no_quota(known_tickets, manager_client):
    globex = known_tickets["b"].customer
    page = manager_client.get(reverse("statements:month", args=[globex.pk, "2026-10"]))
    assert page.status_code == 200
    assert b"No monthly quota" in page.content and b"Globex Test" in page.content
    listing = manager_client.get(reverse("statements:index")).content.decode()
    assert reverse("statements:customer", args=[globex.pk]) in listing
