"""The mailbox poll beat runs: a thin adapter over ``mailin.imap.mailbox_poll``."""

import imaplib
import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from mailin.imap import mailbox_poll

logger = logging.getLogger(__name__)
LOCK = "mailin:poll"


@shared_task(name="mailin.tasks.mail_poll", acks_late=True, ignore_result=True)
def mail_poll() -> int:
    """Read the configured mailbox; a poll already running makes this one a no-op (two would
    be harmless — the second sees duplicates — but wasteful)."""
    if not settings.MAIL_IN_URL:
        return 0
    if not cache.add(LOCK, 1, timeout=300):
        return 0
    try:
        return mailbox_poll(settings.MAIL_IN_URL, done_folder=settings.MAIL_IN_DONE_FOLDER)
    except (OSError, imaplib.IMAP4.error, ValueError) as exc:
        # the mail server is down or refuses us: what is waiting stays there for the next poll
        logger.warning("mailbox poll failed: %r", exc)
        return 0
    finally:
        cache.delete(LOCK)
