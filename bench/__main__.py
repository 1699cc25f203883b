"""`make bench`: every benchmark, printing its figures. Apart from the tests on purpose.

``python -m bench [--tickets N] [--json FILE] [NAME ...]``: ``--tickets`` sets the size of the
database benchmarks (each keeps its own default sizes without it), ``--json`` writes every
figure as one JSON object whose keys name the figure and its size (``bench.report``).

Database benchmarks run in a throwaway test database (SQLite by default, PostgreSQL when
DATABASE_URL points to it), created and dropped here.
"""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.report import parse_args, report, sized_kwargs  # noqa: E402

DATABASE_BENCHMARKS = (
    "bench.queue",
    "bench.sla_tick",
    "bench.dashboard",
    "bench.api",
    "bench.mailin",
    "bench.search",
    "bench.rebuild",
)


def database_benchmarks(names=DATABASE_BENCHMARKS, tickets: int | None = None) -> dict:
    from importlib import import_module

    from bench.seed import clear_tickets

    figures: dict = {}
    for name in names:
        try:
            module = import_module(name)
        except ImportError as exc:
            print(f"== {name}: not available ({exc})")
            continue
        began = time.perf_counter()
        result = module.run(**sized_kwargs(module.run, tickets))
        if isinstance(result, dict):
            figures.update(result)
        print(f"   ({name} took {time.perf_counter() - began:.1f} s in all)")
        clear_tickets()
    return figures


def host_loop_ms() -> float:
    """The host's speed now: milliseconds of a fixed pure-Python loop (median of 3). On a
    shared machine it drifts; the figures of a run are read against it."""
    times = []
    for _ in range(3):
        began, total = time.perf_counter(), 0
        for i in range(3_000_000):
            total += i
        times.append(time.perf_counter() - began)
    return round(sorted(times)[1] * 1000, 1)


def main(argv: list[str]) -> int:
    """``python -m bench`` runs everything; ``python -m bench api queue`` only those."""
    from bench import sla_engine

    args = parse_args(argv)
    names = tuple(f"bench.{name}" for name in args.names) or DATABASE_BENCHMARKS
    figures: dict = {"host_loop_ms_before": host_loop_ms()}
    if not args.names:
        result = sla_engine.run()
        if isinstance(result, dict):
            figures.update(result)
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"== database benchmarks on {connection.vendor}")
    try:
        figures.update(database_benchmarks(names, args.tickets))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    figures["host_loop_ms_after"] = host_loop_ms()
    report(figures, tickets=args.tickets, path=args.json, vendor=connection.vendor)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
