"""Search at 10,000 and 100,000 tickets (and 1,000,000 on PostgreSQL with
``BENCH_SEARCH_SIZES=1000000``): the queue page searched by an engineer (every status) and the
contact's list searched by a contact, for a word of a subject, of a description, of a message,
a Ukrainian word, a part of a word, a ticket number, and a word found in nearly every ticket.

Tickets are cloned in SQL from a few thousand made by ``bench.queue.bulk_tickets`` (realistic
SLA columns), with generated text: one ticket in 1,000 has each rare word, so a search finds
about 0.1 % of the table. Every ticket gets two messages (a public one and, for one ticket in
three, an internal note). On PostgreSQL the search indexes are dropped while rows are added
and built again after, as a bulk load would.
"""

from __future__ import annotations

import os
import time
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from bench.queue import _analyze, _people, bulk_tickets, measure
from tests.conftest import otp_verify_session

TEMPLATES = 2_000
CHUNK = 100_000

# (figure name, text): the rare words occur in one ticket (or message) in 1,000.
CASES = (
    ("subject", "autodialer"),
    ("description", "jitter"),
    ("message", "recording"),
    ("ukrainian", "дзвінки"),
    ("part", "dialer"),
    ("number", "#{number}"),
    ("bare_number", "{number}"),
)
COMMON = ("common", "trunk")

_SUBJECT = (
    "'Bench ' || n || ': ' || CASE WHEN n % 1000 = 1 THEN 'Autodialer stops on campaign' "
    "ELSE 'calls drop on trunk ' || (n % 97) END"
)
_DESCRIPTION = (
    "'Calls drop after ' || (n % 60) || ' seconds on line ' || (n % 500) || ', ref R' || n "
    "|| '. ' || CASE WHEN n % 1000 = 2 THEN 'Jitter above 40 ms on the SBC.' "
    "WHEN n % 3 = 0 THEN 'Агенти чують тишу, клієнт кладе слухавку.' "
    "ELSE 'Agents hear silence and the customer hangs up.' END"
)
_PUBLIC = (
    "CASE WHEN n % 1000 = 3 THEN 'Вхідні дзвінки обриваються після оновлення ' || n "
    "WHEN n % 1000 = 5 THEN 'Please send the recording of call ' || n "
    "WHEN n % 2 = 0 THEN 'Логи надіслано, чекаємо на відповідь щодо ' || n "
    "ELSE 'Please send the logs of call ' || n || ' from the gateway.' END"
)
_NOTE = "'Checked the SBC for ' || n || ', nothing unusual; escalate if it recurs.'"


def _sql(expression: str) -> str:
    """A text expression inside a query with parameters: its % are literal."""
    return expression.replace("%", "%%")


_SERIES = "WITH RECURSIVE s(n) AS (SELECT %s UNION ALL SELECT n + 1 FROM s WHERE n < %s) "


