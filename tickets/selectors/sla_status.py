"""What "breached now" and "at risk now" mean, once: as SQL (filters, counts) and in Python
(badges on rows already loaded). The queue, the workspace, the contacts' pages and the
dashboard all read these, so a badge and a filter can never disagree.

A metric is breached now if the beat job (or the engine) recorded a breach, or if its due time
has passed while it is unmet: reaction before the first reply, resolution while its clock runs.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from tickets.models import Ticket


def breached_q(now: datetime) -> Q:
    """Tickets with a breach recorded, or whose running due time (``next_due``) has passed."""
    return (
        Q(reaction_breached_at__isnull=False)
        | Q(resolution_breached_at__isnull=False)
        | Q(next_due__lt=now)
    )


def at_risk_q(now: datetime) -> Q:
    """Past 80 % of a running target and not breached."""
    risk = Q(first_response_at__isnull=True, reaction_at_risk_at__lte=now) | Q(
        resolution_at_risk_at__lte=now
    )
    return risk & ~breached_q(now)


def reaction_breached_now(ticket: Ticket, now: datetime) -> bool:
    if ticket.reaction_breached_at is not None:
        return True
    return (
        ticket.first_response_at is None
        and not ticket.is_withdrawn  # its clocks stopped: only a recorded breach counts
        and ticket.reaction_due is not None
        and ticket.reaction_due < now
    )


def resolution_breached_now(ticket: Ticket, now: datetime) -> bool:
    if ticket.resolution_breached_at is not None or ticket.resolution_met is False:
        return True
    running = ticket.is_open and not ticket.sla_paused
    return running and ticket.resolution_due is not None and ticket.resolution_due < now
