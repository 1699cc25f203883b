"""Turning real-world bytes into text: headers with raw 8-bit or encoded words in any charset,
bodies in a declared (sometimes wrong or unknown) charset. Never raises: the worst case is
U+FFFD, not a lost message."""

from __future__ import annotations

import codecs
import re
from email.header import decode_header

# Tried in order when a charset is missing or wrong: strict UTF-8 first (it rarely decodes
# anything else by accident), then the Cyrillic code page most of our customers' mail uses.
FALLBACKS = ("utf-8", "windows-1251")
ALIASES = {
    "unknown-8bit": "",
    "x-unknown": "",
    "us-ascii": "ascii",
    "ascii": "ascii",
    "cp-850": "cp850",
    "x-user-defined": "windows-1252",
    "iso-8859-8-i": "iso-8859-8",
}
ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")


def charset_codec(charset: str | None) -> str | None:
    """A Python codec name for a declared charset, or None when it is unknown."""
    if not charset:
        return None
    name = str(charset).strip().strip("\"'").lower()
    name = ALIASES.get(name, name)
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def bytes_to_text(data: bytes, charset: str | None = None) -> str:
    """Decode with the declared charset when it fits, else the fallbacks, else with U+FFFD."""
    declared = charset_codec(charset)
    if declared in ("ascii", "us-ascii"):
        declared = None  # 'us-ascii' on 8-bit text is a common lie; the fallbacks decide
        try:
            return data.decode("ascii")
        except UnicodeDecodeError:
            pass
    for codec in ([declared] if declared else []) + list(FALLBACKS):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode(declared or "utf-8", "replace")


def raw_header_text(value: str) -> str:
    """A header string from compat32's parser: undeclared 8-bit bytes arrive as surrogates."""
    try:
        data = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value
    return bytes_to_text(data)


def header_text(value) -> str:
    """A header's readable text: encoded words (RFC 2047, any charset, even wrong ones) and
    raw 8-bit decoded, folding and control characters (NUL, which PostgreSQL refuses) removed."""
    return "".join(ch for ch in _header_text(value) if ch.isprintable())


def _header_text(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):  # an email.header.Header from compat32
        value = str(value)
    value = raw_header_text(value)
    if "=?" not in value:
        return " ".join(value.split())
    try:
        chunks = decode_header(value)
    except Exception:  # a mangled encoded word: show it as it came
        return " ".join(value.split())
    parts: list[str] = []
    previous_encoded = False
    for data, charset in chunks:
        if isinstance(data, str):
            text, encoded = data, False
        else:
            encoded = charset is not None
            text = bytes_to_text(data, charset)
        if (
            parts
            and not (encoded and previous_encoded)
            and not text[:1].isspace()
            and not parts[-1][-1:].isspace()
        ):
            parts.append(" ")
        parts.append(text)
        previous_encoded = encoded
    return " ".join("".join(parts).split())


def file_name_text(name) -> str:
    """An attachment's name: RFC 2231 (already joined by the parser), an RFC 2047 word in a
    quoted parameter (non-standard but common), raw 8-bit; never a path."""
    if isinstance(name, tuple):  # (charset, language, value) left undecoded by the parser
        charset, _language, raw = name
        try:
            name = bytes_to_text(raw.encode("latin-1", "surrogateescape"), charset)
        except UnicodeEncodeError:  # already text
            name = raw
    elif name is not None and not isinstance(name, str):  # a compat32 Header
        name = str(name)
    text = header_text(name) if ENCODED_WORD.search(name or "") else raw_header_text(name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in text if ch.isprintable()).strip()[:200]
