"""Reading the SLA digests back: which events each recipient was told about, and how often."""

import re
from collections import Counter

from tickets.models import OutboxMessage

ENTRY = re.compile(r"^#(\d+) (Reaction|Resolution) (breached|at risk), (?:was )?due ", re.MULTILINE)
KIND = {"breached": "breach", "at risk": "at_risk"}


def events_in(body: str) -> list[tuple[int, str, str]]:
    """(ticket id, metric, kind) of every event a digest lists, in its order."""
    return [(int(t), m.lower(), KIND[k]) for t, m, k in ENTRY.findall(body)]


def told(mails) -> Counter:
    """How often each (recipient, ticket id, metric, kind) appears across e-mails (Django
    ``EmailMessage``s or ``OutboxMessage`` rows)."""
    counts = Counter()
    for mail in mails:
        recipients = mail.recipients if isinstance(mail, OutboxMessage) else mail.to
        for recipient in recipients:
            counts.update((recipient, *event) for event in events_in(mail.body))
    return counts


def digests():
    return OutboxMessage.objects.filter(dedupe_key__startswith="sla-digest:")
