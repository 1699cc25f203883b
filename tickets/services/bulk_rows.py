"""Many rows, each with its own values, in one UPDATE joined to them on the primary key.

Django's ``bulk_update`` writes one ``CASE WHEN pk = ...`` per row and column, which the
database evaluates row by row: quadratic in the batch, seconds for a few thousand rows. Here a
batch is one statement: on PostgreSQL ``UPDATE ... FROM unnest(<one array a column>)`` (a
statement of the same size whatever the rows), elsewhere ``WITH v AS (VALUES ...) UPDATE ...
FROM v`` (SQLite 3.33+).

On PostgreSQL both the update and ``values_rows`` (many rows read as plain tuples) go through
psycopg's own cursor: server-side parameters and binary results, so a timestamp is decoded by
psycopg's C code (Django's text loader parses each one in Python: ten times slower, most of a
re-time's reading). They are logged like Django's queries, so query counts still see them.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, Field, Model, Q, QuerySet
from django.db.models.expressions import RawSQL

# UPDATE ... FROM arrived in SQLite 3.33; older ones get Django's bulk_update.
_SQLITE_UPDATE_FROM = sqlite3.sqlite_version_info >= (3, 33)
# Fields whose Python values psycopg sends as they are (what get_db_prep_value returns there).
_PSYCOPG_AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "DateTimeField",
        "DurationField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
    }
)


def _converter(field: Field, connection):
    """The field's conversion to a database value, or None where the value goes as it is."""
    if connection.vendor == "postgresql" and field.get_internal_type() in _PSYCOPG_AS_IS:
        return None
    prep = field.get_db_prep_value
    return lambda value: prep(value, connection)


def rows_update(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Set ``columns`` (field names) of each row ``(pk, *values)``, in one statement."""
    if not rows:
        return
    fields = [model._meta.pk, *(model._meta.get_field(name) for name in columns)]
    connection = connections[DEFAULT_DB_ALIAS]  # the backend itself, not the proxy
    vendor = connection.vendor
    if (vendor == "sqlite" and not _SQLITE_UPDATE_FROM) or vendor not in ("sqlite", "postgresql"):
        objs = [model(pk=row[0], **dict(zip(columns, row[1:], strict=True))) for row in rows]
        model.objects.bulk_update(objs, columns)
        return
    quote = connection.ops.quote_name
    names = [quote(field.column) for field in fields]
    table, pk = quote(model._meta.db_table), names[0]
    assign = ", ".join(f"{name} = v.{name}" for name in names[1:])
    converters = [_converter(field, connection) for field in fields]
    if vendor == "postgresql":
        # One array a column, unnested side by side: a statement of a fixed size.
        arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
        source = f"unnest({arrays}) AS v ({', '.join(names)})"
        params = [
            [row[n] if convert is None else convert(row[n]) for row in rows]
            for n, convert in enumerate(converters)
        ]
        # Only the model's own quoted names are formatted in; every value is a parameter.
        sql = f"UPDATE {table} SET {assign} FROM {source} WHERE {table}.{pk} = v.{pk}"  # noqa: S608
    else:
        values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(rows))
        sql = (
            f"WITH v ({', '.join(names)}) AS (VALUES {values}) "  # noqa: S608
            f"UPDATE {table} SET {assign} FROM v WHERE {table}.{pk} = v.{pk}"
        )
        params = [
            value if convert is None else convert(value)
            for row in rows
            for convert, value in zip(converters, row, strict=True)
        ]
    if vendor == "postgresql":
        _postgres_execute(connection, sql, params)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def in_ids(model: type[Model], field: str, ids: Sequence[int]) -> Q:
    """``field IN ids``: on PostgreSQL ``= ANY(<one array>)``, one parameter for the batch
    instead of one each (binding a thousand parameters costs more than the query)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": ids})
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field).column)}"
    condition = RawSQL(f"{column} = ANY(%s)", [list(ids)], output_field=BooleanField())  # noqa: S611
    return Q(condition)


def values_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` queryset (no flat, no named), as tuples."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return list(queryset)
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter such as ``__in=[]`` matches nothing: Django runs no query
        return []
    return _postgres_execute(connection, sql, params, fetch=True)


def _postgres_execute(connection, sql: str, params, *, fetch: bool = False):
    """One statement on psycopg's own cursor of the connection (in its transaction), with
    binary results; recorded in the connection's query log when Django records queries."""
    import psycopg

    connection.ensure_connection()
    began = time.monotonic()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True)
        rows = cursor.fetchall() if fetch else None
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - began:.3f}"})
    return rows
