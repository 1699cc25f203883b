"""Re-time open tickets after a calendar or a target changed (SPEC: terms change under open
tickets).

Every open ticket of the contracts concerned is re-timed with the new definitions in force from
the moment of the change, in batches of locked rows (primary-key order, one short transaction
each), and gets a history row when its next due time moved. Breaches already recorded stay
(``sla_columns``); resolved tickets are not touched.

A batch holds at most ``batch`` tickets, read as plain values, whatever the count: one query for
the rows, one for their SLA events, one UPDATE of the tickets whose figures changed and one
insert of history rows. A ticket that was only opened (its log is the OPEN event, on terms
unchanged since) is timed with its likes by the batch engine (``sla.batch.opened_states``);
every other one is a full replay of its log.
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from datetime import datetime
from typing import NamedTuple

from django.db import transaction

from packages.models import Contract
from sla.batch import opened_states
from sla.calendar import to_us
from sla.clock import SlaState
from sla.selectors import terms_for_contracts
from sla.terms import Terms, TermsTimeline
from tickets.models import OPEN_STATUSES, ChangeAction, SlaEvent, SlaEventKind, Ticket, TicketChange
from tickets.services.bulk_rows import in_ids, rows_update, values_rows
from tickets.services.sla import SLA_COLUMNS, sla_columns, sla_state_of_events
from tickets.services.sla_effects import Effect, effect, iso

BATCH = 1000


# A ticket as the re-time reads it: its pk, contract and SLA columns as stored.
_Row = namedtuple("_Row", ["pk", "contract_id", *SLA_COLUMNS])
# What a running clock changes by itself as time passes (shown only once a metric is settled):
# a ticket whose other columns are as stored is not written.
_DRIFTS = frozenset({"resolution_elapsed"})
_COMPARED = [n for n, name in enumerate(SLA_COLUMNS) if name not in _DRIFTS]


class _EventRow(NamedTuple):
    """An ``SlaEvent`` as ``sla_state_of_events`` reads it."""

    ticket_id: int
    kind: str
    at: datetime
    priority: int | None
    ticket_type: str
    workaround: bool


def _terms_since(terms: Terms | TermsTimeline, opened: datetime) -> Terms | None:
    """The terms a ticket opened at ``opened`` is on, if they have not changed since."""
    timeline = TermsTimeline.of(terms)
    at = to_us(opened)
    if any(change > at for change, _ in timeline.changes()):
        return None
    return timeline.at_us(at)


def _states(
    rows: list[_Row],
    events: dict[int, list[_EventRow]],
    terms: dict,
    *,
    now: datetime,
    replay_all: bool,
) -> dict[int, SlaState]:
    """Each row's engine state at ``now``, by pk: tickets only opened in groups on the same
    target (whatever the contract), the others replayed."""
    groups: dict[tuple, tuple[Terms, list[_Row]]] = {}
    replay = []
    for row in rows:
        log = events[row.pk]
        since = None
        if not replay_all and len(log) == 1 and log[0].kind == SlaEventKind.OPEN:
            since = _terms_since(terms[row.contract_id], log[0].at)
        try:
            target = since.target(log[0].ticket_type, log[0].priority)  # type: ignore[union-attr]
        except (AttributeError, ValueError):  # not only opened; or the replay says what's wrong
            replay.append(row)
            continue
        key = (
            log[0].ticket_type,
            log[0].priority,
            id(target.calendar),
            target.reaction,
            target.resolution,
        )
        groups.setdefault(key, (since, []))[1].append(row)  # type: ignore[arg-type]
    as_of = to_us(now)
    states: dict[int, SlaState] = {}
    for (type_, priority, *_), (since, members) in groups.items():
        opened = [to_us(events[row.pk][0].at) for row in members]
        try:
            timed = opened_states(since, type_, priority, opened, as_of)
        except ValueError:  # no open time left: the replay raises it as it always did
            replay.extend(members)
            continue
        states.update(zip((row.pk for row in members), timed, strict=True))
    for row in replay:
        states[row.pk] = sla_state_of_events(
            row, events[row.pk], as_of=now, terms=terms[row.contract_id]
        )
    return states


def _events_of(rows: list[_Row]) -> dict[int, list[_EventRow]]:
    """The SLA event logs of the batch's tickets, in order (one array parameter)."""
    events = defaultdict(list)
    for event in values_rows(
        SlaEvent.objects.filter(in_ids(SlaEvent, "ticket_id", [row.pk for row in rows]))
        .order_by("ticket_id", "seq")
        .values_list(*_EventRow._fields)
    ):
        events[event[0]].append(_EventRow(*event))
    return events


