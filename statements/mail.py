"""The statement by e-mail: the monthly job, a manager's "send again", and the files.

Each mail is an outbox row (one per customer admin, in the admin's language) plus a
``StatementMail`` that says which statement it carries. The outbox stores text only, so the
PDF and CSV are attached when the row is sent (``attach_statement``, registered with the
outbox) from the frozen statement's files, made once when the mail is queued: every attempt, and
a resend after a crash, carries the same files, and a mail is never lost to a file that did not
fit in a row.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from uuid import uuid4

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation

from packages.models import Contact, Contract, Customer
from sla.models import BusinessCalendar
from sla.selectors import calendar_spec
from statements.models import FileKind, FrozenStatement, StatementMail
from statements.selectors import add_months, month_of
from statements.services import Statement, statement_file, statement_get
from tickets.services.outbox import outbox_enqueue

logger = logging.getLogger(__name__)

# The calendar whose working days decide when the monthly mail goes (Mon–Fri and its holidays).
MAIL_CALENDAR = "service-desk-hours"
DEDUPE_PREFIX = "statement:"


def first_working_day(month: date, calendar: BusinessCalendar | None) -> date:
    """The month's first day the calendar is open (its weekdays, less its closed dates, plus
    its extra open dates); Monday to Friday without a calendar."""
    if calendar is None:
        weekdays, closed, extra = set(range(5)), set(), set()
    else:
        spec = calendar_spec(calendar)
        weekdays = {interval.weekday for interval in spec.weekly}
        closed, extra = set(spec.closed_dates), {d for d, _s, _e in spec.extra_open}
    day = month
    while day.month == month.month:
        if day in extra or (day.weekday() in weekdays and day not in closed):
            return day
        day += timedelta(days=1)
    return month  # a calendar never open: the first of the month


def _calendar() -> BusinessCalendar | None:
    return (
        BusinessCalendar.objects.filter(key=MAIL_CALENDAR)
        .prefetch_related("intervals", "closed_dates", "extra_open_dates")
        .first()
    )


def customer_admins(customer: Customer) -> list[Contact]:
    return list(
        Contact.objects.filter(customer=customer, is_customer_admin=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )


def statement_url(customer_id: int, month: date) -> str:
    path = reverse("statements:month", args=[customer_id, f"{month:%Y-%m}"])
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _language(contact: Contact) -> str:
    return contact.language or settings.LANGUAGE_CODE


def _queue_one(
    customer: Customer, month: date, contact: Contact, *, automatic: bool, now: datetime
) -> bool:
    language = _language(contact)
    with translation.override(language):
        month_label = formats.date_format(month, "YEAR_MONTH_FORMAT")
        subject = translation.gettext("SLA statement for %(month)s: %(customer)s") % {
            "month": month_label,
            "customer": customer.name,
        }
        body = render_to_string(
            "statements/email.txt",
            {
                "contact": contact,
                "customer": customer,
                "month": month_label,
                "url": statement_url(customer.pk, month),
            },
        )
    key = f"{DEDUPE_PREFIX}{customer.pk}:{month:%Y-%m}:{contact.pk}"
    if not automatic:
        key = f"{DEDUPE_PREFIX}again:{uuid4().hex}"
    with transaction.atomic():
        row = outbox_enqueue(
            recipients=[contact.user.email], subject=subject, body=body, dedupe_key=key
        )
        if row is None:  # already queued for this admin and month
            return False
        StatementMail.objects.create(
            customer=customer,
            month=month,
            contact=contact,
            language=language,
            outbox=row,
            automatic=automatic,
            created_at=now,
        )
    return True


def statement_mail_queue(*, customer: Customer, month: date, automatic: bool, now: datetime) -> int:
    """Freeze the ended month (if nobody did yet) and queue its mail to every customer admin;
    returns how many mails were queued. Automatic: once per admin and month, however often."""
    statement = statement_get(customer=customer, month=month, now=now)
    admins = customer_admins(customer)
    for language in sorted({_language(contact) for contact in admins}):
        for kind in FileKind:  # made here, in the job, so that sending only reads them
            statement_file(statement=statement, kind=kind, language=language)
    return sum(
        _queue_one(customer, month, contact, automatic=automatic, now=now) for contact in admins
    )


def statements_monthly_mail(*, now: datetime) -> int:
    """The beat job: from the first working day of a month on, every customer with a contract
    in force last month gets last month's statement (a missed run catches up later)."""
    calendar = _calendar()
    zone = calendar_spec(calendar).tzinfo if calendar else None
    today = now.astimezone(zone).date() if zone else now.date()
    if today < first_working_day(today.replace(day=1), calendar):
        return 0
    month = add_months(month_of(now), -1)
    after = add_months(month, 1)
    customers = Customer.objects.filter(
        is_active=True,
        pk__in=Contract.objects.filter(valid_from__lt=after, valid_to__gt=month).values(
            "customer_id"
        ),
    ).order_by("pk")
    return sum(
        statement_mail_queue(customer=customer, month=month, automatic=True, now=now)
        for customer in customers
    )


def attach_statement(row, message) -> None:
    """The outbox's attacher: a statement mail gets its PDF and CSV, in its reader's language.
    A failure is the message's own (ValueError): retried on its schedule, never dropped."""
    if not (row.dedupe_key or "").startswith(DEDUPE_PREFIX):
        return
    mail = StatementMail.objects.filter(outbox_id=row.pk).first()
    if mail is None:
        return
    frozen = FrozenStatement.objects.filter(customer_id=mail.customer_id, month=mail.month).first()
    if frozen is None:
        raise ValueError(f"statement {mail.customer_id} {mail.month} is not frozen")
    statement = Statement(frozen.data, frozen)
    try:
        for kind, content_type in ((FileKind.PDF, "application/pdf"), (FileKind.CSV, "text/csv")):
            name, content = statement_file(statement=statement, kind=kind, language=mail.language)
            message.attach(name, content, content_type)
    except Exception as exc:
        logger.exception("statement files of outbox message %s not made", row.pk)
        raise ValueError(f"statement files not made: {exc!r}") from exc
