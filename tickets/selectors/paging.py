"""Pages whose count stops at a cap: "more than 10,000 tickets" instead of counting a million.

A COUNT reads every row it counts (an index-only scan of 760,000 open tickets takes ~50 ms), so
the queue counts at most ``cap`` + 1 rows (a LIMIT in a subquery) and says "more than" past the
cap; its pages stop there too (nobody pages to the 201st page of a queue, they filter).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

LIST_CAP = 10_000
SEARCH_CAP = 1_000  # a common word is tested row by row: counting costs a row per match


class CappedPaginator(Paginator):
    """A Paginator over a QuerySet whose ``count`` is at most ``cap``; ``capped`` says whether
    more rows matched."""

    def __init__(self, object_list, per_page, *, cap: int = LIST_CAP, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _found(self) -> int:
        # any cap + 1 rows will do: no ORDER BY, so no walk of the list's order
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._found, self.cap)

    @property
    def capped(self) -> bool:
        return self._found > self.cap
