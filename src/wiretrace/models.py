"""Typed records shared by every stage (layer 0: imports nothing from wiretrace).

Records are frozen dataclasses so that stages cannot mutate what another stage
produced; collections inside them are tuples for the same reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

TRANSIENT = "transient"  # field metadata: a memo, left out when pickled (``pickled_by_fields``)


def pickled_by_fields(cls: type[T]) -> type[T]:
    """Give a slotted dataclass a state that is its field values read by one ``attrgetter``.

    A slotted dataclass's own ``__getstate__`` and ``__setstate__`` call ``fields()`` for
    every object pickled: verdicts and features cross between processes by the hundred
    thousand, and that lookup was most of the time spent sending them. The state is the
    same tuple of values, so objects pickled either way read back alike.
    A field whose metadata says ``transient`` (a memo) is not sent: it reads back as its
    default.
    """
    kept = [f for f in fields(cls) if not f.metadata.get(TRANSIENT)]  # type: ignore[arg-type]
    names = tuple(f.name for f in kept)
    transient = tuple(
        (f.name, f.default)
        for f in fields(cls)  # type: ignore[arg-type]
        if f.metadata.get(TRANSIENT)
    )
    read: Callable[[Any], Any] = attrgetter(*names)
    single = len(names) == 1

    def getstate(self: Any) -> tuple[Any, ...]:
        values = read(self)
        return (values,) if single else values

    def setstate(self: Any, state: tuple[Any, ...]) -> None:
        for name, value in zip(names, state, strict=True):
            object.__setattr__(self, name, value)
        for name, default in transient:
            object.__setattr__(self, name, default)

    setattr(cls, "__getstate__", getstate)  # noqa: B010 (the dataclass set its own)
    setattr(cls, "__setstate__", setstate)  # noqa: B010
    return cls


class Relation(StrEnum):
    """How a derivative relates to its source."""

    VERBATIM = "verbatim"
    EXCERPT = "excerpt"
    CONDENSED = "condensed"
    PARAPHRASE = "paraphrase"
    UPDATE = "update"
    INDEPENDENT = "independent"
    UNRELATED = "unrelated"

    @property
    def is_derivation(self) -> bool:
        """True when the derivative was made from the source's text."""
        return self not in (Relation.INDEPENDENT, Relation.UNRELATED)


class SentenceRole(StrEnum):
    """What a sentence is inside an article; only BODY carries the story."""

    BODY = "body"
    TITLE = "title"
    CHROME = "chrome"  # site furniture: breadcrumbs, share bars, newsletter prompts, comment forms
    CAPTION = "caption"  # photo captions
    CREDIT = "credit"  # photo credits, copyright lines
    BYLINE = "byline"  # "By Jane Doe", "- AFP", agency tags
    DATELINE = "dateline"  # a "CARACAS:" or "date 2025-12-01 Washington DC -" lead-in


class AlignKind(StrEnum):
    """How one aligned unit of a derivative relates to its source sentences."""

    IDENTICAL = "identical"
    EDITED = "edited"
    PARAPHRASED = "paraphrased"
    MERGED = "merged"  # several source sentences condensed into one
    SPLIT = "split"  # one source sentence split into several


class ChangeKind(StrEnum):
    """What changed inside an aligned unit."""

    NUMBER = "number"
    ENTITY = "entity"
    QUOTE = "quote"
    ATTRIBUTION = "attribution"
    HEDGE = "hedge"
    NEGATION = "negation"
    INTENSITY = "intensity"  # exaggeration or softening of the same fact


class AddedKind(StrEnum):
    """What a derivative sentence without a source counterpart is."""

    BOILERPLATE = "boilerplate"
    CAPTION = "caption"
    BYLINE = "byline"  # bylines and datelines
    EDITORIAL = "editorial"  # opinion or framing
    NEW_INFORMATION = "new_information"


