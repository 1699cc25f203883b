"""Seed the beat schedules (django-celery-beat, editable in the admin). Idempotent by name."""

from django.db import migrations

EVERY_MINUTE = [
    # name, task, expire seconds (a tick not started within a minute is dropped: the next
    # one catches up, so a backlog never piles up)
    ("SLA check (breaches, at risk)", "sla.tasks.sla_check", 55),
    ("Outbox flush (unsent e-mail)", "tickets.tasks.outbox_flush", 55),
]
CRONTAB = [
    # name, task, minute, hour: the opening runs hourly and acts on each contract whose
    # local month has turned, so every time zone (and a missed run) is covered.
    ("Quota: open deferred requests", "tickets.tasks.quota_open_deferred", "5", "*"),
    ("Quota: daily reconciliation", "tickets.tasks.quota_reconcile", "30", "2"),
]


def seed(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    # A start time makes beat run each task at its first start, then on schedule.
    from django.utils import timezone

    start = timezone.now()
    minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    for name, task, expires in EVERY_MINUTE:
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={"task": task, "interval": minute, "expire_seconds": expires,
                      "start_time": start, "enabled": True},
        )
    for name, task, cron_minute, cron_hour in CRONTAB:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=cron_minute, hour=cron_hour, day_of_week="*", day_of_month="*",
            month_of_year="*", timezone="UTC",
        )
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={"task": task, "crontab": crontab, "start_time": start, "enabled": True},
        )
    # Tell a running beat that the schedule changed.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def unseed(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    names = [row[0] for row in EVERY_MINUTE + CRONTAB]
    PeriodicTask.objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0002_sla_alerts_quota_notices"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
