"""``{{ value|time_element }}``: an instant as ``<time datetime="…">`` in the viewer's zone."""

from datetime import datetime

from django import template
from django.utils import formats
from django.utils.html import format_html

register = template.Library()


@register.filter(expects_localtime=True)
def time_element(value: datetime | None, css: str = ""):
    """The instant in the viewer's zone and language (``DATETIME_FORMAT``), machine-readable in
    ``datetime``: what ``<time datetime="{{ t|date:'c' }}">{{ t|date:"DATETIME_FORMAT" }}</time>``
    writes, converting the zone once (the queue writes one a row). ``css``: its class."""
    if not value:
        return ""
    text = formats.date_format(value, "DATETIME_FORMAT")
    if css:
        return format_html('<time datetime="{}" class="{}">{}</time>', value.isoformat(), css, text)
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), text)
