"""The ``ratio`` filter writes what the included ``_ratio.html`` wrote, in each language."""

import pytest
from django.template import engines
from django.utils import translation

from tickets.selectors.dashboard_period import Ratio

# The template the filter replaced, kept here as the reference.
INCLUDED = (
    '{% load i18n %}{% if ratio.due %}<span class="ratio" data-met="{{ ratio.met }}" '
    'data-due="{{ ratio.due }}">{{ ratio.percent }}&nbsp;%</span> <small '
    'class="text-body-secondary">({{ ratio.met }}/{{ ratio.due }})</small>{% else %}<span '
    'class="text-body-secondary" title="{% translate \'Nothing due\' %}">—</span>{% endif %}'
)


def render(source: str, ratio) -> str:
    return engines["django"].from_string(source).render({"ratio": ratio})


@pytest.mark.parametrize("language", ["en", "uk"])
@pytest.mark.parametrize(
    "value", [Ratio(39, 40), Ratio(1, 3), Ratio(0, 7), Ratio(12345, 12346), Ratio(0, 0), None]
)
def test_the_filter_writes_what_the_template_wrote(language, value):
    with translation.override(language):
        assert render("{% load ratios %}{{ ratio|ratio }}", value) == render(INCLUDED, value)


def test_a_percentage_in_each_languages_format():
    with translation.override("uk"):
        assert "33,3&nbsp;%" in render("{% load ratios %}{{ ratio|ratio }}", Ratio(1, 3))
    with translation.override("en"):
        assert "33.3&nbsp;%" in render("{% load ratios %}{{ ratio|ratio }}", Ratio(1, 3))
