"""Writes to the stored median histograms (``MedianBin``): one ticket's move, or many summed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F

from rollups.contribution import Contribution
from rollups.histogram import FINE, WIDE, coarse_bin
from rollups.models import ALL_CUSTOMERS, MedianBin

BinKey = tuple  # (month, customer_id, metric, level, bin)
KEY_FIELDS = ("month", "customer_id", "metric", "level", "bin")


def bin_keys(c: Contribution | None) -> list[BinKey]:
    """The rows a ticket counts in: per timed metric, its customer's and everyone's, at both
    levels."""
    if c is None:
        return []
    month, customer_id = c.key[0], c.key[1]
    return [
        (month, customer, metric, level, fine if level == FINE else coarse_bin(fine))
        for metric, fine in c.timed
        for customer in (customer_id, ALL_CUSTOMERS)
        for level in (FINE, WIDE)
    ]


def bins_moved(before: Contribution | None, after: Contribution | None) -> None:
    """Apply the difference between what a ticket counted in and what it counts in now."""
    changes = Counter(bin_keys(after))
    changes.subtract(bin_keys(before))
    for key, n in sorted(changes.items()):  # a fixed order: two writers never deadlock
        if n:
            _bump(key, n)


def bins_added(counts: Counter) -> None:
    """Many tickets' counts at once (a batch ended by a bulk UPDATE)."""
    for key, n in sorted(counts.items()):
        if n:
            _bump(key, n)


def count_into(counts: Counter, contributions: Iterable[Contribution | None]) -> Counter:
    for c in contributions:
        counts.update(bin_keys(c))
    return counts


def _bump(key: BinKey, n: int) -> None:
    row = MedianBin.objects.filter(**dict(zip(KEY_FIELDS, key, strict=True)))
    if row.update(tickets=F("tickets") + n) or n < 0:
        return
    try:
        with transaction.atomic():  # a savepoint: a concurrent first insert may win
            MedianBin.objects.create(**dict(zip(KEY_FIELDS, key, strict=True)), tickets=n)
    except IntegrityError:
        row.update(tickets=F("tickets") + n)


def stored_bins(model, counts: Counter, *, batch_size: int = 5000) -> None:
    """A rebuild's rows, written in bulk (``model``: the current or a migration's class)."""
    model.objects.bulk_create(
        (model(**dict(zip(KEY_FIELDS, key, strict=True)), tickets=n) for key, n in counts.items()),
        batch_size=batch_size,
    )
