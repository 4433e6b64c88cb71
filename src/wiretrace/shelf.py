"""Articles held compressed: what an analysis keeps of every text while it runs.

An analysis reads each article's text a few times (features, verification, a family's
re-oriented links), far apart, and a corpus's texts are most of what it would otherwise hold:
~5.5 KB an article as Python strings, 5.5 GB for a million. An ``ArticleShelf`` keeps each
article (its text and metadata) as one zlib-compressed record (about 2.5x smaller for news
prose) in one byte buffer, with the content hashes in another, and gives the ``Article`` back
when asked, its content hash already known.

One buffer rather than an object per article: forked workers read the parent's shelf without
copying it. Reading a Python object writes its reference count, so a worker that read a
million per-article objects would copy every memory page they lie on (~2.3 GB at 1M); reading
a slice of one buffer writes nothing. An analysis puts the records in a temporary file
(``spill_dir``: a ``SpillFile``), so that the ~2 GB of a million articles' records are not
held in its memory at all while it indexes and judges them.
"""

from __future__ import annotations

import struct
import zlib
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime

from wiretrace.models import Article
from wiretrace.runtime import ValuesOf
from wiretrace.spill import SpillFile

__all__ = ["ArticleShelf"]

LEVEL = 1  # zlib's fastest level: a tenth of the time of the default, ~10% larger
_HEADER = struct.Struct("<4i")  # byte lengths of title, outlet, url, published_at (-1: None)
_HASH = 32  # bytes of a SHA-256


def _encoded(value: str | None) -> bytes | None:
    return None if value is None else value.encode("utf-8")


def _record(article: Article) -> bytes:
    """Return the compressed record of an article: header, metadata fields, text."""
    when = article.published_at
    fields = [
        _encoded(article.title),
        _encoded(article.outlet),
        _encoded(article.url),
        None if when is None else when.isoformat().encode("ascii"),
    ]
    header = _HEADER.pack(*(-1 if f is None else len(f) for f in fields))
    body = b"".join(f for f in fields if f is not None)
    return zlib.compress(header + body + article.text.encode("utf-8"), LEVEL)


def _article(article_id: str, record: bytes, content_hash: str) -> Article:
    raw = zlib.decompress(record)
    at = _HEADER.size
    fields: list[str | None] = []
    for length in _HEADER.unpack_from(raw):
        if length < 0:
            fields.append(None)
        else:
            fields.append(raw[at : at + length].decode("utf-8"))
            at += length
    title, outlet, url, published = fields
    article = Article(
        id=article_id,
        text=raw[at:].decode("utf-8"),
        title=title,
        outlet=outlet,
        url=url,
        published_at=None if published is None else datetime.fromisoformat(published),
    )
    object.__setattr__(article, "_hash", content_hash)  # known: not computed again
    return article


class ArticleShelf(Mapping[str, Article]):
    """Articles by id, each a compressed record in one buffer. Iterates the ids ascending.

    With ``spill_dir`` the records go to a temporary file there ("" for the system's
    temporary directory; ``SpillFile``) instead of memory; ``close`` lets it go.
    """

    def __init__(self, articles: Iterable[Article] = (), spill_dir: str | None = None) -> None:
        self._row: dict[str, int] = {}  # id -> row number
        # every row's record, one after the other
        self._records = SpillFile.under(spill_dir)
        self._ends = array("Q")  # where each row's record ends in ``_records``
        self._hashes = bytearray()  # each row's content hash, 32 bytes
        self._sorted: list[str] | None = None
        for article in articles:
            self.add(article)

    def add(self, article: Article) -> None:
        """Keep ``article`` (replacing one of the same id: its old record stays, unread)."""
        self._append(article.id, _record(article), bytes.fromhex(article.content_hash))

    def _append(self, article_id: str, record: bytes, digest: bytes) -> None:
        if article_id not in self._row:
            self._sorted = None
        self._row[article_id] = len(self._ends)
        self._records.append(record)
        self._ends.append(len(self._records))
        self._hashes += digest

    def _raw(self, row: int) -> tuple[bytes, bytes]:
        start = self._ends[row - 1] if row else 0
        digest = bytes(self._hashes[row * _HASH : (row + 1) * _HASH])
        return self._records.read(start, self._ends[row]), digest

    def __getitem__(self, article_id: str) -> Article:
        record, digest = self._raw(self._row[article_id])
        return _article(article_id, record, digest.hex())

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._row

    def __len__(self) -> int:
        return len(self._row)

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    @property
    def ids(self) -> list[str]:
        """The ids, ascending."""
        if self._sorted is None:
            self._sorted = sorted(self._row)
        return self._sorted

    def content_hash(self, article_id: str) -> str:
        """Return the content hash of an article, without reading its text."""
        row = self._row[article_id]
        return self._hashes[row * _HASH : (row + 1) * _HASH].hex()

    def compressed_bytes(self) -> int:
        """Return the size of the records held (replaced ones included)."""
        return len(self._records)

    def close(self) -> None:
        """Let a spilled shelf's file go (reading its records afterwards raises)."""
        self._records.close()

    def subset(self, article_ids: Iterable[str]) -> ArticleShelf:
        """Return a shelf of some of these articles (what a spawned worker needs)."""
        part = ArticleShelf()
        for article_id in article_ids:
            part._append(article_id, *self._raw(self._row[article_id]))
        return part

    def sequence(self, article_ids: Sequence[str]) -> ValuesOf[Article]:
        """Return the articles of ``article_ids`` as a sequence, each read when indexed."""
        return ValuesOf(self, article_ids)
