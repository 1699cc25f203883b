"""Random ticket histories through the real services: the roll-ups the signals and hooks keep
are what a rebuild from the tickets gives, and the dashboard counts what it counted before."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from packages.models import Component
from tests.rollups.conftest import (
    assert_rollups_fresh,
    billable_from_tickets,
    billable_shown,
    cube_from_tickets,
    cube_shown,
    year_to,
)
from tickets.models import Ticket, TicketStatus, WithdrawReason
from tickets.services.ending import (
    ticket_close,
    ticket_reopen,
    ticket_resolve,
    ticket_withdraw,
    tickets_close_resolved,
)
from tickets.services.filing import ticket_file
from tickets.services.workflow import ticket_reclassify, ticket_reply

pytestmark = pytest.mark.django_db
STEP = dt.timedelta(hours=7)


def _act(rng, ticket, *, contact, engineer, at):
    """One random thing people do to a ticket; refusals (not allowed now) are skipped."""
    ticket.refresh_from_db()
    action = rng.choice(
        ["reply", "reply", "resolve", "resolve", "reopen", "close", "withdraw", "reclassify"]
    )
    user = contact.user
    try:
        if action == "reply":
            ticket_reply(ticket=ticket, by=engineer, body="Looking.", internal=False, now=at)
        elif action == "resolve":
            ticket_resolve(
                ticket=ticket,
                by=engineer,
                root_cause=rng.choice(["product_defect", "customer_action"]),  # billable
                time_spent=dt.timedelta(minutes=rng.randrange(0, 120)),
                message="Fixed.",
                now=at,
            )
        elif action == "reopen":
            ticket_reopen(ticket=ticket, by=user, now=at)
        elif action == "close":
            ticket_close(ticket=ticket, by=user, now=at)
        elif action == "withdraw":
            ticket_withdraw(ticket=ticket, by=user, reason=WithdrawReason.NOT_NEEDED, now=at)
        else:
            kind = rng.choice([("incident", 1), ("incident", 3), ("service_request", None)])
            ticket_reclassify(
                ticket=ticket, ticket_type=kind[0], priority=kind[1], by=engineer, now=at
            )
    except (PermissionDenied, ValidationError):
        pass


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_histories_keep_the_rollups_exact(seed, now, contact, engineer):
    rng = random.Random(seed)
    component = Component.objects.get(code="inbound-calls")
    start = now - dt.timedelta(days=75)
    tickets = []
    for i in range(14):
        filed = start + dt.timedelta(days=5 * i, hours=rng.randrange(0, 48))
        kind = rng.choice([("incident", 2), ("incident", 3), ("change", None)])
        tickets.append(
            ticket_file(
                contact=contact,
                ticket_type=kind[0],
                priority=kind[1],
                component=component,
                subject=f"History {i}",
                description="x",
                now=filed,
            )
        )
        at = filed
        for _ in range(rng.randrange(1, 6)):
            at += STEP * rng.uniform(0.1, 3)
            if at >= now:
                break
            _act(rng, rng.choice(tickets), contact=contact, engineer=engineer, at=at)
    tickets_close_resolved(now=now)  # the beat job ends what stayed resolved long enough
    ended = Ticket.objects.filter(status__in=[TicketStatus.CLOSED, TicketStatus.WITHDRAWN])
    assert ended.exists()  # the histories do end tickets (else nothing was rolled up)
    # the dashboard's counts are those computed from every ticket, and a rebuild agrees
    for period in (year_to(now), year_to(now, contact.customer_id)):
        assert cube_shown(period) == cube_from_tickets(period)
        assert billable_shown(period) == billable_from_tickets(period)
    assert Ticket.objects.filter(is_billable=True, status=TicketStatus.CLOSED).exists()
    assert_rollups_fresh()
