"""Reading the audit log: managers search it by actor, action, date range and text."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from audit.models import AuditEntry


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str = ""


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of a day in the staff's zone (the dates a manager types are theirs)."""
    return dt.datetime.combine(day, dt.time(0), zoneinfo.ZoneInfo(settings.PORTAL_STAFF_TIME_ZONE))


def audit_search(filters: AuditFilters) -> QuerySet[AuditEntry]:
    """Entries matching every filter given, newest first; dates are inclusive."""
    entries = AuditEntry.objects.all()
    if filters.actor:
        entries = entries.filter(actor_label__icontains=filters.actor)
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.date_from:
        entries = entries.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        entries = entries.filter(at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.text:
        text = filters.text
        entries = entries.filter(
            Q(target_label__icontains=text)
            | Q(summary__icontains=text)
            | Q(actor_label__icontains=text)
            | Q(ip_address__startswith=text)
        )
    return entries.order_by("-at", "-pk")
