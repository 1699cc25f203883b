"""Monthly quota jobs: opening deferred requests, 80 %/100 % notices, daily reconciliation."""

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone

from tests import factories
from tickets.models import OutboxMessage, QuotaNotice, Ticket
from tickets.selectors.quota import quota_month_of
from tickets.services.quota_jobs import (
    quota_open_deferred,
    quota_reconcile,
    quota_usage_notify,
)

pytestmark = pytest.mark.django_db


def local(day: dt.date, hour: int, zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zoneinfo.ZoneInfo(zone))


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


@pytest.fixture
def this_month(contract):
    """Noon today (contract zone) and the 1st of next month, both inside the contract."""
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(contract.time_zone))
    return local(today, 12, contract.time_zone), next_month(today)


def quota_messages():
    return OutboxMessage.objects.filter(dedupe_key__startswith="quota-notice:")


def test_deferred_requests_open_in_filing_order_and_beyond_the_quota_stay_deferred(
    contract, small_quota, file_request, this_month
):
    # given this month's quota used up and four requests deferred, in this order
    now, first_of_next = this_month
    for _ in range(small_quota):
        file_request(now=now)
    deferred = [file_request(now=now, defer=True, subject=f"Deferred {n}") for n in range(4)]
    assert all(t.is_deferred for t in deferred)

    # when the job runs this month, nothing opens
    assert quota_open_deferred(now=now + dt.timedelta(hours=1)) == 0

    # when it runs just after local midnight on the 1st
    opened_at = local(first_of_next, 0, contract.time_zone) + dt.timedelta(minutes=5)
    assert quota_open_deferred(now=opened_at) == small_quota

    # then the first three (filing order) opened with next month's quota, the last waits
    rows = {t.pk: t for t in Ticket.objects.filter(pk__in=[t.pk for t in deferred])}
    states = [(rows[t.pk].is_deferred, rows[t.pk].quota_month) for t in deferred]
    assert states == [(False, first_of_next)] * 3 + [(True, None)]
    first = rows[deferred[0].pk]
    assert first.opened_at == opened_at
    assert first.reaction_due is not None  # the SLA clock started then
    assert first.changes.filter(action="opened_deferred", actor=None).exists()
    # and a second run (overlap, retry) changes nothing
    assert quota_open_deferred(now=opened_at + dt.timedelta(hours=1)) == 0


@pytest.mark.parametrize(
    ("zone", "opens_at_utc_hour"),
    [
        ("Europe/Kyiv", 0),  # the 1st begins at 22:00 UTC the day before
        ("America/New_York", 5),  # still the last day of the month at 02:00 UTC
    ],
)
def test_the_month_turns_in_the_contracts_time_zone(
    contract, small_quota, file_request, this_month, zone, opens_at_utc_hour
):
    contract.time_zone = zone
    contract.save(update_fields=["time_zone"])
    now, first_of_next = this_month
    now = local(now.date(), 12, zone)
    for _ in range(small_quota):
        file_request(now=now)
    ticket = file_request(now=now, defer=True)
    utc = dt.UTC

    # at 02:00 UTC on the 1st
    quota_open_deferred(now=dt.datetime.combine(first_of_next, dt.time(2), tzinfo=utc))
    ticket.refresh_from_db()
    assert ticket.is_deferred is (opens_at_utc_hour > 2)

    # and by 06:00 UTC it is open everywhere
    quota_open_deferred(now=dt.datetime.combine(first_of_next, dt.time(6), tzinfo=utc))
    ticket.refresh_from_db()
    assert ticket.is_deferred is False


def test_a_missed_opening_run_catches_up_later_in_the_month(
    contract, small_quota, file_request, this_month
):
    now, first_of_next = this_month
    for _ in range(small_quota):
        file_request(now=now)
    ticket = file_request(now=now, defer=True)

    # the job was down on the 1st and 2nd: it runs on the 3rd
    quota_open_deferred(now=local(first_of_next + dt.timedelta(days=2), 9, contract.time_zone))

    ticket.refresh_from_db()
    assert ticket.is_deferred is False
    assert ticket.quota_month == first_of_next


