"""``mail_ingest [--maildir DIR] [FILE ...]``: read messages, print one JSON line each.

Exit 0 when every message was handled (whatever its outcome), 2 when some input could not be
read (a missing file, an unreadable maildir), 1 when the database failed (what was not
recorded stays to be read again). A closed pipe ends quietly; never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils.translation import gettext as _

from mailin.maildir import MaildirError, maildir_ingest
from mailin.services.ingest import IngestResult, mail_ingest

UNREADABLE = 2
FAILED = 1  # a message could not be handled (the database is down): it was not recorded


class Command(BaseCommand):
    help = _(
        "Read e-mail messages (files, a maildir's new messages, or one on standard input) "
        "and file them as tickets or comments; prints one JSON line per message."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="*", metavar="FILE", help=_("RFC 5322 message files (.eml).")
        )
        parser.add_argument(
            "--maildir",
            metavar="DIR",
            help=_("A maildir: its new messages are read and moved to cur/."),
        )

    def handle(self, *args, files, maildir, **options):
        try:
            status = self._run(files, maildir)
        except BrokenPipeError:
            _quiet_stdout()
            sys.exit(0)
        except DatabaseError as exc:
            self._error(
                _(
                    "mail_ingest: the database failed (%(error)s); the message was not "
                    "recorded, read it again later."
                )
                % {"error": exc}
            )
            sys.exit(FAILED)
        except KeyboardInterrupt:
            sys.exit(130)
        if status:
            sys.exit(status)

    def _run(self, files, maildir) -> int:
        failed = False
        for path in files:
            failed |= not self._file(path)
        if maildir:
            try:
                maildir_ingest(Path(maildir), emit=self._emit)
            except MaildirError as exc:
                self._error(str(exc))
                failed = True
        if not files and not maildir:
            self._emit(mail_ingest(raw=sys.stdin.buffer.read(), source="-"))
        return UNREADABLE if failed else 0

    def _file(self, path: str) -> bool:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            self._error(
                _("%(path)s: cannot read it (%(error)s)")
                % {"path": path, "error": exc.strerror or exc}
            )
            return False
        self._emit(mail_ingest(raw=raw, source=path))
        return True

    def _emit(self, result: IngestResult) -> None:
        """UTF-8 whatever the locale says (a C locale must not fail on a Cyrillic subject)."""
        line = json.dumps(result.as_dict(), ensure_ascii=False) + "\n"
        out = getattr(sys.stdout, "buffer", None)
        if out is not None:
            out.write(line.encode("utf-8", "replace"))
        else:
            sys.stdout.write(line)
        sys.stdout.flush()

    def _error(self, text: str) -> None:
        sys.stderr.write(text + "\n")


def _quiet_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the interpreter's last flush is quiet."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
