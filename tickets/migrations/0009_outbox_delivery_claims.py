# The outbox's delivery state: a stable Message-ID per row, claims with a lease, a backoff
# schedule without a cap. Rows queued before this migration get their own Message-IDs.

from django.db import migrations, models

import tickets.models.notifications


def give_message_ids(apps, schema_editor):
    """Each existing row its own Message-ID (a column default would give them all one)."""
    OutboxMessage = apps.get_model("tickets", "OutboxMessage")
    rows = list(OutboxMessage.objects.filter(message_id__isnull=True).only("pk"))
    for row in rows:
        row.message_id = tickets.models.notifications.new_message_id()
    OutboxMessage.objects.bulk_update(rows, ["message_id"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0008_history_codes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='outboxmessage',
            name='outbox_unsent_idx',
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='message_id',
            field=models.CharField(editable=False, max_length=255, null=True, verbose_name='Message-ID'),
        ),
        migrations.RunPython(give_message_ids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='outboxmessage',
            name='message_id',
            field=models.CharField(default=tickets.models.notifications.new_message_id, editable=False, max_length=255, unique=True, verbose_name='Message-ID'),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='auto_submitted',
            field=models.BooleanField(default=True, verbose_name='automatic'),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='claim',
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='last_attempt_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='lease_until',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='next_attempt_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='attempts',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name='outboxmessage',
            index=models.Index(condition=models.Q(('sent_at__isnull', True)), fields=['next_attempt_at', 'created_at'], name='outbox_due_idx'),
        ),
    ]
