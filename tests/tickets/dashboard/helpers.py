"""Read figures back from the dashboard's HTML and CSV, as a manager would see them."""

from __future__ import annotations

import csv
import io
import re


def table_html(html: str, table: str) -> str:
    match = re.search(rf'<table[^>]*data-table="{table}"[^>]*>(.*?)</table>', html, re.S)
    assert match, f"table {table} not on the page"
    return match.group(1)


def row_html(html: str, table: str, key) -> str:
    body = table_html(html, table)
    match = re.search(rf'<tr data-key="{key}">(.*?)</tr>', body, re.S)
    assert match, f"row {key} not in table {table}"
    return match.group(1)


def ratio_in(html: str, table: str, key, cell: str) -> tuple[int, int] | None:
    """(met, due) shown in a row's cell; None when the cell shows that nothing was due."""
    row = row_html(html, table, key)
    match = re.search(rf'<td class="{cell}">(.*?)</td>', row, re.S)
    assert match, f"cell {cell} not in row {key} of {table}"
    ratio = re.search(r'data-met="(\d+)" data-due="(\d+)"', match.group(1))
    return None if ratio is None else (int(ratio.group(1)), int(ratio.group(2)))


def cell_text(html: str, table: str, key, cell: str) -> str:
    row = row_html(html, table, key)
    match = re.search(rf'<td class="[^"]*\b{cell}\b[^"]*">(.*?)</td>', row, re.S)
    assert match, f"cell {cell} not in row {key} of {table}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def csv_rows(response) -> list[dict[str, str]]:
    raw = response.content
    assert raw.startswith("\ufeff".encode()), "the CSV starts with a UTF-8 BOM for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