def _terms_of(rows: list[_Row], known: dict[int, Terms | TermsTimeline]) -> dict:
    """The terms of the batch's contracts, read once per re-time (``known`` keeps them)."""
    missing = {row.contract_id for row in rows} - known.keys()
    if missing:
        contracts = Contract.objects.filter(pk__in=missing).only("pk", "package_id")
        known.update(terms_for_contracts(contracts))
    return known


def _retime_batch(
    rows: list[_Row], *, now: datetime, replay_all: bool = False, terms: dict | None = None
) -> int:
    """Re-time one locked batch; returns how many next due times moved."""
    events = _events_of(rows)
    terms = _terms_of(rows, {} if terms is None else terms)
    states = _states(rows, events, terms, now=now, replay_all=replay_all)
    updates, moved, changed = [], [], set()
    for row in rows:
        state = states[row.pk]
        columns = sla_columns(
            state,
            reaction_breached_at=row.reaction_breached_at,
            resolution_breached_at=row.resolution_breached_at,
        )
        values = [columns[name] for name in SLA_COLUMNS]
        stored = row[2:]
        if any(values[n] != stored[n] for n in _COMPARED):
            updates.append((row.pk, values))
            changed.update(n for n, value in enumerate(values) if value != stored[n])
        due = columns["next_due"]
        if due != row.next_due:
            kind = Effect.REACTION_DUE if state.first_response_at is None else Effect.RESOLUTION_DUE
            moved.append(
                TicketChange(
                    ticket_id=row.pk,
                    actor=None,
                    at=now,
                    action=ChangeAction.SLA_RETIMED,
                    effects=[effect(kind, due=iso(due))],
                )
            )
    # Only the columns that changed somewhere in the batch: the fewer values to send, the
    # shorter the statement (an unchanged column is written its own value).
    written = sorted(changed)
    rows_update(
        Ticket,
        [SLA_COLUMNS[n] for n in written],
        [(pk, *(values[n] for n in written)) for pk, values in updates],
    )
    TicketChange.objects.bulk_create(moved)
    return len(moved)


PART = 20_000  # open tickets a re-time task takes on: parts run side by side on the workers


def _open_tickets(contract_ids: list[int] | None, ticket_types: list[str] | None):
    tickets = Ticket.objects.filter(status__in=OPEN_STATUSES, is_deferred=False)
    if contract_ids is not None:
        tickets = tickets.filter(contract_id__in=contract_ids)
    if ticket_types is not None:
        tickets = tickets.filter(ticket_type__in=ticket_types)
    return tickets


def retime_parts(
    contract_ids: list[int] | None = None,
    ticket_types: list[str] | None = None,
    *,
    size: int | None = None,
) -> list[tuple[int, int]]:
    """The open tickets to re-time cut into parts of ``size`` (PART), as (first pk, last pk);
    none if nothing. The last part ends at the newest open ticket found: a ticket filed after
    the change is timed by the new terms already, and a part with no end would read on to the
    end of the table, through every ticket after it."""
    pks = list(
        _open_tickets(contract_ids, ticket_types).order_by("pk").values_list("pk", flat=True)
    )
    starts = pks[:: size or PART]
    ends = [following - 1 for following in starts[1:]] + pks[-1:]
    return list(zip(starts, ends, strict=True))


def open_tickets_retime(
    *,
    now: datetime,
    contract_ids: list[int] | None = None,
    ticket_types: list[str] | None = None,
    part: tuple[int, int | None] | None = None,
    batch: int = BATCH,
    replay_all: bool = False,
) -> int:
    """Re-time every open ticket (of these contracts and types, or all; with ``part``, of the
    primary keys from its first to its last, or on when that is None); returns how many due
    times moved.

    ``replay_all`` replays every ticket's log, even those the batch engine could time.
    """
    tickets = _open_tickets(contract_ids, ticket_types)
    last_pk, moved = 0, 0
    if part is not None:
        first, last = part
        last_pk = first - 1
        if last is not None:
            tickets = tickets.filter(pk__lte=last)
    terms: dict[int, Terms | TermsTimeline] = {}  # by contract, as they stand at the start
    while True:
        with transaction.atomic():
            rows = [
                _Row(*values)
                for values in values_rows(
                    tickets.filter(pk__gt=last_pk)
                    .select_for_update(no_key=True)  # the ticket's history rows may be added
                    .order_by("pk")
                    .values_list(*_Row._fields)[:batch]
                )
            ]
            if not rows:
                return moved
            moved += _retime_batch(rows, now=now, replay_all=replay_all, terms=terms)
        last_pk = rows[-1].pk
