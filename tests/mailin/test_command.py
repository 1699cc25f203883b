"""``mail_ingest``: files, a maildir, standard input; JSON lines; exit 0 or 2, no traceback."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from mailin.models import InboundMessage
from tests.mailin.conftest import FIXTURES, eml

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


def run(*args, stdin: bytes = b"") -> tuple[int, list[dict]]:
    out = io.StringIO()
    stdout = sys.stdout
    sys.stdout = out
    code = 0
    try:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
        call_command("mail_ingest", *args)
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdout, sys.stdin = stdout, sys.__stdin__
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_files_print_one_json_line_each(alice):
    code, lines = run(str(FIXTURES / "plain_p1.eml"), str(FIXTURES / "bounce_plain.eml"))
    assert code == 0
    assert [(x["outcome"], x["subject"]) for x in lines] == [
        ("ticket", "[P1] Calls drop on every trunk"),
        ("bounce", "Undelivered Mail Returned to Sender"),
    ]
    assert lines[0]["ticket"] and lines[0]["message_id"] == "<p1@customer.test>"
    assert set(lines[0]) == {"source", "message_id", "outcome", "ticket", "subject", "reason"}


def test_a_missing_file_exits_2_after_handling_the_others(alice, capsys):
    code, lines = run("/no/such/file.eml", str(FIXTURES / "no_tag.eml"))
    assert code == 2 and [x["outcome"] for x in lines] == ["ticket"]
    assert "/no/such/file.eml" in capsys.readouterr().err


def test_standard_input(alice):
    code, lines = run(stdin=eml("tag_sr.eml"))
    assert code == 0 and lines[0]["outcome"] == "ticket" and lines[0]["source"] == "-"


def test_empty_standard_input_is_an_empty_message(db):
    code, lines = run(stdin=b"")
    assert code == 0 and (lines[0]["outcome"], lines[0]["reason"]) == ("rejected", "empty message")


def test_maildir_new_messages_are_moved_to_cur(alice, tmp_path):
    for sub in ("new", "cur", "tmp"):
        (tmp_path / sub).mkdir()
    (tmp_path / "new" / "1.host").write_bytes(eml("plain_p1.eml"))
    (tmp_path / "new" / "2.host").write_bytes(eml("x_autoreply.eml"))
    code, lines = run("--maildir", str(tmp_path))
    assert code == 0 and [x["outcome"] for x in lines] == ["ticket", "auto_reply"]
    assert not list((tmp_path / "new").iterdir())
    assert sorted(p.name for p in (tmp_path / "cur").iterdir()) == ["1.host:2,S", "2.host:2,S"]
    assert run("--maildir", str(tmp_path)) == (0, [])  # nothing new the second time


def test_an_unreadable_maildir_exits_2(db, tmp_path, capsys):
    assert run("--maildir", str(tmp_path / "missing"))[0] == 2
    assert "not a readable maildir" in capsys.readouterr().err
    assert not InboundMessage.objects.exists()


def test_a_database_failure_exits_1_with_one_line(monkeypatch, capsys):
    from django.db import OperationalError

    def down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("mailin.management.commands.mail_ingest.mail_ingest", down)
    code, lines = run(str(FIXTURES / "plain_p1.eml"))
    assert (code, lines) == (1, [])
    err = capsys.readouterr().err
    assert "the database failed (connection refused)" in err and "Traceback" not in err


@pytest.mark.django_db(transaction=True)
def test_a_closed_pipe_ends_quietly(tmp_path):
    """A real process: ``mail_ingest ... | head -1`` prints no traceback."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "PORTAL_VAR_DIR": str(tmp_path),
    }
    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=REPO)
    files = [str(p) for p in sorted(FIXTURES.glob("*.eml"))]
    proc = subprocess.Popen(
        [*manage, "mail_ingest", *files],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.readline()
    proc.stdout.close()
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert b"Traceback" not in err
