"""Search indexes: pg_trgm and GIN indexes on PostgreSQL, FTS5 tables and triggers on SQLite.

Not atomic: PostgreSQL builds the indexes CONCURRENTLY (no lock on a large ticket table).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from search import postgres, sqlite

    postgres.create_indexes(schema_editor.connection)
    sqlite.ensure_sync(schema_editor.connection)


def backwards(apps, schema_editor):
    from search import postgres, sqlite

    postgres.drop_indexes(schema_editor.connection)
    sqlite.drop(schema_editor.connection)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("tickets", "0010_ticket_channel")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
