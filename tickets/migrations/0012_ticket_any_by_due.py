"""The queue's order over every status, for PostgreSQL: ``next_due`` first (NULLS LAST), then
the newest. A search for a word found in most tickets walks it and stops after a page
(``search.selectors``). SQLite cannot put NULLS LAST in an index, and does not search that way.
"""

from django.db import migrations

NAME = "ticket_any_by_due_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON tickets_ticket "
            "(next_due ASC NULLS LAST, opened_at DESC NULLS LAST, id DESC)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0011_sla_marks_index_review")]

    operations = [migrations.RunPython(create, drop)]
