"""The customers-and-contracts admin per role: contract money for managers only, and the
user picker of the contact admin."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from packages.models import Contact, Contract
from packages.roles import ENGINEERS_GROUP
from tests import factories

pytestmark = pytest.mark.django_db

# Distinctive figures: whatever way they are printed, a substring of these gives them away.
LICENCE, PERCENT = Decimal("12345.67"), Decimal("17.25")
MONEY_TRACES = (
    "12345",
    "12 345",
    "12,345",
    "12.345",
    "17.25",
    "17,25",
    "2129.63",
    "2129,63",
    "2,129",
    "licence_cost",
    "support_percentage",
    "licence cost",
    "support price",
    "yearly_price",
)


@pytest.fixture
def priced(contract):
    contract.licence_cost, contract.support_percentage = LICENCE, PERCENT
    contract.save()
    factories.ContractTargetFactory(contract=contract)
    # the history holds a price change, as the admin logs it
    LogEntry.objects.log_actions(
        user_id=factories.ManagerFactory().pk,
        queryset=[contract],
        action_flag=CHANGE,
        change_message=[
            {
                "changed": {
                    "fields": ["Yearly licence cost", "Support price, percent of licence cost"]
                }
            }
        ],
        single_object=True,
    )
    LogEntry.objects.log_actions(
        user_id=factories.ManagerFactory().pk,
        queryset=[contract],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["Valid to", "Yearly licence cost"]}}],
        single_object=True,
    )
    return contract


def contract_urls(contract) -> list[str]:
    base = "/admin/packages/contract/"
    return [
        base,
        f"{base}?q={contract.number}",
        f"{base}{contract.pk}/change/",
        f"{base}{contract.pk}/history/",
        f"/admin/packages/customer/{contract.customer_id}/change/",
        "/admin/packages/",
        "/admin/",
        "/admin/sla/contracttarget/",
        f"/admin/autocomplete/?app_label=sla&model_name=contracttarget&field_name=contract&term={contract.number}",
    ]


def test_an_engineer_never_sees_contract_money(engineer_client, priced):
    for url in contract_urls(priced):
        response = engineer_client.get(url)
        assert response.status_code in (200, 403), url
        page = response.content.decode().lower()
        found = [trace for trace in MONEY_TRACES if trace.lower() in page]
        assert not found, f"{url} shows {found}"


def test_the_engineer_still_sees_the_rest_of_the_contract(engineer_client, priced):
    html = engineer_client.get(f"/admin/packages/contract/{priced.pk}/change/").content.decode()
    assert priced.number in html and "Europe/Kyiv" in html
    assert 'name="_save"' not in html  # and may not change it


def test_an_engineer_cannot_filter_contracts_by_price(engineer_client, priced):
    for lookup in ("licence_cost", "licence_cost__gte", "support_percentage__lt"):
        response = engineer_client.get("/admin/packages/contract/", {lookup: "1"})
        assert response.status_code == 400, lookup
        assert priced.number not in response.content.decode()


def test_searching_for_a_price_finds_nothing(engineer_client, priced):
    html = engineer_client.get("/admin/packages/contract/", {"q": "12345.67"}).content.decode()
    assert f"/admin/packages/contract/{priced.pk}/change/" not in html


def test_the_engineer_history_hides_price_changes_only(engineer_client, priced):
    html = engineer_client.get(f"/admin/packages/contract/{priced.pk}/history/").content.decode()
    assert "Changed details you are not allowed to see." in html
    assert "Changed Valid to." in html


@pytest.mark.parametrize("who", ["manager_client", "superuser_client"])
def test_managers_see_and_edit_the_price(request, who, priced):
    client = request.getfixturevalue(who)
    html = client.get(f"/admin/packages/contract/{priced.pk}/change/").content.decode()
    assert 'name="licence_cost" value="12345.67"' in html
    assert 'name="support_percentage" value="17.25"' in html
    assert "2129.63" in html  # the yearly price, 17.25 % of the licence
    listing = client.get("/admin/packages/contract/").content.decode()
    assert "12345.67" in listing and "2129.63" in listing
    history = client.get(f"/admin/packages/contract/{priced.pk}/history/").content.decode()
    assert "Changed Yearly licence cost and Support price, percent of licence cost." in history
    filtered = client.get("/admin/packages/contract/", {"licence_cost__gte": "12000"})
    assert filtered.status_code == 200 and priced.number in filtered.content.decode()


def test_a_manager_saves_a_contract(manager_client, priced):
    data = {
        "customer": priced.customer_id,
        "number": priced.number,
        "package": priced.package_id,
        "valid_from": priced.valid_from.isoformat(),
        "valid_to": priced.valid_to.isoformat(),
        "time_zone": "Europe/Kyiv",
        "licence_cost": "50000.00",
        "support_percentage": "12.00",
        "_save": "Save",
    }
    response = manager_client.post(f"/admin/packages/contract/{priced.pk}/change/", data)
    assert response.status_code == 302
    priced.refresh_from_db()
    assert priced.yearly_price == Decimal("6000.00")


def test_an_engineer_cannot_change_a_contract(engineer_client, priced):
    data = {"number": "X", "licence_cost": "1.00", "support_percentage": "1.00"}
    response = engineer_client.post(f"/admin/packages/contract/{priced.pk}/change/", data)
    assert response.status_code == 403
    assert Contract.objects.get(pk=priced.pk).licence_cost == LICENCE


# --- the contact admin's user picker -----------------------------------------------------


USERS_URL = "/admin/packages/contact/users/"


@pytest.fixture
def users(contact):
    """One user of each kind; only ``free`` (and ``free2``) may become a contact."""
    grouped = factories.UserFactory(username="grouped@x.test", first_name="Grouped")
    grouped.groups.add(Group.objects.get(name=ENGINEERS_GROUP))
    return {
        "free": factories.UserFactory(
            username="olga@new.test", first_name="Olga", last_name="Nova"
        ),
        "free2": factories.UserFactory(
            username="ivan@new.test", first_name="Ivan", last_name="Free"
        ),
        "inactive": factories.UserFactory(username="gone@new.test", is_active=False),
        "staff": factories.UserFactory(username="staff@vendor.test", is_staff=True),
        "superuser": factories.UserFactory(username="su@vendor.test", is_superuser=True),
        "engineer": factories.EngineerFactory(username="eng@vendor.test"),
        "grouped": grouped,
        "contact": contact.user,
    }


def picked(response) -> set[str]:
    assert response.status_code == 200
    return {row["text"] for row in response.json()["results"]}


def test_the_manager_picks_among_users_who_may_become_contacts(manager_client, users):
    # when a manager opens the user lookup of the contact form
    shown = picked(manager_client.get(USERS_URL, {"term": ""}))
    # then only active non-staff users without a contact are offered, by name and e-mail
    assert shown == {"Olga Nova <olga@new.test>", "Ivan Free <ivan@new.test>"}


def test_the_lookup_searches_names_and_addresses(manager_client, users):
    assert picked(manager_client.get(USERS_URL, {"term": "olga"})) == {"Olga Nova <olga@new.test>"}
    assert picked(manager_client.get(USERS_URL, {"term": "free"})) == {"Ivan Free <ivan@new.test>"}
    assert picked(manager_client.get(USERS_URL, {"term": "vendor"})) == set()


def test_the_lookup_pages_and_costs_the_same_at_any_size(
    manager_client, django_assert_max_num_queries
):
    factories.UserFactory.create_batch(45)
    with django_assert_max_num_queries(8):
        first = manager_client.get(USERS_URL).json()
    assert len(first["results"]) == 20 and first["pagination"]["more"] is True
    last = manager_client.get(USERS_URL, {"page": 3}).json()
    assert len(last["results"]) == 5 and last["pagination"]["more"] is False


def test_the_contact_form_asks_the_restricted_lookup(manager_client):
    html = manager_client.get("/admin/packages/contact/add/").content.decode()
    assert f'data-ajax--url="{USERS_URL}"' in html
    assert "/admin/autocomplete/" not in html


def test_nobody_else_gets_the_lookup(engineer_client, contact_client, client, users):
    assert engineer_client.get(USERS_URL).status_code == 403
    assert contact_client.get(USERS_URL).status_code == 302  # not staff: the admin login
    assert client.get(USERS_URL).status_code == 302


def test_a_manager_makes_a_user_a_contact(manager_client, users, customer):
    data = {"user": users["free"].pk, "customer": customer.pk, "phone": "", "_save": "Save"}
    response = manager_client.post("/admin/packages/contact/add/", data)
    assert response.status_code == 302
    assert Contact.objects.get(user=users["free"]).customer == customer


@pytest.mark.parametrize("kind", ["staff", "superuser", "engineer", "contact", "inactive"])
def test_a_manager_cannot_post_a_user_the_lookup_does_not_offer(
    manager_client, users, customer, kind
):
    data = {"user": users[kind].pk, "customer": customer.pk, "phone": "", "_save": "Save"}
    response = manager_client.post("/admin/packages/contact/add/", data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Contact.objects.filter(user=users[kind], customer=customer).count() == (
        1 if kind == "contact" else 0
    )


def test_editing_a_contact_keeps_its_user(manager_client, contact):
    url = f"/admin/packages/contact/{contact.pk}/change/"
    html = manager_client.get(url).content.decode()
    selected = re.search(r'<option value="(\d+)" selected>([^<]*)</option>', html)
    assert selected and int(selected.group(1)) == contact.user_id
    data = {"user": contact.user_id, "customer": contact.customer_id, "phone": "+380", "_save": "1"}
    assert manager_client.post(url, data).status_code == 302
    contact.refresh_from_db()
    assert contact.phone == "+380"


def test_the_account_manager_is_one_of_the_managers(manager_client, manager, customer, users):
    html = manager_client.get(f"/admin/packages/customer/{customer.pk}/change/").content.decode()
    select = re.search(r'<select name="account_manager".*?</select>', html, re.S).group(0)
    assert manager.email in select
    for kind in ("free", "contact", "engineer", "staff"):
        assert users[kind].email not in select, kind


def test_the_groups_hold_the_price_permission_for_managers_only(engineer, manager, superuser):
    assert manager.has_perm("packages.view_contract_price")
    assert superuser.has_perm("packages.view_contract_price")
    assert not engineer.has_perm("packages.view_contract_price")
    assert (
        ContentType.objects.get_for_model(Contract)
        .permission_set.filter(codename="view_contract_price")
        .exists()
    )
