"""HTML mail as safe, readable text: inscriptis renders the layout (lists, tables, line
breaks) as plain text, so no markup, script or remote image survives."""

from __future__ import annotations

from html.parser import HTMLParser

from inscriptis import get_text


def html_to_text(html: str) -> str:
    try:
        return get_text(html)
    except Exception:  # lxml refuses some broken documents: fall back to the bare text
        return _StripTags.text_of(html)


class _StripTags(HTMLParser):
    SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0

    @classmethod
    def text_of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        parser.close()
        return "".join(parser.chunks)

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in ("br", "p", "div", "tr", "li"):
            self.chunks.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.chunks.append(data)
