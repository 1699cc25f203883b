"""The indexes behind search: SQLite's FTS5 triggers survive a table rebuild, and PostgreSQL's
queries are the indexed expressions (the planner uses the GIN indexes)."""

import pytest
from django.db import connection

from search import postgres, sqlite
from search.selectors import search_q
from tests import factories
from tickets.models import Ticket


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5")
def test_lost_triggers_are_put_back_and_the_index_rebuilt(contract, contact):
    ticket = factories.TicketFactory(contract=contract, reporter=contact.user, subject="Before")
    # Given the triggers dropped, as a rebuild of the ticket table by a migration drops them
    with connection.cursor() as cursor:
        for name in sqlite.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    Ticket.objects.filter(pk=ticket.pk).update(subject="Afterwards")
    # When migrate's hook runs
    assert sqlite.ensure_sync(connection) is True
    # Then what changed meanwhile is found, and later changes are followed again
    visible = Ticket.objects.filter(search_q("afterwards", user=contact.user))
    assert list(visible) == [ticket]
    Ticket.objects.filter(pk=ticket.pk).update(subject="Third")
    assert not Ticket.objects.filter(search_q("afterwards", user=contact.user)).exists()
    assert sqlite.ensure_sync(connection) is False  # nothing missing: no rebuild


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN indexes")
@pytest.mark.parametrize("text", ["дзвінки", "trunk calls", "unk"])
def test_postgres_search_uses_the_gin_indexes(engineer, text):
    sql, params = postgres.ticket_ids_sql(text, internal=False)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table is otherwise scanned
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for name in postgres.INDEXES:
        if "trgm" in name and len(text) < 3:
            continue
        assert name in plan
