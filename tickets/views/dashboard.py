"""Managers' SLA dashboard and its CSV downloads.

Anonymous visitors are sent to the login page; any signed-in user but a manager gets a 404.
"""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from packages.roles import is_manager
from tickets.forms.dashboard import DashboardFilterForm
from tickets.selectors.dashboard import (
    BREAKDOWNS,
    ComplianceRow,
    Period,
    dashboard_for,
    dashboard_table,
)


def _filter_form(request) -> DashboardFilterForm:
    if not is_manager(request.user):
        raise Http404
    keys = {"from_month", "to_month", "customer"}
    return DashboardFilterForm(request.GET if keys & set(request.GET) else None)


def queue_link(**params) -> str | None:
    """A link into the engineers' queue with its filters (None until the queue exists)."""
    try:
        url = reverse("tickets:queue")
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(params)}"


def _filters_query(period: Period) -> str:
    params = {"from_month": f"{period.first:%Y-%m}", "to_month": f"{period.last:%Y-%m}"}
    if period.customer_id is not None:
        params["customer"] = period.customer_id
    return urlencode(params)


@login_required
@require_GET
def dashboard(request):
    form = _filter_form(request)
    period = form.period(now=timezone.now())
    data = dashboard_for(user=request.user, period=period)
    customer_params = {"customer": period.customer_id} if period.customer_id else {}
    for row in data.open_now:
        row.breached_url = queue_link(breached=1, customer=row.customer_id)
        row.at_risk_url = queue_link(at_risk=1, customer=row.customer_id)
    return render(
        request,
        "tickets/dashboard/index.html",
        {
            "form": form,
            "data": data,
            "query": _filters_query(period),
            "breakdowns": [
                {
                    "table": name,
                    "title": title,
                    "first_column": column,
                    "rows": data.breakdowns[name],
                }
                for name, (title, column) in _breakdown_titles().items()
            ],
            "breached_url": queue_link(breached=1, **customer_params),
            "at_risk_url": queue_link(at_risk=1, **customer_params),
            "open_breached": sum(row.breached for row in data.open_now),
            "open_at_risk": sum(row.at_risk for row in data.open_now),
            "chart_data": _chart_data(data),
        },
    )


def _breakdown_titles() -> dict[str, tuple[str, str]]:
    return {
        "package": (_("Compliance by package"), _("Package")),
        "customer": (_("Compliance by customer"), _("Customer")),
        "type": (_("Compliance by ticket type"), _("Type")),
        "priority": (_("Compliance by priority"), _("Priority")),
    }


def _chart_data(data) -> dict:
    return {
        "months": [row.label for row in data.trend],
        "reaction": [_num(row.reaction.percent) for row in data.trend],
        "resolution": [_num(row.resolution.percent) for row in data.trend],
        "labels": {
            "reaction": _("Reaction compliance, %"),
            "resolution": _("Resolution compliance, %"),
            "hours": _("Billable hours"),
        },
        "billable": [
            {"label": row.customer, "data": [_num(v) for v in row.by_month]}
            for row in data.billable
        ],
    }


def _num(value):
    return None if value is None else float(value)


@login_required
@require_GET
def dashboard_csv(request, table: str):
    form = _filter_form(request)
    period = form.period(now=timezone.now())
    rows = dashboard_table(user=request.user, period=period, name=table)
    header, lines = _csv_table(table, rows, period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"sla-{table}-{period.first:%Y-%m}-{period.last:%Y-%m}"
    if period.customer_id is not None:
        name += f"-customer-{period.customer_id}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")  # BOM: Excel then reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(lines)
    return response


def _cell(value) -> str:
    return "" if value is None else str(value)


def _ratio_cells(ratio) -> list[str]:
    return [str(ratio.met), str(ratio.due), _cell(ratio.percent)]


def _ratio_header(what: str) -> list[str]:
    return [
        _("%(what)s met") % {"what": what},
        _("%(what)s due") % {"what": what},
        _("%(what)s compliance, %%") % {"what": what},
    ]


def _csv_table(table: str, rows: list, period: Period) -> tuple[list[str], list[list[str]]]:
    reaction, resolution = _("Reaction"), _("Resolution")
    medians = [_("Median reaction, business hours"), _("Median resolution, business hours")]
    if table == "monthly":
        header = [_("Month"), *_ratio_header(reaction), *_ratio_header(resolution)]
        return [*header, *medians, _("Withdrawn")], [
            [
                row.label,
                *_ratio_cells(row.reaction),
                *_ratio_cells(row.resolution),
                _cell(row.median_reaction),
                _cell(row.median_resolution),
                str(row.withdrawn),
            ]
            for row in rows
        ]
    if table in BREAKDOWNS:
        month = f"{period.last:%Y-%m}"
        span = f"{period.first:%Y-%m}…{period.last:%Y-%m}"
        header = [
            _breakdown_titles()[table][1],
            *(f"{h} ({month})" for h in _ratio_header(reaction) + _ratio_header(resolution)),
            *(f"{h} ({span})" for h in _ratio_header(reaction) + _ratio_header(resolution)),
        ]
        return header, [_breakdown_cells(row) for row in rows]
    if table == "open":
        header = [_("Customer"), _("Open"), _("Breached now"), _("At risk now")]
        return header, [
            [row.customer, str(row.open), str(row.breached), str(row.at_risk)] for row in rows
        ]
    if table == "quota":
        header = [
            _("Customer"),
            _("Contract"),
            _("Monthly quota"),
            _("Used"),
            _("Remaining"),
            _("Used, %"),
            _("Over quota"),
        ]
        return header, [
            [
                row.customer,
                row.contract,
                str(row.limit),
                str(row.used),
                str(row.remaining),
                str(row.percent),
                str(row.over_quota),
            ]
            for row in rows
        ]
    header = [_("Customer"), *(f"{m:%Y-%m}" for m in period.months), _("Total")]
    return header, [[row.customer, *(str(v) for v in row.by_month), str(row.total)] for row in rows]


def _breakdown_cells(row: ComplianceRow) -> list[str]:
    return [
        row.label,
        *_ratio_cells(row.month_reaction),
        *_ratio_cells(row.month_resolution),
        *_ratio_cells(row.reaction),
        *_ratio_cells(row.resolution),
    ]


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("dashboard/<slug:table>.csv", dashboard_csv, name="dashboard_csv"),
]
