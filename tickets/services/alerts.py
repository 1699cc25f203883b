"""SLA alerts: each at-risk or breach event recorded once, then told to the people concerned.

Recording goes by the ticket's marks (``reaction_breach_told`` and the like, see
``tickets.models.ticket.SLA_EVENTS``): an event not told yet is a row of a small partial index,
so a tick with nothing new reads nothing, and a catch-up takes the events in batches of at most
``BATCH_SIZE``, each in its own short transaction. The unique ``SlaAlert`` row is the event
(``ON CONFLICT DO NOTHING``), so however often the job runs, retries or overlaps, an event exists
— and is notified — exactly once. Each batch stamps its rows with a ``batch`` id and tells only
those: one history row per event (one statement for all of them) and one digest e-mail per
recipient listing that recipient's new events, written in the same transaction as the alert
rows and the marks. So the number of queries of a batch depends neither on the number of
tickets nor on the number of events.

Who is told: the assignee, or while nobody is assigned the engineers on duty at the run's instant
(the rota, ``oncall``; without a rota entry every active engineer), and every active support
manager. A person who turned off at-risk mail gets no at-risk entries; breaches always go. Each
recipient also sees each event in their unread list (``oncall.services.alerts``).
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Case, F, When

from oncall.services.alerts import alert_audience, alert_events_record
from tickets.events import sla_alerts_recorded
from tickets.models import (
    OPEN_RUNNING,
    SLA_EVENTS,
    OutboxMessage,
    SlaAlert,
    SlaAlertKind,
    Ticket,
    TicketChange,
)
from tickets.services.sla_digests import AlertTexts, sla_digest
from tickets.services.sla_effects import Effect, effect, iso

OPEN = OPEN_RUNNING

# A tick's transactions each record at most this many events (and mark at most this many
# breaches): a catch-up after an outage is many short transactions, never one long one.
BATCH_SIZE = 500


def _pick_events(*, now: datetime, room: int) -> list[tuple[str, str, int, datetime]]:
    """Up to ``room`` untold events, breaches first: (metric, kind, ticket id, due time).

    Each kind is read from its partial index (``SLA_EVENTS``), so the cost follows the number
    of new events, not of open tickets. On PostgreSQL the tickets are locked (``SKIP LOCKED``):
    an overlapping run takes the others instead of waiting, and the unique alert row settles
    any event both see.
    """
    picked: list[tuple[str, str, int, datetime]] = []
    for (metric, kind), (condition, instant, due, _told) in SLA_EVENTS.items():
        if len(picked) >= room:
            break
        rows = Ticket.objects.filter(condition, **{f"{instant}__lte": now}).order_by(instant)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        for pk, due_at in rows.values_list("pk", due)[: room - len(picked)]:
            picked.append((metric, kind, pk, due_at))
    return picked


def _record_events(picked, *, now: datetime, batch: uuid.UUID) -> None:
    """INSERT the picked events' rows (an event already recorded is left alone) and mark each
    ticket's event as told, so it leaves the work list."""
    SlaAlert.objects.bulk_create(
        (
            SlaAlert(
                ticket_id=pk, metric=metric, kind=kind, due_at=due, created_at=now, batch=batch
            )
            for metric, kind, pk, due in picked
        ),
        ignore_conflicts=True,
        batch_size=BATCH_SIZE,
    )
    told = {}
    for (metric, kind), (_condition, _instant, due, column) in SLA_EVENTS.items():
        pks = [pk for m, k, pk, _due in picked if (m, k) == (metric, kind)]
        if pks:
            told[column] = Case(When(pk__in=pks, then=F(due)), default=F(column))
    # ONE statement whatever the kinds picked (the query count does not vary with the events).
    Ticket.objects.filter(pk__in={pk for _m, _k, pk, _due in picked}).order_by().update(**told)


@dataclass(frozen=True, slots=True)
class NewAlert:
    """One event this run recorded, with what the history and the digests need (no models:
    a catch-up reads thousands of these)."""

    pk: int
    ticket_id: int
    metric: str
    kind: str
    due_at: datetime
    subject: str
    customer: str
    assignee_email: str  # "" when unassigned, inactive or without an address
    assignee_name: str  # "" when unassigned
    assignee_id: int | None = None  # set when assigned and active


NEW_ALERT_COLUMNS = (
    "pk",
    "ticket_id",
    "metric",
    "kind",
    "due_at",
    "ticket__subject",
    "ticket__customer__name",
    "ticket__assignee_id",
    "ticket__assignee__email",
    "ticket__assignee__is_active",
    "ticket__assignee__first_name",
    "ticket__assignee__last_name",
    "ticket__assignee__username",
)


def _new_alerts(batch: uuid.UUID) -> list[NewAlert]:
    """This run's rows, breaches first, then by due time (the order the digests list them)."""
    rows = (
        SlaAlert.objects.filter(batch=batch)
        .order_by("-kind", "due_at", "ticket_id", "metric")
        .values_list(*NEW_ALERT_COLUMNS)
    )
    alerts = []
    for pk, ticket_id, metric, kind, due, subject, customer, assignee, *person in rows:
        email, active, first, last, username = person
        name = (f"{first} {last}".strip() or username) if assignee else ""
        email = email if assignee and active and email else ""
        alerts.append(
            NewAlert(
                pk, ticket_id, metric, kind, due, subject, customer, email, name,
                assignee if assignee and active else None,
            )
        )
    return alerts


