"""Fixtures of the dashboard tests: tickets written as rows with KNOWN SLA outcomes.

Each ``Spec`` states a ticket's outcome (replied in time or not, resolved, breached, business
times, billable time); the tests derive their expectations from these specs by the definitions
on the page, never by calling the selectors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sla.models import TicketType
from tests import factories
from tickets.models import Ticket, TicketStatus

KYIV = ZoneInfo("Europe/Kyiv")
MONTH = dt.date(2026, 10, 1)  # the selected month of the known-outcome fixture
MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


def kyiv(y, mo, d, h=10, mi=0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=KYIV)


@dataclass(frozen=True)
class Spec:
    customer: str  # "a" (Advanced) or "b" (Pro)
    opened: dt.datetime | None  # None: deferred
    ticket_type: str = TicketType.INCIDENT
    priority: int | None = 3
    reaction_met: bool | None = None
    reaction_late: bool = False  # breached, whether replied since or not
    reaction_elapsed: dt.timedelta | None = None
    resolution_met: bool | None = None
    resolution_late: bool = False
    resolution_elapsed: dt.timedelta | None = None
    billable_spent: dt.timedelta | None = None  # billable: time spent (resolved tickets)
    spent: dt.timedelta | None = None  # non-billable time spent
    quota: bool = False  # used a unit of its month's quota
    paused: bool = False  # open and waiting for the customer: no resolution due time

    @property
    def resolved(self) -> bool:
        return self.resolution_met is not None


SR = TicketType.SERVICE_REQUEST
SPECS = (
    # Customer A, October 2026: reaction 3 met of 5 due (1 late, 1 unreplied past due);
    # resolution 2 met of 4 due (1 breached, 1 past due; the waiting one is not due).
    Spec(
        "a",
        kyiv(2026, 10, 1),
        reaction_met=True,
        reaction_elapsed=10 * MIN,
        resolution_met=True,
        resolution_elapsed=3 * HOUR,
        billable_spent=90 * MIN,
    ),
    Spec(
        "a",
        kyiv(2026, 10, 5),
        priority=1,
        reaction_met=True,
        reaction_elapsed=20 * MIN,
        resolution_met=True,
        resolution_elapsed=1 * HOUR,
        spent=HOUR,
    ),
    Spec(
        "a",
        kyiv(2026, 10, 9),
        ticket_type=SR,
        priority=None,
        reaction_met=True,
        reaction_elapsed=40 * MIN,
        resolution_met=False,
        resolution_late=True,
        resolution_elapsed=45 * HOUR,
        billable_spent=135 * MIN,
        quota=True,
    ),
    Spec(
        "a",
        kyiv(2026, 10, 31, 23, 30),
        reaction_met=False,
        reaction_late=True,
        reaction_elapsed=3 * HOUR,
        paused=True,
    ),  # 20:30 UTC: October in Kyiv; waiting
    # Customer A: unreplied and past due, never flagged by the beat job: due, not met.
    Spec("a", kyiv(2026, 10, 20), ticket_type=SR, priority=None, quota=True),
    # Customer A, 1 November 00:30 Kyiv (31 October UTC): November.
    Spec("a", kyiv(2026, 11, 1, 0, 30), reaction_met=True, reaction_elapsed=5 * MIN),
    # Customer A, September (in the period, not the selected month).
    Spec(
        "a",
        kyiv(2026, 9, 10),
        priority=2,
        reaction_met=False,
        reaction_late=True,
        reaction_elapsed=5 * HOUR,
        resolution_met=False,
        resolution_late=True,
        resolution_elapsed=9 * HOUR,
    ),
    Spec("a", kyiv(2026, 9, 12), ticket_type=SR, priority=None, quota=True),
    # Customer A: deferred (never opened) — in no figure.
    Spec("a", None, ticket_type=SR, priority=None),
    # Customer B (Pro), October: 1 met + 1 breached reaction, 1 met resolution.
    Spec(
        "b",
        kyiv(2026, 10, 2),
        priority=1,
        reaction_met=True,
        reaction_elapsed=15 * MIN,
        resolution_met=True,
        resolution_elapsed=90 * MIN,
        billable_spent=4 * HOUR,
    ),
    Spec(
        "b",
        kyiv(2026, 10, 3),
        ticket_type=TicketType.CHANGE,
        priority=None,
        reaction_met=False,
        reaction_late=True,
        reaction_elapsed=6 * HOUR,
    ),
    # Customer B: before the period (October 2025) — outside every figure of the period.
    Spec(
        "b",
        kyiv(2025, 10, 15),
        reaction_met=True,
        reaction_elapsed=MIN,
        resolution_met=True,
        resolution_elapsed=HOUR,
        billable_spent=HOUR,
    ),
)


def spec_row(spec: Spec, *, contract, reporter, component) -> Ticket:
    """The ticket row a spec describes, with the SLA columns set as the engine would."""
    opened = spec.opened
    reply = opened + spec.reaction_elapsed if opened and spec.reaction_elapsed else None
    resolved = opened + spec.resolution_elapsed if opened and spec.resolved else None
    reaction_due = opened + HOUR if opened else None
    return Ticket(
        customer_id=contract.customer_id,
        contract=contract,
        reporter=reporter,
        component=component,
        subject=f"Known outcome {opened}",
        description="x",
        ticket_type=spec.ticket_type,
        priority=spec.priority,
        status=TicketStatus.RESOLVED
        if spec.resolved
        else (TicketStatus.WAITING if spec.paused else TicketStatus.IN_PROGRESS),
        sla_paused=spec.paused,
        is_deferred=opened is None,
        opened_at=opened,
        quota_month=opened.astimezone(KYIV).date().replace(day=1) if spec.quota else None,
        reaction_due=reaction_due,
        first_response_at=reply,
        reaction_met=spec.reaction_met,
        reaction_breached_at=reaction_due + MIN if spec.reaction_late else None,
        reaction_elapsed=spec.reaction_elapsed,
        resolution_due=(opened + 8 * HOUR) if opened and not spec.paused else None,
        resolution_met=spec.resolution_met,
        resolution_breached_at=(opened + 8 * HOUR + MIN) if spec.resolution_late else None,
        resolution_elapsed=spec.resolution_elapsed,
        resolved_at=resolved,
        next_due=None
        if spec.resolved or spec.paused or opened is None
        else (opened + 8 * HOUR if reply else reaction_due),
        is_billable=spec.billable_spent is not None,
        time_spent=spec.billable_spent or spec.spent,
    )


@pytest.fixture
def long_contracts(db):
    """Acme (Advanced) and Globex (Pro), both in force from 2025 to 2027."""
    a = factories.ContractFactory(
        customer=factories.CustomerFactory(name="Acme Test"),
        package=factories.SupportPackageFactory(code="advanced"),
        number="A-1",
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2027, 12, 31),
    )
    b = factories.ContractFactory(
        customer=factories.CustomerFactory(name="Globex Test"),
        package=factories.SupportPackageFactory(code="pro"),
        number="B-1",
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2027, 12, 31),
    )
    return {"a": a, "b": b}


@pytest.fixture
def known_tickets(long_contracts):
    """The SPECS as ticket rows; returns the contracts by customer key."""
    component = factories.ComponentFactory()
    reporters = {
        key: factories.ContactUserFactory(customer=contract.customer)
        for key, contract in long_contracts.items()
    }
    Ticket.objects.bulk_create(
        spec_row(
            s,
            contract=long_contracts[s.customer],
            reporter=reporters[s.customer],
            component=component,
        )
        for s in SPECS
    )
    return long_contracts


@pytest.fixture
def open_now_tickets(long_contracts):
    """Open tickets relative to the real clock: breached, at risk, fine, paused (Acme)."""
    now = timezone.now()
    contract = long_contracts["a"]
    reporter = factories.ContactUserFactory(customer=contract.customer)
    component = factories.ComponentFactory()
    common = {
        "contract": contract,
        "customer_id": contract.customer_id,
        "reporter": reporter,
        "component": component,
        "ticket_type": TicketType.INCIDENT,
        "priority": 2,
        "status": TicketStatus.NEW,
        "description": "x",
    }
    rows = [
        # breached: reaction due passed, unreplied, not flagged yet
        Ticket(
            subject="late",
            opened_at=now - 3 * HOUR,
            reaction_due=now - HOUR,
            next_due=now - HOUR,
            **common,
        ),
        # breached earlier and flagged, since replied
        Ticket(
            subject="flagged",
            opened_at=now - 9 * HOUR,
            reaction_due=now - 8 * HOUR,
            reaction_breached_at=now - 8 * HOUR,
            first_response_at=now - 7 * HOUR,
            reaction_met=False,
            resolution_due=now + HOUR,
            next_due=now + HOUR,
            **common,
        ),
        # at risk: past 80 % of the reaction target
        Ticket(
            subject="risky",
            opened_at=now - 50 * MIN,
            reaction_due=now + 10 * MIN,
            reaction_at_risk_at=now - 2 * MIN,
            next_due=now + 10 * MIN,
            **common,
        ),
        # fine
        Ticket(
            subject="fine",
            opened_at=now - 5 * MIN,
            reaction_due=now + 2 * HOUR,
            reaction_at_risk_at=now + HOUR,
            next_due=now + 2 * HOUR,
            **common,
        ),
    ]
    Ticket.objects.bulk_create(rows)
    return {"breached": 2, "at_risk": 1, "open": 4}


def bulk_tickets(n: int, *, contract, reporter, component, month: dt.date) -> None:
    """``n`` resolved tickets with mixed outcomes opened in ``month`` (query-count tests)."""
    rows = []
    for i in range(n):
        opened = kyiv(month.year, month.month, 1 + i % 27, 9 + i % 8)
        rows.append(
            spec_row(
                Spec(
                    "a",
                    opened,
                    reaction_met=i % 4 != 0,
                    reaction_late=i % 4 == 0,
                    reaction_elapsed=(5 + i % 50) * MIN,
                    resolution_met=i % 5 != 0,
                    resolution_late=i % 5 == 0,
                    resolution_elapsed=(1 + i % 9) * HOUR,
                    billable_spent=HOUR if i % 3 == 0 else None,
                ),
                contract=contract,
                reporter=reporter,
                component=component,
            )
        )
    Ticket.objects.bulk_create(rows)
