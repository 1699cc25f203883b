"""Which tickets a text finds, with the access rules built in.

``text_q`` is a condition on tickets to combine with ``tickets_visible_to(user)`` (which keeps
a contact to their organisation's tickets); it looks in subjects, descriptions and the
conversation, and in internal notes only for support staff. The match runs as one subquery,
so a page costs the same number of queries whatever it finds.

On PostgreSQL the planner's statistics say first how common the text is (one EXPLAIN, nothing
read). A text found in few tickets is looked up in the search indexes and the page is ordered
among the matches; one found in a large share of them (``COMMON_SHARE``) is tested row by row as
the database walks the page's order, so it stops after a page instead of collecting a million
matches (the page's count is then capped: ``tickets.selectors.paging``).
"""

from __future__ import annotations

import re

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from packages.roles import is_support_staff
from search import postgres, sqlite
from tickets.models import Ticket

TICKET_NUMBER = re.compile(r"^#?\s*(\d{1,18})$")
MAX_LENGTH = 200
# From this estimated share of the tickets on, a text is tested row by row (PostgreSQL): a page
# then reads about PAGE / share rows, and a capped count about CAP / share.
COMMON_SHARE = 0.2


def clean(text: str) -> str:
    """One space between words, no NUL (no database takes it in a string), at most
    MAX_LENGTH characters."""
    return " ".join(text.replace("\x00", " ").split())[:MAX_LENGTH]


def ticket_number(text: str) -> int | None:
    """``#41`` or ``41``: the ticket number the text names, else None."""
    found = TICKET_NUMBER.match(text.strip())
    return int(found.group(1)) if found else None


def _ticket_ids_sql(text: str, *, internal: bool) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        return postgres.ticket_ids_sql(text, internal=internal)
    if sqlite.supports_fts(connection):
        return sqlite.ticket_ids_sql(text, internal=internal)
    return sqlite.like_ids_sql(text, internal=internal)


def _union_q(parts: list[tuple[str, list]]) -> Q:
    """``pk IN (a UNION ALL b ...)``: one subquery the database joins, where an OR of
    conditions would be tested on every ticket (IN ignores duplicates: no UNION's sort)."""
    sql = " UNION ALL ".join(part for part, _ in parts)
    params = [param for _, part_params in parts for param in part_params]
    return Q(pk__in=RawSQL(sql, params))  # noqa: S611 - constant SQL, the text is a parameter


def is_common(text: str, *, internal: bool) -> bool:
    """Whether the planner expects ``text`` in at least COMMON_SHARE of the tickets."""
    if connection.vendor != "postgresql" or not text:
        return False
    return postgres.estimated_share(connection, text, internal=internal) >= COMMON_SHARE


def text_q(text: str, *, internal: bool, also: Q | None = None) -> Q:
    """Tickets whose subject, description or a message (notes if ``internal``) has ``text``,
    or that the condition ``also`` selects."""
    text = clean(text)
    if is_common(text, internal=internal):
        table = connection.ops.quote_name(Ticket._meta.db_table)
        sql, params = postgres.matches_row_sql(text, internal=internal, table=table)
        found = Q(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611 - params
        return found | also if also is not None else found
    parts = [_ticket_ids_sql(text, internal=internal)] if text else []
    if also is not None:
        parts += _sql_of(Ticket.objects.filter(also).values("pk"))
    return _union_q(parts) if parts else Q(pk__in=[])


def _sql_of(selection: QuerySet) -> list[tuple[str, tuple]]:
    """The SQL of a ``values("pk")`` query, or none for one that can match nothing (such as
    ``customer__in=[]``: Django refuses to write its SQL)."""
    try:
        return [selection.order_by().query.sql_with_params()]
    except EmptyResultSet:
        return []


def either_q(*selections: QuerySet) -> Q:
    """Tickets any of ``selections`` (``values("pk")`` queries) selects."""
    parts = [part for selection in selections for part in _sql_of(selection)]
    return _union_q(parts) if parts else Q(pk__in=[])


def search_q(text: str, *, user) -> Q:
    """What a person's search finds among the tickets they may see: ``#41`` is ticket 41, a
    bare ``41`` is ticket 41 or any ticket with "41" in its text; internal notes count for
    staff only. Combine with ``tickets_visible_to(user)``."""
    number = ticket_number(text)
    if number is not None and text.strip().startswith("#"):
        return Q(pk=number)
    found = text_q(text, internal=is_support_staff(user))
    if number is None:
        return found
    return either_q(
        Ticket.objects.filter(found).values("pk"), Ticket.objects.filter(pk=number).values("pk")
    )
