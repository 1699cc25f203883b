"""Contracts: covered blocks within the package's limit, validity periods, seeded package terms."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from packages.admin import ContractAdminForm
from packages.models import Component, ComponentKind, Contract, SupportPackage, VendorConfiguration
from packages.services import contract_set_covered_blocks
from tests.factories import ContractFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def additional_blocks(count: int) -> list[Component]:
    blocks = list(Component.objects.filter(kind=ComponentKind.ADDITIONAL).order_by("position"))
    assert len(blocks) >= count, "the migration seeds five additional blocks"
    return blocks[:count]


def advanced() -> SupportPackage:
    return SupportPackage.objects.get(code="advanced")


def base_function() -> Component:
    return Component.objects.filter(kind=ComponentKind.BASE).order_by("position").first()


def admin_form_data(
    *,
    customer,
    package,
    blocks,
    valid_from=dt.date(2026, 1, 1),
    valid_to=dt.date(2027, 1, 1),
    number="ADM-1",
) -> dict:
    return {
        "customer": customer.pk,
        "number": number,
        "package": package.pk,
        "valid_from": valid_from.isoformat(),
        "valid_to": valid_to.isoformat(),
        "time_zone": "Europe/Kyiv",
        "covered_blocks": [b.pk for b in blocks],
        "licence_cost": "1000.00",
        "support_percentage": "15.00",
    }


# --- covered blocks through the service -------------------------------------------------------


@pytest.mark.parametrize(("package_code", "limit"), [("advanced", 1), ("pro", 2)])
def test_service_accepts_blocks_up_to_the_package_limit(package_code, limit):
    # given a contract on the package
    contract = ContractFactory(package=SupportPackage.objects.get(code=package_code))
    blocks = additional_blocks(limit)
    # when as many blocks as the package allows are covered
    contract_set_covered_blocks(contract=contract, blocks=blocks)
    # then they are stored
    assert set(contract.covered_blocks.all()) == set(blocks)


@pytest.mark.parametrize(("package_code", "limit"), [("advanced", 1), ("pro", 2)])
def test_service_refuses_one_block_more_than_the_limit(package_code, limit):
    # given a contract already covering one block
    contract = ContractFactory(package=SupportPackage.objects.get(code=package_code))
    first = additional_blocks(1)
    contract_set_covered_blocks(contract=contract, blocks=first)
    # when one block more than the package allows is asked for
    with pytest.raises(ValidationError) as excinfo:
        contract_set_covered_blocks(contract=contract, blocks=additional_blocks(limit + 1))
    # then it is refused with the limit named, and nothing changed
    message = " ".join(excinfo.value.messages)
    assert f"at most {limit}" in message
    assert f"{limit + 1} were chosen" in message
    assert list(contract.covered_blocks.all()) == first


def test_service_refuses_base_functions():
    # given a Pro contract (room for two blocks)
    contract = ContractFactory(pro=True)
    base = base_function()
    # when a base function is offered as a covered block
    with pytest.raises(ValidationError) as excinfo:
        contract_set_covered_blocks(contract=contract, blocks=[base])
    # then it is refused: base functions are always covered
    assert "Only additional blocks" in excinfo.value.messages[0]
    assert base.name in excinfo.value.messages[0]
    assert not contract.covered_blocks.exists()


# --- covered blocks through the admin form ----------------------------------------------------


def test_admin_form_accepts_blocks_within_the_limit():
    # given a Pro package and two additional blocks
    customer = CustomerFactory()
    data = admin_form_data(
        customer=customer,
        package=SupportPackage.objects.get(code="pro"),
        blocks=additional_blocks(2),
    )
    # when the admin form is submitted
    form = ContractAdminForm(data=data)
    # then it is valid and saves both blocks
    assert form.is_valid(), form.errors
    contract = form.save()
    assert contract.covered_blocks.count() == 2


def test_admin_form_refuses_more_blocks_than_the_package_allows():
    # given an Advanced package (one block) and two blocks chosen
    data = admin_form_data(
        customer=CustomerFactory(),
        package=SupportPackage.objects.get(code="advanced"),
        blocks=additional_blocks(2),
    )
    # when the admin form is submitted
    form = ContractAdminForm(data=data)
    # then the covered blocks field carries the error
    assert not form.is_valid()
    assert "at most 1 additional block" in " ".join(form.errors["covered_blocks"])
    assert not Contract.objects.filter(number="ADM-1").exists()


def test_admin_form_refuses_base_functions():
    # given a base function chosen as a covered block
    data = admin_form_data(
        customer=CustomerFactory(),
        package=SupportPackage.objects.get(code="pro"),
        blocks=[base_function()],
    )
    # when the admin form is submitted
    form = ContractAdminForm(data=data)
    # then it is refused on the covered blocks field
    assert not form.is_valid()
    errors = " ".join(form.errors["covered_blocks"])
    assert "Only additional blocks" in errors or "valid choice" in errors


# --- validity period --------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, -1])
def test_clean_refuses_a_contract_that_does_not_end_after_it_starts(days):
    # given a contract whose end is not after its start
    start = dt.date(2026, 3, 1)
    contract = ContractFactory.build(
        customer=CustomerFactory(), valid_from=start, valid_to=start + dt.timedelta(days=days)
    )
    # when it is cleaned
    with pytest.raises(ValidationError) as excinfo:
        contract.clean()
    # then valid_to carries the error
    assert excinfo.value.message_dict["valid_to"] == ["The contract must end after it starts."]


def test_database_refuses_a_contract_that_does_not_end_after_it_starts():
    # given a contract row that skips clean() and ends the day it starts
    start = dt.date(2026, 3, 1)
    # when it is inserted
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractFactory(valid_from=start, valid_to=start)
    # then the CheckConstraint kept it out
    assert not Contract.objects.filter(valid_from=start).exists()


def test_admin_form_refuses_an_end_before_the_start():
    # given dates in the wrong order
    data = admin_form_data(
        customer=CustomerFactory(),
        package=SupportPackage.objects.get(code="advanced"),
        blocks=[],
        valid_from=dt.date(2026, 5, 1),
        valid_to=dt.date(2026, 4, 1),
    )
    # when the admin form is submitted
    form = ContractAdminForm(data=data)
    # then it says so on valid_to
    assert not form.is_valid()
    assert "The contract must end after it starts." in form.errors["valid_to"]


def test_overlapping_contracts_of_one_customer_are_refused_with_the_other_number():
    # given a customer with a contract for 2026
    customer = CustomerFactory()
    ContractFactory(
        customer=customer,
        number="ACME-2026",
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2027, 1, 1),
    )
    # when a second contract overlapping it by one day is cleaned
    overlapping = ContractFactory.build(
        customer=customer,
        package=advanced(),
        number="ACME-2027",
        valid_from=dt.date(2026, 12, 31),
        valid_to=dt.date(2027, 12, 31),
    )
    with pytest.raises(ValidationError) as excinfo:
        overlapping.full_clean()
    # then the message names the contract it collides with
    message = " ".join(excinfo.value.messages)
    assert "already has a contract for part of this period" in message
    assert "ACME-2026" in message


def test_adjacent_contracts_and_other_customers_do_not_overlap():
    # given a customer with a contract for 2026 (valid_to is exclusive)
    customer = CustomerFactory()
    ContractFactory(customer=customer, valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2027, 1, 1))
    # when the next contract starts the day the first one ends, and another customer's
    # contract covers the same year
    follow_up = ContractFactory.build(
        customer=customer,
        package=advanced(),
        valid_from=dt.date(2027, 1, 1),
        valid_to=dt.date(2028, 1, 1),
    )
    other = ContractFactory.build(
        customer=CustomerFactory(),
        package=advanced(),
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2027, 1, 1),
    )
    # then both are valid
    follow_up.full_clean()
    other.full_clean()


def test_admin_form_refuses_an_overlapping_contract():
    # given a customer with a contract for 2026
    customer = CustomerFactory()
    ContractFactory(
        customer=customer,
        number="ACME-2026",
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2027, 1, 1),
    )
    data = admin_form_data(
        customer=customer,
        package=SupportPackage.objects.get(code="advanced"),
        blocks=[],
        valid_from=dt.date(2026, 6, 1),
        valid_to=dt.date(2027, 6, 1),
    )
    # when an overlapping contract is submitted
    form = ContractAdminForm(data=data)
    # then the form shows which contract it collides with
    assert not form.is_valid()
    assert "ACME-2026" in " ".join(form.non_field_errors())


# --- seeded package terms (SPEC) --------------------------------------------------------------


def test_advanced_package_carries_the_spec_terms():
    # given the migrated database
    # when the Advanced package is read
    advanced = SupportPackage.objects.get(code="advanced")
    # then it carries the SPEC's terms
    assert advanced.name == "Advanced"
    assert advanced.monthly_request_quota == 30
    assert advanced.has_quota
    assert advanced.covered_blocks_limit == 1
    assert advanced.offline_support is True
    assert advanced.online_support is False
    assert advanced.vendor_configuration == VendorConfiguration.CLOUD_ONLY
    assert advanced.server_connection is False
    assert advanced.consultations and advanced.defect_handling
    assert advanced.updates_and_knowledge_base


def test_pro_package_carries_the_spec_terms():
    # given the migrated database
    # when the Pro package is read
    pro = SupportPackage.objects.get(code="pro")
    # then it is unlimited, covers two blocks and has the online extras
    assert pro.name == "Pro"
    assert pro.monthly_request_quota is None
    assert not pro.has_quota
    assert pro.covered_blocks_limit == 2
    assert pro.online_support is True
    assert pro.vendor_configuration == VendorConfiguration.ALL
    assert pro.server_connection is True
    assert pro.consultations and pro.defect_handling


def test_components_are_seeded_as_four_base_functions_and_additional_blocks():
    # given the migrated database
    # when the components are read by kind
    base = set(Component.objects.filter(kind=ComponentKind.BASE).values_list("code", flat=True))
    additional = Component.objects.filter(kind=ComponentKind.ADDITIONAL)
    # then the SPEC's base functions are there and there are additional blocks to cover
    assert base == {"inbound-calls", "outbound-calls", "inbound-routing", "statistics-recordings"}
    assert additional.count() >= 5
