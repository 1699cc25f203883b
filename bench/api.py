"""The API's ticket list at 10,000 and 100,000 tickets: SQL queries and wall time.

Tickets come from ``bench.queue.bulk_tickets`` (SLA columns as the engine sets them). The
list is read the way an integration reads it: with an engineer's token (every customer), a
contact's (one customer of 40), a filter, and the next cursor page.
"""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from bench.queue import BENCH_PREFIX, CLONE_FROM, _analyze, _people, bulk_tickets


def _client(user) -> APIClient:
    from api.services import api_token_create

    _, text = api_token_create(user=user, name="bench", now=timezone.now())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    return client


def measure(client: APIClient, url: str, *, repeat: int = 5) -> tuple[int, float, str | None]:
    """(SQL queries of one request, median seconds of ``repeat``, the next page's URL)."""
    client.get(url)  # warm the calendar cache and the token's last-used time
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    count = len(queries)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - began)
    return count, statistics.median(times), response.json().get("next")


def run(sizes=(10_000, 100_000)) -> None:
    from django.contrib.auth import get_user_model

    from tickets.models import Ticket

    print(f"== API ticket list ({connection.vendor}): size, SQL queries, median of 5 requests")
    with override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], PORTAL_API_RATE="1000000/minute"
    ):
        engineer, _, _ = _people()
        contact = get_user_model().objects.get(username="bench-contact-0@example.test")
        staff, customer = _client(engineer), _client(contact)
        for size in sorted(sizes):
            have = Ticket.objects.filter(subject__startswith=BENCH_PREFIX).count()
            if have < size:
                began = time.perf_counter()
                if size > CLONE_FROM:  # copies in SQL, as bench.queue grows its table
                    from bench.search import seed

                    seed(size, engineer.pk, messages=False)
                else:
                    bulk_tickets(size - have)
                print(f"   (created {size - have} tickets in {time.perf_counter() - began:.1f} s)")
                _analyze()
            _, _, next_page = measure(staff, "/api/tickets/", repeat=1)
            for label, client, url in (
                ("engineer, all", staff, "/api/tickets/"),
                ("engineer, page 2", staff, next_page),
                ("engineer, breached P1", staff, "/api/tickets/?breached=true&priority=1"),
                ("engineer, open, 200", staff, "/api/tickets/?status=open&page_size=200"),
                ("contact, all", customer, "/api/tickets/"),
                ("engineer, queue", staff, "/api/queue/"),
            ):
                if url is None:  # one page only: no page 2
                    continue
                queries, median, _ = measure(client, url)
                print(
                    f"   {size:>7} tickets  {label:<22} {queries:>3} queries  "
                    f"{median * 1000:8.1f} ms"
                )
