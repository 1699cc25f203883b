"""The statement as CSV and PDF (WeasyPrint, from the portal's own template), in the active
language. Both are made from ``statement_view``: the same words and figures as the page."""

from __future__ import annotations

import csv
import io
import logging

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from statements.render import ComplianceLine, StatementView

# WeasyPrint logs every layout step at INFO; only its warnings (a missing font) matter here.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _cell(value) -> str:
    return "" if value is None else str(value)


def _compliance_header(first: str) -> list[str]:
    return [
        first,
        _("Reaction met"),
        _("Reaction due"),
        _("Reaction compliance, %"),
        _("Resolution met"),
        _("Resolution due"),
        _("Resolution compliance, %"),
        _("Withdrawn"),
    ]


def _compliance_cells(line: ComplianceLine) -> list[str]:
    return [
        line.label,
        str(line.reaction.met),
        str(line.reaction.due),
        _cell(line.reaction.percent),
        str(line.resolution.met),
        str(line.resolution.due),
        _cell(line.resolution.percent),
        str(line.withdrawn),
    ]


def csv_sections(view: StatementView) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) per section; the file writes them with a blank line between."""
    return [
        (
            _("SLA statement"),
            [_("Customer"), _("Month"), _("Time zone"), _("Frozen"), _("Computed")],
            [
                [
                    view.customer,
                    f"{view.month:%Y-%m}",
                    view.time_zone,
                    view.frozen_at or _("not frozen: the current month"),
                    view.computed_at,
                ]
            ],
        ),
        (
            _("Compliance by ticket type"),
            _compliance_header(_("Type")),
            [_compliance_cells(line) for line in [*view.by_type, view.overall]],
        ),
        (
            _("Compliance by priority"),
            _compliance_header(_("Priority")),
            [_compliance_cells(line) for line in [*view.by_priority, view.overall]],
        ),
        (
            _("Contract targets (business time)"),
            [_("Type"), _("Priority"), _("Reaction target"), _("Resolution target")],
            [[t["type"], t["priority"], t["reaction"], t["resolution"]] for t in view.targets],
        ),
        (
            _("Quota used"),
            [_("Contract"), _("Monthly quota"), _("Used"), _("Remaining"), _("Over quota")],
            [
                [
                    q["contract"],
                    str(q["limit"]),
                    str(q["used"]),
                    str(q["remaining"]),
                    str(q["over_quota"]),
                ]
                for q in view.quota
            ],
        ),
        (
            _("Billable hours"),
            [_("Ticket"), _("Subject"), _("Resolved"), _("Hours"), _("Cause")],
            [
                *(
                    [f"#{b['id']}", b["subject"], b["resolved"], b["hours"], b["cause"]]
                    for b in view.billable
                ),
                [_("Total"), "", "", view.billable_total, ""],
            ],
        ),
        (
            _("Tickets"),
            [
                _("Ticket"),
                _("Subject"),
                _("Type"),
                _("Priority"),
                _("Status"),
                _("Opened"),
                _("Reaction due"),
                _("Reaction"),
                _("Resolution due"),
                _("Resolution"),
            ],
            [
                [
                    f"#{t.id}",
                    t.subject,
                    t.type,
                    t.priority,
                    t.status,
                    t.opened_at,
                    t.reaction_due,
                    t.reaction,
                    t.resolution_due,
                    t.resolution,
                ]
                for t in view.tickets
            ],
        ),
        (
            _("SLA timeline"),
            [_("Ticket"), _("When"), _("Reason"), _("Change"), _("Effect on the due times")],
            [
                [f"#{t.id}", line.at, line.reason, line.change, line.effect]
                for t in view.tickets
                for line in t.timeline
            ],
        ),
    ]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: str) -> str:
    """A cell a spreadsheet shows as text: what a person typed (a ticket's subject) and starts
    like a formula gets a leading apostrophe instead of being run."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def statement_csv(view: StatementView) -> bytes:
    """UTF-8 with a BOM (Excel), sections apart by a blank line."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for index, (title, header, rows) in enumerate(csv_sections(view)):
        if index:
            writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows([inert(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8")


def statement_pdf(view: StatementView) -> bytes:
    from weasyprint import HTML  # imported when used: it loads Pango

    html = render_to_string("statements/pdf.html", {"s": view})
    return HTML(string=html).write_pdf()


def file_name(view: StatementView, extension: str) -> str:
    return f"sla-statement-{view.customer_id}-{view.month:%Y-%m}.{extension}"
