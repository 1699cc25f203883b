"""PostgreSQL: full text (the ``english`` configuration: English words are stemmed, so "calls"
finds "call"; Ukrainian words, which PostgreSQL cannot stem, are kept whole and lower-cased)
and pg_trgm trigrams (any part of a word of 3+ letters, numbers inside the text).

The indexes are expression indexes on the ticket and message tables themselves: nothing to
keep in sync, and a write is indexed in its own transaction. The queries below repeat the
indexed expressions exactly, which is what lets the planner use them.
"""

from __future__ import annotations

import json

from search.patterns import like_pattern, long_words

TICKET_TEXT = "(subject || ' ' || description)"
TICKET_VECTOR = f"to_tsvector('english'::regconfig, {TICKET_TEXT})"
MESSAGE_VECTOR = "to_tsvector('english'::regconfig, body)"

INDEXES = {
    "search_ticket_tsv_idx": f"tickets_ticket USING gin ({TICKET_VECTOR})",
    "search_ticket_trgm_idx": f"tickets_ticket USING gin ({TICKET_TEXT} gin_trgm_ops)",
    "search_message_tsv_idx": f"tickets_message USING gin ({MESSAGE_VECTOR})",
    "search_message_trgm_idx": "tickets_message USING gin (body gin_trgm_ops)",
}


def create_indexes(connection) -> None:
    """Built CONCURRENTLY: a production ticket table stays writable while they build."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, target in INDEXES.items():
            cursor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {target}")


def drop_indexes(connection) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


def _conditions(text: str, *, internal: bool, message: str) -> tuple[str, str, list, list]:
    """(ticket condition, message condition, their params): all the words (stemmed) in the
    full text, or every word of 3+ letters as a part of a word. ``message`` is the message
    table's alias."""
    parts = long_words(text)
    likes = [like_pattern(w) for w in parts]
    ticket_where = f"{TICKET_VECTOR} @@ websearch_to_tsquery('english'::regconfig, %s)"
    message_vector = MESSAGE_VECTOR.replace("body", f"{message}.body")
    message_where = f"{message_vector} @@ websearch_to_tsquery('english'::regconfig, %s)"
    ticket_params, message_params = [text], [text]
    if parts:
        # The parts first: PostgreSQL evaluates an OR left to right, so a row they match (most
        # rows, for a common word) never has its text vector computed, in a scan.
        ticket_like = " AND ".join(f"{TICKET_TEXT} ILIKE %s" for _ in parts)
        message_like = " AND ".join(f"{message}.body ILIKE %s" for _ in parts)
        ticket_where = f"({ticket_like}) OR {ticket_where}"
        message_where = f"({message_like}) OR {message_where}"
        ticket_params, message_params = [*likes, text], [*likes, text]
    note = "" if internal else f" AND {message}.kind <> 'note'"
    return ticket_where, f"({message_where}){note}", ticket_params, message_params


def ticket_ids_sql(text: str, *, internal: bool) -> tuple[str, list]:
    """SQL selecting the ids of tickets whose subject, description or a message matches
    ``text`` (internal notes only with ``internal``): the index-driven form, for a text that
    matches few tickets."""
    ticket_where, message_where, ticket_params, message_params = _conditions(
        text, internal=internal, message="m"
    )
    sql = (
        f"SELECT id FROM tickets_ticket WHERE {ticket_where} "  # noqa: S608 - text is a parameter
        f"UNION ALL SELECT m.ticket_id FROM tickets_message m WHERE {message_where}"
    )
    return sql, [*ticket_params, *message_params]


def matches_row_sql(text: str, *, internal: bool, table: str) -> tuple[str, list]:
    """A condition on one row of ``table`` (the ticket table's alias in the query): the same
    match, tested row by row, for a text found in a large share of the tickets. The database
    then walks the page's order and stops after a page instead of collecting every match."""
    ticket_where, message_where, ticket_params, message_params = _conditions(
        text, internal=internal, message="sm"
    )
    ticket_where = ticket_where.replace("subject", f"{table}.subject").replace(
        "description", f"{table}.description"
    )
    sql = (
        f"(({ticket_where}) OR EXISTS (SELECT 1 FROM tickets_message sm "  # noqa: S608
        f"WHERE sm.ticket_id = {table}.id AND {message_where}))"
    )
    return sql, [*ticket_params, *message_params]


def estimated_share(connection, text: str, *, internal: bool) -> float:
    """The planner's estimate of the share of tickets the text matches (0 to 1, and over 1
    when messages match several times): one EXPLAIN of both counts, nothing is read."""
    ids_sql, params = ticket_ids_sql(text, internal=internal)
    sql = (
        f"EXPLAIN (FORMAT JSON) SELECT (SELECT count(*) FROM ({ids_sql}) AS found), "  # noqa: S608
        "(SELECT count(*) FROM tickets_ticket)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    # The two counts are the top node's init plans, in order: what each aggregate would read.
    found, tickets = (count["Plans"][0]["Plan Rows"] for count in plan[0]["Plan"]["Plans"])
    return float(found) / tickets if tickets > 0 else 0.0
