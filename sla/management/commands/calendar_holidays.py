"""manage.py calendar_holidays incident-hours --country UA --year 2026 --year 2027"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sla.holidays import calendar_fill_holidays
from sla.models import BusinessCalendar


class Command(BaseCommand):
    help = "Close a business calendar on a country's public holidays (from the holidays package)."

    def add_arguments(self, parser):
        parser.add_argument("calendar", help="The calendar's key, e.g. service-desk-hours.")
        parser.add_argument("--country", required=True, help="ISO country code, e.g. UA.")
        parser.add_argument("--subdiv", default=None, help="Optional subdivision code.")
        parser.add_argument(
            "--year",
            dest="years",
            type=int,
            action="append",
            required=True,
            help="A year to fill; repeat for several.",
        )

    def handle(self, *args, calendar, country, subdiv, years, **options):
        try:
            row = BusinessCalendar.objects.get(key=calendar)
        except BusinessCalendar.DoesNotExist:
            keys = ", ".join(BusinessCalendar.objects.values_list("key", flat=True))
            raise CommandError(f"no calendar with key {calendar!r}; known: {keys}") from None
        if any(not 1900 <= year <= 2200 for year in years):
            raise CommandError("--year must be between 1900 and 2200")
        try:
            added = calendar_fill_holidays(
                calendar=row, country=country, years=years, subdiv=subdiv, now=timezone.now()
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{row.name}: {added} holiday(s) added for {country.upper()} "
            f"{', '.join(map(str, sorted(years)))}."
        )
