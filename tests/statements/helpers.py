"""Read a statement back as its reader would: the page's marked-up figures, the PDF's text
and the CSV's sections."""

from __future__ import annotations

import csv
import io
import re

from pypdf import PdfReader


def page_ratios(html: str, table: str) -> dict[str, tuple[int, int, int, int]]:
    """{row key: (reaction met, due, resolution met, due)} of a compliance table."""
    body = re.search(rf'<table[^>]*data-table="{table}"[^>]*>(.*?)</table>', html, re.S)
    assert body, f"table {table} not on the page"
    found = {}
    for key, row in re.findall(r'<tr data-key="([^"]*)">(.*?)</tr>', body.group(1), re.S):
        figures = []
        for metric in ("reaction", "resolution"):
            cell = re.search(rf'<td class="{metric}">(.*?)</td>', row, re.S)
            assert cell, f"no {metric} cell in row {key}"
            ratio = re.search(r'data-met="(\d+)" data-due="(\d+)"', cell.group(1))
            figures += [int(ratio.group(1)), int(ratio.group(2))] if ratio else [0, 0]  # "—"
        found[key] = tuple(figures)
    return found


def page_outcomes(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-ticket="\d+" data-reaction="(\w+)" data-resolution="(\w+)"', html)


def pdf_text(content: bytes) -> str:
    """All pages' text, whitespace (no-break spaces too) collapsed to single spaces."""
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.replace("\xa0", " ").split())


def csv_sections(content: bytes) -> dict[str, list[dict[str, str]]]:
    """{section title: rows as dicts by the section's header}."""
    assert content.startswith("\ufeff".encode()), "a UTF-8 BOM for Excel"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sections, index = {}, 0
    while index < len(rows):
        title, header = rows[index][0], rows[index + 1]
        index += 2
        lines = []
        while index < len(rows) and rows[index]:
            lines.append(dict(zip(header, rows[index], strict=True)))
            index += 1
        sections[title] = lines
        index += 1
    return sections
