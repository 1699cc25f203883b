"""A mail's files under the portal's own upload rules; a refused one is named with why.

winmail.dat (Outlook's TNEF) is always kept as it came when its size allows, whatever the
type list says, and the files packed inside it are offered to the same rules one by one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mailin.parsing import MailFile
from tickets.attachments import attachment_validate

logger = logging.getLogger(__name__)
TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}


@dataclass
class AcceptedFiles:
    uploads: list = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one line per file: name and reason
    body: str = ""  # text found inside a TNEF file, when the mail had none


def accept_files(files: list[MailFile]) -> AcceptedFiles:
    result = AcceptedFiles()
    for mail_file in files:
        upload = SimpleUploadedFile(mail_file.name, mail_file.content, mail_file.content_type)
        is_tnef = mail_file.content_type in TNEF_TYPES or mail_file.name.lower() == "winmail.dat"
        try:
            attachment_validate(upload)
        except ValidationError as exc:
            code = getattr(exc, "code", "")
            if not (is_tnef and code == "attachment_type"):
                result.refused.append(" ".join(exc.messages))
                continue
        result.uploads.append(upload)
        if is_tnef:
            _unpack_tnef(mail_file.content, result)
    return result


def _unpack_tnef(content: bytes, result: AcceptedFiles) -> None:
    try:
        from tnefparse import TNEF

        tnef = TNEF(content)
    except Exception:  # not a TNEF file after all, or one tnefparse cannot read
        logger.info("winmail.dat could not be unpacked; kept as it came")
        return
    if not result.body:
        body = getattr(tnef, "body", None) or b""
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        result.body = body.strip()
    inner = [
        MailFile(
            name=a.long_filename() or a.name or "file.bin",
            content_type="application/octet-stream",
            content=a.data,
        )
        for a in tnef.attachments
        if getattr(a, "data", b"")
    ]
    unpacked = accept_files([f for f in inner if f.name.lower() != "winmail.dat"])
    result.uploads += unpacked.uploads
    result.refused += unpacked.refused
