"""``manage.py seed_demo``: create the demo data (idempotent) and print the demo logins."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from oncall.demo import demo_history_events_read, demo_rota_seed
from packages.demo import demo_seed
from tickets.demo_history import demo_history_seed


class Command(BaseCommand):
    help = (
        "Create demo customers, contracts, contacts and staff (idempotent: a second run changes "
        "nothing) and print their logins. All demo users share one published password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo password is public: never on production.",
        )
        parser.add_argument(
            "--no-tickets", action="store_true", help="Create people only, no demo tickets."
        )
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Skip the year of demo tickets behind the SLA dashboard.",
        )

    def handle(
        self,
        *args,
        force: bool = False,
        no_tickets: bool = False,
        no_history: bool = False,
        **options,
    ):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: refusing to create users with the published demo password. "
                "Pass --force if this really is a demo installation."
            )
        now = timezone.now()
        summary = demo_seed(now=now, with_tickets=not no_tickets)
        if not no_tickets and not no_history:
            history = demo_history_seed(now=now)
            if history:
                self.stdout.write(f"Demo history: {history} tickets over the past year.")
                demo_history_events_read(now=now)
        if rota := demo_rota_seed():
            self.stdout.write(f"Demo rota: {rota} weekly shifts.")
        if summary.created or summary.tickets:
            self.stdout.write(
                f"Demo data: {summary.created} rows and {summary.tickets} tickets created."
            )
        else:
            self.stdout.write("Demo data already present: nothing changed.")
        login_url = settings.PORTAL_BASE_URL.rstrip("/") + reverse("login")
        self.stdout.write(f"\nDemo logins at {login_url} (password for all: {summary.password}):")
        width = max(len(login.username) for login in summary.logins)
        for login in summary.logins:
            self.stdout.write(
                f"  {login.username.ljust(width)}  {login.role} ({login.organisation})"
            )
