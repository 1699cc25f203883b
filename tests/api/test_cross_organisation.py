"""Another organisation's ids are 404 on every endpoint: the API's, the token pages' and the
web hook pages' (each route is found by walking the URL configuration, so a new endpoint
is covered without being listed here)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from api.services import api_token_create
from packages.models import Component
from tests.webhooks.conftest import make_delivery
from tickets.services.conversation import message_add
from tickets.services.filing import ticket_file
from webhooks.services.hooks import webhook_create

pytestmark = pytest.mark.django_db


def routes_under(prefix: str) -> list[str]:
    found = []

    def walk(patterns, route=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                found.append(route + str(entry.pattern))

    walk(get_resolver().url_patterns)
    return [r for r in found if r.startswith(prefix) and "<int:pk>" in r]


@pytest.fixture
def theirs(other_contact):
    """Globex's ticket, with a comment and a file; Acme's contact must never reach them."""
    now = timezone.now()
    ticket = ticket_file(
        contact=other_contact,
        ticket_type="incident",
        priority=3,
        component=Component.objects.get(code="inbound-calls"),
        subject="Globex only",
        description="x",
        now=now,
    )
    message = message_add(
        ticket=ticket,
        author=other_contact.user,
        kind="comment",
        body="Logs",
        attachments=[SimpleUploadedFile("a.txt", b"secret")],
        now=now,
    )
    return ticket, message.attachments.get()


def test_every_api_endpoint_answers_404_for_another_organisations_ids(contact_api, theirs):
    ticket, attachment = theirs
    routes = routes_under("api/")
    assert len(routes) >= 15
    failures = []
    for route in routes:
        ident = attachment.pk if route.startswith("api/attachments/") else ticket.pk
        path = "/" + route.replace("<int:pk>", str(ident))
        for method in ("get", "post"):
            response = getattr(contact_api, method)(path, {}, format="json")
            if response.status_code not in (404, 405):
                failures.append(f"{method.upper()} {path} → {response.status_code}")
            elif response.status_code == 404:
                assert response.json()["code"] == "not_found"
    assert not failures, "\n".join(failures)
    assert "Globex only" not in contact_api.get("/api/tickets/").content.decode()


def test_the_portal_pages_answer_404_for_another_users_token_or_organisations_hook(
    customer_admin_client, other_contact, pro_contract, now
):
    from tests import factories

    other_admin = factories.ContactFactory(
        customer=pro_contract.customer, is_customer_admin=True, user__username="a@globex.test"
    )
    token, _ = api_token_create(user=other_contact.user, name="Theirs", now=now)
    hook, _ = webhook_create(
        by=other_admin.user,
        url="https://globex.example/hook",
        events=["ticket.created"],
        now=now,
    )
    delivery = make_delivery(hook)
    idents = {"account/api-tokens/": token.pk, "webhooks/deliveries/": delivery.pk}
    failures = []
    for prefix in ("account/api-tokens/", "webhooks/"):
        for route in routes_under(prefix):
            ident = next((v for k, v in idents.items() if route.startswith(k)), hook.pk)
            path = "/" + route.replace("<int:pk>", str(ident))
            for method in ("get", "post"):
                response = getattr(customer_admin_client, method)(path)
                if response.status_code not in (404, 405):
                    failures.append(f"{method.upper()} {path} → {response.status_code}")
    assert not failures, "\n".join(failures)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert hook.__class__.objects.filter(pk=hook.pk).exists()
