"""The data migration reads the words old history rows were written in back into codes."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import factories
from tickets.models import TicketChange
from tickets.selectors.history import effect_text, history_entries

migration = importlib.import_module("tickets.migrations.0008_history_codes")

BEFORE = [("tickets", "0007_created_at_from_services")]
AFTER = [("tickets", "0008_history_codes")]


@pytest.mark.parametrize(
    ("text", "action", "expected"),
    [
        (
            "Workaround applied. New clock: priority 2, due Nov. 18, 2026, 2:15 p.m. (UTC+0200).",
            "priority",
            [
                {"kind": "workaround_applied"},
                {"kind": "new_clock", "priority": 2, "due": "2026-11-18T12:15:00+00:00"},
            ],
        ),
        (
            "Реакцію надано за 1 год 05 хв до закінчення терміну; вирішення тепер до "
            "18 листопада 2026 р. 14:00 (UTC+0200).",
            "reply",
            [
                {"kind": "reaction_met", "minutes": 65},
                {"kind": "resolution_due", "due": "2026-11-18T12:00:00+00:00"},
            ],
        ),
        (
            "SLA started: reaction due Nov. 18, 2026, noon (UTC-0500), resolution due — (paused).",
            "filed",
            [{"kind": "started", "reaction": "2026-11-18T17:00:00+00:00", "resolution": None}],
        ),
        (
            "Reaction breached (was due 2026-05-12 10:00 (UTC+0300)).",
            "sla_breach",
            [{"kind": "alert_breach", "metric": "reaction", "due": "2026-05-12T07:00:00+00:00"}],
        ),
        (
            "Something an old version wrote.",
            "status",
            [{"kind": "text", "text": "Something an old version wrote."}],
        ),
        ("", "take", []),
    ],
)
def test_legacy_sentences_become_effect_data(text, action, expected):
    assert migration.effects_from_text(text, action=action) == expected


@pytest.mark.django_db(transaction=True)
def test_the_migration_converts_labels_and_sentences_both_ways(contact):
    ticket = factories.TicketFactory(
        contract=contact.customer.contracts.get(), reporter=contact.user
    )
    factories.TicketChangeFactory(
        ticket=ticket,
        action="priority",
        field="priority",
        old_value="1",
        new_value="2",
        effects=[
            {"kind": "workaround_applied"},
            {"kind": "new_clock", "priority": 2, "due": "2026-11-18T12:15:00+00:00"},
        ],
    )
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)  # back: English labels and sentences (times in UTC)
        old_apps = executor.loader.project_state(BEFORE).apps
        OldChange = old_apps.get_model("tickets", "TicketChange")
        (row,) = OldChange.objects.filter(ticket_id=ticket.pk)
        assert (row.old_value, row.new_value) == ("1 — Critical", "2 — High")
        assert row.sla_effect == (
            "Workaround applied. New clock: priority 2, due 2026-11-18 12:15 (UTC+0000)."
        )
        # rows as an old version wrote them, in Ukrainian
        OldChange.objects.create(
            ticket_id=ticket.pk,
            at=row.at,
            action="status",
            field="status",
            old_value="Нове",
            new_value="Очікує на клієнта",
            sla_effect="Відлік вирішення призупинено.",
        )
        OldChange.objects.create(
            ticket_id=ticket.pk,
            at=row.at,
            action="reclassify",
            field="ticket_type",
            old_value="Incident, 2 — High",
            new_value="Service request",
            sla_effect="Resolution now due Nov. 19, 2026, 4:20 p.m. (UTC+0200).",
        )
        OldChange.objects.create(
            ticket_id=ticket.pk,
            at=row.at,
            action="component",
            field="component",
            old_value="Inbound calls",
            new_value="Outbound calls",
        )
        executor.loader.build_graph()
        executor.migrate(AFTER)
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
    rows = list(TicketChange.objects.filter(ticket=ticket).order_by("pk"))
    assert [(r.old_value, r.new_value) for r in rows] == [
        ("1", "2"),
        ("new", "waiting"),
        ("incident:2", "service_request"),
        ("inbound-calls", "outbound-calls"),
    ]
    assert rows[1].effects == [{"kind": "paused"}]
    assert rows[2].effects == [{"kind": "resolution_due", "due": "2026-11-19T14:20:00+00:00"}]
    assert effect_text(rows[0].effects).startswith("Workaround applied. New clock: priority 2")
    assert [e.new for e in history_entries(rows)] == [
        "2 — High",
        "Waiting for customer",
        "Service request",
        "Outbound calls",
    ]
