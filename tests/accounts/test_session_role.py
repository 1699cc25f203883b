"""The session's user comes with its staff role: a page asks no query of its own for it."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from packages.roles import ENGINEERS_GROUP, Role, role_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("client_name", "url", "role"),
    [
        ("manager_client", "/queue/", Role.MANAGER),
        ("engineer_client", "/queue/", Role.ENGINEER),
        ("superuser_client", "/queue/", Role.MANAGER),
        ("contact_client", "/tickets/", Role.CONTACT),
    ],
)
def test_each_role_is_read_with_the_user(request, client_name, url, role):
    client = request.getfixturevalue(client_name)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert role_of(response.wsgi_request.user) == role
    assert not [q for q in ctx.captured_queries if q["sql"].startswith('SELECT "auth_group"')]


def test_a_role_taken_away_holds_from_the_next_request(engineer, engineer_client):
    assert engineer_client.get("/queue/").status_code == 200
    engineer.groups.remove(Group.objects.get(name=ENGINEERS_GROUP))
    response = engineer_client.get("/queue/")
    assert role_of(response.wsgi_request.user) == Role.NONE
    assert response.status_code in (302, 403, 404)
