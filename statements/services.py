"""Writes of statements: freeze an ended month once, queue the statement mails."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from packages.models import Customer
from statements.models import FrozenStatement
from statements.selectors import compute_statement, is_ended


@dataclass(frozen=True)
class Statement:
    data: dict
    frozen_at: datetime | None  # None: the current month, computed live


def statement_get(*, customer: Customer, month: date, now: datetime | None = None) -> Statement:
    """The month's statement: live for the current month; for an ended month the frozen one,
    made (and frozen) now if this is the first time anyone asks for it."""
    now = now or timezone.now()
    if not is_ended(month, now):
        return Statement(compute_statement(customer=customer, month=month, now=now), None)
    frozen = FrozenStatement.objects.filter(customer=customer, month=month).first()
    if frozen is None:
        frozen = _freeze(customer, month, now)
    return Statement(frozen.data, frozen.frozen_at)


def _freeze(customer: Customer, month: date, now: datetime) -> FrozenStatement:
    data = compute_statement(customer=customer, month=month, now=now)
    try:
        with transaction.atomic():
            return FrozenStatement.objects.create(
                customer=customer, month=month, data=data, frozen_at=now
            )
    except IntegrityError:  # frozen by another request meanwhile: that one stands
        return FrozenStatement.objects.get(customer=customer, month=month)
