"""Writes of statements: freeze an ended month once, keep its files once made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from packages.models import Customer
from statements.exports import file_name, statement_csv, statement_pdf
from statements.models import FileKind, FrozenStatement, FrozenStatementFile
from statements.render import statement_view
from statements.selectors import compute_statement, is_ended


@dataclass(frozen=True)
class Statement:
    data: dict
    frozen: FrozenStatement | None = None  # None: the current month, computed live

    @property
    def frozen_at(self) -> datetime | None:
        return self.frozen.frozen_at if self.frozen else None


def statement_get(*, customer: Customer, month: date, now: datetime | None = None) -> Statement:
    """The month's statement: live for the current month; for an ended month the frozen one,
    made (and frozen) now if this is the first time anyone asks for it."""
    now = now or timezone.now()
    if not is_ended(month, now):
        return Statement(compute_statement(customer=customer, month=month, now=now))
    frozen = FrozenStatement.objects.filter(customer=customer, month=month).first()
    if frozen is None:
        frozen = _freeze(customer, month, now)
    return Statement(frozen.data, frozen)


def _freeze(customer: Customer, month: date, now: datetime) -> FrozenStatement:
    data = compute_statement(customer=customer, month=month, now=now)
    try:
        with transaction.atomic():
            return FrozenStatement.objects.create(
                customer=customer, month=month, data=data, frozen_at=now
            )
    except IntegrityError:  # frozen by another request meanwhile: that one stands
        return FrozenStatement.objects.get(customer=customer, month=month)


MAKERS = {FileKind.PDF: statement_pdf, FileKind.CSV: statement_csv}


def statement_file(*, statement: Statement, kind: str, language: str) -> tuple[str, bytes]:
    """(file name, content) of the statement as PDF or CSV in ``language``. A frozen month's
    file is made once and kept (a long month's PDF takes WeasyPrint seconds); the current
    month's is made each time."""
    with translation.override(language):
        view = statement_view(statement.data, statement.frozen_at)
        name = file_name(view, kind)
        if statement.frozen is None:
            return name, MAKERS[kind](view)
        kept = (
            FrozenStatementFile.objects.filter(
                statement=statement.frozen, language=language, kind=kind
            )
            .values_list("content", flat=True)
            .first()
        )
        if kept is not None:
            return name, bytes(kept)
        content = MAKERS[kind](view)
    try:
        with transaction.atomic():
            FrozenStatementFile.objects.create(
                statement=statement.frozen, language=language, kind=kind, content=content
            )
    except IntegrityError:  # made by another request meanwhile: the same bytes
        pass
    return name, content
