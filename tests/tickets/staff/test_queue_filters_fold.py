"""On small screens the queue's filters fold behind a button, unless some are in use or were
refused (the browser test checks the layout; this checks the markup's open state)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def fields_open(response) -> bool:
    tag = re.search(r'<div class="([^"]*)" id="queue-filter-fields">', response.content.decode())
    return "show" in tag.group(1).split()


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", False), ("?page=2", False), ("?q=calls", True), ("?priority=9", True)],
)
def test_the_filters_are_open_only_when_in_use_or_refused(engineer_client, query, expected):
    response = engineer_client.get(reverse("tickets:queue") + query)
    assert response.status_code == 200
    assert fields_open(response) is expected
