"""Seed the hourly job that mails last month's statements (it acts only from the month's first
working day on, once per customer admin and month). Idempotent by name."""

from django.db import migrations

NAME = "Statements: last month's SLA statement to customer admins"
TASK = "statements.tasks.statements_monthly_mail"


def seed(apps, schema_editor):
    from django.utils import timezone

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    hourly, _ = CrontabSchedule.objects.get_or_create(
        minute="20", hour="*", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="UTC",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": TASK, "crontab": hourly, "start_time": timezone.now(),
                  "enabled": True},
    )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
