"""The SPEC's clock rules as a pure state machine: events in, SLA state out.

One implementation serves the portal, the beat job and ``manage.py sla_deadlines``. Each event at
instant t is processed as: breach check with the state before it, apply it, breach check with the
state after it (so a raise that makes the due already past breaches at once). A resolution clock
keeps its running segments; consumed business time and the due are measured on the *current*
target's calendar, so a reclassification re-measures the same segments. All arithmetic is on
integer epoch microseconds (exact); no clock is read here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sla.calendar import BusinessCalendar, td_us, to_us
from sla.terms import INCIDENT, PRIORITIES, Target, Terms, TermsTimeline

__all__ = ["KINDS", "Event", "InvalidEvent", "SlaState", "evaluate"]

# The SPEC's kinds, plus "withdraw": the ticket ends unresolved (SPEC, "Ending a ticket").
KINDS = frozenset(
    {"first_response", "pause", "resume", "priority", "reclassify", "extend", "resolve", "reopen"}
) | {"withdraw"}


@dataclass(frozen=True)
class Event:
    """Something that happened to a ticket; the kind decides which other fields count."""

    at: datetime
    kind: str
    priority: int | None = None
    type: str | None = None
    workaround: bool = False


class InvalidEvent(ValueError):
    """A case the rules cannot apply; ``field`` names the culprit ("events[3].kind")."""

    def __init__(
        self, message: str, *, field: str, index: int | None = None, line: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.index = index
        self.line = line

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.field}: {self.message}"


@dataclass(frozen=True)
class SlaState:
    """The SLA as of the last event (or ``as_of``), times in the target calendar's zone."""

    type: str
    priority: int | None
    reaction_due: datetime
    first_response_at: datetime | None
    reaction_met: bool | None
    reaction_breached_at: datetime | None
    resolution_due: datetime | None
    resolution_met: bool | None
    resolution_breached_at: datetime | None
    paused: bool
    resolved: bool
    extended: bool
    clock_started_at: datetime
    resolution_target: timedelta
    resolution_elapsed: timedelta
    # Business time from opening to the first reply, on the calendar the reaction was due on.
    reaction_elapsed: timedelta | None
    reaction_at_risk_at: datetime | None
    resolution_at_risk_at: datetime | None
    # Ended without a resolution: clocks stopped, no further breach; met and breached stay.
    withdrawn: bool = False


