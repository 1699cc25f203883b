"""``deadline`` over arrays (numpy), for rebuilds: many starts and targets on one calendar at once.

The calendar's table of open intervals (``sla.calendar``) becomes four int64 arrays, and each
deadline is the scalar method's two bisects done by ``np.searchsorted`` on the whole batch, so
the result is exactly ``deadline_us`` element-wise (same table, same integer arithmetic). Kept
apart from ``sla.calendar`` so the engine's scalar users (``manage.py sla_deadlines``) never pay
numpy's import.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from sla.calendar import BusinessCalendar, td_us
from sla.clock import SlaState
from sla.terms import Terms

__all__ = [
    "OpenedFigures",
    "business_times_us",
    "deadlines",
    "deadlines_us",
    "opened_figures",
    "opened_states",
]

_ARRAYS_KEPT = 32  # tables converted to arrays, most recently used first
_arrays: OrderedDict[int, tuple[object, tuple[np.ndarray, ...]]] = OrderedDict()
_arrays_lock = threading.Lock()


def _table_arrays(table) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A table's starts, ends, cum and cumend as int64 arrays (converted once per table)."""
    with _arrays_lock:
        entry = _arrays.get(id(table))
        if entry is not None and entry[0] is table:
            _arrays.move_to_end(id(table))
            return entry[1]  # type: ignore[return-value]
    built = tuple(
        np.asarray(column, dtype=np.int64)
        for column in (table.starts, table.ends, table.cum, table.cumend)
    )
    with _arrays_lock:
        _arrays[id(table)] = (table, built)  # the table is kept, so its id stays its own
        while len(_arrays) > _ARRAYS_KEPT:
            _arrays.popitem(last=False)
    return built  # type: ignore[return-value]


def deadlines_us(calendar: BusinessCalendar, starts, durations) -> np.ndarray:
    """``calendar.deadline_us(start, duration)`` for each pair, as an int64 array of epoch µs.

    ``starts`` and ``durations`` are int64 microseconds (arrays or anything numpy broadcasts);
    a zero duration is its start. ValueError, as the scalar form, for a negative duration or
    when a deadline has no open time left.
    """
    starts, durations = np.broadcast_arrays(
        np.asarray(starts, dtype=np.int64), np.asarray(durations, dtype=np.int64)
    )
    shape = starts.shape
    starts, durations = starts.ravel(), durations.ravel()
    if durations.size and durations.min() < 0:
        raise ValueError("a duration cannot be negative")
    out = starts.copy()
    todo = np.flatnonzero(durations)  # zero targets are their start, whatever the table
    if todo.size == 0:
        return out.reshape(shape)
    start, duration = starts[todo], durations[todo]
    table = calendar._cover(int(start.min()), int(start.max()))
    while True:
        arrays = _table_arrays(table)
        t_starts, _, cum, cumend = arrays
        total = int(cumend[-1]) if cumend.size else 0
        target = (_before(arrays, start) if cumend.size else 0) + duration
        furthest = int(target.max())
        if cumend.size and furthest <= total:
            j = np.searchsorted(cumend, target, side="left")
            out[todo] = t_starts[j] + target - cum[j]
            return out.reshape(shape)
        table = calendar._grow_for(table, furthest - total)


def deadlines(calendar: BusinessCalendar, starts, targets) -> np.ndarray:
    """``calendar.deadline`` over arrays: UTC ``datetime64`` starts, ``timedelta64`` targets.

    Returns ``datetime64[us]`` (UTC). Plain int64 arrays are read as epoch µs and µs of business
    time and give int64 back, as ``deadlines_us``.
    """
    starts, targets = np.asarray(starts), np.asarray(targets)
    as_dates = np.issubdtype(starts.dtype, np.datetime64)
    if as_dates:
        starts = starts.astype("datetime64[us]").astype(np.int64)
    if np.issubdtype(targets.dtype, np.timedelta64):
        targets = targets.astype("timedelta64[us]").astype(np.int64)
    due = deadlines_us(calendar, starts, targets)
    return due.astype("datetime64[us]") if as_dates else due


def _before(table_arrays, x: np.ndarray) -> np.ndarray:
    """Business time from the table's start to each instant (a table with intervals)."""
    t_starts, t_ends, cum, cumend = table_arrays
    i = np.searchsorted(t_starts, x, side="right") - 1
    k = np.maximum(i, 0)
    return np.where(i >= 0, np.where(x < t_ends[k], cum[k] + x - t_starts[k], cumend[k]), 0)