def content_hash(text: str) -> str:
    """Return the hex SHA-256 of a text, the identity of an article's content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Article:
    """One article as ingested: the raw text and whatever metadata came with it."""

    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    _hash: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def content_hash(self) -> str:
        """The SHA-256 of the text, computed once (an analysis asks for it several times)."""
        found = self._hash
        if found is None:
            found = content_hash(self.text)
            object.__setattr__(self, "_hash", found)
        return found


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range [start, end) into an article's original text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"span must satisfy 0 <= start <= end, got {self.start}, {self.end}")


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article.

    ``text`` is the original substring ``article.text[span.start:span.end]``;
    ``norm`` is its normalised form (NFKC, straight quotes, plain dashes,
    single spaces) used for comparison.
    """

    index: int
    span: Span
    text: str
    norm: str
    paragraph: int
    role: SentenceRole = SentenceRole.BODY


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Document:
    """An article prepared for comparison: its sentences with roles and offsets."""

    article: Article
    sentences: tuple[Sentence, ...]
    dateline: str | None = None  # e.g. "CARACAS"
    attribution: str | None = None  # agency tag found in the text, e.g. "AFP"
    update_marker: int | None = None  # N of an "UPDATE N" marker in title or text
    # ``body`` and ``body_text``, read once (a document is compared with several others)
    _body: tuple[Sentence, ...] | None = field(default=None, init=False, repr=False, compare=False)
    _body_text: str | None = field(default=None, init=False, repr=False, compare=False)
    _memo: dict[Callable[[Document], Any], Any] | None = field(
        default=None, init=False, repr=False, compare=False, metadata={TRANSIENT: True}
    )

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def body(self) -> tuple[Sentence, ...]:
        """The sentences that carry the story (role BODY)."""
        if self._body is None:
            body = tuple(s for s in self.sentences if s.role is SentenceRole.BODY)
            object.__setattr__(self, "_body", body)
            return body
        return self._body

    @property
    def body_text(self) -> str:
        """Normalised body sentences joined by single spaces."""
        if self._body_text is None:
            text = " ".join(s.norm for s in self.body)
            object.__setattr__(self, "_body_text", text)
            return text
        return self._body_text

    def derived(self, compute: Callable[[Document], R]) -> R:
        """Return ``compute(self)``, computed once for this document and kept with it.

        For what a comparison reads of each side (keys, facts, quotations): a document is
        compared with several others. ``compute`` must be a pure function of the document,
        and a module-level one (the function object is the memo's key).
        """
        memo = self._memo
        if memo is None:
            memo = {}
            object.__setattr__(self, "_memo", memo)
        if compute in memo:
            found: R = memo[compute]
            return found
        value = memo[compute] = compute(self)
        return value


@dataclass(frozen=True, slots=True)
class Signature:
    """A MinHash signature of a document's body shingles."""

    article_id: str
    hashvalues: tuple[int, ...]
    shingle_count: int
    scheme: str  # names the shingling and hashing, so stored signatures can be checked


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Candidate:
    """A proposed pair of articles (a < b by id), with why it was proposed."""

    a: str
    b: str
    reasons: tuple[str, ...]
    score: float


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Change:
    """One change inside an aligned unit, with the text on each side as evidence."""

    kind: ChangeKind
    source_text: str
    derivative_text: str
    note: str = ""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class AlignedPair:
    """Source sentences matched to derivative sentences (indices into ``Document.sentences``)."""

    source_sentences: tuple[int, ...]
    derivative_sentences: tuple[int, ...]
    kind: AlignKind
    score: float
    changes: tuple[Change, ...] = ()


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Omitted:
    """A source sentence with no counterpart in the derivative."""

    sentence: int
    text: str
    caveat: bool = False


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Added:
    """A derivative sentence with no counterpart in the source."""

    sentence: int
    text: str
    kind: AddedKind


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Alignment:
    """The sentence alignment of a derivative against a source."""

    pairs: tuple[AlignedPair, ...]
    omitted: tuple[Omitted, ...]
    added: tuple[Added, ...]
    coverage_source: float  # share of source body characters covered by pairs
    coverage_derivative: float  # share of derivative body characters covered by pairs


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Comparison:
    """The verdict on a pair: direction, relation, alignment and evidence."""

    source: str
    derivative: str
    relation: Relation
    confidence: float
    alignment: Alignment
    direction_confidence: float = 0.5
    evidence: tuple[str, ...] = ()

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(c for p in self.alignment.pairs for c in p.changes)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Edge:
    """A verified link of a family's derivation graph."""

    source: str
    derivative: str
    relation: Relation
    score: float
    changes: tuple[Change, ...] = ()
    evidence: tuple[str, ...] = ()


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Family:
    """One story: its members, its origin and the derivation graph between them."""

    id: str
    origin: str
    members: tuple[str, ...]
    edges: tuple[Edge, ...] = ()
    duplicate_groups: tuple[tuple[str, ...], ...] = field(default=())