def _valid_priority(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in PRIORITIES


def _check_type_priority(
    terms: Terms,
    type_: object,
    priority: object,
    *,
    type_field: str,
    priority_field: str,
    index: int | None,
) -> None:
    """Incidents carry a priority 1-3, other types none; the terms must have a target."""
    if not isinstance(type_, str) or type_ not in terms.types():
        raise InvalidEvent(f"unknown ticket type {type_!r}", field=type_field, index=index)
    if type_ == INCIDENT and not _valid_priority(priority):
        raise InvalidEvent(
            f"an incident needs priority 1, 2 or 3, not {priority!r}",
            field=priority_field,
            index=index,
        )
    if type_ != INCIDENT and priority is not None:
        raise InvalidEvent(
            f"a {type_} has no priority (got {priority!r})", field=priority_field, index=index
        )
    try:
        terms.target(type_, priority)  # type: ignore[arg-type]
    except ValueError as exc:
        raise InvalidEvent(str(exc), field=type_field, index=index) from None


class _Ticket:
    """Mutable working state of one evaluation (epoch µs throughout)."""

    def __init__(self, terms: Terms, type_: str, priority: int | None, opened: int) -> None:
        self.terms, self.type, self.priority, self.opened = terms, type_, priority, opened
        self.extended = self.paused = self.resolved = self.withdrawn = False
        self.first_response: int | None = None
        self.first_response_at: datetime | None = None
        self.reaction_breached: int | None = None
        self.resolution_breached: int | None = None
        self.resolved_due: int | None = None
        self.withdrawn_due: int | None = None
        self.clock_start = opened
        self.stale_targets = False  # terms changed while resolved: retarget on reopen
        self.segments: list[list[int | None]] = [[opened, None]]  # [start, end or None if running]
        self.retarget()

    @property
    def running(self) -> bool:
        return not self.paused and not self.resolved and not self.withdrawn

    def retarget(self) -> None:
        """After a change of type, priority or extension: the targets and calendar in force.

        Until the first reply the reaction due follows the current target, from the opening.
        """
        self.target: Target = self.terms.target(self.type, self.priority)
        self.calendar: BusinessCalendar = self.target.calendar
        self.res_target = td_us(
            self.terms.resolution_target(self.type, self.priority, extended=self.extended)
        )
        if self.first_response is None:
            self.reaction_calendar = self.calendar
            self.reaction_due = self.calendar.deadline_us(self.opened, td_us(self.target.reaction))

    def switch_terms(self, terms: Terms) -> None:
        """A change of the terms at this instant: the targets in force from now on.

        Like a change of priority, the clock keeps its start and what it has counted.
        A resolved ticket keeps its figures; a reopen picks the new terms up.
        """
        self.terms = terms
        if self.resolved or self.withdrawn:
            self.stale_targets = True
            return
        try:
            self.retarget()
        except ValueError as exc:
            raise InvalidEvent(f"after a change of terms: {exc}", field="terms") from None

    def walk(self, amount: int) -> int | None:
        """The instant the clock's segments reach ``amount`` of business time (None: not yet)."""
        cal, rem = self.calendar, amount
        for start, end in self.segments:
            if end is None:
                return cal.deadline_us(start, rem)  # type: ignore[arg-type]
            spent = cal.business_time_us(start, end)  # type: ignore[arg-type]
            if spent >= rem:
                return cal.deadline_us(start, rem)  # type: ignore[arg-type]
            rem -= spent
        return None

    def consumed(self, now: int) -> int:
        cal = self.calendar
        return sum(
            cal.business_time_us(s, now if e is None else e)  # type: ignore[arg-type]
            for s, e in self.segments
        )

    def check(self, t: int) -> None:
        """Record breaches: t strictly after a due in force while unmet (resolution: running)."""
        if (
            self.first_response is None
            and self.reaction_breached is None
            and not self.withdrawn
            and t > self.reaction_due
        ):
            self.reaction_breached = self.reaction_due
        if self.running and self.resolution_breached is None:
            due = self.walk(self.res_target)
            if due is not None and t > due:
                self.resolution_breached = due

    def apply(self, i: int, event: Event, t: int) -> None:
        """Apply one event (already in time order), or raise InvalidEvent if it is impossible."""
        kind = getattr(event, "kind", None)
        field = f"events[{i}].kind"
        if kind not in KINDS:
            raise InvalidEvent(f"unknown event kind {kind!r}", field=field, index=i)
        if self.withdrawn:
            raise InvalidEvent(
                f"{kind} after withdraw: a withdrawn ticket takes no more events",
                field=field,
                index=i,
            )
        if self.resolved and kind != "reopen":
            raise InvalidEvent(
                f"{kind} after resolve: only reopen may follow", field=field, index=i
            )
        if kind == "first_response":
            if self.first_response is None:  # a second reply changes nothing
                self.first_response, self.first_response_at = t, event.at
        elif kind == "pause":
            if self.paused:
                raise InvalidEvent("pause while already paused", field=field, index=i)
            self.segments[-1][1] = t
            self.paused = True
        elif kind == "resume":
            if not self.paused:
                raise InvalidEvent("resume while the clock is running", field=field, index=i)
            self.segments.append([t, None])
            self.paused = False
        elif kind == "priority":
            self.change_priority(i, event, t)
        elif kind == "reclassify":
            _check_type_priority(
                self.terms,
                event.type,
                event.priority,
                index=i,
                type_field=f"events[{i}].type",
                priority_field=f"events[{i}].priority",
            )
            self.type, self.priority = event.type, event.priority  # type: ignore[assignment]
            self.retarget()
        elif kind == "extend":
            self.extended = True
            self.retarget()
        elif kind == "resolve":
            if self.paused:  # resolving ends the pause at that moment: resume, then resolve
                self.segments.append([t, None])
                self.paused = False
                self.check(t)
            self.resolved_due = self.walk(self.res_target)
            self.segments[-1][1] = t
            self.resolved = True
        elif kind == "reopen":
            if not self.resolved:
                raise InvalidEvent("reopen of a ticket that is not resolved", field=field, index=i)
            self.resolved = False
            self.resolved_due = None
            self.segments.append([t, None])
            if self.stale_targets:
                self.stale_targets = False
                self.switch_terms(self.terms)
        elif kind == "withdraw":
            # The clocks stop here; what was met or breached stays, the rest is never due.
            if self.running:
                self.withdrawn_due = self.walk(self.res_target)
                self.segments[-1][1] = t
            self.paused = False
            self.withdrawn = True

    def change_priority(self, i: int, event: Event, t: int) -> None:
        if self.type != INCIDENT:
            raise InvalidEvent(
                f"a priority change on a {self.type}: only incidents have one",
                field=f"events[{i}].kind",
                index=i,
            )
        new = event.priority
        if not _valid_priority(new):
            raise InvalidEvent(
                f"priority must be 1, 2 or 3, not {new!r}", field=f"events[{i}].priority", index=i
            )
        old = self.priority
        if event.workaround and old in (1, 2) and new > old:  # type: ignore[operator]
            # Service restored: the running clock closes, a new one starts now.
            self.clock_start = t
            self.segments = [] if self.paused else [[t, None]]
        self.priority = new
        self.retarget()

    def state(self, now: int) -> SlaState:
        cal, rcal = self.calendar, self.reaction_calendar
        target = self.res_target
        running = self.running
        due = self.resolved_due if self.resolved else (self.walk(target) if running else None)
        if self.withdrawn:
            due = self.withdrawn_due
        at_risk = self.walk(target * 4 // 5) if running else None
        reaction_risk = None
        if self.first_response is None and not self.withdrawn:
            reaction = td_us(self.target.reaction)
            reaction_risk = rcal.from_us(rcal.deadline_us(self.opened, reaction * 4 // 5))

        def at(x: int | None, c: BusinessCalendar = cal) -> datetime | None:
            return None if x is None else c.from_us(x)

        return SlaState(
            type=self.type,
            priority=self.priority,
            reaction_due=rcal.from_us(self.reaction_due),
            first_response_at=self.first_response_at,
            reaction_met=self._reaction_met(),
            reaction_breached_at=at(self.reaction_breached, rcal),
            resolution_due=at(due),
            resolution_met=self._resolution_met(),
            resolution_breached_at=at(self.resolution_breached),
            paused=self.paused,
            resolved=self.resolved,
            extended=self.extended,
            clock_started_at=cal.from_us(self.clock_start),
            resolution_target=timedelta(microseconds=target),
            resolution_elapsed=timedelta(microseconds=self.consumed(now)),
            reaction_elapsed=None
            if self.first_response is None
            else timedelta(microseconds=rcal.business_time_us(self.opened, self.first_response)),
            reaction_at_risk_at=reaction_risk,
            resolution_at_risk_at=at(at_risk),
            withdrawn=self.withdrawn,
        )

    def _reaction_met(self) -> bool | None:
        """Met or not once replied; a withdrawn ticket keeps only a breach (as not met)."""
        if self.first_response is not None:
            return self.reaction_breached is None
        return False if self.withdrawn and self.reaction_breached is not None else None

    def _resolution_met(self) -> bool | None:
        if self.resolved:
            return self.resolution_breached is None
        return False if self.withdrawn and self.resolution_breached is not None else None


def _instant(value: object, field: str, index: int | None = None) -> int:
    if not isinstance(value, datetime):
        raise InvalidEvent(f"expected a datetime, got {value!r}", field=field, index=index)
    try:
        return to_us(value)
    except ValueError:
        raise InvalidEvent("a time needs an offset or zone", field=field, index=index) from None


def evaluate(
    terms: Terms | TermsTimeline,
    *,
    type: str,
    priority: int | None,
    opened_at: datetime,
    events: Sequence[Event] = (),
    as_of: datetime | None = None,
) -> SlaState:
    """The SLA state of a ticket after its events (and, with ``as_of``, at that instant).

    With a ``TermsTimeline`` each later version of the terms applies from its instant on, as
    if it were an event of the ticket. Raises InvalidEvent naming the field for anything the
    rules cannot apply.
    """
    timeline = TermsTimeline.of(terms)
    opened = _instant(opened_at, "opened_at")
    initial = timeline.at_us(opened)
    _check_type_priority(
        initial, type, priority, type_field="type", priority_field="priority", index=None
    )
    ticket = _Ticket(initial, type, priority, opened)
    changes = [(at, version) for at, version in timeline.changes() if at > opened]

    def changes_until(t: int) -> None:
        while changes and changes[0][0] <= t:
            at, version = changes.pop(0)
            ticket.check(at)
            ticket.switch_terms(version)
            ticket.check(at)

    last = opened
    for i, event in enumerate(events):
        t = _instant(getattr(event, "at", None), f"events[{i}].at", i)
        if t < opened:
            raise InvalidEvent("event before opened_at", field=f"events[{i}].at", index=i)
        if t < last:
            raise InvalidEvent("event out of time order", field=f"events[{i}].at", index=i)
        changes_until(t)
        ticket.check(t)
        ticket.apply(i, event, t)
        ticket.check(t)
        last = t
    if as_of is not None:
        # A "now" read just before an event was written may trail it: it then adds nothing.
        now = _instant(as_of, "as_of")
        changes_until(now)
        ticket.check(now)
        last = max(last, now)
    return ticket.state(last)
