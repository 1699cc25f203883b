"""The SLA check's e-mail to staff: one digest per recipient and run, with a bounded size.

A catch-up after an outage may find thousands of events; a digest lists the first
``DIGEST_MAX_EVENTS`` (breaches first, then by due time), says how many more there are and
links to the queue's "breached" and "at risk" filters, where every one of them is. Times are in
the staff's zone (PORTAL_STAFF_TIME_ZONE), each naming it.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tickets.models import OutboxMessage, SlaAlertKind, SlaMetric
from tickets.services.mail_format import mail_time
from tickets.services.outbox import outbox_row

if TYPE_CHECKING:
    from tickets.services.alerts import NewAlert

PLACEHOLDER_PK = 987654321
DIGEST_MAX_EVENTS = 50  # a digest stays a few dozen kilobytes, however large the catch-up


class AlertTexts:
    """Every translated string and label of a run, looked up once (not once per alert)."""

    def __init__(self) -> None:
        self.headline = {
            (SlaMetric.REACTION, SlaAlertKind.BREACH): _("Reaction breached"),
            (SlaMetric.RESOLUTION, SlaAlertKind.BREACH): _("Resolution breached"),
            (SlaMetric.REACTION, SlaAlertKind.AT_RISK): _("Reaction at risk"),
            (SlaMetric.RESOLUTION, SlaAlertKind.AT_RISK): _("Resolution at risk"),
        }
        self.breach = _("%(what)s (was due %(due)s).")
        self.at_risk = _("%(what)s: 80 %% of the target used, due %(due)s.")
        self.subject_one = _("[%(ref)s] %(what)s: %(subject)s")
        self.entry = {
            SlaAlertKind.BREACH: _("%(ref)s %(what)s, was due %(due)s"),
            SlaAlertKind.AT_RISK: _("%(ref)s %(what)s, due %(due)s"),
        }
        self.detail = _("%(customer)s: %(subject)s (assignee: %(who)s)")
        self.nobody = _("nobody, sent to the on-duty engineers")
        # One reverse() per run: a catch-up may write thousands of links (to the workspace:
        # the digests go to staff).
        base = settings.PORTAL_BASE_URL.rstrip("/")
        workspace = reverse("tickets:workspace", args=[PLACEHOLDER_PK])
        self.url = base + workspace.replace(str(PLACEHOLDER_PK), "{pk}")
        queue = base + reverse("tickets:queue")
        self.queue_breached = f"{queue}?breached=on"
        self.queue_at_risk = f"{queue}?at_risk=on"
        self._entries: dict[int, str] = {}

    def entry_of(self, alert: NewAlert) -> str:
        """The alert's digest entry, rendered once however many recipients list it."""
        if (text := self._entries.get(alert.pk)) is None:
            text = self._entries[alert.pk] = digest_entry(alert, self)
        return text

    def subject_many(self, count: int, breached: int) -> str:
        return ngettext(
            "SLA: %(count)s new event (%(breached)s breached, %(at_risk)s at risk)",
            "SLA: %(count)s new events (%(breached)s breached, %(at_risk)s at risk)",
            count,
        ) % {"count": count, "breached": breached, "at_risk": count - breached}

    def intro(self, count: int) -> str:
        return ngettext(
            "%(count)s new SLA event since the last check, breaches first (times in %(zone)s):",
            "%(count)s new SLA events since the last check, breaches first (times in %(zone)s):",
            count,
        ) % {"count": count, "zone": settings.PORTAL_STAFF_TIME_ZONE}

    def more(self, count: int, breached: int) -> str:
        """What the digest leaves out, and where to find it."""
        return "\n".join(
            (
                ngettext(
                    "…and %(count)s more new event, not listed here (%(breached)s breached, "
                    "%(at_risk)s at risk). The queue shows every one:",
                    "…and %(count)s more new events, not listed here (%(breached)s breached, "
                    "%(at_risk)s at risk). The queue shows every one:",
                    count,
                )
                % {"count": count, "breached": breached, "at_risk": count - breached},
                _("Breached: %(url)s") % {"url": self.queue_breached},
                _("At risk: %(url)s") % {"url": self.queue_at_risk},
            )
        )


def digest_entry(alert: NewAlert, texts: AlertTexts) -> str:
    """An event as the digests list it: ref, what, due (staff zone), customer, subject, link."""
    ref = f"#{alert.ticket_id}"
    return "\n".join(
        (
            texts.entry[alert.kind]
            % {
                "ref": ref,
                "what": texts.headline[(alert.metric, alert.kind)],
                "due": mail_time(alert.due_at, settings.PORTAL_STAFF_TIME_ZONE),
            },
            "    "
            + texts.detail
            % {
                "customer": alert.customer,
                "subject": alert.subject,
                "who": alert.assignee_name or texts.nobody,
            },
            "    " + texts.url.format(pk=alert.ticket_id),
        )
    )


def _digest_key(recipient: str, alerts: list[NewAlert]) -> str:
    """Unique per run and recipient: the digests commit (or roll back) together with the alert
    rows, and a committed alert id belongs to one run only, so its id range never repeats."""
    ids = [a.pk for a in alerts]
    key = f"sla-digest:{min(ids)}-{max(ids)}:{recipient}"
    if len(key) > 200:  # the column's length; e-mail addresses may be up to 254 characters
        key = f"sla-digest:{min(ids)}-{max(ids)}:{hashlib.sha256(recipient.encode()).hexdigest()}"
    return key


def sla_digest(recipient: str, alerts: list[NewAlert], texts: AlertTexts) -> OutboxMessage:
    """The unsaved digest row of one recipient: at most DIGEST_MAX_EVENTS entries (rendered
    here, so a catch-up renders only what it sends), then the count of the rest."""
    if len(alerts) == 1:
        (alert,) = alerts
        subject = texts.subject_one % {
            "ref": f"#{alert.ticket_id}",
            "what": texts.headline[(alert.metric, alert.kind)],
            "subject": alert.subject,
        }
    else:
        breached = sum(a.kind == SlaAlertKind.BREACH for a in alerts)
        subject = texts.subject_many(len(alerts), breached)
    listed, rest = alerts[:DIGEST_MAX_EVENTS], alerts[DIGEST_MAX_EVENTS:]
    parts = [texts.intro(len(alerts)), *(texts.entry_of(a) for a in listed)]
    if rest:
        parts.append(texts.more(len(rest), sum(a.kind == SlaAlertKind.BREACH for a in rest)))
    tickets = {a.ticket_id for a in alerts}
    return outbox_row(
        recipients=[recipient],
        subject=subject,
        body="\n\n".join(parts) + "\n",
        ticket_id=next(iter(tickets)) if len(tickets) == 1 else None,
        dedupe_key=_digest_key(recipient, alerts),
    )