def _clone_tickets(start: int, count: int, first_template: int, templates: int) -> None:
    """Tickets numbered ``start``..``start + count - 1`` (n), copied from the templates."""
    from tickets.models import Ticket

    columns = [f.column for f in Ticket._meta.concrete_fields if f.column != "id"]
    values = [
        _sql(_SUBJECT) if c == "subject" else _sql(_DESCRIPTION) if c == "description" else f"t.{c}"
        for c in columns
    ]
    sql = (
        f"{_SERIES}INSERT INTO tickets_ticket ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM s JOIN tickets_ticket t ON t.id = %s + (s.n %% %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, start + count - 1, first_template, templates])


def _add_messages(author_id: int, after: int) -> None:
    """Two messages on every ticket past id ``after``: a public reply, then an internal note
    (one ticket in three) or a customer comment."""
    second_kind = "CASE WHEN n % 3 = 0 THEN 'note' ELSE 'comment' END"
    second_body = f"CASE WHEN n % 3 = 0 THEN {_NOTE} ELSE 'Still happening on ' || n END"
    with connection.cursor() as cursor:
        for kind, body in (("'reply'", _PUBLIC), (second_kind, second_body)):
            cursor.execute(
                "INSERT INTO tickets_message (ticket_id, author_id, kind, body, created_at) "
                f"SELECT n, %s, {_sql(kind)}, {_sql(body)}, created_at FROM "
                "(SELECT id AS n, created_at FROM tickets_ticket WHERE id > %s) t",
                [author_id, after],
            )


def seed(size: int, author_id: int, *, messages: bool = True) -> None:
    """Grow the ticket table to ``size`` rows, with their messages (unless not asked)."""
    from search import postgres
    from tickets.models import Message, Ticket

    have = Ticket.objects.count()
    if have >= size:
        return
    if have < min(TEMPLATES, size):  # enough distinct tickets to copy: a realistic mix
        bulk_tickets(min(TEMPLATES, size) - have)
        have = Ticket.objects.count()
    bounds = Ticket.objects.order_by("pk").values_list("pk", flat=True)
    first, templates = bounds.first(), min(TEMPLATES, have)
    postgres.drop_indexes(connection)
    number = have
    while number < size:
        count = min(CHUNK, size - number)
        _clone_tickets(number + 1, count, first, templates)
        number += count
    if messages:
        talked = Message.objects.order_by("-ticket_id").values_list("ticket_id", flat=True)
        _add_messages(author_id, talked.first() or 0)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # as a bulk load would: build in memory
            cursor.execute("SET maintenance_work_mem = '1GB'")
    postgres.create_indexes(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute("VACUUM ANALYZE tickets_message")
    _analyze()


def _clients():
    engineer, contracts, _ = _people()
    staff = Client()
    staff.force_login(engineer)
    otp_verify_session(staff, engineer)
    contact = Client()
    contact.force_login(contracts[0][1])
    return engineer, staff, contact


def run(sizes: tuple[int, ...] | None = None) -> dict[str, float]:
    """Prints and returns ``search_ms_N`` (the slowest search of the queue at N tickets, the
    common word included) with one figure per case, e.g. ``search_ukrainian_ms_N``."""
    from tickets.models import Message, Ticket

    if sizes is None:
        sizes = tuple(
            int(s) for s in os.environ.get("BENCH_SEARCH_SIZES", "10000,100000").split(",")
        )
    figures: dict[str, float] = {}
    print(f"== search ({connection.vendor}): median of 5 renders of the queue (staff, any status)")
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        engineer, staff, contact = _clients()
        queue, mine = reverse("tickets:queue"), reverse("tickets:contact_list")
        for size in sorted(sizes):
            began = time.perf_counter()
            seed(size, engineer.pk)
            messages = Message.objects.count()
            print(
                f"   ({Ticket.objects.count()} tickets, {messages} messages, "
                f"ready in {time.perf_counter() - began:.1f} s)"
            )
            number = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() // 2
            slowest = 0.0
            for name, text in (*CASES, COMMON):
                text = text.format(number=number)
                queries, median, sql = measure(
                    staff, f"{queue}?{urlencode({'status': 'any', 'q': text})}"
                )
                ms = median * 1000
                figures[f"search_{name}_ms_{size}"] = round(ms, 1)
                figures[f"search_{name}_sql_ms_{size}"] = round(sql * 1000, 1)
                slowest = max(slowest, ms)
                figures[f"search_queries_{size}"] = max(
                    queries, figures.get(f"search_queries_{size}", 0)
                )
                print(
                    f"   {size:>8} {name:<12} {text!r:<14} {queries:>3} queries {ms:8.1f} ms"
                    f"  (of which SQL {sql * 1000:.1f} ms)"
                )
            contact_queries, median, _sql = measure(
                contact, f"{mine}?{urlencode({'q': 'дзвінки'})}"
            )
            figures[f"search_contact_ms_{size}"] = round(median * 1000, 1)
            print(
                f"   {size:>8} {'contact':<12} {'дзвінки':<14} {contact_queries:>3} queries "
                f"{median * 1000:8.1f} ms"
            )
            figures[f"search_ms_{size}"] = round(slowest, 1)
    return figures