def business_times_us(calendar: BusinessCalendar, starts, ends) -> np.ndarray:
    """``calendar.business_time_us(start, end)`` for each pair (zero where end <= start)."""
    starts, ends = np.broadcast_arrays(
        np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
    )
    out = np.zeros(starts.shape, dtype=np.int64)
    todo = ends > starts
    if not todo.any():
        return out
    start, end = starts[todo], ends[todo]
    table = calendar._cover(int(start.min()), int(end.max()))
    arrays = _table_arrays(table)
    if not arrays[0].size:
        return out
    out[todo] = _before(arrays, end) - _before(arrays, start)
    return out


@dataclass(frozen=True)
class OpenedFigures:
    """The clock's figures for tickets that were only opened (no other event), as epoch µs.

    ``*_breached`` tell where the due had already passed at ``as_of`` (the breach is the due).
    """

    reaction_due: np.ndarray
    reaction_at_risk: np.ndarray
    resolution_due: np.ndarray
    resolution_at_risk: np.ndarray
    resolution_elapsed: np.ndarray
    reaction_breached: np.ndarray
    resolution_breached: np.ndarray


def opened_figures(
    calendar: BusinessCalendar, reaction: int, resolution: int, opened, as_of: int
) -> OpenedFigures:
    """``sla.clock.evaluate`` of tickets opened at ``opened`` with no event since, at ``as_of``.

    For one target (reaction and resolution in µs of business time on ``calendar``) and terms
    that did not change after the openings: one running clock from the opening, so each due is
    a deadline from it, at risk at 80 % of its target, and breached once ``as_of`` is past it.
    """
    opened = np.asarray(opened, dtype=np.int64)
    n = opened.size
    amounts = np.repeat(
        np.array([reaction, reaction * 4 // 5, resolution, resolution * 4 // 5], np.int64), n
    )
    dues = deadlines_us(calendar, np.tile(opened, 4), amounts).reshape(4, n)
    # the clock's "now": an as_of trailing the opening adds nothing
    elapsed = business_times_us(calendar, opened, np.maximum(opened, as_of))
    return OpenedFigures(
        reaction_due=dues[0],
        reaction_at_risk=dues[1],
        resolution_due=dues[2],
        resolution_at_risk=dues[3],
        resolution_elapsed=elapsed,
        reaction_breached=as_of > dues[0],
        resolution_breached=as_of > dues[2],
    )


def opened_states(
    terms: Terms, type_: str, priority: int | None, opened, as_of: int
) -> list[SlaState]:
    """``sla.clock.evaluate(terms, type=..., priority=..., opened_at=o, as_of=...)`` for each
    opening ``o`` (epoch µs) of a ticket with no event since, on terms in force since then.

    ValueError when the terms have no target for the type and priority (``evaluate`` says which).
    """
    target = terms.target(type_, priority)
    calendar = target.calendar
    resolution = td_us(terms.resolution_target(type_, priority, extended=False))
    figures = opened_figures(calendar, td_us(target.reaction), resolution, opened, as_of)
    at = calendar.from_us
    states = []
    for n, start in enumerate(np.asarray(opened, dtype=np.int64).tolist()):
        reaction_due = at(int(figures.reaction_due[n]))
        resolution_due = at(int(figures.resolution_due[n]))
        states.append(
            SlaState(
                type=type_,
                priority=priority,
                reaction_due=reaction_due,
                first_response_at=None,
                reaction_met=None,
                reaction_breached_at=reaction_due if figures.reaction_breached[n] else None,
                resolution_due=resolution_due,
                resolution_met=None,
                resolution_breached_at=resolution_due if figures.resolution_breached[n] else None,
                paused=False,
                resolved=False,
                extended=False,
                clock_started_at=at(start),
                resolution_target=timedelta(microseconds=resolution),
                resolution_elapsed=timedelta(microseconds=int(figures.resolution_elapsed[n])),
                reaction_elapsed=None,
                reaction_at_risk_at=at(int(figures.reaction_at_risk[n])),
                resolution_at_risk_at=at(int(figures.resolution_at_risk[n])),
            )
        )
    return states