def test_usage_notices_at_80_and_100_percent_once_each(
    contract, customer_admin, file_request, django_capture_on_commit_callbacks
):
    # given a quota of 5, a customer admin and an account manager
    account_manager = factories.ManagerFactory(username="am@vendor.test")
    contract.customer.account_manager = account_manager
    contract.customer.save(update_fields=["account_manager"])
    contract.package.monthly_request_quota = 5
    contract.package.save(update_fields=["monthly_request_quota"])
    now = local(
        timezone.localdate(timezone=zoneinfo.ZoneInfo(contract.time_zone)), 12, contract.time_zone
    )

    # when requests are filed (each filing checks usage after commit, through a task)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            file_request(now=now)
    assert quota_messages().count() == 0  # 60 %

    with django_capture_on_commit_callbacks(execute=True):
        file_request(now=now)  # 80 %
    assert list(quota_messages().values_list("recipients", flat=True)) == [
        sorted([customer_admin.user.email, "am@vendor.test"])
    ]

    with django_capture_on_commit_callbacks(execute=True):
        file_request(now=now)  # 100 %
    # then the checks running again (daily job, retries) add nothing
    assert quota_usage_notify(contract_id=contract.pk, now=now) == []
    assert quota_usage_notify(contract_id=contract.pk, now=now) == []

    assert sorted(QuotaNotice.objects.values_list("threshold", "used")) == [(80, 4), (100, 5)]
    assert quota_messages().count() == 2
    assert sum("quota" in m.subject for m in mail.outbox) == 2


def test_reconciliation_recounts_usage_after_reclassifications(
    contract, customer_admin, file_request, file_incident, this_month
):
    now, _ = this_month
    month = quota_month_of(now, contract.time_zone)
    contract.package.monthly_request_quota = 5
    contract.package.save(update_fields=["monthly_request_quota"])
    requests = [file_request(now=now) for _ in range(3)]
    incidents = [file_incident(priority=3, now=now) for _ in range(2)]

    # given an incident reclassified to a request (no quota month yet), a request that
    # became an incident (still holding one) and a request with the wrong month
    Ticket.objects.filter(pk=incidents[0].pk).update(ticket_type="change", priority=None)
    Ticket.objects.filter(pk=requests[0].pk).update(ticket_type="incident", priority=2)
    Ticket.objects.filter(pk=requests[1].pk).update(quota_month=dt.date(2020, 1, 1))

    # when the daily job runs
    result = quota_reconcile(now=now)

    # then each counting request holds the month it was opened in, nothing else holds one
    held = dict(Ticket.objects.values_list("pk", "quota_month"))
    assert held[incidents[0].pk] == month
    assert held[requests[0].pk] is None
    assert held[requests[1].pk] == month
    assert held[incidents[1].pk] is None
    assert (result.cleared, result.assigned) == (1, 2)
    # 3 counting of 5 = 60 %: no notice; a second run changes nothing
    assert result.notices == 0
    again = quota_reconcile(now=now)
    assert (again.cleared, again.assigned) == (0, 0)


def test_reconciliation_sends_the_notice_a_reclassification_made_due(
    contract, customer_admin, file_request, file_incident, this_month
):
    now, _ = this_month
    contract.package.monthly_request_quota = 5
    contract.package.save(update_fields=["monthly_request_quota"])
    for _ in range(3):
        file_request(now=now)
    incident = file_incident(priority=3, now=now)
    Ticket.objects.filter(pk=incident.pk).update(ticket_type="service_request", priority=None)

    result = quota_reconcile(now=now)

    assert result.notices == 1
    assert list(QuotaNotice.objects.values_list("threshold", "used")) == [(80, 4)]
