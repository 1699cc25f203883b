"""What a change did to the SLA, as language-neutral data for the ticket's history.

Each effect is a small dict, ``{"kind": ..., **params}``: due times as ISO instants (UTC),
margins in minutes. They are stored on ``TicketChange.effects`` and turned into sentences when a
page or a mail shows them (``tickets.selectors.history``), in the reader's language and zone —
not the actor's, who may read another language or live in another zone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from django.utils.translation import gettext as _

from sla.clock import SlaState


class Effect(StrEnum):
    STARTED = "started"  # due: reaction, resolution
    DEFERRED = "deferred"
    REACTION_MET = "reaction_met"  # minutes before due
    REACTION_LATE = "reaction_late"  # minutes late
    REACTION_DUE = "reaction_due"  # due
    REACTION_BREACHED = "reaction_breached"
    PAUSED = "paused"
    RESUMED = "resumed"  # due
    NEW_CLOCK = "new_clock"  # priority, due
    NEW_CLOCK_PAUSED = "new_clock_paused"  # priority
    RESOLUTION_DUE = "resolution_due"  # due
    RESOLUTION_BREACHED = "resolution_breached"  # due
    EXTENDED = "extended"  # hours
    RESOLUTION_MET = "resolution_met"
    RESOLVED_LATE = "resolved_late"
    REOPENED = "reopened"  # due
    WITHDRAWN = "withdrawn"
    WITHDRAWN_BECAUSE = "withdrawn_because"  # reason (WithdrawReason), ref ("#12" or "")
    CONFIRMED = "confirmed"  # the contact confirmed the resolution: closed
    AUTO_CLOSED = "auto_closed"  # days: closed by itself after the reopen window
    WORKAROUND_APPLIED = "workaround_applied"
    WORKAROUND_IGNORED = "workaround_ignored"
    WORKAROUND_SAME_PRIORITY = "workaround_same_priority"
    ALERT_BREACH = "alert_breach"  # metric, due (the beat job's breach)
    ALERT_AT_RISK = "alert_at_risk"  # metric, due
    TEXT = "text"  # text: a legacy sentence the data migration could not read


# The effects that move or state a due time: what a contact is told about.
DUE_MOVES = frozenset(
    {
        Effect.REACTION_DUE,
        Effect.RESOLUTION_DUE,
        Effect.NEW_CLOCK,
        Effect.NEW_CLOCK_PAUSED,
        Effect.EXTENDED,
    }
)


def iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.isoformat()


def effect(kind: Effect, **params) -> dict:
    return {"kind": str(kind), **params}


def _minutes(delta: timedelta) -> int:
    return int(abs(delta).total_seconds() // 60)


def describe_margin(delta: timedelta) -> str:
    """A business-time span, e.g. "2 h 05 min" (always positive)."""
    hours, minutes = divmod(_minutes(delta), 60)
    if hours:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
    return _("%(m)d min") % {"m": minutes}


def sla_effects(before: SlaState | None, after: SlaState) -> list[dict]:
    """What a change did to the SLA, e.g. ``[{"kind": "reaction_met", "minutes": 12}]``."""
    if before is None:
        return [
            effect(
                Effect.STARTED,
                reaction=iso(after.reaction_due),
                resolution=iso(after.resolution_due),
            )
        ]
    out: list[dict] = []
    if before.first_response_at is None and after.first_response_at is not None:
        margin = _minutes(after.reaction_due - after.first_response_at)
        kind = Effect.REACTION_MET if after.reaction_met else Effect.REACTION_LATE
        out.append(effect(kind, minutes=margin))
    elif before.first_response_at is None and before.reaction_due != after.reaction_due:
        out.append(effect(Effect.REACTION_DUE, due=iso(after.reaction_due)))
    if (
        before.reaction_breached_at is None
        and after.reaction_breached_at is not None
        and (before.first_response_at is None and after.first_response_at is None)
    ):
        out.append(effect(Effect.REACTION_BREACHED))
    if not before.paused and after.paused:
        out.append(effect(Effect.PAUSED))
    elif before.paused and not after.paused and not after.resolved:
        out.append(effect(Effect.RESUMED, due=iso(after.resolution_due)))
    if after.clock_started_at != before.clock_started_at:
        if after.paused:
            out.append(effect(Effect.NEW_CLOCK_PAUSED, priority=after.priority))
        else:
            out.append(
                effect(Effect.NEW_CLOCK, priority=after.priority, due=iso(after.resolution_due))
            )
    elif (
        not after.paused
        and not before.paused
        and not after.resolved
        and before.resolution_due != after.resolution_due
    ):
        out.append(effect(Effect.RESOLUTION_DUE, due=iso(after.resolution_due)))
    if before.resolution_breached_at is None and after.resolution_breached_at is not None:
        out.append(effect(Effect.RESOLUTION_BREACHED, due=iso(after.resolution_breached_at)))
    if not before.extended and after.extended:
        out.append(
            effect(Effect.EXTENDED, hours=int(after.resolution_target.total_seconds() // 3600))
        )
    if not before.resolved and after.resolved:
        out.append(effect(Effect.RESOLUTION_MET if after.resolution_met else Effect.RESOLVED_LATE))
    if not before.withdrawn and after.withdrawn:
        out.append(effect(Effect.WITHDRAWN))
    if before.resolved and not after.resolved:
        out.append(effect(Effect.REOPENED, due=iso(after.resolution_due)))
    return out
