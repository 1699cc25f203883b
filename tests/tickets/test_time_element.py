"""``time_element`` writes what the date filters wrote, in the viewer's zone and language."""

from datetime import UTC, datetime

import pytest
from django.template import engines
from django.utils import timezone, translation

BEFORE = (
    """{% load tz %}<time datetime="{{ at|date:'c' }}">{{ at|date:"DATETIME_FORMAT" }}</time>"""
)
AFTER = "{% load times %}{{ at|time_element }}"


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize("language", ["en", "uk"])
@pytest.mark.parametrize("zone", ["Europe/Kyiv", "America/New_York", "UTC"])
def test_the_same_markup_as_the_date_filters(language, zone):
    at = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # Kyiv's autumn DST night
    with translation.override(language), timezone.override(zone):
        assert render(AFTER, at=at) == render(BEFORE, at=at)
        assert timezone.localtime(at).isoformat() in render(AFTER, at=at)


def test_a_class_and_nothing_for_no_instant():
    at = datetime(2026, 5, 12, 15, 0, tzinfo=UTC)
    with translation.override("en"), timezone.override("Europe/Kyiv"):
        html = render('{% load times %}{{ at|time_element:"small" }}', at=at)
    assert html.startswith('<time datetime="2026-05-12T18:00:00+03:00" class="small">')
    assert render(AFTER, at=None) == ""
