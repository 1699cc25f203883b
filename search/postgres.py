"""PostgreSQL: full text (the ``english`` configuration: English words are stemmed, so "calls"
finds "call"; Ukrainian words, which PostgreSQL cannot stem, are kept whole and lower-cased)
and pg_trgm trigrams (any part of a word of 3+ letters, numbers inside the text).

The indexes are expression indexes on the ticket and message tables themselves: nothing to
keep in sync, and a write is indexed in its own transaction. The queries below repeat the
indexed expressions exactly, which is what lets the planner use them.
"""

from __future__ import annotations

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


def ticket_ids_sql(text: str, *, internal: bool) -> tuple[str, list]:
    """SQL selecting the ids of tickets whose subject, description or a message matches
    ``text``: all its words (stemmed), or every word of 3+ letters as a part of a word.
    Internal notes only with ``internal``."""
    parts = long_words(text)
    ticket_like = " AND ".join(f"{TICKET_TEXT} ILIKE %s" for _ in parts)
    message_like = " AND ".join("m.body ILIKE %s" for _ in parts)
    likes = [like_pattern(w) for w in parts]
    note = "" if internal else " AND m.kind <> 'note'"
    ticket_where = f"{TICKET_VECTOR} @@ websearch_to_tsquery('english'::regconfig, %s)"
    message_where = f"{MESSAGE_VECTOR} @@ websearch_to_tsquery('english'::regconfig, %s)"
    params = [text, text]
    if parts:
        # The parts first: PostgreSQL evaluates an OR left to right, so a row they match (most
        # rows, for a common word) never has its text vector computed again, in a scan.
        ticket_where = f"({ticket_like}) OR {ticket_where}"
        message_where = f"({message_like}) OR {message_where}"
        params = [*likes, text, *likes, text]
    sql = (
        f"SELECT id FROM tickets_ticket WHERE {ticket_where} "  # noqa: S608 - text is a parameter
        f"UNION ALL SELECT m.ticket_id FROM tickets_message m WHERE ({message_where}){note}"
    )
    return sql, params
