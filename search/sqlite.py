"""SQLite: FTS5 tables with the trigram tokenizer (any 3+ letter part of a word), kept in sync
with the ticket and message tables by triggers, so every write path (services, bulk inserts,
raw SQL) is indexed without a hook.

The FTS tables are "external content" tables: they hold only the index and read the text from
``tickets_ticket`` and ``tickets_message`` (rowid = the row's id).

Django rebuilds a SQLite table to alter a column (create, copy, drop, rename), and dropping a
table drops its triggers; ``ensure_sync`` (run after every ``migrate``) puts missing triggers
back and rebuilds the index when it did.
"""

from __future__ import annotations

from search.patterns import like_pattern, long_words

TABLES = {
    "search_ticket_fts": (
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_ticket_fts USING fts5("
        "subject, description, content='tickets_ticket', content_rowid='id', "
        "tokenize='trigram')"
    ),
    "search_message_fts": (
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_message_fts USING fts5("
        "body, content='tickets_message', content_rowid='id', tokenize='trigram')"
    ),
}


def _triggers(fts: str, source: str, columns: tuple[str, ...]) -> dict[str, str]:
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});"  # noqa: S608 - names
    delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"  # noqa: S608
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)
    return {
        f"{fts}_ai": f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {source} "
        f"BEGIN {insert} END",
        f"{fts}_ad": f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {source} "
        f"BEGIN {delete} END",
        f"{fts}_au": f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE ON {source} "
        f"WHEN {changed} BEGIN {delete} {insert} END",
    }


TRIGGERS = {
    **_triggers("search_ticket_fts", "tickets_ticket", ("subject", "description")),
    **_triggers("search_message_fts", "tickets_message", ("body",)),
}


def supports_fts(connection) -> bool:
    """FTS5 with the trigram tokenizer: SQLite 3.34 or later, built with FTS5."""
    if connection.vendor != "sqlite":
        return False
    import sqlite3

    return tuple(int(p) for p in sqlite3.sqlite_version.split(".")[:2]) >= (3, 34)


def ensure_sync(connection) -> bool:
    """Create what is missing (tables, triggers); rebuild the index if anything was.
    Returns True when it rebuilt."""
    if not supports_fts(connection):
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in (*TABLES, *TRIGGERS) if name not in present]
        if not missing:
            return False
        for sql in (*TABLES.values(), *TRIGGERS.values()):
            cursor.execute(sql)
        for fts in TABLES:
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # noqa: S608
    return True


def drop(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for name in TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")


def ensure_sync_after_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    ensure_sync(connections[using])


def match_expression(text: str) -> str | None:
    """The FTS5 query for ``text``: every word of 3+ letters must occur (as a part of a word
    or more), each quoted so no input is FTS syntax. None when no word is long enough."""
    words = long_words(text)
    if not words:
        return None
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def like_ids_sql(text: str, *, internal: bool) -> tuple[str, list]:
    """The same selection by a plain LIKE scan: for words too short for trigrams, and for a
    SQLite without FTS5 trigrams (correct, not fast)."""
    note = "" if internal else " AND m.kind <> 'note'"
    like = like_pattern(text)
    return (
        "SELECT t.id FROM tickets_ticket t WHERE t.subject LIKE %s ESCAPE '\\' "  # noqa: S608
        "OR t.description LIKE %s ESCAPE '\\' UNION ALL SELECT m.ticket_id FROM "
        f"tickets_message m WHERE m.body LIKE %s ESCAPE '\\'{note}",
        [like, like, like],
    )


def ticket_ids_sql(text: str, *, internal: bool) -> tuple[str, list]:
    """SQL selecting the ids of tickets whose subject, description or a message matches
    (internal notes only with ``internal``)."""
    expression = match_expression(text)
    if expression is None:  # too short for trigrams
        return like_ids_sql(text, internal=internal)
    note = "" if internal else " AND m.kind <> 'note'"
    return (
        "SELECT rowid FROM search_ticket_fts WHERE search_ticket_fts MATCH %s "  # noqa: S608
        "UNION ALL SELECT m.ticket_id FROM search_message_fts f "
        "JOIN tickets_message m ON m.id = f.rowid "
        f"WHERE search_message_fts MATCH %s{note}",
        [expression, expression],
    )
