"""Statement pages, PDF and CSV: thin adapters over ``statements.services``.

Who sees what: a contact sees only their own organisation's statements (any other customer's
URL is a 404, whatever the month or format); support managers see every customer's and may
send one again; engineers, like everyone else, get a 404 (statements are reports, and reports
are the managers', as the dashboard is).
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from packages.models import Customer
from packages.roles import contact_of, is_manager
from statements.mail import statement_mail_queue
from statements.models import FileKind
from statements.render import statement_view
from statements.selectors import is_ended, parse_month, statement_months
from statements.services import statement_file, statement_get

app_name = "statements"


def _customer_or_404(request, customer_id: int) -> Customer:
    contact = contact_of(request.user)
    if contact is not None:
        if contact.customer_id != customer_id:
            raise Http404
        return contact.customer
    if is_manager(request.user):
        return get_object_or_404(Customer, pk=customer_id)
    raise Http404


def _month_or_404(customer: Customer, value: str, now) -> tuple[date, list[date]]:
    months = statement_months(customer=customer, now=now)
    month = parse_month(value)
    if month is None or month not in months:
        raise Http404
    return month, months


@login_required
@require_GET
def index(request):
    """A contact: their organisation's latest month. A manager: the list of customers."""
    contact = contact_of(request.user)
    if contact is not None:
        return redirect("statements:customer", contact.customer_id)
    if not is_manager(request.user):
        raise Http404
    customers = Customer.objects.order_by("name").only("pk", "name")
    return render(request, "statements/customers.html", {"customers": customers})


@login_required
@require_GET
def customer(request, customer_id: int):
    """The latest month, or the one chosen from the list (``?month=YYYY-MM``)."""
    found = _customer_or_404(request, customer_id)
    months = statement_months(customer=found, now=timezone.now())
    if not months:
        return render(request, "statements/no_months.html", {"customer": found})
    chosen = parse_month(request.GET.get("month", ""))
    month = chosen if chosen in months else months[0]
    return redirect("statements:month", found.pk, f"{month:%Y-%m}")


def _statement(request, customer_id: int, month: str):
    now = timezone.now()
    found = _customer_or_404(request, customer_id)
    chosen, months = _month_or_404(found, month, now)
    return statement_get(customer=found, month=chosen, now=now), months, chosen, now


@login_required
@require_GET
def month_page(request, customer_id: int, month: str):
    statement, months, chosen, now = _statement(request, customer_id, month)
    view = statement_view(statement.data, statement.frozen_at)
    args = [customer_id, f"{chosen:%Y-%m}"]
    send_url = None
    if is_manager(request.user) and is_ended(chosen, now):
        send_url = reverse("statements:send", args=args)
    return render(
        request,
        "statements/page.html",
        {
            "s": view,
            "months": months,
            "choose_url": reverse("statements:customer", args=[customer_id]),
            "pdf_url": reverse("statements:pdf", args=args),
            "csv_url": reverse("statements:csv", args=args),
            "send_url": send_url,
        },
    )


def _download(request, customer_id: int, month: str, kind: str, content_type: str):
    statement = _statement(request, customer_id, month)[0]
    name, content = statement_file(
        statement=statement, kind=kind, language=translation.get_language()
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def month_pdf(request, customer_id: int, month: str):
    return _download(request, customer_id, month, FileKind.PDF, "application/pdf")


@login_required
@require_GET
def month_csv(request, customer_id: int, month: str):
    return _download(request, customer_id, month, FileKind.CSV, "text/csv; charset=utf-8")


@login_required
@require_POST
def send_again(request, customer_id: int, month: str):
    """A manager sends an ended month's statement to the customer admins once more."""
    if not is_manager(request.user):
        raise Http404
    now = timezone.now()
    found = get_object_or_404(Customer, pk=customer_id)
    chosen, _months = _month_or_404(found, month, now)
    if not is_ended(chosen, now):
        raise Http404
    queued = statement_mail_queue(customer=found, month=chosen, automatic=False, now=now)
    if queued:
        text = ngettext(
            "The statement is on its way to %(n)d customer admin.",
            "The statement is on its way to %(n)d customer admins.",
            queued,
        )
        messages.success(request, text % {"n": queued})
    else:
        messages.warning(request, _("This customer has no active admin with an e-mail address."))
    return redirect("statements:month", found.pk, f"{chosen:%Y-%m}")


urlpatterns = [
    path("", index, name="index"),
    path("<int:customer_id>/", customer, name="customer"),
    path("<int:customer_id>/<str:month>/", month_page, name="month"),
    path("<int:customer_id>/<str:month>.pdf", month_pdf, name="pdf"),
    path("<int:customer_id>/<str:month>.csv", month_csv, name="csv"),
    path("<int:customer_id>/<str:month>/send/", send_again, name="send"),
]
