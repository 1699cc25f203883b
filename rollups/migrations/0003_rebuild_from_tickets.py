"""Roll up the tickets already there, so the cells are right from the first page view."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from rollups.services import rollups_rebuild

    rollups_rebuild(
        models=(
            apps.get_model("tickets", "Ticket"),
            apps.get_model("rollups", "MonthCell"),
            apps.get_model("rollups", "PendingDue"),
            apps.get_model("rollups", "BillableCell"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [("rollups", "0002_billable"), ("tickets", "0010_ticket_channel")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
