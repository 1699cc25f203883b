"""One date-and-time format per language on every main page (lists, ticket pages, history,
badges), and no sentence ending in a doubled full stop."""

import re

import pytest
from django.urls import reverse

from tests.tickets.history.conftest import client_in
from tests.tickets.history.pages import texts_of, visible_text

pytestmark = pytest.mark.django_db

PATTERN = {
    "en": r"\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}, \d{2}:\d{2}",
    "uk": r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}",
}
# What the other formats looked like: "Dec. 1, 2026, 10:05 a.m.", "12/01/2026", "1 грудня 2026 р."
FOREIGN = {
    "en": (
        r"\b[ap]\.m\.",
        r"\bnoon\b",
        r"\bmidnight\b",
        r"\d{1,2}/\d{1,2}/\d{2,4}",
        r"\d{2}\.\d{2}\.\d{4}",
        r"\b(?:Jan|Feb|Aug|Sept|Oct|Nov|Dec)\. ",
    ),
    "uk": (
        r"\d{4} р\.",
        r"\d{1,2}/\d{1,2}/\d{2,4}",
        r"\d{4}-\d{2}-\d{2}",
        r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b",
    ),
}


def pages(story, engineer, contact):
    ticket = story.ticket
    return [
        (contact.user, reverse("tickets:contact_list") + "?state=all"),
        (contact.user, reverse("tickets:detail", args=[ticket.pk])),
        (engineer, reverse("tickets:queue")),
        (engineer, reverse("tickets:workspace", args=[ticket.pk])),
        (engineer, reverse("tickets:workspace", args=[story.breached.pk])),
    ]


@pytest.mark.parametrize("language", ["en", "uk"])
def test_one_date_format_per_language_on_the_main_pages(language, story, engineer, contact):
    shown = []
    for user, url in pages(story, engineer, contact):
        response = client_in(user, language).get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        times = texts_of(html, "time")
        assert times, f"no time on {url}"
        for text in times:
            assert re.fullmatch(PATTERN[language], text), (url, text)
        text = visible_text(html)
        for foreign in FOREIGN[language]:
            assert not re.search(foreign, text), (url, foreign, re.search(foreign, text))
        assert ".." not in text.replace("...", ""), url
        shown += re.findall(PATTERN[language], text)
    # the history's sentences carry their times in the same format as the <time> elements
    assert len(shown) > 20
