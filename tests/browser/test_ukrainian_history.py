"""A Ukrainian pass in the browser: the engineer's workspace and the contact's ticket page show
the history and every date in Ukrainian ("01.12.2026 10:05"), with no English value.

People have Ukrainian names, so no Latin word but "SLA" may appear in the history. The clock
is moved to 11:00 UTC+03:00 today, inside incident hours.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from packages.models import Component
from tests import factories
from tests.browser.two_factor import pass_two_factor
from tickets.services import workflow
from tickets.services.filing import ticket_file

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_business_hours")]
UK_DATE = re.compile(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}")
MIN = dt.timedelta(minutes=1)


@pytest.fixture
def people(contract):
    contact = factories.ContactFactory(
        customer=contract.customer,
        user__username="bohdan@acme.test",
        user__first_name="Богдан",
        user__last_name="Мельник",
    )
    engineer = factories.EngineerFactory(
        username="iryna@vendor.test", first_name="Ірина", last_name="Шевченко"
    )
    manager = factories.ManagerFactory(
        username="oksana@vendor.test", first_name="Оксана", last_name="Коваль"
    )
    return contact, engineer, manager


@pytest.fixture
def ticket(people):
    contact, engineer, manager = people
    start = timezone.now() - 30 * MIN
    ticket = ticket_file(
        contact=contact,
        ticket_type="incident",
        priority=1,
        component=Component.objects.get(code="inbound-calls"),
        subject="Дзвінки обриваються",
        description="Кожен дзвінок обривається.",
        now=start,
    )
    workflow.ticket_take(ticket=ticket, by=engineer, now=start + MIN)
    workflow.ticket_reply(
        ticket=ticket, by=engineer, body="Дивимось.", internal=False, now=start + 2 * MIN
    )
    workflow.ticket_priority_change(
        ticket=ticket, priority=2, workaround=True, by=engineer, now=start + 3 * MIN
    )
    workflow.ticket_status_change(ticket=ticket, status="waiting", by=engineer, now=start + 4 * MIN)
    workflow.ticket_status_change(
        ticket=ticket, status="in_progress", by=engineer, now=start + 5 * MIN
    )
    workflow.ticket_sla_extend(
        ticket=ticket, reason="Запити надсилали на телефон", by=manager, now=start + 6 * MIN
    )
    return ticket


def log_in_ukrainian(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('login')}")
    page.select_option("#language-form select[name=language]", "uk")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.TEST_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    user = get_user_model().objects.get(username=username)
    if user.is_staff:
        pass_two_factor(page, user)  # staff log in with a code from their app
    expect(page.locator("nav")).to_contain_text("Вийти")


def check_ukrainian(page) -> str:
    history = page.locator("#history").inner_text()
    assert set(re.findall(r"[A-Za-z_]+", history)) <= {"SLA"}, history
    times = page.locator("main time").all_inner_texts()
    assert times and all(UK_DATE.fullmatch(t) for t in times), times
    assert UK_DATE.search(history)
    assert ".." not in page.locator("main").inner_text().replace("...", "")
    return history


def test_the_workspace_and_the_ticket_page_read_in_ukrainian(
    page, live_server, shot, people, ticket
):
    contact, engineer, _ = people
    log_in_ukrainian(page, live_server, engineer.username)
    page.goto(f"{live_server.url}{reverse('tickets:workspace', args=[ticket.pk])}")
    history = check_ukrainian(page)
    for expected in (
        "Пріоритет: 1 — Критичний → 2 — Високий",
        "Застосовано обхідний шлях. Новий відлік: пріоритет 2, термін:",
        "Статус: У роботі → Очікує на клієнта",
        "SLA подовжено: Запити надсилали на телефон",
    ):
        assert expected in history
    shot(page, "workspace-uk")

    page.context.clear_cookies()
    log_in_ukrainian(page, live_server, contact.user.username)
    page.goto(f"{live_server.url}{reverse('tickets:detail', args=[ticket.pk])}")
    history = check_ukrainian(page)
    assert "Статус: Нове → У роботі" in history
    assert "Вирішення тепер до" in history
    shot(page, "detail-uk")
