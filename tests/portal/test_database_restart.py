"""After PostgreSQL restarts, a kept connection is stale: the next request must still be served.

The request goes through Django's WSGI handler in this thread, as a gunicorn worker runs it: the
request signals fire, so the connection is kept between requests (CONN_MAX_AGE) and checked
before reuse (CONN_HEALTH_CHECKS). The server side of that connection is ended from a second
connection between two requests, which is what a database restart does to every worker.
"""

import time

import psycopg
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client, RequestFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    # committed rows and no test transaction around the requests, as in production
    pytest.mark.django_db(transaction=True),
]


def served(handler: WSGIHandler, path: str, cookie: str) -> int:
    """The status of ``GET path`` through the WSGI handler, signals and all."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, HTTP_COOKIE=cookie)
    statuses: list[str] = []
    response = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(response)
    response.close()  # request_finished: the connection is kept, not closed
    return int(statuses[0].split()[0])


def terminate_backend(pid: int) -> None:
    """End a server process from another connection, as a restart does; wait until it is gone."""
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            alive = other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
            if alive.fetchone() is None:
                return
            time.sleep(0.05)
    raise AssertionError(f"backend {pid} is still there")


def test_the_first_request_after_the_connection_died_is_served(contact):
    # given a logged-in contact and a worker whose connection is kept between requests
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    browser = Client()
    browser.force_login(contact.user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    handler = WSGIHandler()
    assert served(handler, "/tickets/", cookie) == 200
    kept = connection.connection
    assert kept is not None and not kept.closed

    # when the database ends that connection's server process (a restart)
    terminate_backend(kept.info.backend_pid)

    # then the next request reconnects and is served, on a new connection
    assert served(handler, "/tickets/", cookie) == 200
    assert connection.connection is not kept
