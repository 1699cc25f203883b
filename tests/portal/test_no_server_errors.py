"""No 500 on any input: every portal URL, for every role, with junk ids, junk query strings
and junk POST bodies, answers with a client error or a page, never a server error."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tickets.services.filing import ticket_file

JUNK_IDS = ["0", "1", "999999999999999999999999", "2147483648"]
JUNK_QUERIES = [
    "",
    "?page=abc&status=bogus&priority=9&customer=x&assignee=-1&q=%00%ff'\"<script>",
    "?page=999999&breached=maybe&at_risk=2&month=2026-13&from=garbage&customer=99999999999999",
    "?sort=;drop%20table&mine=yes&unassigned=1&type=nonsense&package=gold",
]
JUNK_POSTS = [
    {},
    {"subject": "<b>x</b>" * 100, "ticket_type": "incident", "priority": "7",
     "component": "abc", "body": "", "status": "exploded", "quota_choice": "free",
     "time_spent": "-5", "root_cause": "aliens", "assignee": "x", "reason": ""},
    {"reason": "duplicate", "duplicate_of": "1", "root_cause": "product_defect",
     "time_spent_minutes": "99999999999", "message": "x" * 30000, "status": "withdrawn"},
    {"reason": "duplicate", "duplicate_of": "#99999999999999999999", "message": "\x00",
     "time_spent_minutes": "-1", "status": "any"},
]


def portal_routes():
    """(route template, name) for every URL outside the admin and auth machinery."""
    found = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                route = str(entry.pattern)
                if route.startswith(("admin/", "i18n/", "accounts/")):
                    continue
                walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern):
                found.append((prefix + str(entry.pattern), entry.name))

    walk(get_resolver().url_patterns)
    return found


def concrete_paths(route: str) -> list[str]:
    if "<int:pk>" in route:
        return ["/" + route.replace("<int:pk>", ident) for ident in JUNK_IDS]
    if "<" in route:
        head, _, rest = route.partition("<")
        tail = rest.partition(">")[2]
        return ["/" + head + value + tail for value in ("x", "monthly", "..%2f..%2fetc")]
    return ["/" + route]


@pytest.fixture
def a_ticket(contact):
    from packages.models import Component

    return ticket_file(
        contact=contact, ticket_type="incident", priority=2,
        component=Component.objects.get(code="inbound-calls"), subject="Calls drop",
        description="Since the update.", now=timezone.now(),
    )


@pytest.mark.django_db
@pytest.mark.slow
@pytest.mark.parametrize(
    "who", ["client", "contact_client", "customer_admin_client", "other_contact_client",
            "engineer_client", "manager_client"],
)
def test_every_url_survives_junk(request, who, a_ticket):
    client = request.getfixturevalue(who)
    client.raise_request_exception = False
    routes = portal_routes()
    assert len(routes) > 15  # the walk found the portal's pages
    failures = []
    for route, name in routes:
        for path in concrete_paths(route):
            for query in JUNK_QUERIES:
                response = client.get(path + query)
                if response.status_code >= 500:
                    failures.append(f"GET {path}{query} ({name}) → {response.status_code}")
            for body in JUNK_POSTS:
                response = client.post(path, body)
                if response.status_code >= 500:
                    failures.append(f"POST {path} ({name}) → {response.status_code}")
    assert not failures, "\n".join(failures)
