"""Reading rendered pages as a person does: the text of an element, the times shown."""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr"}


class _Collector(HTMLParser):
    """Text inside the element with ``id`` (or inside every ``tag``), tags stripped."""

    def __init__(self, *, element_id: str | None = None, tag: str | None = None):
        super().__init__(convert_charrefs=True)
        self.element_id, self.tag = element_id, tag
        self.depth = 0  # > 0 while inside a wanted element
        self.parts: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        if self.depth:
            self.depth += 1
        elif (self.element_id and dict(attrs).get("id") == self.element_id) or tag == self.tag:
            self.depth = 1
            self.parts.append([])

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts[-1].append(data)


def _squash(parts: list[str]) -> str:
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def element_text(html: str, element_id: str) -> str:
    collector = _Collector(element_id=element_id)
    collector.feed(html)
    assert collector.parts, f"no element #{element_id} on the page"
    return _squash(collector.parts[0])


def texts_of(html: str, tag: str) -> list[str]:
    collector = _Collector(tag=tag)
    collector.feed(html)
    return [_squash(parts) for parts in collector.parts]


def visible_text(html: str) -> str:
    """The body's text (no scripts)."""
    body = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return " ".join(texts_of(body, "main"))
