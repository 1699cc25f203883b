"""``{{ ratio|ratio }}``: a met/due ratio of the dashboard, "97.5 % (39/40)" or a dash.

A filter, not an included template: the dashboard writes about a hundred of them, and an
``{% include %}`` costs a tenth of a millisecond each before it writes anything.
"""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.filter
def ratio(value) -> str:
    """The ratio's percentage with its counts (numbers in the active language's format);
    "—" when nothing was due."""
    due = getattr(value, "due", None)
    if not due:
        return format_html(
            '<span class="text-body-secondary" title="{}">—</span>', gettext("Nothing due")
        )
    met, due = localize(value.met), localize(due)
    return format_html(
        '<span class="ratio" data-met="{}" data-due="{}">{}&nbsp;%</span> '
        '<small class="text-body-secondary">({}/{})</small>',
        met,
        due,
        localize(value.percent),
        met,
        due,
    )
