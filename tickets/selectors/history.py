"""The ticket's history as a person reads it: stored codes turned into words and times in the
reader's language and zone (the active translation and time zone), never the actor's.

Staff read every row and every SLA effect; contacts read only what ``tickets.selectors.customer``
lets through, and of the SLA effects only those about their due times.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from packages.models import Component
from sla.models import Priority, TicketType
from tickets.models import ChangeAction, SlaEventKind, TicketChange, TicketStatus, WithdrawReason
from tickets.services.sla_effects import Effect, describe_margin

STAFF = "staff"
CUSTOMER = "customer"

# What a contact reads of the SLA effects: due times and why they moved, not staff figures.
CUSTOMER_EFFECTS = frozenset(
    {
        Effect.STARTED,
        Effect.DEFERRED,
        Effect.REACTION_DUE,
        Effect.PAUSED,
        Effect.RESUMED,
        Effect.NEW_CLOCK,
        Effect.NEW_CLOCK_PAUSED,
        Effect.RESOLUTION_DUE,
        Effect.EXTENDED,
        Effect.REOPENED,
        Effect.WITHDRAWN,
        Effect.WITHDRAWN_BECAUSE,
        Effect.CONFIRMED,
        Effect.AUTO_CLOSED,
        Effect.WORKAROUND_APPLIED,
    }
)
# Fields whose stored values mean nothing to a reader (opened_deferred stores True → False).
SILENT_FIELDS = frozenset({"is_deferred"})
# A contact reads a change by what changed ("Status"), not by the staff action behind it
# (a first public reply moves New to In progress).
FIELD_ACTIONS = {
    "status": ChangeAction.STATUS,
    "priority": ChangeAction.PRIORITY,
    "ticket_type": ChangeAction.RECLASSIFY,
    "component": ChangeAction.COMPONENT,
}


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    title: str
    old: str
    new: str
    effect: str


def action_title(action: str) -> str:
    for choices in (ChangeAction, SlaEventKind):
        if action in choices.values:
            return str(choices(action).label)
    return _("Change recorded")


def due_text(value: str | None) -> str:
    """A stored instant in the reader's zone and language, "— (paused)" when there is none."""
    if not value:
        return _("— (paused)")
    try:
        instant = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return formats.date_format(timezone.localtime(instant), "DATETIME_FORMAT")


