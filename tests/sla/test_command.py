"""`manage.py sla_deadlines`: JSON lines in and out, on the seeded calendars and terms."""

import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from sla.calendar import BusinessCalendar, CalendarSpec, OpenInterval
from sla.models import BusinessCalendar as CalendarRow
from sla.models import CalendarClosedDate

EXAMPLES = Path(__file__).parent / "data" / "examples.jsonl"
ROOT = Path(__file__).resolve().parents[2]


def run_command(monkeypatch, text: str) -> tuple[list[dict], str, int]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    code = 0
    try:
        call_command("sla_deadlines")
    except SystemExit as exc:
        code = exc.code
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return lines, err.getvalue(), code


def as_instant(value):
    """ISO times compare as instants; anything else as it is."""
    if isinstance(value, str) and value[:4].isdigit():
        return datetime.fromisoformat(value)
    return value


def examples():
    return [json.loads(line) for line in EXAMPLES.read_text().splitlines() if line.strip()]


@pytest.mark.django_db
def test_every_example_comes_out_as_given(monkeypatch):
    cases = examples()
    text = "".join(json.dumps(item["case"]) + "\n" for item in cases)

    got, err, code = run_command(monkeypatch, text)

    assert code == 0, err
    assert [line["id"] for line in got] == [item["case"]["id"] for item in cases]
    for item, line in zip(cases, got, strict=True):
        for key, expected in item["expect"].items():
            assert as_instant(line[key]) == as_instant(expected), (item["case"]["id"], key)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_line", "field"),
    [
        ("not json", "line"),
        ('{"id": "b", "package": "advanced", "type": "incident", "priority": 1}', "opened_at"),
        (
            '{"id": "b", "package": "gold", "type": "incident", "priority": 1, '
            '"opened_at": "2026-11-25T10:00:00+03:00"}',
            "package",
        ),
        (
            '{"id": "b", "package": "advanced", "type": "incident", "priority": 7, '
            '"opened_at": "2026-11-25T10:00:00+03:00"}',
            "priority",
        ),
        (
            '{"id": "b", "package": "advanced", "type": "change", "priority": null, '
            '"opened_at": "2026-11-25T10:00:00", "events": []}',
            "opened_at",
        ),
        (
            '{"id": "b", "package": "pro", "type": "change", "priority": null, '
            '"opened_at": "2026-11-25T10:00:00+03:00", "events": '
            '[{"at": "2026-11-25T11:00:00+03:00", "kind": "priority", "priority": 2}]}',
            "events[0].kind",
        ),
        (
            '{"id": "b", "package": "pro", "type": "change", "priority": null, '
            '"opened_at": "2026-11-25T10:00:00+03:00", "events": '
            '[{"at": "2026-11-25T11:00:00+03:00", "kind": "pause"}, '
            '{"at": "2026-11-25T12:00:00+03:00", "kind": "pause"}]}',
            "events[1].kind",
        ),
        (
            '{"id": "b", "package": "pro", "type": "change", "priority": null, '
            '"opened_at": "2026-11-25T10:00:00+03:00", "events": '
            '[{"at": "2026-11-25T09:00:00+03:00", "kind": "first_response"}]}',
            "events[0].at",
        ),
        (
            '{"id": "b", "package": "pro", "type": "change", "priority": null, '
            '"opened_at": "2026-11-25T10:00:00+03:00", "events": '
            '[{"at": "2026-11-25T11:00:00+03:00", "kind": "resolve"}, '
            '{"at": "2026-11-25T12:00:00+03:00", "kind": "pause"}]}',
            "events[1].kind",
        ),
    ],
)
def test_a_bad_line_stops_the_run_naming_line_and_field(monkeypatch, bad_line, field):
    good = json.dumps(examples()[0]["case"])

    got, err, code = run_command(monkeypatch, f"{good}\n{good}\n{bad_line}\n{good}\n")

    assert code == 2
    assert len(got) == 2  # the lines before the bad one are written, nothing after
    assert "line 3" in err
    assert f"field {field}" in err
    assert "Traceback" not in err


@pytest.mark.django_db
def test_uses_the_calendars_in_the_database(monkeypatch):
    """A holiday added by a manager moves the deadline; the command reads the database."""
    case = {
        "id": "h",
        "package": "advanced",
        "type": "incident",
        "priority": 1,
        "opened_at": "2026-12-24T17:30:00+03:00",
    }
    before, _, _ = run_command(monkeypatch, json.dumps(case) + "\n")
    calendar = CalendarRow.objects.get(key="incident-hours")
    CalendarClosedDate.objects.create(calendar=calendar, date=datetime(2026, 12, 25).date())
    calendar.save()  # an edit touches updated_at, which refreshes the cached calendar

    after, _, _ = run_command(monkeypatch, json.dumps(case) + "\n")

    spec = CalendarSpec(
        tz="+03:00",
        weekly=tuple(OpenInterval.of(d, "09:00", "18:00") for d in range(7)),
        closed_dates=frozenset({datetime(2026, 12, 25).date()}),
    )
    opened = datetime.fromisoformat(case["opened_at"])
    expected = BusinessCalendar(spec).deadline(
        opened, as_instant("2026-01-01T01:00:00+00:00") - as_instant("2026-01-01T00:00:00+00:00")
    )
    assert as_instant(before[0]["reaction_due"]) == as_instant("2026-12-25T09:30:00+03:00")
    assert as_instant(after[0]["reaction_due"]) == expected
    assert expected.date().isoformat() == "2026-12-26"


def test_runs_as_a_real_process_without_traceback(tmp_path):
    """End to end in a fresh process on a freshly migrated SQLite database."""
    env = {
        "PATH": "/usr/bin:/bin",
        "PORTAL_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    case = examples()[2]
    done = subprocess.run(
        [sys.executable, "manage.py", "sla_deadlines"],
        cwd=ROOT,
        env=env,
        input=json.dumps(case["case"]) + "\n{oops\n",
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert json.loads(done.stdout.splitlines()[0])["id"] == case["case"]["id"]
    assert done.stderr.startswith("sla_deadlines: line 2: field line:")
    assert "Traceback" not in done.stderr
