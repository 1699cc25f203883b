"""The audit log: what it records, who can search and export it, and that nothing and nobody
can change it."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from audit.services import audit_record
from packages.roles import ENGINEERS_GROUP
from packages.services import contact_set_active
from tests import factories
from tests.accounts.conftest import WRONG, post_login

pytestmark = pytest.mark.django_db
LIST, CSV = reverse("audit:list"), reverse("audit:csv")


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


def admin_save(client, url: str, **changes):
    """Post an admin change form back with its current values and ``changes``."""
    page = client.get(url)
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = changes.get(name, form[name].value())
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        elif isinstance(value, list | tuple):
            value = [getattr(v, "pk", v) for v in value]
        data[name] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_logins_failures_and_lockouts_are_recorded(client):
    user = factories.UserFactory()
    post_login(client, user.username, WRONG)
    post_login(client, "ghost@example.test", WRONG)
    for _ in range(10):
        post_login(client, user.username, WRONG, REMOTE_ADDR="198.51.100.30")
    post_login(Client(), user.username, factories.TEST_PASSWORD, REMOTE_ADDR="198.51.100.31")
    failed = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert {e.target_label for e in failed} >= {user.username, "ghost@example.test"}
    assert AuditEntry.objects.filter(
        action=AuditAction.LOCKED_OUT, ip_address="198.51.100.30"
    ).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.LOGIN).exists()  # still locked


def test_a_login_is_recorded_with_the_address(client):
    user = factories.UserFactory()
    post_login(client, user.username, factories.TEST_PASSWORD, REMOTE_ADDR="203.0.113.4")
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert (entry.actor_id, entry.ip_address) == (user.pk, "203.0.113.4")


def test_invitations_and_deactivations_say_who_did_it(customer_admin, contact, now):
    from packages.invitations import contact_invite

    contact_invite(
        customer=customer_admin.customer, invited_by=customer_admin, email="new@acme.test", now=now
    )
    contact_set_active(contact=contact, active=False, by=customer_admin)
    contact_set_active(contact=contact, active=True, by=customer_admin)
    entries = AuditEntry.objects.filter(actor_id=customer_admin.user.pk).order_by("pk")
    assert [e.action for e in entries] == [
        AuditAction.INVITATION_SENT,
        AuditAction.CONTACT_DEACTIVATED,
        AuditAction.CONTACT_REACTIVATED,
    ]
    assert entries[0].details["email"] == "new@acme.test"
    assert entries[1].target_label == contact.user.username


def test_role_changes_are_recorded(manager_client, manager):
    user = factories.UserFactory()
    group = Group.objects.get(name=ENGINEERS_GROUP)
    user.groups.add(group)
    group.user_set.remove(user)
    entries = AuditEntry.objects.filter(action=AuditAction.ROLE_CHANGED, target_id=str(user.pk))
    assert [e.details for e in entries.order_by("pk")] == [
        {"added": [ENGINEERS_GROUP]},
        {"removed": [ENGINEERS_GROUP]},
    ]


def test_contract_and_sla_target_saves_in_the_admin_are_recorded(manager_client, manager, contract):
    from sla.models import SlaTarget

    admin_save(
        manager_client,
        reverse("admin:packages_contract_change", args=[contract.pk]),
        number="C-CHANGED",
    )
    target = SlaTarget.objects.filter(package=contract.package).first()
    admin_save(
        manager_client,
        reverse("admin:sla_slatarget_change", args=[target.pk]),
        reaction="3 h",  # targets are typed in business hours
    )
    entries = AuditEntry.objects.filter(
        action=AuditAction.ADMIN_CHANGE, actor_id=manager.pk
    ).order_by("pk")
    assert [e.target_type for e in entries] == ["packages.contract", "sla.slatarget"]
    assert "C-CHANGED" in entries[0].target_label
    assert "Changed" in entries[0].details["message"]


def test_downloads_are_recorded(contact_client, contact, ticket_with_file):
    ticket = ticket_with_file
    attachment = ticket.attachments.get()
    response = contact_client.get(reverse("tickets:attachment", args=[attachment.pk]))
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.get(action=AuditAction.ATTACHMENT_DOWNLOADED)
    assert entry.actor_id == contact.user.pk
    assert entry.details == {"ticket": ticket.reference, "file": "trace.log"}


def test_two_factor_changes_are_recorded(contact):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.accounts.conftest import totp_code

    client = Client()
    post_login(client, contact.user.username, factories.TEST_PASSWORD)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=contact.user)
    client.post(reverse("two_factor_setup"), {"token": totp_code(device)})
    client.post(reverse("two_factor_disable"), {"token": totp_code(device, offset=1)})
    assert actions()[-3:] == [
        AuditAction.TWO_FACTOR_ENABLED,
        AuditAction.RECOVERY_CODES_CREATED,
        AuditAction.TWO_FACTOR_DISABLED,
    ]


def test_the_function_for_other_apps_records_tokens_and_hooks(engineer):
    token = factories.UserFactory()  # stands for an API token row
    entry = audit_record(
        actor=engineer, action=AuditAction.API_TOKEN_CREATED, target=token, name="CI"
    )
    assert (entry.actor_label, entry.target_type, entry.details) == (
        engineer.username,
        "auth.user",
        {"name": "CI"},
    )
    with pytest.raises(ValueError, match="unknown audit action"):
        audit_record(actor=engineer, action="made_up")


# --- reading ----------------------------------------------------------------------------------


@pytest.fixture
def entries(now):
    factories.AuditEntryFactory(
        at=now - dt.timedelta(days=3),
        action=AuditAction.LOGIN,
        actor_label="anna@acme.test",
        summary="",
    )
    factories.AuditEntryFactory(
        at=now,
        action=AuditAction.INVITATION_SENT,
        actor_label="anna@acme.test",
        target_label="=cmd|x@evil.test",
        summary="email: x@evil.test",
    )
    factories.AuditEntryFactory(at=now, action=AuditAction.LOGIN, actor_label="iryna@vendor.test")


def test_managers_search_by_actor_action_dates_and_text(
    manager_client, entries, now, django_assert_max_num_queries
):
    def rows(**query):
        with django_assert_max_num_queries(12):
            response = manager_client.get(LIST, query)
        assert response.status_code == 200
        return response.content.decode().count("<tr data-action=")

    assert rows(actor="anna") == 2
    assert rows(action=AuditAction.INVITATION_SENT) == 1
    # the dates a manager types are days in the staff's zone
    today = now.astimezone(zoneinfo.ZoneInfo(settings.PORTAL_STAFF_TIME_ZONE)).date().isoformat()
    assert rows(actor="anna", date_from=today, date_to=today) == 1
    assert rows(text="evil.test") == 1
    assert rows(date_to="2000-01-01") == 0


def test_managers_export_what_they_found_as_csv(manager_client, entries):
    response = manager_client.get(CSV, {"actor": "anna"})
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert table[0][:3] == ["when (UTC)", "action", "who"]
    assert len(table) == 3
    # a cell a spreadsheet would run as a formula is quoted
    assert "'=cmd|x@evil.test" in [row[5] for row in table]


@pytest.mark.parametrize("client_fixture", ["engineer_client", "contact_client", "client"])
def test_nobody_else_sees_it(request, client_fixture, entries):
    client = request.getfixturevalue(client_fixture)
    for url in (LIST, CSV):
        assert client.get(url).status_code in (302, 404)


# --- append-only -------------------------------------------------------------------------------


def test_entries_cannot_be_changed_or_deleted_through_the_orm(entries):
    entry = AuditEntry.objects.first()
    entry.summary = "rewritten"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.all().update(summary="x")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()


def test_the_admin_shows_it_read_only(manager_client, entries):
    entry = AuditEntry.objects.first()
    assert manager_client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    page = manager_client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert manager_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    response = manager_client.post(
        reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_superuser_cannot_change_it_in_the_admin_either(entries):
    root = factories.UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(root)
    entry = AuditEntry.objects.first()
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"summary": "x"})
    entry.refresh_from_db()
    assert entry.summary != "x"


@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete(entries):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    for sql in ("UPDATE audit_auditentry SET summary = 'x'", "DELETE FROM audit_auditentry"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
