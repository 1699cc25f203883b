"""A reply without the history it quotes: the customer's new words are the comment."""

from __future__ import annotations

import re

# A line that starts the quoted history, in the clients and languages our customers use.
HISTORY_START = re.compile(
    r"^\s*("
    r"-{2,}\s*(original message|ursprüngliche nachricht|исходное сообщение|"
    r"оригінальне повідомлення|forwarded message)\s*-{2,}"
    r"|_{10,}"
    r"|on\s.{1,200}\swrote:"
    r"|am\s.{1,200}\sschrieb.{0,100}:"
    r"|.{1,200}\s(пише|написав|написала|написал|написал\(а\)|wrote)\s*:"
    r"|(from|від|от|von):\s.+"
    r")\s*$",
    re.I,
)


def strip_quoted(text: str) -> str:
    """Cut at the first line that opens the quoted history, drop quoted (``>``) lines and a
    trailing signature separator. Returns the whole text if that would leave nothing."""
    kept: list[str] = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        joined = f"{line} {lines[index + 1]}" if index + 1 < len(lines) else line
        if HISTORY_START.match(line) or (line.strip() and HISTORY_START.match(joined)):
            break  # (a client may wrap "On …, X <address> wrote:" over two lines)
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    if "-- " in kept:
        kept = kept[: kept.index("-- ")]
    result = "\n".join(kept).strip()
    return result or text.strip()
