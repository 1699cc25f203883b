"""Filing through the browser form: fields per type, the priority-1 rule, the monthly quota."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from sla.models import TicketType
from tickets.models import Ticket, TicketStatus
from tickets.selectors.quota import quota_month_of

FILE_URL = reverse("tickets:file")


def form_data(chosen, **overrides) -> dict:
    data = {
        "ticket_type": TicketType.INCIDENT,
        "priority": "2",
        "component": str(chosen.pk),
        "subject": "Outbound calls fail with 503",
        "description": "Every outbound call fails since 10:00. We restarted the trunk.",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_form_groups_components_and_shows_the_quota(contact_client, contract, fill_quota):
    # given an Advanced contract with 12 requests used this month
    fill_quota(contract, 12)
    # when the contact opens the filing form
    response = contact_client.get(FILE_URL)
    # then components come in two optgroups and the quota is stated before filing
    html = response.content.decode()
    assert response.status_code == 200
    assert '<optgroup label="Base functions">' in html
    assert '<optgroup label="Additional blocks">' in html
    month = date_format(quota_month_of(timezone.now(), contract.time_zone), "F Y")
    assert f"12 of 30 consultation requests used in {month}" in html
    assert "18 left this month" in html
    assert 'data-show-for="incident"' in html  # priority only shown for incidents
    assert 'name="quota_choice"' not in html  # no choice while there is quota left


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ticket_type", "priority", "expected_priority", "counts"),
    [
        (TicketType.INCIDENT, "1", 1, False),
        (TicketType.SERVICE_REQUEST, "", None, True),
        (TicketType.CHANGE, "3", None, True),  # a stale hidden priority is dropped
    ],
)
def test_filing_each_type(
    contact_client,
    contact,
    contract,
    base_component,
    ticket_type,
    priority,
    expected_priority,
    counts,
):
    # when the contact files a ticket of this type
    response = contact_client.post(
        FILE_URL, form_data(base_component, ticket_type=ticket_type, priority=priority)
    )
    # then it is filed for their organisation and they land on its page
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("tickets:detail", args=[ticket.pk])
    assert ticket.customer == contact.customer
    assert ticket.reporter == contact.user
    assert (ticket.ticket_type, ticket.priority) == (ticket_type, expected_priority)
    assert ticket.status == TicketStatus.NEW
    assert ticket.reaction_due is not None and ticket.reaction_due > ticket.opened_at
    assert (ticket.quota_month is not None) is counts


@pytest.mark.django_db
def test_priority_one_on_an_uncovered_block_is_refused_with_the_reason(
    contact_client, uncovered_block
):
    # when the contact files a priority-1 incident on a block their contract does not cover
    response = contact_client.post(FILE_URL, form_data(uncovered_block, priority="1"))
    # then nothing is filed, the reason is on the priority field and what they typed is kept
    html = response.content.decode()
    assert response.status_code == 200
    assert not Ticket.objects.exists()
    assert "is not covered, so this incident is at most priority 2" in html
    assert "Outbound calls fail with 503" in html
    assert "We restarted the trunk." in html


@pytest.mark.django_db
def test_priority_one_on_a_covered_block_is_accepted(contact_client, contract, uncovered_block):
    contract.covered_blocks.set([uncovered_block])
    response = contact_client.post(FILE_URL, form_data(uncovered_block, priority="1"))
    assert response.status_code == 302
    assert Ticket.objects.get().priority == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"priority": ""}, "An incident needs a priority from 1 to 3."),
        ({"component": "999999"}, "Choose a component from the list."),
        ({"component": "junk"}, "Choose a component from the list."),
        ({"ticket_type": "bogus"}, "Select a valid choice."),
        ({"subject": ""}, "This field is required."),
    ],
)
def test_bad_input_is_named_field_by_field_and_keeps_the_rest(
    contact_client, base_component, overrides, field_error
):
    response = contact_client.post(FILE_URL, form_data(base_component, **overrides))
    html = response.content.decode()
    assert response.status_code == 200
    assert field_error in html
    assert "We restarted the trunk." in html
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_past_the_quota_the_same_form_comes_back_with_the_choice(
    contact_client, contract, base_component, fill_quota
):
    # given the month's 30 requests are used
    fill_quota(contract, 30)
    data = form_data(
        base_component,
        ticket_type=TicketType.SERVICE_REQUEST,
        priority="",
        subject="Reset the password of operator 12",
        description="Operator 12 is locked out & needs <a> reset.",
    )
    # when the contact files a service request without a choice
    response = contact_client.post(FILE_URL, data)
    # then nothing is filed and the bound form offers billable / defer with every value kept
    html = response.content.decode()
    assert response.status_code == 200
    assert Ticket.objects.count() == 30
    assert 'value="billable"' in html and 'value="defer"' in html
    assert "consultation requests are used up" in html
    assert 'value="Reset the password of operator 12"' in html
    assert "Operator 12 is locked out &amp; needs &lt;a&gt; reset." in html
    assert f'<option value="{base_component.pk}" selected>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("choice", ["billable", "defer"])
def test_choosing_billable_or_defer_files_it(
    contact_client, contract, base_component, fill_quota, choice
):
    fill_quota(contract, 30)
    data = form_data(
        base_component,
        ticket_type=TicketType.CHANGE,
        priority="",
        subject="Add a second trunk",
        quota_choice=choice,
    )
    response = contact_client.post(FILE_URL, data)
    ticket = Ticket.objects.get(subject="Add a second trunk")
    assert response.status_code == 302
    assert ticket.is_over_quota
    assert ticket.is_billable is (choice == "billable")
    assert ticket.is_deferred is (choice == "defer")
    assert ticket.quota_month is None  # it took no unit of this month's quota


@pytest.mark.django_db
def test_deferred_tickets_show_the_month_they_open_in(
    contact_client, contract, base_component, fill_quota
):
    fill_quota(contract, 30)
    contact_client.post(
        FILE_URL,
        form_data(
            base_component,
            ticket_type=TicketType.SERVICE_REQUEST,
            priority="",
            subject="Deferred one",
            quota_choice="defer",
        ),
    )
    ticket = Ticket.objects.get(subject="Deferred one")
    this_month = quota_month_of(ticket.created_at, contract.time_zone)
    next_month = this_month.replace(
        year=this_month.year + this_month.month // 12, month=this_month.month % 12 + 1
    )
    badge = f"deferred to {date_format(next_month, 'F Y')}"
    assert badge in contact_client.get(reverse("tickets:contact_list")).content.decode()
    assert badge in contact_client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()


@pytest.mark.django_db
def test_when_the_quota_is_used_up_the_choice_is_offered_before_filing(
    contact_client, contract, fill_quota
):
    fill_quota(contract, 30)
    html = contact_client.get(FILE_URL).content.decode()
    assert "30 of 30 consultation requests used" in html
    assert 'name="quota_choice"' in html


@pytest.mark.django_db
def test_incidents_ignore_the_quota(contact_client, contract, base_component, fill_quota):
    fill_quota(contract, 30)
    response = contact_client.post(FILE_URL, form_data(base_component, priority="1"))
    assert response.status_code == 302
    ticket = Ticket.objects.get(subject="Outbound calls fail with 503")
    assert not ticket.is_over_quota and not ticket.is_deferred


@pytest.mark.django_db
def test_pro_contracts_show_no_quota(other_contact_client):
    html = other_contact_client.get(FILE_URL).content.decode()
    assert "consultation requests used" not in html


@pytest.mark.django_db
def test_staff_cannot_file_as_a_customer(engineer_client):
    assert engineer_client.get(FILE_URL).status_code == 404


@pytest.mark.django_db
def test_a_contact_without_a_contract_in_force_is_told_so(contact_client, contract, base_component):
    contract.valid_to = contract.valid_from + timezone.timedelta(days=1)
    contract.save()
    response = contact_client.post(FILE_URL, form_data(base_component))
    assert "no support contract in force today" in response.content.decode()
    assert not Ticket.objects.exists()
