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

import numpy as np

from sla.calendar import BusinessCalendar

__all__ = ["deadlines", "deadlines_us"]

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
        t_starts, t_ends, cum, cumend = _table_arrays(table)
        i = np.searchsorted(t_starts, start, side="right") - 1
        k = np.maximum(i, 0)
        inside = (i >= 0) & (start < t_ends[k])
        before = np.where(inside, cum[k] + start - t_starts[k], cumend[k])
        target = np.where(i >= 0, before, 0) + duration
        total = int(cumend[-1]) if cumend.size else 0
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
