"""Inbound mail throughput: 1,000 messages through ``mail_ingest`` (messages per second).

The mix is what a support mailbox sees: most mail from contacts (new tickets, a tenth of them
replies by the ``[#N]`` tag), unknown senders, out-of-office replies and bounces; then the same
1,000 again, every one a duplicate.
"""

from __future__ import annotations

import time
from email.message import EmailMessage

from django.db import connection
from django.utils import timezone

from bench.queue import _people

TOTAL = 1_000


def _senders() -> list[str]:
    """Give the bench contacts an address (bench.queue creates them without one)."""
    _engineer, contracts, _components = _people()
    addresses = []
    for _contract, user in contracts:
        if not user.email:
            user.email = user.username
            user.save(update_fields=["email"])
        addresses.append(user.email)
    return addresses


def _mail(index: int, *, sender: str, subject: str, body: str, **headers) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@portal.localhost"
    message["Subject"] = subject
    message["Message-ID"] = f"<bench-{index}@mail.test>"
    for name, value in headers.items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


def corpus(senders: list[str], first_ticket: int) -> list[bytes]:
    mails = []
    for i in range(TOTAL):
        kind = i % 20
        sender = senders[i % len(senders)]
        if kind < 11:
            mails.append(
                _mail(
                    i,
                    sender=sender,
                    subject=f"[P{2 + i % 2}] Calls drop {i}",
                    body="Все вхідні дзвінки обриваються.\n" * 5,
                )
            )
        elif kind < 13:
            mails.append(
                _mail(
                    i,
                    sender=senders[0],
                    subject=f"Re: [#{first_ticket}] Calls drop",
                    body="Still broken.\n\nOn Monday Support wrote:\n> quoted\n",
                )
            )
        elif kind < 16:
            mails.append(
                _mail(
                    i, sender=f"stranger{i}@elsewhere.test", subject="Hello", body="Who are you?\n"
                )
            )
        elif kind < 18:
            mails.append(
                _mail(
                    i,
                    sender=sender,
                    subject="Out of office",
                    body="Away.\n",
                    **{"Auto-Submitted": "auto-replied"},
                )
            )
        else:
            mails.append(
                _mail(
                    i,
                    sender="MAILER-DAEMON@mx.test",
                    subject="Undelivered Mail Returned to Sender",
                    body="Your message could not be delivered.\n",
                )
            )
    return mails


def run() -> None:
    from mailin.models import InboundMessage
    from mailin.services.ingest import mail_ingest
    from tickets.models import Ticket

    senders = _senders()
    now = timezone.now()
    seed = mail_ingest(raw=_mail(-1, sender=senders[0], subject="Seed", body="x"), now=now)
    mails = corpus(senders, seed.ticket)
    print(f"== mail_ingest, {TOTAL:,} messages on {connection.vendor}")
    for label in ("new mail", "the same again (duplicates)"):
        outcomes: dict[str, int] = {}
        queries: list[int] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(1)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            began = time.perf_counter()
            for raw in mails:
                result = mail_ingest(raw=raw, source="bench", now=now)
                outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
            elapsed = time.perf_counter() - began
        print(
            f"   {label}: {TOTAL / elapsed:,.0f} messages/s ({elapsed:.1f} s, "
            f"{len(queries) / TOTAL:.0f} queries a message) {dict(sorted(outcomes.items()))}"
        )
    InboundMessage.objects.all().delete()
    Ticket.objects.all().delete()
