"""The embedded default of ``make run`` (a SQLite file) holds under a small team's concurrency.

A development server runs in its own process on a fresh SQLite file (whatever database the suite
itself runs on) and 20 filings arrive at the same moment from 20 threads over real HTTP. Each
must be filed, once, and none may answer 500 ("database is locked").
"""

import sqlite3
import subprocess
import sys
import threading

import pytest

from tests.factories import TEST_PASSWORD
from tests.portal.live import (
    BASE_DIR,
    Visitor,
    free_port,
    manage,
    option_values,
    portal_env,
    wait_for_http,
)

# The server process reads the real clock.
pytestmark = [pytest.mark.real_clock, pytest.mark.slow]

FILINGS = 20
USERNAME = "filer@example.test"

SEED = f"""
import django
django.setup()
from tests import factories
contract = factories.ContractFactory()
factories.ContactFactory(customer=contract.customer, user__username={USERNAME!r})
"""


@pytest.fixture
def sqlite_portal(tmp_path):
    """A threaded development server on a migrated SQLite file with one contact under contract."""
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    env = portal_env(var_dir, DJANGO_DEBUG="false", CELERY_TASK_ALWAYS_EAGER="false")
    manage(env, "migrate", "--noinput", "-v0")
    subprocess.run([sys.executable, "-c", SEED], cwd=BASE_DIR, env=env, check=True, timeout=120)
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_http(port, process=server)
        yield port, var_dir / "portal.sqlite3", tmp_path / "server.log"
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_concurrent_filings_on_a_sqlite_file_are_all_filed_once(sqlite_portal):
    # given a contact logged in to a development server on a SQLite file
    port, database, log = sqlite_portal
    visitor = Visitor(port)
    visitor.log_in(USERNAME, TEST_PASSWORD)
    status, page = visitor.get("/tickets/new/")
    assert status == 200
    component = option_values(page, "component")[0]
    barrier = threading.Barrier(FILINGS)
    statuses: dict[int, int] = {}

    def file_one(n: int) -> None:
        form = {
            "ticket_type": "incident",
            "priority": "3",
            "component": component,
            "subject": f"Concurrent filing {n}",
            "description": "Twenty at the same moment.",
        }
        barrier.wait(timeout=30)
        statuses[n] = visitor.post("/tickets/new/", form)[0]

    # when 20 filings arrive at the same moment
    threads = [threading.Thread(target=file_one, args=(n,)) for n in range(FILINGS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    # then none failed: each was filed and redirected to its ticket, exactly once
    errors = {n: s for n, s in statuses.items() if s >= 500}
    assert not errors, f"{len(errors)} of {FILINGS} answered ≥ 500:\n" + log.read_text()[-3000:]
    assert sorted(statuses.values()) == [302] * FILINGS
    with sqlite3.connect(database) as db:
        filed = db.execute(
            "SELECT subject, count(*) FROM tickets_ticket GROUP BY subject"
        ).fetchall()
    assert dict(filed) == {f"Concurrent filing {n}": 1 for n in range(FILINGS)}
