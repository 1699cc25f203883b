"""Filters for the text of e-mails (templates/tickets/email/)."""

from datetime import datetime

from django import template
from django.utils import timezone

from tickets.services.mail_format import mail_time as format_mail_time

register = template.Library()


@register.filter
def mail_time(value: datetime | None) -> str:
    """``{{ ticket.reaction_due|mail_time }}`` → ``2026-05-12 18:00 (UTC+03:00, Europe/Kyiv)``:
    the time in the current zone (the mail's reader's, set by the notification), naming it."""
    if not value:
        return ""
    return format_mail_time(value, timezone.get_current_timezone())
