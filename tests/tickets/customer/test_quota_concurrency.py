"""Two contacts filing at the same moment cannot both take the last unit of quota.

Needs PostgreSQL (real row locks and concurrent transactions); skipped on SQLite.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from sla.models import TicketType
from tests import factories
from tickets.selectors.quota import quota_status
from tickets.services.filing import QuotaExhausted, ticket_file

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.mark.django_db(transaction=True)
def test_two_filings_at_once_cannot_both_take_the_last_unit(contract, base_component, fill_quota):
    # given an Advanced contract at 29 of 30 and two of its contacts
    now = timezone.now()
    fill_quota(contract, 29, now=now)
    contacts = [factories.ContactFactory(customer=contract.customer) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[object] = []
    lock = threading.Lock()

    def file_one(contact):
        try:
            barrier.wait(timeout=10)
            ticket = ticket_file(
                contact=contact,
                ticket_type=TicketType.SERVICE_REQUEST,
                priority=None,
                component=base_component,
                subject=f"Request of {contact.pk}",
                description="Both at once.",
                now=now,
            )
            result: object = ticket
        except QuotaExhausted as exc:
            result = exc
        except Exception as exc:  # anything else fails the test below, with its cause
            result = exc
        finally:
            connections.close_all()  # this thread's own connection
        with lock:
            outcomes.append(result)

    # when both file a counting request at the same moment, without a quota choice
    threads = [threading.Thread(target=file_one, args=(c,)) for c in contacts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then exactly one is filed, the other is told the quota is used up, and used == 30
    filed = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, QuotaExhausted)]
    assert len(outcomes) == 2, outcomes
    assert (len(filed), len(refused)) == (1, 1), outcomes
    assert quota_status(contract=contract, now=now).used == 30
