"""HTML pages -> title and text blocks, with the standard library's ``html.parser``."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

_HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object"})
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td",
        "th", "tr", "ul",
    }
)  # fmt: skip
_META_FIELDS = {
    "og:site_name": "outlet",
    "og:url": "url",
    "article:published_time": "published_at",
}


@dataclass(frozen=True, slots=True)
class Page:
    """What was read from an HTML page: visible text blocks and head metadata."""

    blocks: tuple[str, ...]
    title: str | None
    h1_block: int | None  # index in ``blocks`` of the first <h1>
    meta: tuple[tuple[str, str], ...]  # (field, value) from <meta> and canonical <link>


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] | None = None
        self.h1_block: int | None = None
        self._current: list[str] = []
        self._hidden_depth = 0
        self._in_title = False
        self._in_first_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden_depth += 1
        elif tag == "title" and self.title_parts is None:
            self._in_title, self.title_parts = True, []
        elif tag in ("meta", "link"):
            self._read_meta(tag, {name: value or "" for name, value in attrs})
        if tag in _BLOCKS:
            self._flush()
            if tag == "h1" and self.h1_block is None:
                self._in_first_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag == "title":
            self._in_title = False
        if tag in _BLOCKS:
            self._flush()
            if tag == "h1" and self._in_first_h1:
                self._in_first_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_title and self.title_parts is not None:
            self.title_parts.append(data)
        elif self._hidden_depth == 0:
            self._current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        block = " ".join("".join(self._current).split())
        self._current = []
        if not block:
            return
        if self._in_first_h1 and self.h1_block is None:
            self.h1_block = len(self.blocks)
        self.blocks.append(block)

    def _read_meta(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "link" and "canonical" in attrs.get("rel", "").lower().split():
            self.meta.setdefault("url", attrs.get("href", "").strip())
            return
        key = (attrs.get("property") or attrs.get("name") or "").lower()
        field = _META_FIELDS.get(key)
        if field is not None and attrs.get("content", "").strip():
            self.meta.setdefault(field, attrs["content"].strip())


def parse_page(html: str) -> Page:
    """Return the page's visible text blocks (script and style dropped) and its metadata."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    title = None
    if parser.title_parts is not None:
        title = " ".join("".join(parser.title_parts).split()) or None
    return Page(
        blocks=tuple(parser.blocks),
        title=title,
        h1_block=parser.h1_block,
        meta=tuple(sorted((k, v) for k, v in parser.meta.items() if v)),
    )