def _label(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return None


def type_text(value: str) -> str:
    """``incident:1`` → "Incident, 1 — Critical"; ``change`` → "Change"."""
    type_code, _sep, priority = value.partition(":")
    text = _label(TicketType, type_code) or type_code
    if priority:
        text += ", " + priority_text(priority)
    return text


def priority_text(value: str) -> str:
    try:
        return _label(Priority, int(value)) or value
    except ValueError:
        return value


def value_text(field: str, value: str, components: dict[str, Component]) -> str:
    if not value or field in SILENT_FIELDS:
        return ""
    if field == "status":
        return _label(TicketStatus, value) or value
    if field == "priority":
        return priority_text(value)
    if field == "ticket_type":
        return type_text(value)
    if field == "component":
        component = components.get(value)
        return component.label if component else _(value)
    return value


def _clause(item: dict) -> str | None:
    """A clause of the SLA sentence, or None for the kinds that are sentences of their own."""
    kind, due = item.get("kind"), item.get("due")
    margin = describe_margin(timedelta(minutes=item.get("minutes") or 0))
    priority = item.get("priority") or "—"
    texts = {
        Effect.REACTION_MET: lambda: _("reaction met %(m)s before due") % {"m": margin},
        Effect.REACTION_LATE: lambda: _("reaction breached (%(m)s late)") % {"m": margin},
        Effect.REACTION_DUE: lambda: _("reaction now due %(d)s") % {"d": due_text(due)},
        Effect.REACTION_BREACHED: lambda: _("reaction breached"),
        Effect.PAUSED: lambda: _("resolution clock paused"),
        Effect.RESUMED: lambda: _("resolution clock resumed, due %(d)s") % {"d": due_text(due)},
        Effect.NEW_CLOCK_PAUSED: lambda: (
            _("new clock: priority %(p)s, paused while waiting for the customer") % {"p": priority}
        ),
        Effect.NEW_CLOCK: lambda: (
            _("new clock: priority %(p)s, due %(d)s") % {"p": priority, "d": due_text(due)}
        ),
        Effect.RESOLUTION_DUE: lambda: _("resolution now due %(d)s") % {"d": due_text(due)},
        Effect.RESOLUTION_BREACHED: lambda: (
            _("resolution breached (was due %(d)s)") % {"d": due_text(due)}
        ),
        Effect.EXTENDED: lambda: (
            _("resolution target extended to %(h)s business hours") % {"h": item.get("hours")}
        ),
        Effect.RESOLUTION_MET: lambda: _("resolution met"),
        Effect.RESOLVED_LATE: lambda: _("resolved after a resolution breach"),
        Effect.WITHDRAWN: lambda: _(
            "clocks stopped: targets not yet met or breached leave the compliance figures"
        ),
        Effect.REOPENED: lambda: (
            _("reopened: resolution clock resumed, due %(d)s") % {"d": due_text(due)}
        ),
    }
    text = texts.get(kind)
    return text() if text else None


def _alert_headline(item: dict) -> str:
    reaction = item.get("metric") == "reaction"
    if item.get("kind") == Effect.ALERT_BREACH:
        return _("Reaction breached") if reaction else _("Resolution breached")
    return _("Reaction at risk") if reaction else _("Resolution at risk")


def withdraw_note(reason: str, ref: str) -> str:
    """Why a ticket was withdrawn, in the active language (history and the customer's mail)."""
    if ref:
        return _("Withdrawn as a duplicate of %(ref)s: the work goes on there.") % {"ref": ref}
    if reason == WithdrawReason.SPAM:
        return _("Withdrawn as spam.")
    return _("Withdrawn: the customer no longer needs it.")


def _sentence(item: dict) -> str:
    kind = item.get("kind")
    if kind == Effect.WITHDRAWN_BECAUSE:
        return withdraw_note(item.get("reason", ""), item.get("ref", ""))
    if kind == Effect.CONFIRMED:
        return _("The customer confirmed the resolution (no SLA figure changes).")
    if kind == Effect.AUTO_CLOSED:
        days = int(item.get("days") or 0)
        return ngettext(
            "Closed by itself %(days)d day after the resolution (no SLA figure changes).",
            "Closed by itself %(days)d days after the resolution (no SLA figure changes).",
            days,
        ) % {"days": days}
    if kind == Effect.STARTED:
        return _("SLA started: reaction due %(r)s, resolution due %(s)s.") % {
            "r": due_text(item.get("reaction")),
            "s": due_text(item.get("resolution")),
        }
    if kind == Effect.DEFERRED:
        return _("Deferred to next month: the SLA clock starts when it opens.")
    if kind == Effect.WORKAROUND_APPLIED:
        return _("Workaround applied.")
    if kind == Effect.WORKAROUND_IGNORED:
        return _(
            "Workaround noted, but this does not lower a priority 1 or 2 incident: "
            "recorded as an ordinary priority change."
        )
    if kind == Effect.WORKAROUND_SAME_PRIORITY:
        return _(
            "Workaround applied; the priority stays the same, so the resolution clock goes on "
            "(only lowering a priority 1 or 2 incident starts a new clock)."
        )
    if kind == Effect.ALERT_BREACH:
        return _("%(what)s (was due %(due)s).") % {
            "what": _alert_headline(item),
            "due": due_text(item.get("due")),
        }
    if kind == Effect.ALERT_AT_RISK:
        return _("%(what)s: 80 %% of the target used, due %(due)s.") % {
            "what": _alert_headline(item),
            "due": due_text(item.get("due")),
        }
    return str(item.get("text") or "")


def _full_stop(text: str) -> str:
    """Capitalised, ending in exactly one full stop."""
    text = text.strip()
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def effect_text(effects: Iterable[dict], *, audience: str = STAFF) -> str:
    """The SLA effect as the reader says it: sentences of their own first (notes, the start),
    then one sentence of clauses, e.g. "Reaction met 12 min before due; resolution clock paused."
    """
    sentences, clauses = [], []
    for item in effects or ():
        if not isinstance(item, dict):
            continue
        if audience == CUSTOMER and item.get("kind") not in CUSTOMER_EFFECTS:
            continue
        clause = _clause(item)
        if clause is None:
            sentences.append(_full_stop(_sentence(item)))
        else:
            clauses.append(clause)
    if clauses:
        sentences.append(_full_stop("; ".join(clauses)))
    return " ".join(s for s in sentences if s)


def _actor_name(user) -> str:
    if user is None:
        return _("System")
    return user.get_full_name() or user.get_username()


def history_entries(
    changes: Iterable[TicketChange], *, audience: str = STAFF
) -> list[HistoryEntry]:
    """The rows as words (one query for the components they name; actors are select_related)."""
    changes = list(changes)
    codes = {c.old_value for c in changes if c.field == "component"} | {
        c.new_value for c in changes if c.field == "component"
    }
    components = {c.code: c for c in Component.objects.filter(code__in=codes)} if codes else {}
    return [_entry(change, components, audience) for change in changes]


def _entry(change: TicketChange, components: dict[str, Component], audience: str) -> HistoryEntry:
    # A filing row stores the type it was filed with (``incident:1``) without naming the field.
    field = change.field or ("ticket_type" if change.action == ChangeAction.FILED else "")
    title_code = change.action
    if audience == CUSTOMER and change.field in FIELD_ACTIONS:
        title_code = FIELD_ACTIONS[change.field]
    return HistoryEntry(
        at=change.at,
        actor=_actor_name(change.actor),
        action=change.action,
        title=action_title(title_code),
        old=value_text(field, change.old_value, components),
        new=value_text(field, change.new_value, components),
        effect=effect_text(change.effects, audience=audience),
    )
