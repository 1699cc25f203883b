"""Recording a change of a calendar or a target, and re-timing the open tickets it touches.

The admin and the holidays command take a snapshot before they write (``*_snapshot``) and
record the change after (``*_change_record``): the definition in force until now goes into the
row's ``history`` and the open tickets are re-timed at once (in the background when there are
many, so a manager's save never waits on thousands of tickets). Nothing is recorded when
nothing changed.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from packages.models import Contract
from sla.models import BusinessCalendar, ContractTarget, SlaTarget
from sla.selectors import calendar_spec
from sla.versions import spec_to_data, target_to_data


def calendar_snapshot(calendar: BusinessCalendar) -> dict:
    """The calendar's definition as stored now (read fresh from the database)."""
    fresh = BusinessCalendar.objects.prefetch_related(
        "intervals", "closed_dates", "extra_open_dates"
    ).get(pk=calendar.pk)
    return spec_to_data(calendar_spec(fresh))


# Up to this many open tickets are re-timed in the same transaction as the change (so the
# next SLA check already sees the new due times); more go to background tasks, in parts.
RETIME_INLINE = 1000


def _retime(
    contract_ids: list[int], *, now: datetime, ticket_types: list[str] | None = None
) -> None:
    from sla.tasks import sla_retime
    from tickets.models import OPEN_STATUSES, Ticket
    from tickets.services.sla_retime import open_tickets_retime, retime_parts

    affected = Ticket.objects.filter(
        contract_id__in=contract_ids, status__in=OPEN_STATUSES, is_deferred=False
    )
    if ticket_types is not None:
        affected = affected.filter(ticket_type__in=ticket_types)
    if affected.count() <= RETIME_INLINE:
        open_tickets_retime(now=now, contract_ids=contract_ids, ticket_types=ticket_types)
    else:
        # In parts, one task each: the workers re-time them side by side.
        def queue_parts() -> None:
            for part in retime_parts(contract_ids, ticket_types):
                sla_retime.delay(contract_ids, ticket_types, list(part))

        transaction.on_commit(queue_parts)


def _types_using_calendar(calendar_id: int) -> list[str]:
    """The ticket types some target times on this calendar, now or in an earlier version:
    a ticket of another type cannot be moved by a change to it."""
    types = set()
    for model in (SlaTarget, ContractTarget):
        for ticket_type, current, history in model.objects.values_list(
            "ticket_type", "calendar_id", "history"
        ):
            if current == calendar_id or any(v.get("calendar") == calendar_id for v in history):
                types.add(ticket_type)
    return sorted(types)


def _contracts_using_calendar(calendar_id: int) -> list[int]:
    packages = SlaTarget.objects.filter(calendar_id=calendar_id).values("package_id")
    overridden = ContractTarget.objects.filter(calendar_id=calendar_id).values("contract_id")
    contracts = Contract.objects.filter(Q(package_id__in=packages) | Q(pk__in=overridden))
    return list(contracts.order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def calendar_change_record(*, calendar: BusinessCalendar, before: dict, now: datetime) -> bool:
    """Keep ``before`` as the version in force until ``now`` if the definition changed."""
    if calendar_snapshot(calendar) == before:
        return False
    row = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
    row.history = [*row.history, {"until": now.isoformat(), "spec": before}]
    row.save(update_fields=["history", "updated_at"])
    calendar.history = row.history
    _retime(
        _contracts_using_calendar(calendar.pk),
        now=now,
        ticket_types=_types_using_calendar(calendar.pk),
    )
    return True


def target_snapshot(target: SlaTarget | ContractTarget) -> dict:
    """A target row's values as stored now (read fresh from the database)."""
    return target_to_data(type(target).objects.get(pk=target.pk))


@transaction.atomic
def target_change_record(
    *, target: SlaTarget | ContractTarget, before: dict, now: datetime
) -> bool:
    """Keep ``before`` as the target in force until ``now`` if the values changed."""
    model = type(target)
    row = model.objects.select_for_update().get(pk=target.pk)
    if target_to_data(row) == before:
        return False
    row.history = [*row.history, {"until": now.isoformat(), **before}]
    row.save(update_fields=["history"])
    target.history = row.history
    if isinstance(row, ContractTarget):
        _retime([row.contract_id], now=now)
    else:
        contracts = Contract.objects.filter(package_id=row.package_id)
        _retime(list(contracts.values_list("pk", flat=True)), now=now)
    return True
