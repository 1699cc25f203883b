"""A maildir's new messages: each handled, then moved to cur/ (only once its outcome has
committed, so a crash leaves it in new/ to be read again — and then seen as a duplicate)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from django.utils.translation import gettext as _

from mailin.services.ingest import IngestResult, mail_ingest


class MaildirError(Exception):
    pass


def maildir_ingest(folder: Path, *, emit: Callable[[IngestResult], None]) -> int:
    new, cur = folder / "new", folder / "cur"
    try:
        names = sorted(entry.name for entry in os.scandir(new) if entry.is_file())
        cur.mkdir(exist_ok=True)
    except OSError as exc:
        raise MaildirError(
            _("%(path)s: not a readable maildir (%(error)s)")
            % {"path": folder, "error": exc.strerror or exc}
        ) from exc
    handled = 0
    for name in names:
        path = new / name
        try:
            raw = path.read_bytes()
        except OSError:
            continue  # taken by another reader meanwhile
        emit(mail_ingest(raw=raw, source=str(path)))
        target = name if ":2," in name else name + ":2,S"
        with contextlib.suppress(OSError):  # moved by another reader: recorded either way
            path.rename(cur / target)
        handled += 1
    return handled
