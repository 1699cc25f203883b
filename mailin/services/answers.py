"""What the portal answers by mail to mail: at most one note a day to an unknown sender, the
deferral notice past the quota, and why a reply by mail could not be added. All automatic
(Auto-Submitted), all through the outbox, so they go after commit and are never lost."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tickets.models import Ticket
from tickets.services.notifications import customer_locale, ticket_url
from tickets.services.outbox import outbox_enqueue


def _portal(path: str = "") -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _languages() -> list[str]:
    """The default language first, then the others."""
    codes = [code for code, _name in settings.LANGUAGES]
    return sorted(codes, key=lambda code: code != settings.LANGUAGE_CODE)


def unknown_sender_answer(*, address: str, subject: str, now: datetime) -> bool:
    """Tell an unknown sender how to reach us, once a day per address (the outbox's dedupe
    key makes that a database fact). Returns whether a note was queued."""
    bodies, titles = [], []
    for code in _languages():  # we do not know theirs: every language the portal speaks
        with translation.override(code):
            bodies.append(
                render_to_string(
                    "mailin/email/unknown_sender.txt",
                    {"subject": subject, "portal_url": _portal("/")},
                ).strip()
            )
            titles.append(_("Your message to support was not registered"))
    body = ("\n\n" + "-" * 40 + "\n\n").join(bodies) + "\n"
    title = " / ".join(dict.fromkeys(titles))
    queued = outbox_enqueue(
        recipients=[address],
        subject=title,
        body=body,
        dedupe_key=f"mailin:unknown:{address.lower()}:{now.date().isoformat()}"[:200],
    )
    return queued is not None


def deferred_notice(ticket: Ticket) -> None:
    with customer_locale(ticket):
        body = render_to_string(
            "mailin/email/deferred.txt",
            {
                "ticket": ticket,
                "url": ticket_url(ticket),
                "file_url": _portal(reverse("tickets:file")),
            },
        )
        subject = _("[%(ref)s] Deferred to next month: %(subject)s") % {
            "ref": ticket.reference,
            "subject": ticket.subject,
        }
    outbox_enqueue(
        recipients=[ticket.reporter.email],
        subject=subject,
        body=body,
        ticket=ticket,
        dedupe_key=f"mailin:deferred:{ticket.pk}",
    )


def reply_refused_notice(*, ticket: Ticket, address: str, refusal: str, key: str) -> None:
    with customer_locale(ticket):
        body = render_to_string(
            "mailin/email/refused.txt",
            {"ticket": ticket, "url": ticket_url(ticket), "refusal": refusal},
        )
        subject = _("[%(ref)s] Your e-mail was not added: %(subject)s") % {
            "ref": ticket.reference,
            "subject": ticket.subject,
        }
    outbox_enqueue(
        recipients=[address],
        subject=subject,
        body=body,
        ticket=ticket,
        dedupe_key=f"mailin:refused:{key}"[:200],
    )
