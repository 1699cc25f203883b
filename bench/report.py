"""The benchmarks' figures as one JSON object (``python -m bench --json FILE``).

Each benchmark module's ``run()`` returns a dict of figures whose keys name the figure and,
where it has one, the size it was measured at (``queue_ms_100000``). A key a benchmark cannot
measure yet is simply absent; the printout lists the documented ones that are missing.
"""

from __future__ import annotations

import argparse
import inspect
import json
from pathlib import Path

# The documented figures; ``{n}`` is the number of tickets of the run.
DOCUMENTED = (
    "queue_ms_{n}", "queue_queries_{n}", "search_ms_{n}", "dashboard_ms_{n}",
    "dashboard_queries_{n}", "tick_ordinary_s_{n}", "tick_catchup_s_{n}", "rebuild_s_100000",
    "deadline_us", "deadline_batch_us", "pandas_deadline_us",
)
DEFAULT_TICKETS = 100_000  # the size the modules measure by default


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", help="benchmark modules to run (default: all)")
    parser.add_argument("--tickets", type=int, help="size of the database benchmarks")
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    args = parser.parse_args(argv)
    if args.tickets is not None and args.tickets < 10:
        parser.error("--tickets must be at least 10")
    return args


def sized_kwargs(run, tickets: int | None) -> dict:
    """How to ask a module's ``run`` for ``tickets``: ``n`` is one size, ``sizes`` several
    (10 tickets always among them, for the query counts)."""
    if tickets is None:
        return {}
    parameters = inspect.signature(run).parameters
    if "n" in parameters:
        return {"n": tickets}
    if "sizes" in parameters:
        return {"sizes": tuple(sorted({10, tickets}))}
    return {}


def expected_keys(tickets: int | None) -> list[str]:
    return [key.format(n=tickets or DEFAULT_TICKETS) for key in DOCUMENTED]


def missing_keys(figures: dict, tickets: int | None) -> list[str]:
    return [key for key in expected_keys(tickets) if key not in figures]


def write_json(figures: dict, path: Path) -> None:
    """One JSON object, keys sorted, numbers as measured."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def report(figures: dict, *, tickets: int | None, path: Path | None, vendor: str) -> list[str]:
    """Print the figures (and which documented ones are missing); write them if asked."""
    print(f"== figures ({vendor}): {len(figures)}")
    for key in sorted(figures):
        print(f"   {key:<40} {figures[key]}")
    missing = missing_keys(figures, tickets)
    if missing:
        print("   not measured: " + ", ".join(missing))
    if path is not None:
        write_json({**figures, "database": vendor}, path)
        print(f"   written to {path}")
    return missing
