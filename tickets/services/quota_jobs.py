"""Monthly quota jobs: open deferred requests, tell people at 80 % / 100 %, reconcile usage.

* Opening runs hourly and acts on each contract whose *local* month has turned: a deferred
  request filed before the current month (in the contract's zone) opens, in filing order,
  while the new month's quota has room; beyond it, it stays deferred. Because the condition is
  "filed before this local month", not "today is the 1st", a missed run catches up at the next.
* Usage notices: once per contract, month and threshold (``QuotaNotice`` is unique), after each
  filing (a task dispatched after commit), after an opening run and in the daily job.
* Reconciliation (daily): reclassifications move tickets in or out of the counting types; the
  job gives each counting request the month it was opened and takes it from anything else.
"""

from __future__ import annotations

import logging
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from packages.models import Contact, Contract
from packages.selectors import contract_covers
from sla.models import TicketType
from tickets.events import quota_threshold_reached
from tickets.models import QuotaNotice, Ticket, TicketStatus
from tickets.selectors.quota import quota_month_of, quota_status
from tickets.services.filing import ticket_open_deferred
from tickets.services.outbox import outbox_enqueue

logger = logging.getLogger(__name__)

THRESHOLDS = (80, 100)
COUNTING_TYPES = (TicketType.SERVICE_REQUEST, TicketType.CHANGE)


def _month_start(contract: Contract, now: datetime) -> datetime:
    """Midnight of the 1st of ``now``'s month in the contract's zone (an aware instant)."""
    zone = zoneinfo.ZoneInfo(contract.time_zone)
    first = now.astimezone(zone).date().replace(day=1)
    return datetime.combine(first, time(0), tzinfo=zone)


def contract_open_deferred(*, contract: Contract, now: datetime) -> int:
    """Open the contract's deferred requests of past months, oldest filing first."""
    if not contract_covers(contract, now):
        return 0
    waiting = (
        Ticket.objects.filter(
            contract=contract, is_deferred=True, created_at__lt=_month_start(contract, now)
        )
        .exclude(status=TicketStatus.WITHDRAWN)  # withdrawn before it opened: it never does
        .order_by("created_at", "pk")
        .only("pk", "contract_id")
    )
    opened = 0
    for ticket in waiting:
        if ticket_open_deferred(ticket=ticket, now=now):
            opened += 1
        elif Ticket.objects.filter(pk=ticket.pk, is_deferred=True).exists():
            break  # the month's quota is used up: the rest wait for next month
    if opened:
        quota_usage_notify(contract_id=contract.pk, now=now)
    return opened


def quota_open_deferred(*, now: datetime) -> int:
    """The hourly job: every contract with deferred requests, in its own time zone."""
    contract_ids = (
        Ticket.objects.filter(is_deferred=True)
        .exclude(status=TicketStatus.WITHDRAWN)
        .order_by()
        .values_list("contract_id", flat=True)
        .distinct()
    )
    opened = 0
    for contract in Contract.objects.filter(pk__in=list(contract_ids)).select_related("package"):
        opened += contract_open_deferred(contract=contract, now=now)
    return opened


def _quota_recipients(contract: Contract) -> list[str]:
    admins = Contact.objects.filter(
        customer_id=contract.customer_id, is_customer_admin=True, user__is_active=True
    ).values_list("user__email", flat=True)
    emails = set(admins)
    manager = contract.customer.account_manager
    if manager is not None and manager.is_active:
        emails.add(manager.email)
    return sorted(e for e in emails if e)


@transaction.atomic
def quota_usage_notify(*, contract_id: int, now: datetime) -> list[int]:
    """Tell customer admins and the account manager at 80 % and 100 % — once a month each.

    Returns the thresholds newly reached.
    """
    contract = Contract.objects.select_related("package", "customer__account_manager").get(
        pk=contract_id
    )
    status = quota_status(contract=contract, now=now)
    if not status.limit:
        return []
    reached: list[int] = []
    for threshold in THRESHOLDS:
        if status.used * 100 < threshold * status.limit:
            continue
        notice, created = QuotaNotice.objects.get_or_create(
            contract=contract,
            month=status.month,
            threshold=threshold,
            defaults={"used": status.used, "created_at": now},
        )
        if not created:
            continue
        reached.append(threshold)
        params = {
            "customer": contract.customer.name,
            "used": status.used,
            "limit": status.limit,
            "threshold": threshold,
            "month": status.month.strftime("%Y-%m"),
        }
        subject = _("%(customer)s: %(threshold)d %% of the monthly request quota used") % params
        body = (
            _(
                "%(customer)s has used %(used)d of its %(limit)d consultation requests for "
                "%(month)s (%(threshold)d %%).\n\nBeyond the quota a request is filed as billable "
                "or deferred to next month, as the contact chooses.\n"
            )
            % params
        )
        outbox_enqueue(
            recipients=_quota_recipients(contract),
            subject=subject,
            body=body,
            dedupe_key=f"quota-notice:{notice.pk}",
        )
        quota_threshold_reached.send(
            sender=QuotaNotice, contract=contract, month=status.month, threshold=threshold,
            used=status.used, limit=status.limit, now=now,
        )
    return reached


def quota_usage_dispatch(contract_id: int) -> None:
    """After a filing commits: check usage in the worker (the daily job covers an outage)."""
    from tickets.tasks import quota_usage_check

    try:
        quota_usage_check.delay(contract_id)
    except Exception:  # broker down: the daily reconciliation sends the notice
        logger.warning(
            "broker unavailable; quota check of contract %s left to the daily job",
            contract_id,
            exc_info=True,
        )


@dataclass(frozen=True)
class ReconcileResult:
    cleared: int
    assigned: int
    notices: int


@transaction.atomic
def quota_reconcile(*, now: datetime) -> ReconcileResult:
    """Recount after reclassifications, then run the usage check of every quota contract."""
    quota_contracts = Contract.objects.filter(package__monthly_request_quota__isnull=False)
    holders = Ticket.objects.filter(quota_month__isnull=False).filter(
        ~Q(ticket_type__in=COUNTING_TYPES) | ~Q(contract__in=quota_contracts)
    )
    touched = set(holders.values_list("contract_id", flat=True))
    cleared = Ticket.objects.filter(pk__in=holders.values("pk")).update(quota_month=None)

    counting = Ticket.objects.filter(
        ticket_type__in=COUNTING_TYPES,
        contract__in=quota_contracts,
        is_deferred=False,
        is_over_quota=False,
        opened_at__isnull=False,
    ).values_list("pk", "opened_at", "quota_month", "contract_id", "contract__time_zone")
    fixes: list[Ticket] = []
    for pk, opened_at, month, contract_id, zone in counting.iterator(chunk_size=5000):
        right = quota_month_of(opened_at, zone)
        if month != right:
            fixes.append(Ticket(pk=pk, quota_month=right))
            touched.add(contract_id)
    Ticket.objects.bulk_update(fixes, ["quota_month"], batch_size=500)
    if touched:
        logger.info("quota reconciliation: %s cleared, %s reassigned", cleared, len(fixes))

    notices = 0
    for contract in quota_contracts.select_related("package"):
        if contract_covers(contract, now):
            notices += len(quota_usage_notify(contract_id=contract.pk, now=now))
    return ReconcileResult(cleared=cleared, assigned=len(fixes), notices=notices)
