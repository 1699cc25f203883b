"""Turning what a person typed into safe search terms (no LIKE or FTS syntax leaks through)."""

TRIGRAM_MIN = 3  # trigram indexes match nothing shorter


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards escaped (escape character: backslash)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def long_words(text: str) -> list[str]:
    """The words a trigram index can look up."""
    return [word for word in text.split() if len(word) >= TRIGRAM_MIN]
