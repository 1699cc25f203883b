"""``manage.py sla_statement``: the files for operations, and clear errors (exit 2) otherwise."""

from __future__ import annotations

import subprocess

import pytest
from django.core.management import call_command

from tests.statements.helpers import csv_sections, pdf_text


def test_writes_the_pdf_and_csv_by_name_or_id(acme, tmp_path, capsys):
    pdf, csv = tmp_path / "s.pdf", tmp_path / "s.csv"
    call_command(
        "sla_statement", "Acme Test", "--month", "2026-10", "--out", str(pdf), "--csv", str(csv)
    )
    assert "(3/5)" in pdf_text(pdf.read_bytes())
    assert csv_sections(csv.read_bytes())["SLA statement"][0]["Customer"] == "Acme Test"
    call_command(
        "sla_statement", str(acme.pk), "--month", "2026-10", "--out", str(pdf), "--language", "uk"
    )
    assert "Усі звернення" in pdf_text(pdf.read_bytes())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Nobody Ltd", "--month", "2026-10"], "no customer with the id or exact name"),
        (["Acme Test", "--month", "2026/10"], "--month must be YYYY-MM"),
        (["Acme Test", "--month", "2026-13"], "--month must be YYYY-MM"),
        (["Acme Test", "--month", "2024-10"], "has no statement for 2024-10"),
        (["Acme Test", "--month", "2028-01"], "has no statement for 2028-01"),
    ],
)
def test_bad_input_says_what_is_wrong_and_exits_2(acme, tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        call_command("sla_statement", *args, "--out", str(tmp_path / "s.pdf"))
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "s.pdf").exists()


def test_a_missing_folder_is_an_error_not_a_traceback(acme, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "sla_statement",
            "Acme Test",
            "--month",
            "2026-10",
            "--out",
            str(tmp_path / "nowhere" / "s.pdf"),
        )
    assert exit_info.value.code == 2
    assert "no such folder" in capsys.readouterr().err


def test_missing_arguments_exit_2_from_the_command_line(tmp_path):
    done = subprocess.run(
        [".venv/bin/python", "manage.py", "sla_statement", "Acme"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "--month" in done.stderr and "Traceback" not in done.stderr
