"""`make bench`: every benchmark, printing its figures. Apart from the tests on purpose.

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

DATABASE_BENCHMARKS = (
    "bench.queue", "bench.sla_tick", "bench.dashboard", "bench.api", "bench.mailin",
    "bench.search",
    "bench.rebuild",
)


def database_benchmarks(names=DATABASE_BENCHMARKS) -> None:
    from importlib import import_module

    from tickets.models import Ticket

    for name in names:
        try:
            module = import_module(name)
        except ImportError as exc:
            print(f"== {name}: not available ({exc})")
            continue
        began = time.perf_counter()
        module.run()
        print(f"   ({name} took {time.perf_counter() - began:.1f} s in all)")
        Ticket.objects.all().delete()


def main(argv: list[str]) -> int:
    """``python -m bench`` runs everything; ``python -m bench api queue`` only those."""
    from bench import sla_engine

    names = tuple(f"bench.{name}" for name in argv) or DATABASE_BENCHMARKS
    if not argv:
        sla_engine.run()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"== database benchmarks on {connection.vendor}")
    try:
        database_benchmarks(names)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
