"""End to end with real servers: Dovecot (IMAP) and aiosmtpd (SMTP).

A contact mails the support mailbox; the poll files a ticket; the portal's mail about it goes
out over SMTP; the contact answers that very mail; the answer lands on the same ticket. Then
we count what is in each mailbox. Skipped when Dovecot is not installed.
"""

import mailbox
import shutil
import socket
import subprocess
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.test import override_settings

from mailin.imap import mailbox_poll
from mailin.models import InboundMessage, Outcome
from tests.mailin.conftest import ALICE
from tickets.models import Message, MessageKind, OutboxMessage, Ticket
from tickets.services.outbox import outbox_deliver_many

DOVECOT = shutil.which("dovecot") or (
    "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
)
pytestmark = [
    pytest.mark.skipif(DOVECOT is None, reason="dovecot is not installed"),
    pytest.mark.django_db,
]
USER, PASSWORD = "support@portal.test", "test-pass"

CONFIG = """base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid=mail gid=mail home={d}/mail/%u
}}
first_valid_uid = 8
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError(f"nothing listens on {port}")


@pytest.fixture
def imap_server():
    """A private Dovecot on a free port (its folder readable by the ``mail`` user)."""
    folder = Path(tempfile.mkdtemp(prefix="mailin-dovecot-"))
    folder.chmod(0o755)
    for sub in ("run", "state", "mail"):
        (folder / sub).mkdir()
    shutil.chown(folder / "mail", "mail", "mail")
    (folder / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = free_port()
    (folder / "dovecot.conf").write_text(CONFIG.format(d=folder, port=port))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(folder / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        yield f"imap://{USER.replace('@', '%40')}:{PASSWORD}@127.0.0.1:{port}/INBOX", port
    finally:
        process.terminate()
        process.wait(timeout=15)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def smtp_server(tmp_path):
    """aiosmtpd in this process, storing every mail in a maildir."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Mailbox

    port = free_port()
    controller = Controller(Mailbox(str(tmp_path / "smtp")), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, tmp_path / "smtp"
    finally:
        controller.stop()


def imap_box(port: int):
    from imap_tools import MailBoxUnencrypted

    return MailBoxUnencrypted("127.0.0.1", port=port).login(USER, PASSWORD)


def deliver_to(address: str, body: str, subject: str, **headers) -> bytes:
    message = EmailMessage()
    message["From"] = f"Alice <{address}>"
    message["To"] = USER
    message["Subject"] = subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def test_file_by_mail_reply_by_mail(alice, imap_server, smtp_server, now):
    url, imap_port = imap_server
    smtp_port, smtp_dir = smtp_server
    with imap_box(imap_port) as box:
        box.append(
            deliver_to(
                ALICE, "Every call drops.", "[P1] Calls drop", Message_ID="<first@customer.test>"
            ),
            "INBOX",
        )

    assert mailbox_poll(url, done_folder="Processed") == 1
    ticket = Ticket.objects.get()
    assert (ticket.priority, ticket.channel, ticket.reporter) == (1, "email", alice.user)

    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=smtp_port,
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    ):
        rows = list(OutboxMessage.objects.values_list("pk", flat=True))
        assert outbox_deliver_many(message_ids=rows, now=now) == len(rows)
    to_alice = [m for m in mailbox.Maildir(smtp_dir) if ALICE in m.get("X-RcptTo", "")]
    assert len(to_alice) == 1
    portal_mail = to_alice[0]
    assert f"[#{ticket.pk}]" in portal_mail["Subject"]
    assert portal_mail["Reply-To"] and portal_mail["Auto-Submitted"] == "auto-generated"

    reply = deliver_to(
        ALICE,
        f"It works after the restart.\n\nOn Monday Support wrote:\n> {ticket.subject}\n",
        "Re: " + portal_mail["Subject"].replace(f"[#{ticket.pk}]", ""),  # the tag is not needed
        Message_ID="<second@customer.test>",
        In_Reply_To=portal_mail["Message-ID"],
    )
    with imap_box(imap_port) as box:
        box.append(reply, "INBOX")
    assert mailbox_poll(url, done_folder="Processed") == 1

    comment = Message.objects.get(ticket=ticket)
    assert (comment.kind, comment.body) == (
        MessageKind.CUSTOMER_COMMENT,
        "It works after the restart.",
    )
    assert list(InboundMessage.objects.order_by("pk").values_list("outcome", flat=True)) == [
        Outcome.TICKET,
        Outcome.REPLY,
    ]
    with imap_box(imap_port) as box:
        assert len(box.uids()) == 0
        box.folder.set("Processed")
        assert len(box.uids()) == 2
    assert Ticket.objects.count() == 1


def test_a_message_stays_on_the_server_when_handling_fails(alice, imap_server, monkeypatch):
    url, imap_port = imap_server
    with imap_box(imap_port) as box:
        box.append(deliver_to(ALICE, "x", "[P2] x", Message_ID="<kept@customer.test>"), "INBOX")

    def database_down(**kwargs):
        from django.db import OperationalError

        raise OperationalError("the database is down")

    monkeypatch.setattr("mailin.imap.mail_ingest", database_down)
    with pytest.raises(Exception, match="database is down"):
        mailbox_poll(url, done_folder="Processed")
    with imap_box(imap_port) as box:
        assert len(box.uids()) == 1  # still in INBOX: the next poll takes it
    monkeypatch.undo()
    assert mailbox_poll(url, done_folder="Processed") == 1
    assert Ticket.objects.count() == 1
    # seen twice on the server (say a move got lost): handled once
    with imap_box(imap_port) as box:
        box.append(deliver_to(ALICE, "x", "[P2] x", Message_ID="<kept@customer.test>"), "INBOX")
    assert mailbox_poll(url, done_folder="Processed") == 1
    assert Ticket.objects.count() == 1
    assert InboundMessage.objects.count() == 1
