"""The contact's list pages through its tickets and keeps the chosen state in the links."""

import pytest
from django.utils import timezone

from packages.models import Component
from tickets.services.filing import ticket_file
from tickets.views import customer as views


@pytest.mark.django_db
def test_pagination_links_keep_the_state_filter(contact, contact_client, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    component = Component.objects.get(code="inbound-calls")
    for i in range(5):
        ticket_file(contact=contact, ticket_type="incident", priority=3, component=component,
                    subject=f"Ticket {i}", description="d", now=timezone.now())

    html = contact_client.get("/tickets/?state=all&page=2").content.decode()

    assert "?state=all&amp;page=1" in html
    assert "?state=all&amp;page=3" in html
    assert "Page 2 of 3" in html
