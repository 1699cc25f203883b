"""Medians from counts: the arithmetic of the dashboard's stored median histograms. Pure.

The page shows a median business time as hours with two places (``hours()``: 0.01 h = 36 s,
rounded half up). A *fine* bin is the set of times that print the same: bin ``k`` holds the
times from ``k * 36 s - 18 s`` (inclusive) to ``k * 36 s + 18 s``. So the median prints exactly
as the bin holding it, whatever the times inside: the middle value of an odd count is in that
bin; the mean of two middle values of an even count is too when both are in one bin (a bin is
an interval). Only when the two middle values fall in two bins must their exact values be read.

A *coarse* bin is ``COARSE`` fine ones (one hour): the dashboard first finds the coarse bin of
the middle from a few hundred coarse counts, then reads that one's fine counts only, so its cost
depends on neither the number of tickets nor the spread of their times.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

STEP_US = 36_000_000  # one display step, 0.01 h, in microseconds
COARSE = 100  # fine bins per coarse bin: one hour
FINE, WIDE = 0, 1  # the two levels of a stored histogram


def fine_bin(elapsed: timedelta) -> int:
    """The bin whose times print as ``elapsed`` does: ``hours(elapsed) == bin / 100``."""
    return (elapsed // timedelta(microseconds=1) + STEP_US // 2) // STEP_US


def coarse_bin(fine: int) -> int:
    return fine // COARSE


def fine_range(coarse: int) -> tuple[int, int]:
    """First and last fine bin of a coarse one."""
    return coarse * COARSE, coarse * COARSE + COARSE - 1


def bin_bounds(fine: int) -> tuple[timedelta, timedelta]:
    """The times of a fine bin: from the first (inclusive) to the second (exclusive)."""
    low = max(fine * STEP_US - STEP_US // 2, 0)
    return timedelta(microseconds=low), timedelta(microseconds=fine * STEP_US + STEP_US // 2)


def shown(fine: int) -> timedelta:
    """A time that prints as the bin does (its centre)."""
    return timedelta(microseconds=fine * STEP_US)


def middle_ranks(total: int) -> tuple[int, int]:
    """0-based ranks of the middle value(s): equal for an odd count."""
    return (total - 1) // 2, total // 2


def locate(counts: Mapping[int, int], rank: int) -> tuple[int, int]:
    """The bin holding the value of 0-based ``rank`` (bins in order) and its rank inside it."""
    before = 0
    for key in sorted(counts):
        n = counts[key]
        if rank < before + n:
            return key, rank - before
        before += n
    raise ValueError(f"rank {rank} beyond {before} values")


def total(counts: Mapping[int, int]) -> int:
    return sum(counts.values())


@dataclass(frozen=True)
class Middle:
    """Where the middle of one set of times lies: the coarse bin and the rank inside it, for
    the lower and the upper middle value (the same for an odd count)."""

    low: tuple[int, int]
    high: tuple[int, int]

    @classmethod
    def of(cls, coarse_counts: Mapping[int, int]) -> Middle | None:
        n = total(coarse_counts)
        if not n:
            return None
        low, high = middle_ranks(n)
        return cls(locate(coarse_counts, low), locate(coarse_counts, high))

    @property
    def coarse_bins(self) -> set[int]:
        return {self.low[0], self.high[0]}


def fine_middle(middle: Middle, fine_counts: Mapping[int, int]) -> tuple[int, int]:
    """The fine bins of the lower and upper middle value, from the fine counts of the coarse
    bins ``middle`` names (other bins' counts may be there too, they are ignored)."""

    def inside(coarse: int, rank: int) -> int:
        first, last = fine_range(coarse)
        counts = {k: n for k, n in fine_counts.items() if first <= k <= last and n}
        return locate(counts, rank)[0]

    return inside(*middle.low), inside(*middle.high)


def add(counts: Counter, more: Iterable[tuple[int, int]]) -> Counter:
    for key, n in more:
        counts[key] += n
    return counts
