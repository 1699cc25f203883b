"""``mail_ingest [--maildir DIR] [FILE ...]``: read messages, print one JSON line each.

Exit 0 when every message was handled (whatever its outcome), 2 when some input could not be
read (a missing file, an unreadable maildir). A closed pipe ends quietly.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from mailin.maildir import MaildirError, maildir_ingest
from mailin.services.ingest import IngestResult, mail_ingest

UNREADABLE = 2


class Command(BaseCommand):
    help = _("Read e-mail messages (files, a maildir's new messages, or one on standard input) "
             "and file them as tickets or comments; prints one JSON line per message.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", metavar="FILE",
                            help=_("RFC 5322 message files (.eml)."))
        parser.add_argument("--maildir", metavar="DIR",
                            help=_("A maildir: its new messages are read and moved to cur/."))

    def handle(self, *args, files, maildir, **options):
        failed = False
        try:
            for path in files:
                failed |= not self._file(path)
            if maildir:
                try:
                    maildir_ingest(Path(maildir), emit=self._emit)
                except MaildirError as exc:
                    self._error(str(exc))
                    failed = True
            if not files and not maildir:
                raw = sys.stdin.buffer.read()
                self._emit(mail_ingest(raw=raw, source="-"))
        except BrokenPipeError:
            _quiet_stdout()
            sys.exit(0)
        if failed:
            sys.exit(UNREADABLE)

    def _file(self, path: str) -> bool:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            self._error(_("%(path)s: cannot read it (%(error)s)")
                        % {"path": path, "error": exc.strerror or exc})
            return False
        self._emit(mail_ingest(raw=raw, source=path))
        return True

    def _emit(self, result: IngestResult) -> None:
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
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
