"""Schemathesis against the live schema, with a contact's token and with an engineer's:
every operation, generated requests (valid and, as often, invalid), 0 server errors and 0
responses that break the schema (status, content type, headers, body).

The portal runs as the WSGI application in this test's database transaction; examples are
derandomized (the same every run) and few per operation, so the run stays short.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import token_text
from tickets.services.workflow import ticket_reply

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 30


@pytest.fixture
def keep_the_test_connection():
    """As Django's test client does: a request must not close the test's connection (on
    PostgreSQL that would end the test's transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def some_tickets(file_ticket, engineer):
    """Tickets numbered from 1 up, so generated ids find some; one with a reply and a note."""
    tickets = [file_ticket(subject=f"Ticket {n}") for n in range(3)]
    for internal in (False, True):
        ticket_reply(
            ticket=tickets[0], by=engineer, body="On it.", internal=internal, now=timezone.now()
        )
    return tickets


@pytest.mark.parametrize("role", ["contact", "engineer"])
def test_the_api_keeps_its_schema(request, role, some_tickets, keep_the_test_connection):
    user = request.getfixturevalue(role)
    token = token_text(getattr(user, "user", user))
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @given(case=strategy)
        @hypothesis_settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case):
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            case.validate_response(response, checks=CHECKS)

        try:
            exercise()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert operations >= 20
    assert not failures, "\n\n".join(failures)