@dataclass(frozen=True)
class Recipients:
    engineers: frozenset[str]
    managers: frozenset[str]


def alert_recipients(alert: NewAlert, staff: Recipients) -> frozenset[str]:
    """The assignee (the on-duty engineers while nobody is) and every manager."""
    first = frozenset((alert.assignee_email,)) if alert.assignee_email else staff.engineers
    return first | staff.managers


def alert_effects(alert: NewAlert) -> list[dict]:
    """The history row's SLA effect as data: each reader sees it in their own language and
    zone (tickets.selectors.history)."""
    kind = Effect.ALERT_BREACH if alert.kind == SlaAlertKind.BREACH else Effect.ALERT_AT_RISK
    return [effect(kind, metric=str(alert.metric), due=iso(alert.due_at))]


def _history_insert(rows: list[tuple[int, str, str, list[dict]]], *, at: datetime) -> None:
    """Write every history row of a run in ONE statement, however many events there are.

    The rows travel as a single JSON parameter expanded by the database: ``bulk_create``
    would split them into batches (~120 rows each on SQLite, whose driver limits the number
    of parameters), so a catch-up would cost a query per batch.
    """
    if connection.vendor == "postgresql":
        source, item = "jsonb_array_elements(%s::jsonb) AS r(v)", "(r.v->>{})"
        ticket, effects = "(r.v->>0)::bigint", "(r.v->3)"
    elif connection.vendor == "sqlite":
        source, item = "json_each(%s) AS r", "json_extract(r.value, '$[{}]')"
        ticket, effects = item.format(0), item.format(3)  # an array comes out as JSON text
    else:  # pragma: no cover - the portal runs on PostgreSQL or SQLite
        TicketChange.objects.bulk_create(
            TicketChange(ticket_id=t, at=at, action=a, field=f, effects=e) for t, a, f, e in rows
        )
        return
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(TicketChange._meta.get_field(name).column)
        for name in ("ticket", "actor", "at", "action", "field", "old_value", "new_value")
    )
    effects_column = quote(TicketChange._meta.get_field("effects").column)
    # Only quoted identifiers are formatted in; the values are parameters.
    sql = (
        f"INSERT INTO {quote(TicketChange._meta.db_table)} ({columns}, {effects_column}) "  # noqa: S608
        f"SELECT {ticket}, NULL, %s, {item.format(1)}, {item.format(2)}, '', '', "
        f"{effects} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                connection.ops.adapt_datetimefield_value(at),
                json.dumps(rows, separators=(",", ":")),
            ],
        )


@transaction.atomic
def sla_alerts_raise(*, now: datetime, batch_size: int = BATCH_SIZE) -> list[NewAlert]:
    """Record up to ``batch_size`` at-risk/breach events not recorded yet; a history row for
    each and ONE digest e-mail per recipient listing that recipient's new events, all in one
    transaction. The SLA check calls it until it records fewer than ``batch_size``.

    Always a digest, even for a single event (its subject then reads like the event itself):
    one code path, and the number of e-mails and queries of a batch does not depend on the
    number of events — a catch-up sends each person one mail of bounded size per batch.
    """
    batch = uuid.uuid4()
    picked = _pick_events(now=now, room=batch_size)
    if not picked:
        return []
    _record_events(picked, now=now, batch=batch)
    alerts = _new_alerts(batch)
    if not alerts:
        return []
    audience = alert_audience(now)
    staff = Recipients(audience.on_duty_emails, audience.manager_emails)
    texts = AlertTexts()
    _history_insert(
        [(a.ticket_id, f"sla_{a.kind}", a.metric, alert_effects(a)) for a in alerts], at=now
    )
    by_recipient: dict[str, list[NewAlert]] = defaultdict(list)
    for alert in alerts:
        for recipient in alert_recipients(alert, staff):
            if alert.kind != SlaAlertKind.AT_RISK or recipient not in audience.at_risk_muted:
                by_recipient[recipient].append(alert)
    alert_events_record(alerts, audience, now=now)
    messages = OutboxMessage.objects.bulk_create(
        sla_digest(recipient, mine, texts) for recipient, mine in sorted(by_recipient.items())
    )
    if keys := [m.dedupe_key for m in messages]:
        transaction.on_commit(lambda: _dispatch(keys))
    sla_alerts_recorded.send(sender=SlaAlert, batch=batch, now=now)
    return alerts


def _dispatch(dedupe_keys: list[str]) -> None:
    """After commit: the run's digests to the broker in ONE task (a handful of rows)."""
    from tickets.services.outbox import outbox_dispatch_many

    ids = OutboxMessage.objects.filter(
        dedupe_key__in=dedupe_keys, sent_at__isnull=True
    ).values_list("pk", flat=True)
    outbox_dispatch_many(list(ids))
