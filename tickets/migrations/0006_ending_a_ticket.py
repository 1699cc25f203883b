import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The hourly job that closes resolved tickets once the reopen window has passed (seeded like
# 0003: idempotent by name, editable in the admin).
CLOSE_JOB = ("Close resolved tickets past the reopen window", "tickets.tasks.close_resolved", "15")


def seed(apps, schema_editor):
    from django.utils import timezone

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    name, task, minute = CLOSE_JOB
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=minute, hour="*", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="UTC",
    )
    PeriodicTask.objects.get_or_create(
        name=name,
        defaults={"task": task, "crontab": crontab, "start_time": timezone.now(), "enabled": True},
    )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=CLOSE_JOB[0]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('packages', '0002_seed_packages_components'),
        ('tickets', '0005_dashboard_indexes'),
        ('django_celery_beat', '0019_alter_periodictasks_options'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='ticket',
            name='ticket_dash_counts_idx',
        ),
        migrations.AddField(
            model_name='ticket',
            name='duplicate_of',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='duplicates', to='tickets.ticket', verbose_name='duplicate of'),
        ),
        migrations.AddField(
            model_name='ticket',
            name='withdraw_reason',
            field=models.CharField(blank=True, choices=[('not_needed', 'No longer needed'), ('duplicate', 'Duplicate of another ticket'), ('spam', 'Spam')], max_length=20, verbose_name='withdrawn because'),
        ),
        migrations.AddField(
            model_name='ticket',
            name='withdrawn_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='withdrawn'),
        ),
        migrations.AlterField(
            model_name='slaevent',
            name='kind',
            field=models.CharField(choices=[('open', 'Opened'), ('first_response', 'First response'), ('pause', 'Clock paused'), ('resume', 'Clock resumed'), ('priority', 'Priority changed'), ('reclassify', 'Reclassified'), ('extend', 'SLA extended'), ('resolve', 'Resolved'), ('reopen', 'Reopened'), ('withdraw', 'Withdrawn')], max_length=20),
        ),
        migrations.AlterField(
            model_name='ticket',
            name='status',
            field=models.CharField(choices=[('new', 'New'), ('in_progress', 'In progress'), ('waiting', 'Waiting for customer'), ('resolved', 'Resolved'), ('closed', 'Closed'), ('withdrawn', 'Withdrawn')], default='new', max_length=20, verbose_name='status'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['opened_at', 'customer', 'contract', 'ticket_type', 'priority', 'reaction_met', 'resolution_met', 'reaction_due', 'resolution_due', 'reaction_breached_at', 'resolution_breached_at', 'reaction_elapsed', 'resolution_elapsed', 'status'], name='ticket_dash_counts_idx'),
        ),
        migrations.AddConstraint(
            model_name='ticket',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'withdrawn'), ('withdraw_reason__in', ['not_needed', 'duplicate', 'spam']), ('withdrawn_at__isnull', False)), models.Q(models.Q(('status', 'withdrawn'), _negated=True), ('withdraw_reason', ''), ('withdrawn_at__isnull', True)), _connector='OR'), name='ticket_withdrawn_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='ticket',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('withdraw_reason', 'duplicate'), ('duplicate_of__isnull', False), models.Q(('duplicate_of', models.F('id')), _negated=True)), models.Q(models.Q(('withdraw_reason', 'duplicate'), _negated=True), ('duplicate_of__isnull', True)), _connector='OR'), name='ticket_duplicate_names_another'),
        ),
        migrations.RunPython(seed, unseed),
    ]
