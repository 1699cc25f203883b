"""The rota, notifications and preferences pages: who may do what, validation, bounded queries."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from oncall.models import EventKind, NotificationPreference, RotaChange, RotaShift, StaffEvent
from tests import factories

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def event(user, ticket, *, kind=EventKind.NEW_TICKET, key=None, read_at=None, at):
    return StaffEvent.objects.create(
        recipient=user, kind=kind, key=key or f"k{StaffEvent.objects.count()}", ticket=ticket,
        created_at=at, read_at=read_at,
    )


@pytest.mark.parametrize("name", ["rota", "events", "preferences", "register"])
def test_contacts_and_strangers_never_see_the_staff_pages(contact_client, client, name):
    url = reverse(f"oncall:{name}")
    assert contact_client.get(url).status_code == 404
    assert client.get(url).status_code == 302  # to the login page


def test_engineers_read_the_rota_and_managers_edit_it(engineer_client, manager_client, engineer):
    RotaShift.objects.create(engineer=engineer, weekday=5, starts=dt.time(9), ends=dt.time(18))
    page = engineer_client.get(reverse("oncall:rota")).content.decode()
    assert "Saturday" in page and 'id="shift-form"' not in page
    assert engineer_client.post(reverse("oncall:shift_add"), {}).status_code == 404
    assert 'id="shift-form"' in manager_client.get(reverse("oncall:rota")).content.decode()


def test_a_manager_adds_and_removes_a_weekly_shift_and_it_is_audited(manager_client, engineer):
    response = manager_client.post(reverse("oncall:shift_add"), {
        "shift-engineer": engineer.pk, "shift-weekday": 6, "shift-starts": "22:00",
        "shift-ends": "06:00", "shift-time_zone": "Europe/Kyiv",
    })
    assert response.status_code == 302
    shift = RotaShift.objects.get()
    assert (shift.weekday, shift.starts, shift.ends, shift.time_zone) == (
        6, dt.time(22), dt.time(6), "Europe/Kyiv"
    )
    assert "(next day)" in manager_client.get(reverse("oncall:rota")).content.decode()
    manager_client.post(reverse("oncall:shift_delete", args=[shift.pk]))
    assert not RotaShift.objects.exists()
    assert [e.details["rota"] for e in AuditEntry.objects.filter(target_type="oncall.rotashift")
            .order_by("pk")] == ["shift added", "shift removed"]


def test_a_shift_form_says_what_is_wrong(manager_client, people):
    response = manager_client.post(reverse("oncall:shift_add"), {
        "shift-engineer": people["gone"].pk, "shift-weekday": 9, "shift-starts": "25:00",
        "shift-ends": "", "shift-time_zone": "Mars/Olympus",
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose an active support engineer or manager from the list." in page
    assert "Enter a valid time." in page
    assert "neither an IANA time zone" in page
    assert not RotaShift.objects.exists()


def test_one_off_changes_are_checked_for_order_and_overlap(manager_client, engineer, now):
    url = reverse("oncall:change_add")
    data = {"change-engineer": engineer.pk, "change-on_duty": "off",
            "change-starts_at": "2026-12-24 09:00", "change-ends_at": "2026-12-26 09:00",
            "change-note": "Holiday"}
    assert manager_client.post(url, data).status_code == 302
    change = RotaChange.objects.get()
    assert not change.on_duty
    assert change.starts_at == dt.datetime(2026, 12, 24, 7, tzinfo=dt.UTC)  # Kyiv, UTC+02:00

    overlap = manager_client.post(url, {**data, "change-starts_at": "2026-12-25 12:00",
                                        "change-ends_at": "2026-12-27 12:00"})
    assert overlap.status_code == 400
    assert "overlaps another change for the same engineer" in overlap.content.decode()
    backwards = manager_client.post(url, {**data, "change-starts_at": "2026-12-30 12:00",
                                          "change-ends_at": "2026-12-30 11:00"})
    assert "“To” must be after “from”." in backwards.content.decode()
    assert RotaChange.objects.count() == 1
    manager_client.post(reverse("oncall:change_delete", args=[change.pk]))
    assert not RotaChange.objects.exists()


def test_the_rota_page_shows_who_is_on_duty_now(engineer_client, people, now):
    RotaChange.objects.create(engineer=people["taras"], starts_at=now - dt.timedelta(hours=1),
                              ends_at=now + dt.timedelta(hours=1), on_duty=True)
    page = engineer_client.get(reverse("oncall:rota")).content.decode()
    assert f'data-on-duty="{people["taras"].pk}"' in page
    assert f'data-on-duty="{people["iryna"].pk}"' not in page


def test_the_unread_list_and_badge(engineer, engineer_client, manager, now, ticket_with_file):
    ticket = ticket_with_file
    StaffEvent.objects.all().delete()  # filing it told the engineer; start from none
    mine = [event(engineer, ticket, at=now) for _ in range(3)]
    event(engineer, ticket, at=now, read_at=now)
    theirs = event(manager, ticket, at=now)

    page = engineer_client.get(reverse("oncall:events")).content.decode()
    assert page.count("data-unread") == 3
    assert '<span class="badge text-bg-danger" id="unread-badge"' in page
    assert 'aria-label="unread">3</span>' in page

    engineer_client.post(reverse("oncall:event_read", args=[mine[0].pk]))
    engineer_client.post(reverse("oncall:event_read", args=[theirs.pk]))  # not theirs to read
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert StaffEvent.objects.filter(recipient=engineer, read_at__isnull=True).count() == 2

    response = engineer_client.post(reverse("oncall:events_read_all"), follow=True)
    assert "2 events marked read." in response.content.decode()
    assert 'id="unread-badge"' not in response.content.decode()


def test_the_events_page_costs_the_same_at_5_and_60_events(
    engineer, engineer_client, now, ticket_with_file, django_assert_max_num_queries
):
    url = reverse("oncall:events")
    for _ in range(5):
        event(engineer, ticket_with_file, at=now)
    with django_assert_max_num_queries(12) as few:
        engineer_client.get(url)
    for _ in range(55):
        event(engineer, ticket_with_file, at=now)
    with django_assert_max_num_queries(len(few.captured_queries)):
        engineer_client.get(url)


def test_the_badge_is_one_query_on_staff_pages_and_none_for_contacts(
    engineer_client, contact_client, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as staff:
        engineer_client.get(reverse("tickets:queue"))
    assert sum('"oncall_staffevent"' in q["sql"] for q in staff.captured_queries) == 1
    with CaptureQueriesContext(connection) as customer:
        contact_client.get(reverse("tickets:contact_list"))
    assert not any("oncall_staffevent" in q["sql"] for q in customer.captured_queries)


def test_preferences_page_keeps_p1_and_breaches_on(engineer, engineer_client):
    url = reverse("oncall:preferences")
    page = engineer_client.get(url).content.decode()
    assert "Always sent: it cannot be turned off." in page
    response = engineer_client.post(url, {EventKind.ASSIGNED: "on", EventKind.NEW_P1: ""})
    assert response.status_code == 302
    chosen = dict(NotificationPreference.objects.filter(user=engineer).values_list("kind", "email"))
    assert chosen[EventKind.ASSIGNED] and chosen[EventKind.NEW_P1] and chosen[EventKind.BREACHED]
    assert not chosen[EventKind.NEW_TICKET] and not chosen[EventKind.AT_RISK]


@pytest.fixture
def people(db):
    return {"gone": factories.EngineerFactory(is_active=False),
            "taras": factories.EngineerFactory(), "iryna": factories.EngineerFactory()}


def test_the_pages_speak_ukrainian(manager_client, ticket_with_file):
    rota = manager_client.get(reverse("oncall:rota"), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Графік чергувань" in rota and "Додати щотижневу зміну" in rota
    events = manager_client.get(reverse("oncall:events"), HTTP_ACCEPT_LANGUAGE="uk")
    assert "Позначити все прочитаним" in events.content.decode()


def test_a_wall_time_that_does_not_exist_in_kyiv_is_refused_not_a_500(manager_client, engineer):
    response = manager_client.post(reverse("oncall:change_add"), {
        "change-engineer": engineer.pk, "change-on_duty": "on",
        "change-starts_at": "2027-03-28 03:30", "change-ends_at": "2027-03-28 08:00",
    })
    assert response.status_code == 400
    assert "couldn’t be interpreted in time zone" in response.content.decode()
    assert not RotaChange.objects.exists()


def test_an_alert_in_the_list_names_its_metric_in_the_readers_language(
    engineer, engineer_client, ticket_with_file, now
):
    StaffEvent.objects.create(recipient=engineer, kind=EventKind.BREACHED, key="sla:1",
                              ticket=ticket_with_file, detail="resolution", created_at=now)
    page = engineer_client.get(reverse("oncall:events"), HTTP_ACCEPT_LANGUAGE="uk")
    row = page.content.decode().split('data-kind="breached"')[1].split("</tr>")[0]
    assert "Порушено ціль SLA" in row and "Вирішення" in row


def test_the_rota_page_costs_the_same_at_3_and_30_entries(
    manager_client, now, django_assert_max_num_queries
):
    def add(count):
        for i in range(count):
            person = factories.EngineerFactory()
            RotaShift.objects.create(engineer=person, weekday=i % 7, starts=dt.time(9),
                                     ends=dt.time(18))
            RotaChange.objects.create(engineer=person, starts_at=now + dt.timedelta(days=i),
                                      ends_at=now + dt.timedelta(days=i, hours=8), on_duty=True)

    add(3)
    url = reverse("oncall:rota")
    manager_client.get(url)
    with django_assert_max_num_queries(20) as few:
        manager_client.get(url)
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        manager_client.get(url)


def test_the_contact_picker_costs_the_same_at_2_and_40_contacts(
    engineer_client, contract, django_assert_max_num_queries
):
    url = reverse("oncall:register")
    factories.ContactFactory.create_batch(2, customer=contract.customer)
    with django_assert_max_num_queries(15) as few:
        engineer_client.get(url)
    factories.ContactFactory.create_batch(38, customer=contract.customer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = engineer_client.get(url)
    picker = page.content.decode().split('id="id_contact"')[1].split("</select>")[0]
    assert picker.count("<option") == 41  # the 40 and the empty choice
