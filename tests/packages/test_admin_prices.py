"""Contract money is a manager's: an engineer opening a contract in the admin sees no price."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_engineer_sees_a_contract_without_its_price(engineer_client, contract):
    response = engineer_client.get(reverse("admin:packages_contract_change", args=[contract.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert contract.number in html
    assert "licence_cost" not in html and "support_percentage" not in html


def test_a_manager_sees_it(manager_client, contract):
    response = manager_client.get(reverse("admin:packages_contract_change", args=[contract.pk]))
    assert 'name="licence_cost"' in response.content.decode()
