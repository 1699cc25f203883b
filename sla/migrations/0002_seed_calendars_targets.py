"""Seed the SPEC's calendars (UTC+03:00) and the package targets."""

from datetime import time, timedelta

from django.db import migrations

H = timedelta(hours=1)
MIN = timedelta(minutes=1)

CALENDARS = {
    "incident-hours": ("Incident hours", [(d, time(9), time(18)) for d in range(7)]),
    "service-desk-hours": ("Service-desk hours", [(d, time(9), time(20)) for d in range(5)]),
    "24x7": ("24×7", [(d, time(0), time(0)) for d in range(7)]),
}

# (type, priority): (reaction Advanced, reaction Pro, resolution, extended resolution, calendar)
TARGETS = {
    ("incident", 1): (1 * H, 30 * MIN, 2 * H, 20 * H, "incident-hours"),
    ("incident", 2): (2 * H, 1 * H, 4 * H, 20 * H, "incident-hours"),
    ("incident", 3): (4 * H, 2 * H, 8 * H, 20 * H, "incident-hours"),
    ("service_request", None): (5 * H, 5 * H, 40 * H, 100 * H, "service-desk-hours"),
    ("change", None): (5 * H, 5 * H, 80 * H, 100 * H, "service-desk-hours"),
}


def seed(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    CalendarInterval = apps.get_model("sla", "CalendarInterval")
    SlaTarget = apps.get_model("sla", "SlaTarget")
    SupportPackage = apps.get_model("packages", "SupportPackage")
    calendars = {}
    for key, (name, intervals) in CALENDARS.items():
        calendar, _ = BusinessCalendar.objects.update_or_create(
            key=key, defaults={"name": name, "time_zone": "+03:00"}
        )
        calendar.intervals.all().delete()
        CalendarInterval.objects.bulk_create(
            CalendarInterval(calendar=calendar, weekday=d, start=s, end=e) for d, s, e in intervals
        )
        calendars[key] = calendar
    for code, reaction_index in (("advanced", 0), ("pro", 1)):
        package = SupportPackage.objects.get(code=code)
        for (ticket_type, priority), row in TARGETS.items():
            SlaTarget.objects.update_or_create(
                package=package, ticket_type=ticket_type, priority=priority,
                defaults={
                    "reaction": row[reaction_index],
                    "resolution": row[2],
                    "extended_resolution": row[3],
                    "calendar": calendars[row[4]],
                },
            )


def unseed(apps, schema_editor):
    apps.get_model("sla", "SlaTarget").objects.all().delete()
    apps.get_model("sla", "BusinessCalendar").objects.filter(key__in=CALENDARS).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial"), ("packages", "0002_seed_packages_components")]
    operations = [migrations.RunPython(seed, unseed)]
