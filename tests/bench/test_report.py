"""The benchmarks' JSON output and the seed they share (no timing here: figures are bench's)."""

import json

import pytest

from bench.report import expected_keys, missing_keys, parse_args, report, sized_kwargs
from bench.seed import mix_counts, seed_open_tickets
from tickets.models import SlaAlert, Ticket


def test_the_json_file_holds_every_figure_under_its_key_and_names_the_database(tmp_path):
    path = tmp_path / "bench.json"
    figures = {"queue_ms_1000": 12.5, "queue_queries_1000": 11, "tick_ordinary_s_1000": 0.01}

    missing = report(figures, tickets=1000, path=path, vendor="sqlite")

    assert json.loads(path.read_text()) == {**figures, "database": "sqlite"}
    assert "queue_ms_1000" not in missing
    assert "search_ms_1000" in missing and "deadline_us" in missing


def test_the_documented_keys_carry_the_size_of_the_run():
    keys = expected_keys(1_000_000)
    for key in (
        "queue_ms_1000000", "queue_queries_1000000", "search_ms_1000000", "dashboard_ms_1000000",
        "dashboard_queries_1000000", "tick_ordinary_s_1000000", "tick_catchup_s_1000000",
        "rebuild_s_100000", "deadline_us", "deadline_batch_us", "pandas_deadline_us",
    ):
        assert key in keys
    assert missing_keys({key: 1 for key in keys}, 1_000_000) == []
    assert "queue_ms_100000" in expected_keys(None)  # the modules' default size


def test_the_size_reaches_each_kind_of_run_function():
    def one(n=100_000): ...

    def several(sizes=(10, 100_000)): ...

    def fixed(): ...

    assert sized_kwargs(one, 5000) == {"n": 5000}
    assert sized_kwargs(several, 5000) == {"sizes": (10, 5000)}
    assert sized_kwargs(fixed, 5000) == {}
    assert sized_kwargs(one, None) == {}


def test_the_command_line_takes_names_a_size_and_a_file(tmp_path):
    args = parse_args(["queue", "--tickets", "1000", "--json", str(tmp_path / "b.json")])
    assert (args.names, args.tickets, args.json.name) == (["queue"], 1000, "b.json")
    with pytest.raises(SystemExit):
        parse_args(["--tickets", "0"])


@pytest.mark.django_db
def test_the_seed_makes_open_tickets_of_the_documented_mix(now):
    counts = seed_open_tickets(200, now=now)

    assert counts == mix_counts(200) == {
        "fine": 160, "breached earlier": 24, "at risk": 10, "newly due": 6
    }
    assert Ticket.objects.filter(status__in=["new", "in_progress"]).count() == 200
    # the earlier breaches are alerted and marked told, so the tick does not tell them again
    assert SlaAlert.objects.count() == 24
    assert Ticket.objects.filter(reaction_breach_told__isnull=False).count() + (
        Ticket.objects.filter(resolution_breach_told__isnull=False).count()
    ) == 24
    assert not Ticket.objects.filter(next_due__isnull=True).exists()
