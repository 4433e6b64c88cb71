"""Placeholder preparation (to be replaced by the full text stage)."""

from __future__ import annotations

import re
import unicodedata

from wiretrace.models import Article, Document, Sentence, Span

_SENT = re.compile(r"[^\n.!?]+(?:[.!?]+[\"”’']?|$)")


def prepare(article: Article) -> Document:
    """Return the article split into sentences with offsets (simplistic version)."""
    sentences: list[Sentence] = []
    paragraph = 0
    for block in re.finditer(r"[^\n]+", article.text):
        for match in _SENT.finditer(block.group()):
            raw = match.group()
            stripped = raw.strip()
            if not stripped:
                continue
            start = block.start() + match.start() + raw.index(stripped)
            norm = " ".join(unicodedata.normalize("NFKC", stripped).split())
            sentences.append(
                Sentence(len(sentences), Span(start, start + len(stripped)), stripped, norm, paragraph)
            )
        paragraph += 1
    return Document(article=article, sentences=tuple(sentences))
