"""The dashboard's ticket queries read the period through their indexes, never the whole table.

SQLite only (its plans are deterministic without statistics); PostgreSQL picks plans by cost.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.tickets.dashboard.test_figures import PERIOD

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans"),
]


def plans(queries) -> list[tuple[str, str]]:
    found = []
    with connection.cursor() as cursor:
        for query in queries:
            if '"tickets_ticket"' not in query["sql"]:
                continue
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            found.append((query["sql"], " | ".join(row[-1] for row in cursor.fetchall())))
    return found


@pytest.mark.parametrize("customer", [None, "b"])
def test_no_dashboard_query_scans_the_tickets(known_tickets, manager_client, customer):
    params = {**PERIOD, **({"customer": known_tickets[customer].customer_id} if customer else {})}
    # when the dashboard is rendered
    with CaptureQueriesContext(connection) as ctx:
        assert manager_client.get(reverse("tickets:dashboard"), params).status_code == 200
    found = plans(ctx.captured_queries)
    # then no query reads the tickets table row by row
    for sql, plan in found:
        assert "SCAN tickets_ticket" not in plan and "SCAN U0" not in plan, (sql, plan)
    # the live counts read only the tickets not ended, by status (the ended ones are rolled up)
    counts = [plan for sql, plan in found if 'AS "r_met"' in sql]
    assert len(counts) == 1
    assert "INDEX ticket_queue_cover_idx (status=?)" in counts[0]
    # the medians come from the roll-ups; the tickets are read for them only where an even
    # count's two middle values print differently, a 36-second range of a business-time index
    exact = [plan for sql, plan in found if "_elapsed" in sql and " LIMIT " in sql]
    for plan in exact:
        assert "_elapsed>? AND" in plan and "COVERING INDEX ticket_dash_re" in plan, plan
    # billable hours: the live tickets by status (the ended ones are rolled up)
    billable = [plan for sql, plan in found if '"resolved_at" <' in sql]
    assert billable and "INDEX ticket_queue_cover_idx (status=?)" in billable[0]
