"""Managers search the audit log and export what they found as CSV (read only: no page
changes an entry)."""

import csv
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from audit.forms import AuditFilterForm
from audit.selectors import audit_search
from packages.roles import is_manager

PAGE_SIZE = 50


def _manager_or_404(request) -> None:
    if not is_manager(request.user):
        raise Http404


@login_required
def audit_list(request):
    _manager_or_404(request)
    form = AuditFilterForm(request.GET or None)
    entries = audit_search(form.filters())
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


def csv_cell(value) -> str:
    """A cell a spreadsheet will not run as a formula (=, +, -, @ lead a formula)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value):
        return value


def _rows(entries):
    yield [
        "when (UTC)",
        "action",
        "who",
        "target type",
        "target id",
        "target",
        "address",
        "details",
    ]
    for entry in entries.iterator(chunk_size=2000):
        yield [
            entry.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
            entry.action,
            entry.actor_label,
            entry.target_type,
            entry.target_id,
            entry.target_label,
            entry.ip_address or "",
            entry.summary,
        ]


@login_required
def audit_csv(request):
    _manager_or_404(request)
    entries = audit_search(AuditFilterForm(request.GET or None).filters())
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([csv_cell(cell) for cell in row]) for row in _rows(entries)),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


app_name = "audit"
urlpatterns = [
    path("", audit_list, name="list"),
    path("export.csv", audit_csv, name="csv"),
]
