"""An IMAP mailbox read with imap-tools. Each message is handled (its outcome committed)
before it is moved to the done folder — or, without one, flagged seen — so a database or
worker outage leaves it on the server to be read again; a second reading is a duplicate."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from imap_tools import AND, MailBox, MailBoxUnencrypted, MailMessageFlags

from mailin.services.ingest import mail_ingest

logger = logging.getLogger(__name__)
BATCH = 50  # messages per poll; the next poll takes the rest
TIMEOUT = 60  # seconds a silent server may hang a poll (the lock outlives it)


@dataclass(frozen=True)
class MailboxConfig:
    secure: bool
    host: str
    port: int | None
    user: str
    password: str
    folder: str

    @classmethod
    def from_url(cls, url: str) -> MailboxConfig:
        """``imaps://user:password@host[:port]/FOLDER`` (``imap://`` without TLS, for tests
        and a local server). User and password may be percent-encoded."""
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname:
            raise ValueError("MAIL_IN_URL must look like imaps://user:password@host/INBOX")
        return cls(
            secure=parts.scheme == "imaps",
            host=parts.hostname,
            port=parts.port,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
        )

    def connect(self):
        box = MailBox if self.secure else MailBoxUnencrypted
        kwargs = {"port": self.port} if self.port else {}
        client = box(self.host, timeout=TIMEOUT, **kwargs)
        return client.login(self.user, self.password, initial_folder=self.folder)


def mailbox_poll(url: str, *, done_folder: str = "", limit: int = BATCH) -> int:
    """Handle up to ``limit`` waiting messages; returns how many were handled. A message whose
    handling fails (the database is down) stops the poll and stays where it is."""
    config = MailboxConfig.from_url(url)
    handled = 0
    with config.connect() as box:
        if done_folder and not box.folder.exists(done_folder):
            box.folder.create(done_folder)
        criteria = AND(all=True) if done_folder else AND(seen=False)
        for uid in box.uids(criteria)[:limit]:
            raw = _fetch_raw(box, uid)
            if raw is None:
                continue  # gone meanwhile (another reader moved it)
            mail_ingest(raw=raw, source=f"imap:{config.folder}/{uid}")
            if done_folder:
                box.move(uid, done_folder)
            else:
                box.flag(uid, MailMessageFlags.SEEN, True)
            handled += 1
    return handled


def _fetch_raw(box, uid: str) -> bytes | None:
    """The message exactly as the server holds it, without setting \\Seen (BODY.PEEK)."""
    status, data = box.client.uid("FETCH", uid, "(BODY.PEEK[])")
    if status != "OK":
        return None
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None
