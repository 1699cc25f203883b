"""Seed the mailbox poll in beat's schedule (django-celery-beat, editable in the admin).

Every 15 seconds: a P1 sent by mail is a ticket within that, and its notifications go out at
once after commit, so it reaches an engineer well inside a minute. Expired after 14 s: a poll
not started in time is dropped, the next one reads the same mailbox.
"""

from django.db import migrations

NAME = "Mailbox poll (inbound e-mail)"
TASK = "mailin.tasks.mail_poll"
EVERY_SECONDS = 15


def seed(apps, schema_editor):
    from django.utils import timezone

    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    interval, _ = IntervalSchedule.objects.get_or_create(every=EVERY_SECONDS, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": TASK, "interval": interval, "expire_seconds": EVERY_SECONDS - 1,
                  "start_time": timezone.now(), "enabled": True},
    )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mailin", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
