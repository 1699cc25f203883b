"""The history in the reader's language and zone: no English value on a Ukrainian page, staff
times in the staff zone, a contact's in their contract's."""

import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.tickets.history.conftest import MIN, REASON, client_in
from tests.tickets.history.pages import element_text
from tickets.services import workflow

pytestmark = pytest.mark.django_db

ENGLISH_VALUES = (
    "New",
    "In progress",
    "Waiting for customer",
    "Incident",
    "Service request",
    "Critical",
    "High",
    "Inbound calls",
    "Outbound calls",
    "sla_breach",
    "sla_at_risk",
    "reclassify",
    "Workaround",
    "Reaction",
    "Resolution",
    "due",
    "System",
    "Filed",
    "Status",
    "Priority",
)


def _latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_]+", text))


def workspace_history(user, ticket, language: str) -> str:
    html = client_in(user, language).get(reverse("tickets:workspace", args=[ticket.pk]))
    return element_text(html.content.decode(), "history")


def customer_history(user, ticket, language: str) -> str:
    html = client_in(user, language).get(reverse("tickets:detail", args=[ticket.pk]))
    return element_text(html.content.decode(), "history")


def test_the_ukrainian_workspace_shows_no_english_value_in_the_history(story, engineer):
    text = workspace_history(engineer, story.ticket, "uk")
    for expected in (
        "Створено: Інцидент, 1 — Критичний",
        "Відлік SLA почався: реакція до",
        "Взято в роботу: Ірина Шевченко",
        "Публічна відповідь: Нове → У роботі",
        "Реакцію надано за 50 хв до закінчення терміну.",
        "Пріоритет: 1 — Критичний → 2 — Високий",
        "Застосовано обхідний шлях. Новий відлік: пріоритет 2, термін:",
        "Статус: У роботі → Очікує на клієнта",
        "Відлік вирішення призупинено.",
        "Статус: Очікує на клієнта → У роботі",
        "Відлік вирішення відновлено, термін:",
        "Компонент: Прийом вхідних дзвінків → Виконання вихідних дзвінків",
        "Тип: Інцидент, 2 — Високий → Запит на обслуговування",
        "Вирішення тепер до",
        f"SLA подовжено: {REASON}",
        "цільовий час вирішення подовжено до 100 робочих год.",
        "Внутрішня нотатка",
    ):
        assert expected in text
    breach = workspace_history(engineer, story.breached, "uk")
    assert "Система Порушення SLA Термін реакції порушено (термін:" in breach
    for page in (text, breach):
        assert _latin_words(page) <= {"SLA"}, _latin_words(page)
        for english in ENGLISH_VALUES:
            assert english not in page


def test_the_ukrainian_customer_page_shows_no_english_value_in_the_history(story, contact):
    text = customer_history(contact.user, story.ticket, "uk")
    for expected in (
        "Богдан Мельник: Створено: Інцидент, 1 — Критичний",
        "Ірина Шевченко: Статус: Нове → У роботі",
        "Пріоритет: 1 — Критичний → 2 — Високий Застосовано обхідний шлях. Новий відлік:",
        "Тип: Інцидент, 2 — Високий → Запит на обслуговування Вирішення тепер до",
        f"Оксана Коваль: SLA подовжено: {REASON} Вирішення тепер до",
    ):
        assert expected in text
    assert _latin_words(text) <= {"SLA"}, _latin_words(text)
    for english in ENGLISH_VALUES:
        assert english not in text
    # and only what a contact may read: no note, no assignment, no staff figures
    for staff_only in ("Внутрішня нотатка", "Взято в роботу", "Реакцію надано за"):
        assert staff_only not in text


def test_the_history_is_in_the_readers_language_not_the_actors(story, engineer):
    # an engineer working in Ukrainian writes a change; an English reader reads it in English
    with translation.override("uk"):
        workflow.ticket_status_change(
            ticket=story.ticket, status="waiting", by=engineer, now=story.t0 + 60 * MIN
        )
    text = workspace_history(engineer, story.ticket, "en")
    assert "Status: In progress → Waiting for customer Resolution clock paused." in text
    assert "Priority: 1 — Critical → 2 — High Workaround applied. New clock: priority 2" in text
    assert not re.search(
        r"[А-Яа-яІіЇїЄєҐґ]",
        text.replace(REASON, "")
        .replace("Ірина Шевченко", "")
        .replace("Оксана Коваль", "")
        .replace("Богдан Мельник", ""),
    )


@pytest.fixture
def new_york(contract):
    """The customer's contract is in New York: 7 hours behind Kyiv (6 around DST changes)."""
    contract.time_zone = "America/New_York"
    contract.save(update_fields=["time_zone"])
    return zoneinfo.ZoneInfo("America/New_York")


def _shown(instant, zone) -> str:
    with translation.override("en"):
        return date_format(timezone.localtime(instant, zone), "DATETIME_FORMAT")


def test_staff_read_history_times_in_the_staff_zone_contacts_in_their_contracts(
    new_york, story, engineer, contact, settings
):
    kyiv = zoneinfo.ZoneInfo(settings.PORTAL_STAFF_TIME_ZONE)
    extended_due = story.dues["extend"]
    breach_due = story.breached.reaction_due

    staff = workspace_history(engineer, story.ticket, "en")
    assert f"Resolution now due {_shown(extended_due, kyiv)}" in staff
    assert _shown(extended_due, new_york) not in staff
    assert _shown(story.t0, kyiv) in staff  # the row's own time too
    breach = workspace_history(engineer, story.breached, "en")
    assert f"Reaction breached (was due {_shown(breach_due, kyiv)})." in breach
    page = client_in(engineer, "en").get(reverse("tickets:workspace", args=[story.ticket.pk]))
    assert "times in Europe/Kyiv" in page.content.decode()

    customer = customer_history(contact.user, story.ticket, "en")
    assert f"Resolution now due {_shown(extended_due, new_york)}" in customer
    assert _shown(extended_due, kyiv) not in customer
