"""The SLA check's audience (tickets.services.alerts): who is on duty at the run's instant,
the managers, who muted at-risk mail; and each alert in its recipients' unread lists.

Constant queries per run, whatever the number of events (the check's design): four reads here
and one bulk insert of the events (split only by the database's parameter limit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model

from oncall.models import EventKind, StaffEvent
from oncall.selectors import mailboxes, manager_ids, on_duty_ids


@dataclass(frozen=True)
class AlertAudience:
    on_duty: frozenset[int]
    managers: frozenset[int]
    on_duty_emails: frozenset[str]
    manager_emails: frozenset[str]
    at_risk_muted: frozenset[str]  # addresses of people who turned at-risk mail off


def alert_audience(now: datetime) -> AlertAudience:
    on_duty, managers = on_duty_ids(now), manager_ids()
    boxes = mailboxes(on_duty | managers)
    muted = get_user_model().objects.filter(
        notification_prefs__kind=EventKind.AT_RISK, notification_prefs__email=False
    )
    return AlertAudience(
        on_duty=on_duty,
        managers=managers,
        on_duty_emails=frozenset(boxes.of(on_duty)),
        manager_emails=frozenset(boxes.of(managers)),
        at_risk_muted=frozenset(muted.exclude(email="").values_list("email", flat=True)),
    )


def alert_events_record(alerts: Sequence, audience: AlertAudience, *, now: datetime) -> None:
    """One unread event per alert and recipient (the assignee or the on-duty engineers, and the
    managers); the alert's id is the key, so a retried run adds nothing."""
    rows = []
    for alert in alerts:
        kind = EventKind.BREACHED if alert.kind == "breach" else EventKind.AT_RISK
        first = frozenset({alert.assignee_id}) if alert.assignee_id else audience.on_duty
        for pk in sorted(first | audience.managers):
            rows.append(
                StaffEvent(
                    recipient_id=pk, kind=kind, key=f"sla:{alert.pk}", ticket_id=alert.ticket_id,
                    detail=str(alert.metric), created_at=now,
                )
            )
    StaffEvent.objects.bulk_create(rows, ignore_conflicts=True)
