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


def run_command(
    monkeypatch, text: str | bytes, *args: str, stdout=None
) -> tuple[list[dict], str, int]:
    """Run the command in this process on ``text`` as standard input (bytes beneath, as a real
    standard input has them)."""
    data = text if isinstance(text, bytes) else text.encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    out, err = stdout or io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    code = 0
    try:
        call_command("sla_deadlines", *args)
    except SystemExit as exc:
        code = exc.code
    lines = [json.loads(line) for line in out.getvalue().splitlines()] if stdout is None else []
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


@pytest.fixture(scope="module")
def migrated_env(tmp_path_factory) -> dict[str, str]:
    """A fresh process's environment on a freshly migrated SQLite database."""
    var_dir = tmp_path_factory.mktemp("sla-command")
    env = {
        "PATH": "/usr/bin:/bin",
        "PORTAL_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return env


def test_runs_as_a_real_process_without_traceback(migrated_env):
    """End to end in a fresh process on a freshly migrated SQLite database."""
    case = examples()[2]
    done = subprocess.run(
        [sys.executable, "manage.py", "sla_deadlines"],
        cwd=ROOT,
        env=migrated_env,
        input=json.dumps(case["case"]) + "\n{oops\n",
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert json.loads(done.stdout.splitlines()[0])["id"] == case["case"]["id"]
    assert done.stderr.startswith("sla_deadlines: line 2: field line:")
    assert "Traceback" not in done.stderr


# --- bytes that are not UTF-8, and a reader that goes away -------------------------------------

GOOD = json.dumps(examples()[0]["case"]).encode()
BAD_BYTES = b'{"id": "bad\xff", "package": "advanced", "type": "incident", "priority": 1}'


@pytest.mark.django_db
def test_bad_bytes_in_a_file_stop_the_run_at_their_line_with_everything_before_written(
    monkeypatch, tmp_path
):
    # given a file whose line 301 is not UTF-8, far beyond the first block a reader decodes
    cases = tmp_path / "cases.jsonl"
    cases.write_bytes(b"\n".join([GOOD] * 300 + [BAD_BYTES] + [GOOD] * 5) + b"\n")
    # when the command reads it
    got, err, code = run_command(monkeypatch, "", str(cases))
    # then the 300 lines before it are written, it is named as bad, and nothing after it runs
    assert code == 2
    assert len(got) == 300
    assert err.startswith("sla_deadlines: line 301: field line: not UTF-8 text")
    assert "Traceback" not in err


@pytest.mark.django_db
def test_bad_bytes_on_standard_input_are_a_bad_line(monkeypatch):
    # given standard input whose second line is not UTF-8
    # when the command reads it
    got, err, code = run_command(monkeypatch, GOOD + b"\n" + BAD_BYTES + b"\n" + GOOD + b"\n")
    # then the first line is answered and the run stops at the second
    assert code == 2
    assert [line["id"] for line in got] == [examples()[0]["case"]["id"]]
    assert err.startswith("sla_deadlines: line 2: field line: not UTF-8 text")


@pytest.mark.django_db
def test_undecodable_bytes_passed_as_text_are_a_bad_line(monkeypatch):
    # given a text standard input carrying a bad byte as a lone surrogate (surrogateescape)
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"id": "bad\udcff"}\n'))
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    # when the command reads it
    with pytest.raises(SystemExit) as exited:
        call_command("sla_deadlines")
    # then it is refused, not passed through as "bad\udcff"
    assert exited.value.code == 2
    assert out.getvalue() == ""
    assert err.getvalue().startswith("sla_deadlines: line 1: field line: not UTF-8 text")


def test_bad_bytes_on_a_real_standard_input(migrated_env):
    # given a real process, whose standard input Python would decode with surrogateescape
    # when a line that is not UTF-8 arrives
    done = subprocess.run(
        [sys.executable, "manage.py", "sla_deadlines"],
        cwd=ROOT,
        env=migrated_env,
        input=GOOD + b"\n" + BAD_BYTES + b"\n",
        capture_output=True,
    )
    # then it is line 2, bad: exit 2, nothing passed through
    assert done.returncode == 2
    assert len(done.stdout.splitlines()) == 1
    assert b"udcff" not in done.stdout
    assert done.stderr.decode().startswith("sla_deadlines: line 2: field line: not UTF-8 text")


class ClosedPipe(io.StringIO):
    """Standard output whose reader has gone away."""

    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.django_db
def test_a_closed_pipe_stops_the_run_quietly(monkeypatch):
    # given a reader that has gone away
    # when the command has something to write
    _, err, code = run_command(monkeypatch, GOOD + b"\n", stdout=ClosedPipe())
    # then it stops with 141 (as a filter killed by SIGPIPE) and says nothing
    assert code == 141
    assert err == ""


def test_piped_into_head_it_stops_quietly(migrated_env, tmp_path):
    # given more cases than a pipe holds (5,000 answers are far more than 64 KiB)
    cases = tmp_path / "cases.jsonl"
    cases.write_bytes(b"\n".join([GOOD] * 5000) + b"\n")
    # when its output goes to `head -1`, which reads one line and leaves
    with cases.open("rb") as given:
        command = subprocess.Popen(
            [sys.executable, "manage.py", "sla_deadlines"],
            cwd=ROOT,
            env=migrated_env,
            stdin=given,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        head = subprocess.Popen(["head", "-1"], stdin=command.stdout, stdout=subprocess.PIPE)
        command.stdout.close()  # only head reads the pipe now
        first, _ = head.communicate(timeout=120)
        errors = command.stderr.read()
        command.wait(timeout=120)
    # then head got its line and the command stopped with 141, without a word on stderr
    assert json.loads(first)["id"] == examples()[0]["case"]["id"]
    assert command.returncode == 141
    assert errors == b""
