"""Rebuild the dashboard's roll-ups from the tickets (after a migration of data, or a repair)."""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rollups.services import rollups_rebuild


class Command(BaseCommand):
    help = _("Recompute the dashboard's roll-ups of ended tickets from the tickets.")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--since",
            help=_("First month to rebuild, YYYY-MM (default: every month)."),
        )

    def handle(self, *args, since: str | None = None, **options) -> None:
        first = None
        if since:
            try:
                year, month = (int(part) for part in since.split("-"))
                first = date(year, month, 1)
            except ValueError:
                raise CommandError(
                    _("--since must be a month as YYYY-MM, not %(value)s.") % {"value": since}
                ) from None
        began = time.perf_counter()
        count = rollups_rebuild(since=first)
        self.stdout.write(
            ngettext(
                "Rolled up %(count)d ended ticket in %(seconds).1f s.",
                "Rolled up %(count)d ended tickets in %(seconds).1f s.",
                count,
            )
            % {"count": count, "seconds": time.perf_counter() - began}
        )
