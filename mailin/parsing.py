"""An RFC 5322 message as the portal needs it: who, what, the text, the files, what was odd.

The stdlib parser with the compat32 policy is the most forgiving one; what it still gets wrong
on real mail is repaired first (an mbox ``From`` line, header continuations without leading
whitespace), and everything it yields is decoded by ``mailin.decoding``.
"""

from __future__ import annotations

import email
import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.utils import getaddresses, parseaddr

from mailin.decoding import bytes_to_text, file_name_text, header_text
from mailin.html_text import html_to_text

HEADER_NAME = re.compile(rb"^[!-9;-~]+[ \t]*:")
MSGID = re.compile(r"<([^<>\s]+)>")
TEXT_TYPES = ("text/plain", "text/html")
# Parts that sign the mail rather than carry anything the sender meant to send.
SIGNATURE_TYPES = {
    "application/pgp-signature",
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
}


@dataclass
class MailFile:
    name: str
    content_type: str
    content: bytes


@dataclass
class ParsedMail:
    message: Message
    key: str
    message_id: str
    subject: str
    from_name: str
    from_address: str
    text: str
    files: list[MailFile] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    def header(self, name: str) -> str:
        return header_text(self.message.get(name))

    def headers(self, name: str) -> list[str]:
        return [header_text(v) for v in self.message.get_all(name) or []]

    def referenced_ids(self) -> list[str]:
        """Message-IDs named by In-Reply-To and References, nearest first."""
        ids: list[str] = []
        for name in ("In-Reply-To", "References"):
            found = MSGID.findall(" ".join(self.headers(name)))
            ids.extend(reversed(found) if name == "References" else found)
        return list(dict.fromkeys(f"<{i}>" for i in ids))


def repair(raw: bytes) -> bytes:
    """Drop an mbox ``From `` line; indent header lines that are neither a header nor a
    continuation (a broken fold), so the header does not end early."""
    if raw.startswith(b"From "):
        raw = raw.split(b"\n", 1)[1] if b"\n" in raw else b""
    head, sep, body = _split_head(raw)
    lines = head.splitlines(keepends=True)
    fixed = []
    for index, line in enumerate(lines):
        if index and line[:1] not in (b" ", b"\t") and not HEADER_NAME.match(line):
            line = b" " + line
        fixed.append(line)
    return b"".join(fixed) + sep + body


def _split_head(raw: bytes) -> tuple[bytes, bytes, bytes]:
    match = re.search(rb"\r?\n\r?\n", raw)
    if not match:
        return raw, b"", b""
    return raw[: match.start()], match.group(0), raw[match.end() :]


def message_key(message_id: str, raw: bytes) -> str:
    """What makes "the same message" a database fact: its Message-ID, or a hash of the bytes
    when it has none (the same file read twice is still the same message)."""
    if message_id:
        return message_id[:255]
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def parse(raw: bytes) -> ParsedMail:
    message = email.message_from_bytes(repair(raw), policy=policy.compat32)
    message_id = _message_id(message)
    from_name, from_address = _sender(message)
    defects = sorted({type(d).__name__ for part in message.walk() for d in part.defects})
    text, files = _body(message)
    return ParsedMail(
        message=message,
        key=message_key(message_id, raw),
        message_id=message_id,
        subject=header_text(message.get("Subject")),
        from_name=from_name,
        from_address=from_address,
        text=text,
        files=files,
        defects=defects,
    )


def _message_id(message: Message) -> str:
    found = MSGID.search(header_text(message.get("Message-ID")))
    return f"<{found.group(1)}>" if found else ""


def _sender(message: Message) -> tuple[str, str]:
    for name in ("From", "Sender", "Return-Path"):
        value = header_text(message.get(name))
        display, address = parseaddr(value)
        if "@" in address:
            return display, address.strip().lower()
        found = re.search(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+", value)
        if found:
            return display, found.group(0).lower()
    return "", ""


def recipients(message: Message) -> list[str]:
    values = [header_text(v) for name in ("To", "Cc") for v in message.get_all(name) or []]
    return [address.lower() for _name, address in getaddresses(values) if "@" in address]


def _body(message: Message) -> tuple[str, list[MailFile]]:
    """The text (plain preferred, else HTML made text) and every file, nested ones included."""
    plain: list[str] = []
    html: list[str] = []
    files: list[MailFile] = []
    _walk(message, plain, html, files)
    if any(t.strip() for t in plain):
        text = "\n\n".join(t for t in plain if t.strip())
    else:
        text = "\n\n".join(html_to_text(h) for h in html if h.strip())
    return _clean_text(text), files


def _walk(part: Message, plain: list, html: list, files: list) -> None:
    content_type = part.get_content_type()
    if part.is_multipart():
        children = part.get_payload()
        if content_type == "multipart/alternative":
            children = _preferred_alternative(children)
        for child in children if isinstance(children, list) else []:
            if isinstance(child, Message):
                _walk(child, plain, html, files)
        return
    name = _file_name(part)
    disposition = str(part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    if content_type in TEXT_TYPES and not name and disposition != "attachment":
        text = _part_text(part)
        (plain if content_type == "text/plain" else html).append(text)
        return
    if content_type.startswith("multipart/"):
        # declared multipart without parts (no boundary): its payload is the text
        text = _part_text(part)
        if text.strip():
            plain.append(text)
        return
    content = _part_bytes(part)
    if not content or content_type in SIGNATURE_TYPES:
        return
    files.append(
        MailFile(
            name=name or _default_name(content_type), content_type=content_type, content=content
        )
    )


RAW_NAME = re.compile(r'(?:^|;)\s*(?:file)?name\s*=\s*("?)([^";\r\n]+)\1', re.I)


def _file_name(part: Message) -> str:
    name = file_name_text(part.get_filename() or part.get_param("name") or "")
    if "\ufffd" in name:  # raw 8-bit in the parameter: compat32 replaced it, read it raw
        for header, value in part.raw_items():
            if header.lower() in ("content-disposition", "content-type"):
                found = RAW_NAME.search(str(value))
                if found:
                    return file_name_text(found.group(2))
    return name


def _preferred_alternative(children) -> list:
    """Of the alternatives the one with plain text if any (it is what the sender wrote),
    else all of them (the HTML turns into text)."""
    if not isinstance(children, list):
        return []
    for child in children:
        if (
            isinstance(child, Message)
            and child.get_content_type() == "text/plain"
            and _part_text(child).strip()
        ):
            return [child]
    return children


def _part_bytes(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822" or part.is_multipart():
        try:
            return part.get_payload(0).as_bytes() if part.is_multipart() else b""
        except Exception:  # a forwarded message too broken to serialise
            return b""
    try:
        content = part.get_payload(decode=True)
    except Exception:  # undecodable transfer encoding: keep the bytes as sent
        content = None
    if content is None:
        payload = part.get_payload()
        content = payload.encode("ascii", "surrogateescape") if isinstance(payload, str) else b""
    return content


def _part_text(part: Message) -> str:
    return bytes_to_text(_part_bytes(part), part.get_content_charset())


def _default_name(content_type: str) -> str:
    if content_type == "message/rfc822":
        return "forwarded.eml"
    if content_type == "application/ms-tnef":
        return "winmail.dat"
    extension = {
        "text/plain": "txt",
        "text/html": "html",
        "image/png": "png",
        "image/jpeg": "jpg",
        "image/gif": "gif",
        "application/pdf": "pdf",
    }
    return "file." + extension.get(content_type, "bin")


def _clean_text(text: str) -> str:
    """Normalised line ends, no control characters, no runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
