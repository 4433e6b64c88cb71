"""Candidate generation: propose pairs of articles worth aligning; alignment verifies.

Four generators look at features computed once per article text:

- ``lsh``: banded MinHash LSH at ``jaccard_threshold`` finds near duplicates;
- ``containment``: a low-threshold LSH whose collisions must reach an estimated
  containment of ``containment_threshold`` finds excerpts (see ``containment``);
- ``sentences``: two articles sharing >= 2 exact body sentences (>= 6 words);
- ``anchors``: rare names, numbers and content-word 3-grams, IDF-weighted and
  found in at least ``anchor_min_lines`` different sentences of each article,
  find rewrites that keep the facts (see ``anchors``);
- ``semantic``: the nearest articles by a cheap article/lead vector whose
  cosine passes a threshold and that share a rare anchor or a publication
  window find condensed rewrites with too few anchors (see ``semantic``).

Boilerplate guard: a body line held by >= 3 articles is a *template line* when
it is not part of a copy (the pair shares less than half of the smaller
article's lines). Template lines are not counted as shared sentences, their
anchors are not counted, and their share of the smaller article is taken off
the LSH and containment estimates, so articles of one outlet that share only a
newsletter or copyright footer are not proposed even when the text stage left
that footer in the body.

``CandidateIndex`` is incremental (``add`` then ``query`` new articles against
what it holds); ``propose`` gives every pair of a corpus once, independent of
input order.
"""

from __future__ import annotations

import base64
import itertools
import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import numpy.typing as npt
import orjson
import xxhash

from wiretrace import fingerprint
from wiretrace.align import facts_of
from wiretrace.candidates.anchors import (
    anchor_weight,
    content_kinds,
    extract_anchors,
    hashed_anchors,
)
from wiretrace.candidates.containment import (
    LineIndex,
    containment_estimate,
    jaccard_estimate,
    jaccard_for_containment,
)
from wiretrace.candidates.lsh import LSHIndex, Postings
from wiretrace.candidates.semantic import (
    ArticleVectors,
    SemanticIndex,
    SemanticSettings,
    article_vectors,
    day_number,
    semantic_scheme,
    semantic_settings,
)
from wiretrace.config import CandidateSettings
from wiretrace.models import Candidate, Document, pickled_by_fields
from wiretrace.runtime import ValuesOf, paused_gc
from wiretrace.text.prepare import TEXT_RULES

__all__ = [
    "FEATURES_VERSION",
    "CandidateFeatures",
    "CandidateIndex",
    "CorpusCandidates",
    "SemanticSettings",
    "fact_hashes",
    "fact_overlap",
    "facts_overlap",
    "features",
    "features_scheme",
    "propose",
    "shares_text",
    "spans_lines",
]

FEATURES_VERSION = 2  # layout of the stored JSON (1 is still read: see ``from_json``)
_READ_VERSIONS = frozenset((1, FEATURES_VERSION))
ANCHOR_SCHEME = "a3"  # names the anchor rules (a3: anchors held as hashes); part of the scheme
MIN_SHARED_SENTENCES = 2
TEMPLATE_MIN_DF = 3  # a line held by this many articles may be boilerplate
COPY_SHARE = 0.5  # sharing this share of the smaller article's lines makes a copy
CONTAINMENT_RECALL_WEIGHT = 0.7  # the excerpt LSH prefers misses to be rare


def features_scheme(settings: CandidateSettings, semantic: SemanticSettings | None = None) -> str:
    """Return the scheme string features computed with ``settings`` carry.

    ``semantic`` overrides the semantic settings read from ``settings``.
    Raises DependencyError when the static model is asked for and cannot load.
    """
    semantic = semantic or semantic_settings(settings)
    semantic_part = semantic_scheme(semantic)
    return f"{fingerprint.scheme_for(settings)}/{ANCHOR_SCHEME}/{semantic_part}/t{TEXT_RULES}"


if TYPE_CHECKING:
    Hashes: TypeAlias = array[int]
else:
    Hashes = array
"""Unsigned 64-bit hashes (typecode "Q"), or 32-bit MinHash values ("I")."""


def _no_hashes() -> Hashes:
    return array("Q")


_HASH_FIELDS = (("signature", "I"), ("sentence_hashes", "Q"), ("anchor_lines", "Q"), ("facts", "Q"))


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class CandidateFeatures:
    """What candidate search needs of one article text, computed once and stored as JSON.

    The hash fields (``signature``, ``sentence_hashes``, ``anchor_lines``, ``facts``) are
    machine arrays (``Hashes``), whatever sequence they were given as: a corpus's features
    are held together, and a tuple of Python ints costs ~40 bytes a value.
    ``anchors`` are the 64-bit hashes of the anchors (``anchors.anchor_hash_list``),
    distinct and ascending; anchors given as strings are hashed (and any given order
    sorted). ``anchor_lines[i]`` is the line hash of the body sentence where
    ``anchors[i]`` was first found (used to set boilerplate anchors aside);
    ``vectors`` holds the base64 int8 article and lead vectors ("" when the
    semantic generator is off); ``published_day`` is the UTC day number of
    publication when known; ``scheme`` names the fingerprinting that produced
    the values.
    """

    article_id: str
    signature: Hashes
    sentence_hashes: Hashes
    anchors: Hashes
    word_count: int
    anchor_lines: Hashes = field(default_factory=_no_hashes)
    scheme: str = ""
    vectors: str = ""
    published_day: int | None = None
    facts: Hashes = field(
        default_factory=_no_hashes
    )  # hashes of the body's names and numbers (``fact_overlap``)

    def __post_init__(self) -> None:
        if not isinstance(self.anchors, array) or self.anchors.typecode != "Q":
            # anchors given some other way (strings, by hand, from JSON): hashed and sorted
            anchors, lines = hashed_anchors(list(self.anchors), list(self.anchor_lines))
            object.__setattr__(self, "anchors", array("Q", anchors))
            object.__setattr__(self, "anchor_lines", array("Q", lines))
        # the hash fields are kept as machine arrays whatever sequence was given: a tuple of
        # Python ints costs ~40 bytes a value, and features of a whole corpus are held
        for name, code in _HASH_FIELDS:
            given = getattr(self, name)
            if not isinstance(given, array) or given.typecode != code:
                object.__setattr__(self, name, array(code, given))
        if self.anchor_lines and len(self.anchor_lines) != len(self.anchors):
            raise ValueError(
                f"anchor_lines must match anchors, got {len(self.anchor_lines)} "
                f"for {len(self.anchors)}"
            )
        if self.word_count < 0:
            raise ValueError(f"word_count must be >= 0, got {self.word_count}")

    def to_json(self) -> str:
        """Return the features as compact JSON with a layout version.

        The hash fields are written as base64 of their little-endian machine values: half
        the bytes of decimal numbers, and quicker both ways (a corpus's features are written
        once and read back whenever a stored corpus is checked against).
        """
        return orjson.dumps(
            {
                "version": FEATURES_VERSION,
                "scheme": self.scheme,
                "article_id": self.article_id,
                "word_count": self.word_count,
                "signature": _packed(self.signature),
                "sentence_hashes": _packed(self.sentence_hashes),
                "anchors": _packed(self.anchors),
                "anchor_lines": _packed(self.anchor_lines),
                "vectors": self.vectors,
                "published_day": self.published_day,
                "facts": _packed(self.facts),
            },
        ).decode("utf-8")

    @staticmethod
    def from_json(s: str) -> CandidateFeatures:
        """Return the features stored by ``to_json`` (this layout, or version 1's lists of
        numbers).

        Raises ValueError on malformed JSON, a missing or malformed field, or a layout
        version it does not read.
        """
        try:
            data = orjson.loads(s)
        except orjson.JSONDecodeError as exc:
            raise ValueError(f"candidate features are not valid JSON: {exc}") from exc
        if not isinstance(data, dict) or data.get("version") not in _READ_VERSIONS:
            found = data.get("version") if isinstance(data, dict) else type(data).__name__
            raise ValueError(f"candidate features version must be {FEATURES_VERSION}, got {found}")
        try:
            return _features_from_dict(data)
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise ValueError(f"candidate features are incomplete: {exc!r}") from exc


def _packed(values: Hashes) -> str:
    """Return machine values as base64 of their little-endian bytes."""
    if sys.byteorder != "little":
        values = array(values.typecode, values)
        values.byteswap()
    return base64.b64encode(values.tobytes()).decode("ascii")


def _unpacked(value: object, code: str) -> Hashes:
    """Return the values of a hash field as written by ``_packed`` (a string) or by version 1
    (a list of numbers). Raises ValueError on bad base64 or a length
    that is no whole number of values, TypeError on anything else."""
    if isinstance(value, str):
        found = array(code)
        found.frombytes(base64.b64decode(value, validate=True))
        if sys.byteorder != "little":
            found.byteswap()
        return found
    if isinstance(value, list):
        return array(code, value)
    raise TypeError(f"a hash field is base64 or a list of numbers, got {type(value).__name__}")


def _strictly_ascending(values: Hashes) -> bool:
    column = np.frombuffer(values, dtype=np.uint64) if len(values) else None
    return column is None or bool(np.all(column[1:] > column[:-1]))


def _features_from_dict(data: dict[str, Any]) -> CandidateFeatures:
    raw, raw_lines = data["anchors"], data.get("anchor_lines", [])
    anchors, lines = array("Q"), array("Q")
    if isinstance(raw, str):  # as ``to_json`` writes them: distinct hashes in ascending order
        anchors, lines = _unpacked(raw, "Q"), _unpacked(raw_lines, "Q")
    if not isinstance(raw, str) or not _strictly_ascending(anchors):
        # version 1, or by hand (strings allowed): hashed, sorted and checked on the way in
        given = list(raw) if not isinstance(raw, str) else list(anchors)
        given_lines = list(raw_lines) if not isinstance(raw, str) else list(lines)
        ordered, ordered_lines = hashed_anchors(given, given_lines)
        anchors, lines = array("Q", ordered), array("Q", ordered_lines)
    return CandidateFeatures(
        article_id=str(data["article_id"]),
        signature=_unpacked(data["signature"], "I"),
        sentence_hashes=_unpacked(data["sentence_hashes"], "Q"),
        anchors=anchors,
        word_count=int(data["word_count"]),
        anchor_lines=lines,
        scheme=str(data.get("scheme", "")),
        vectors=str(data.get("vectors", "")),
        published_day=None if data.get("published_day") is None else int(data["published_day"]),
        facts=_unpacked(data.get("facts", []), "Q"),
    )


def fact_hashes(body_text: str) -> tuple[int, ...]:
    """Return the sorted 64-bit hashes of the names and numbers of a body text (the
    ``align.body_facts`` that the verdict's fact overlap compares)."""
    return tuple(sorted(set(map(xxhash.xxh3_64_intdigest, map(str.encode, facts_of(body_text))))))


def fact_overlap(first: CandidateFeatures, second: CandidateFeatures) -> tuple[float, int]:
    """Return the share of the smaller side's names and numbers the other holds, and how many
    are shared: the verdict's fact overlap (``relation.triage``), read off the features."""
    return facts_overlap(first.facts, second.facts)


def facts_overlap(first: Sequence[int], second: Sequence[int]) -> tuple[float, int]:
    """``fact_overlap`` of two features' fact hashes (``CandidateFeatures.facts``)."""
    shared = len(set(first).intersection(second))
    smaller = min(len(first), len(second))
    return (shared / smaller if smaller else 0.0), shared


@lru_cache(maxsize=16)  # pure; every article of a run asks with the same settings
def _semantic_and_scheme(
    settings: CandidateSettings, semantic: SemanticSettings | None
) -> tuple[SemanticSettings, str]:
    """Return the semantic settings ``features`` uses and the scheme its features carry."""
    semantic = semantic or semantic_settings(settings)
    return semantic, features_scheme(settings, semantic)


def features(
    doc: Document, settings: CandidateSettings, semantic: SemanticSettings | None = None
) -> CandidateFeatures:
    """Return the candidate features of ``doc``'s body (tokenised once for all of them).

    ``semantic`` overrides the semantic settings read from ``settings``.
    Raises DependencyError when the static model is asked for and cannot load.
    """
    semantic, scheme = _semantic_and_scheme(settings, semantic)
    sentences = fingerprint.body_sentences(doc)
    body = fingerprint.tokens_from_words([fingerprint.tokenise(s.norm) for s in sentences])
    signature = fingerprint.signature_from_tokens(doc.id, body, settings)
    line_hashes = [fingerprint.line_hash(words) for words in body.words]
    norms = [s.norm for s in sentences]
    kinds = content_kinds(body.stream)
    anchors, anchor_lines = hashed_anchors(*extract_anchors(norms, body, line_hashes, kinds))
    vectors = article_vectors(norms, body, semantic, kinds)
    return CandidateFeatures(
        article_id=doc.id,
        signature=array("I", signature.hashvalues),
        sentence_hashes=array(
            "Q",
            [
                line
                for line, words in zip(line_hashes, body.words, strict=True)
                if len(words) >= fingerprint.MIN_SENTENCE_WORDS
            ],
        ),
        anchors=array("Q", anchors),
        word_count=len(body.stream),
        anchor_lines=array("Q", anchor_lines),
        scheme=scheme,
        vectors="" if vectors is None else vectors.encode(),
        published_day=day_number(doc.article.published_at),
        facts=array("Q", fact_hashes(doc.body_text)),
    )


# reasons that say the two texts share wording (the rest: rare anchors, vectors)
TEXT_REASONS = frozenset({"lsh", "containment", "sentences", "common-lines"})


def shares_text(candidate: Candidate) -> bool:
    """Return True when ``candidate`` was proposed on shared wording, not only on facts or
    vectors (a reason names its generator before the first colon)."""
    return any(reason.partition(":")[0] in TEXT_REASONS for reason in candidate.reasons)


def candidate_from(
    a: str, b: str, evidence: Iterable[tuple[str, float] | None], boilerplate: float
) -> Candidate | None:
    """Return the candidate (a, b) from the evidence that holds, or None when none does.

    The score is the strongest evidence; a discount for shared boilerplate is named in
    the reasons.
    """
    found = [e for e in evidence if e is not None]
    if not found:
        return None
    reasons = tuple(reason for reason, _ in found)
    if boilerplate > 0.0:
        reasons += (f"common-lines:{boilerplate:.2f}",)
    score = round(max(0.0, min(1.0, max(s for _, s in found))), 4)
    return Candidate(a, b, reasons, score)


def spans_lines(f: CandidateFeatures, anchors: Iterable[int], need: int) -> bool:
    """Return True when ``anchors`` (all of them ``f``'s) were first found in at least ``need``
    different body lines of ``f``; without anchor lines, each anchor counts as its own line.

    A rewrite keeps facts from all over its source; the rare words of one shared sentence (a
    quote, a reused clause) say nothing about the rest of the two stories.
    """
    lines: set[int] = set()
    for anchor in anchors:
        if not f.anchor_lines:
            lines.add(anchor)
        else:
            at = bisect_left(f.anchors, anchor)  # features hold their anchors sorted
            if at == len(f.anchors) or f.anchors[at] != anchor:
                raise ValueError(f"{f.article_id} holds no anchor {anchor}")
            lines.add(f.anchor_lines[at])
        if len(lines) >= need:
            return True
    return len(lines) >= need


def anchor_evidence(
    f: CandidateFeatures,
    g: CandidateFeatures,
    shared: Sequence[int],
    weights: Sequence[float],
    settings: CandidateSettings,
) -> tuple[str, float] | None:
    """Return the anchor evidence of a pair from its shared content anchors (sorted) and their
    weights: their summed weight must reach ``anchor_min_shared`` and the rare ones must
    come from ``anchor_min_lines`` different lines of each article."""
    weight = sum(weights)
    if weight < settings.anchor_min_shared:
        return None
    rare = [a for a, w in zip(shared, weights, strict=True) if w > 0.0]
    need = settings.anchor_min_lines
    if not (spans_lines(f, rare, need) and spans_lines(g, rare, need)):
        return None
    score = weight / max(1, min(len(f.anchors), len(g.anchors)))
    return f"anchors:{weight:.1f}", score


@dataclass(frozen=True, slots=True)
class _Stats:
    """Corpus counts seen by one comparison: the query itself counts when not yet added."""

    articles: int
    extra: int  # 1 when the queried article is not in the index


class CandidateIndex:
    """An incremental index of candidate features.

    ``query`` proposes candidates among the articles already added; counts of
    how many articles hold a line or an anchor include the queried article.
    """

    def __init__(
        self, settings: CandidateSettings, semantic: SemanticSettings | None = None
    ) -> None:
        """Build an empty index; ``semantic`` overrides the settings read from ``settings``."""
        self.settings = settings
        self.semantic = semantic or semantic_settings(settings)
        self.scheme = features_scheme(settings, self.semantic)
        self._features: dict[str, CandidateFeatures] = {}
        self._signatures: dict[str, npt.NDArray[np.uint64]] = {}
        self._ids: list[str] = []  # article ids in the order added ...
        self._numbers: dict[str, int] = {}  # ... and each id's number in that order
        self._near = LSHIndex.for_threshold(settings.jaccard_threshold, settings.num_perm)
        self._excerpt = LSHIndex.for_threshold(
            jaccard_for_containment(settings.containment_threshold),
            settings.num_perm,
            fn_weight=CONTAINMENT_RECALL_WEIGHT,
        )
        self._lines = LineIndex()
        self._anchors: Postings[int, int] = Postings()  # anchor -> numbers of its holders
        self._vectors = SemanticIndex()
        self._rows: list[int] = []  # each added article's semantic row, by number (-1: none)
        self._rows_array: npt.NDArray[np.intp] | None = None
        self._weights: _AnchorTable | None = None  # see ``fix_counts``

    def __len__(self) -> int:
        return len(self._features)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._features

    def _check(self, f: CandidateFeatures) -> None:
        if f.scheme and f.scheme != self.scheme:
            raise ValueError(
                f"features of {f.article_id!r} use scheme {f.scheme!r}, "
                f"this index needs {self.scheme!r}: compute them again"
            )
        if len(f.signature) != self.settings.num_perm:
            raise ValueError(
                f"signature of {f.article_id!r} must have {self.settings.num_perm} values, "
                f"got {len(f.signature)}"
            )

    def add(self, f: CandidateFeatures) -> None:
        """Add one article's features.

        Raises ValueError when the article is already in the index or its
        features were computed with another scheme or signature length.
        """
        self._check(f)
        if f.article_id in self._features:
            raise ValueError(f"article already in the candidate index: {f.article_id!r}")
        self._features[f.article_id] = f
        self._weights = None
        if f.word_count > 0:
            self._near.add(f.article_id, f.signature)
            self._excerpt.add(f.article_id, f.signature)
        self._lines.add(f.article_id, f.sentence_hashes)
        self._numbers[f.article_id] = len(self._ids)
        self._anchors.post(f.anchors, len(self._ids))
        self._ids.append(f.article_id)
        if self.semantic.enabled and f.vectors:
            self._vectors.add(f.article_id, ArticleVectors.decode(f.vectors))
        self._rows.append(self._vectors.row_of(f.article_id))

    def _semantic_neighbours(
        self, queries: Sequence[CandidateFeatures]
    ) -> tuple[dict[str, dict[str, float]], dict[str, list[str]]]:
        """Return each query's nearest added articles by vector cosine (id -> cosine), among
        the articles sharing at least one rare anchor with it (the semantic evidence needs one,
        and searching only them keeps the search linear in the corpus); and, found on the way,
        each query's anchor suspects (see ``_anchor_holders``)."""
        found: dict[str, dict[str, float]] = {}
        suspects: dict[str, list[str]] = {}
        for f in queries:
            suspects[f.article_id], pool = self._anchor_holders(f, self._stats(f))
            if not self.semantic.enabled or not f.vectors:
                continue
            rows = self._semantic_rows()[pool]
            near = self._vectors.neighbours_in_rows(
                ArticleVectors.decode(f.vectors),
                rows[rows >= 0],
                self.semantic.top_k,
                self.semantic.threshold,
            )
            found[f.article_id] = dict(near)
        return found, suspects

    def _semantic_rows(self) -> npt.NDArray[np.intp]:
        """Return the semantic index row of each added article by number (-1: no vectors)."""
        if self._rows_array is None or len(self._rows_array) != len(self._rows):
            self._rows_array = np.asarray(self._rows, dtype=np.intp)
        return self._rows_array

    def query(self, f: CandidateFeatures) -> list[Candidate]:
        """Return the candidates of ``f`` among the added articles, excluding itself.

        At most ``max_candidates_per_article`` (the best scores), sorted by ids.
        Raises ValueError when ``f`` was computed with another scheme.
        """
        self._check(f)
        near, suspects = self._semantic_neighbours([f])
        found = self._candidates(f, near.get(f.article_id, {}), suspects=suspects[f.article_id])
        found.sort(key=_best_first)
        return sorted(found[: self.settings.max_candidates_per_article], key=_by_ids)

    def _stats(self, f: CandidateFeatures) -> _Stats:
        extra = 0 if f.article_id in self._features else 1
        return _Stats(len(self._features) + extra, extra)

    def _candidates(
        self,
        f: CandidateFeatures,
        near: dict[str, float] | None = None,
        after: bool = False,
        suspects: Sequence[str] | None = None,
    ) -> list[Candidate]:
        """Return the judged candidates of ``f``; ``near`` maps semantic neighbours to cosines.

        With ``after``, only articles whose ids sort after ``f``'s are judged (a corpus run
        judges each pair once, from its first article: judging and gathering are symmetric).
        ``suspects`` are ``f``'s anchor suspects when already known.
        """
        stats = self._stats(f)
        near = near or {}
        if suspects is None:
            suspects = self._anchor_holders(f, stats)[0]
        others = self._gather(f, stats, near, suspects)
        if after:
            others = [other for other in others if other > f.article_id]
        probe = self._probe(f)
        judged = (self._judge(f, other, stats, probe, near.get(other)) for other in others)
        return [c for c in judged if c is not None]

    def _gather(
        self,
        f: CandidateFeatures,
        stats: _Stats,
        near: dict[str, float],
        suspects: Iterable[str],
    ) -> list[str]:
        """Return the ids any generator points at (a superset of the candidates), sorted."""
        found: set[str] = set()
        if f.word_count > 0:
            near_bands, excerpt_bands = self._bands_primed(f)
            found.update(self._near.query(f.signature, near_bands))
            found.update(self._excerpt.query(f.signature, excerpt_bands))
        shared_lines: dict[str, int] = {}
        for line in set(f.sentence_hashes):
            holders = self._lines.holders(line)
            # A line in very many articles is chrome or a wire copy that LSH finds anyway.
            if len(holders) + stats.extra > self.settings.anchor_max_df:
                continue
            for other in holders:
                shared_lines[other] = shared_lines.get(other, 0) + 1
        found.update(k for k, n in shared_lines.items() if n >= MIN_SHARED_SENTENCES)
        found.update(suspects)
        found.update(near)
        found.discard(f.article_id)
        return sorted(found)

    def _anchor_holders(
        self, f: CandidateFeatures, stats: _Stats
    ) -> tuple[list[str], npt.NDArray[np.int64]]:
        """Return the *anchor suspects* of ``f`` and the numbers of the articles sharing at
        least one rare anchor with it, both without ``f`` and in the order added.

        A suspect's shared rare anchors (boilerplate included) weigh ``anchor_min_shared``
        and come from ``anchor_min_lines`` different lines of ``f``: the anchor evidence
        (``anchor_evidence``) needs both of the content anchors, a subset, so an article
        short of either cannot be proposed on anchors, and most holders are (their shared
        anchors are the rare words of one reused sentence). The weights and lines are
        counted per holder with numpy over the concatenated holder lists.
        """
        table = self._weight_table(stats)
        if table is not None:
            numbers, per_holder, at = table.holders(f.anchors)
        else:
            numbers, per_holder, at = self._counted_holders(f, stats)
        if not len(numbers):
            return [], np.zeros(0, dtype=np.int64)
        unique, inverse = np.unique(numbers, return_inverse=True)
        sums = np.bincount(inverse, weights=per_holder)
        own = self._numbers.get(f.article_id, -1)
        heavy = sums >= self.settings.anchor_min_shared
        if heavy.any():
            heavy &= (
                _lines_per_holder(f, at, inverse, len(unique)) >= self.settings.anchor_min_lines
            )
        suspects = [self._ids[n] for n in unique[heavy].tolist() if n != own]
        return suspects, unique[unique != own]

    def _holds(self, f: CandidateFeatures) -> bool:
        """Return True when ``f`` is the very features object added under its id."""
        return self._features.get(f.article_id) is f

    # the band hashes of the articles being judged (``prime_bands``), by id
    _primed: Mapping[str, tuple[CandidateFeatures, list[int], list[int]]] = MappingProxyType({})

    def prime_bands(self, block: Sequence[CandidateFeatures]) -> None:
        """Hash the LSH bands of a block of articles about to be judged in one pass (per
        article, a query's two band hashings were a fifth of judging); the next block's
        call lets them go. Their queries then read them (``_bands_primed``)."""
        signed = [
            f for f in block if f.word_count > 0 and len(f.signature) == self.settings.num_perm
        ]
        if not signed:
            self._primed = MappingProxyType({})
            return
        matrix = np.array([f.signature for f in signed], dtype=np.uint32)
        near = self._near.band_hash_rows(matrix)
        excerpt = self._excerpt.band_hash_rows(matrix)
        self._primed = {
            f.article_id: (f, n, e) for f, n, e in zip(signed, near, excerpt, strict=True)
        }

    def _bands_primed(self, f: CandidateFeatures) -> tuple[list[int] | None, list[int] | None]:
        """Return ``f``'s near and excerpt band hashes when ``prime_bands`` hashed them."""
        primed = self._primed.get(f.article_id)
        if primed is None or primed[0] is not f:
            return None, None
        return primed[1], primed[2]

    def _signature(self, f: CandidateFeatures) -> npt.NDArray[np.uint64]:
        """Return the signature of ``f`` as an array (kept for the articles added)."""
        if not self._holds(f):
            return np.asarray(f.signature, dtype=np.uint64)
        array = self._signatures.get(f.article_id)
        if array is None:
            array = self._signatures[f.article_id] = np.asarray(f.signature, dtype=np.uint64)
        return array

    def _counted_holders(
        self, f: CandidateFeatures, stats: _Stats
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
        """Return the holders of each rare anchor of ``f``, concatenated in anchor order, the
        anchor's weight for each and its position in ``f.anchors`` (counted now:
        ``_AnchorTable.holders`` reads them)."""
        lists: list[Sequence[int]] = []
        weights: list[float] = []
        positions: list[int] = []
        for position, anchor in enumerate(f.anchors):
            holders = self._anchors.get(anchor)
            if not holders:
                continue
            weight = self._anchor_weight(len(holders) + stats.extra, stats)
            if weight > 0.0:
                lists.append(holders)
                weights.append(weight)
                positions.append(position)
        numbers = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64)
        lengths = [len(h) for h in lists]
        at = np.repeat(np.asarray(positions, dtype=np.int64), lengths)
        return numbers, np.repeat(np.asarray(weights), lengths), at

    def _anchor_weight(self, df: int, stats: _Stats) -> float:
        return anchor_weight(df, stats.articles, self.settings.anchor_max_df)

    def fix_counts(self, for_queries: bool = False) -> None:
        """Weigh every rare anchor once for the articles added so far (until the next ``add``),
        and stack the semantic matrix.

        A corpus run judges every article against the same counts; looking each shared
        anchor's weight up in one table is cheaper than counting its holders per pair. The
        table holds the counts of added articles judged among themselves, or, ``for_queries``,
        those a new article sees (its own holding counted: ``check`` against a stored corpus).
        """
        self._vectors.prepare()  # built once here, before any fork, not in each worker
        extra = 1 if for_queries else 0
        stats = _Stats(len(self._features) + extra, extra)
        if self._weights is None or self._weights.stats != stats:
            self._weights = _AnchorTable.of(
                self._anchors, lambda df: self._anchor_weight(df + extra, stats), stats
            )

    def _weight_table(self, stats: _Stats) -> _AnchorTable | None:
        """Return the rare-anchor table of ``fix_counts`` when it holds for ``stats``."""
        if self._weights is None or self._weights.stats != stats:
            return None
        return self._weights

    def _rare(self, shared: Iterable[int], stats: _Stats) -> tuple[list[int], list[float]]:
        """Return the anchors of ``shared`` that weigh (held by 2 to ``anchor_max_df``
        articles), sorted, and their weights."""
        table = self._weight_table(stats)
        if table is not None:
            return table.weights_of(shared)
        rare, weights = [], []
        for anchor in sorted(shared):
            weight = self._anchor_weight(self._anchors.count(anchor) + stats.extra, stats)
            if weight > 0.0:
                rare.append(anchor)
                weights.append(weight)
        return rare, weights

    def _judge(
        self,
        f: CandidateFeatures,
        other: str,
        stats: _Stats,
        probe: _Probe,
        cosine: float | None = None,
    ) -> Candidate | None:
        """Return the candidate pair of ``f`` and ``other`` when some evidence holds
        (``probe``: what ``f``'s pairs share, from ``_probe``)."""
        g = self._features[other]
        pair = _PairLines.of(f, g, lambda line: self._lines.df(line) + stats.extra)
        if pair.template:
            shared = _content_anchors(f, pair.template) & _content_anchors(g, pair.template)
        else:
            shared = probe.anchors.intersection(g.anchors)
        rare, weights = self._rare(shared, stats)
        evidence = [
            self._near_evidence(f, g, pair, probe),
            self._excerpt_evidence(f, g, pair, probe),
            pair.sentence_evidence(),
            anchor_evidence(f, g, rare, weights, self.settings),
            self._semantic_evidence(f, g, len(rare), cosine),
        ]
        a, b = sorted((f.article_id, other))
        return candidate_from(a, b, evidence, pair.boilerplate)

    def _probe(self, f: CandidateFeatures) -> _Probe:
        """Return what all of ``f``'s pairs read of it, made once: its anchors as a set, and
        its band hashes unless the index holds them."""
        if self._holds(f) or f.word_count == 0:
            return _Probe(frozenset(f.anchors))
        return _Probe(
            frozenset(f.anchors),
            self._near.band_hashes(f.signature),
            self._excerpt.band_hashes(f.signature),
        )

    def _near_evidence(
        self, f: CandidateFeatures, g: CandidateFeatures, pair: _PairLines, probe: _Probe
    ) -> tuple[str, float] | None:
        if not _collide(self._near, f, g, probe.near):
            return None
        similarity = jaccard_estimate(self._signature(f), self._signature(g)) - pair.boilerplate
        # A lucky collision far below the threshold is noise, not a near duplicate.
        if similarity < self.settings.jaccard_threshold / 2:
            return None
        return "lsh", similarity

    def _excerpt_evidence(
        self, f: CandidateFeatures, g: CandidateFeatures, pair: _PairLines, probe: _Probe
    ) -> tuple[str, float] | None:
        if not _collide(self._excerpt, f, g, probe.excerpt):
            return None
        jaccard = jaccard_estimate(self._signature(f), self._signature(g))
        n = self.settings.ngram
        sizes = (max(f.word_count - n + 1, 1), max(g.word_count - n + 1, 1))
        contained = containment_estimate(jaccard, *sizes) - pair.boilerplate
        if contained < self.settings.containment_threshold:
            return None
        return f"containment:{contained:.2f}", contained

    def _semantic_evidence(
        self, f: CandidateFeatures, g: CandidateFeatures, rare: int, cosine: float | None
    ) -> tuple[str, float] | None:
        """Return semantic evidence when a near vector is backed by a rare anchor (``rare``:
        how many the two share outside template lines) or a date."""
        if cosine is None:
            return None
        if rare >= self.semantic.min_anchors:
            return f"semantic:{cosine:.2f}:anchors:{rare}", cosine
        if cosine >= self.semantic.window_threshold and _within(
            f.published_day, g.published_day, self.semantic.window_days
        ):
            return f"semantic:{cosine:.2f}:window", cosine
        return None


@dataclass(frozen=True, slots=True)
class _AnchorTable:
    """The rare anchors of an index (weight > 0) at fixed counts, with their holders in one
    array: anchor ``numbers[a]`` holds ``holders[starts[n] : starts[n] + lengths[n]]``."""

    stats: _Stats
    numbers: dict[int, int]
    weights: list[float]
    weight_array: npt.NDArray[np.float64]
    starts: npt.NDArray[np.int64]
    lengths: npt.NDArray[np.int64]
    held: npt.NDArray[np.int64]

    @classmethod
    def of(
        cls, postings: Postings[int, int], weight_of: Callable[[int], float], stats: _Stats
    ) -> _AnchorTable:
        """Return the table of the anchors ``weight_of`` their holder count weighs above 0."""
        by_df: dict[int, float] = {}
        numbers: dict[int, int] = {}
        weights: list[float] = []
        lengths: list[int] = []
        held: list[int] = []
        for anchor, found in postings.items():
            df = len(found) if isinstance(found, list) else 1
            weight = by_df.get(df)
            if weight is None:
                weight = by_df[df] = weight_of(df)
            if weight > 0.0:
                numbers[anchor] = len(weights)
                weights.append(weight)
                lengths.append(df)
                held.extend(found if isinstance(found, list) else (found,))
        length_array = np.asarray(lengths, dtype=np.int64)
        starts = np.zeros(len(lengths), dtype=np.int64)
        np.cumsum(length_array[:-1], out=starts[1:])
        return cls(
            stats=stats,
            numbers=numbers,
            weights=weights,
            weight_array=np.asarray(weights, dtype=np.float64),
            starts=starts,
            lengths=length_array,
            held=np.asarray(held, dtype=np.int64),
        )

    def weights_of(self, shared: Iterable[int]) -> tuple[list[int], list[float]]:
        """Return the anchors of ``shared`` that weigh, sorted, and their weights."""
        rare = sorted(a for a in shared if a in self.numbers)
        return rare, [self.weights[self.numbers[a]] for a in rare]

    def holders(
        self, anchors: Sequence[int]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
        """Return the holders of each rare anchor of ``anchors``, concatenated in their order,
        that anchor's weight for each and its position in ``anchors``."""
        found = list(map(self.numbers.get, anchors))
        given = [k for k, n in enumerate(found) if n is not None]
        chosen = np.asarray([found[k] for k in given], dtype=np.int64)
        lengths = self.lengths[chosen]
        positions = run_positions(self.starts[chosen], lengths)
        at = np.repeat(np.asarray(given, dtype=np.int64), lengths)
        return self.held[positions], np.repeat(self.weight_array[chosen], lengths), at


def run_positions(
    starts: npt.NDArray[np.int64], lengths: npt.NDArray[np.integer[Any]]
) -> npt.NDArray[np.int64]:
    """Return the positions of runs laid end to end: ``starts[i]`` to ``starts[i] +
    lengths[i]`` for each run in order (the holders of some anchors, read off one array)."""
    ends = np.cumsum(lengths)
    # position k of run i reads starts[i] + k
    offsets = np.repeat(starts - (ends - lengths), lengths)
    return offsets + np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64)


def _lines_per_holder(
    f: CandidateFeatures, at: npt.NDArray[np.int64], holder: npt.NDArray[np.intp], holders: int
) -> npt.NDArray[np.int64]:
    """Return, for each of ``holders`` holders, from how many different lines of ``f`` the
    anchors it shares come: entry ``i`` is anchor ``f.anchors[at[i]]`` held by holder
    ``holder[i]``. Without anchor lines each anchor is its own line (``spans_lines``)."""
    if f.anchor_lines:
        lines = np.frombuffer(f.anchor_lines, dtype=np.uint64)
        rank = np.unique(lines, return_inverse=True)[1].astype(np.int64)[at]
        width = len(lines)
    else:
        rank, width = at, len(f.anchors)
    pairs = distinct_sorted(holder.astype(np.int64) * max(width, 1) + rank)
    return np.bincount(pairs // max(width, 1), minlength=holders)


def distinct_sorted(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Return the distinct values, sorted (``np.unique`` without an inverse takes a hashing
    path some ten times slower on arrays of a few thousand values)."""
    ordered = np.sort(values)
    if not len(ordered):
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _within(first: int | None, second: int | None, days: int) -> bool:
    """Return True when both days are known and at most ``days`` apart."""
    return first is not None and second is not None and abs(first - second) <= days


@dataclass(frozen=True, slots=True)
class _Probe:
    """What every pair of one judged article reads of it: its anchors as a set and, for an
    article the index does not hold, its band hashes in the near and excerpt indexes."""

    anchors: frozenset[int]
    near: Sequence[int] | None = None
    excerpt: Sequence[int] | None = None


def _collide(
    index: LSHIndex, f: CandidateFeatures, g: CandidateFeatures, bands: Sequence[int] | None
) -> bool:
    """Return True when the signatures of ``f`` and of ``g`` (held by ``index``) share a band:
    ``bands`` are ``f``'s band hashes, None when the index holds ``f`` too."""
    if f.word_count == 0 or g.word_count == 0:
        return False
    if bands is None:
        return index.keys_share_band(f.article_id, g.article_id)
    return index.key_shares_band(g.article_id, bands)


def _signatures_collide(index: LSHIndex, f: CandidateFeatures, g: CandidateFeatures) -> bool:
    """Return True when two signatures share a band of ``index``, which holds neither."""
    if f.word_count == 0 or g.word_count == 0:
        return False
    return index.shares_band(f.signature, g.signature)


def _content_anchors(f: CandidateFeatures, template: frozenset[int]) -> frozenset[int]:
    """Return the anchors of ``f`` not first found in a template line."""
    if not template or not f.anchor_lines:
        return frozenset(f.anchors)
    return frozenset(
        a for a, line in zip(f.anchors, f.anchor_lines, strict=True) if line not in template
    )


@dataclass(frozen=True, slots=True)
class _PairLines:
    """The exact lines two articles share, split into story lines and template lines."""

    shared: frozenset[int]
    template: frozenset[int]  # shared lines held by many articles, when the pair is no copy
    smaller: int  # distinct fingerprinted lines of the smaller article

    @classmethod
    def of(cls, f: CandidateFeatures, g: CandidateFeatures, df: Callable[[int], int]) -> _PairLines:
        lines_f, lines_g = set(f.sentence_hashes), set(g.sentence_hashes)
        shared = frozenset(lines_f & lines_g)
        smaller = min(len(lines_f), len(lines_g))
        copy = smaller > 0 and len(shared) >= COPY_SHARE * smaller
        template = frozenset() if copy else frozenset(h for h in shared if df(h) >= TEMPLATE_MIN_DF)
        return cls(shared, template, smaller)

    @property
    def boilerplate(self) -> float:
        """Return the share of the smaller article's lines that are shared template lines."""
        return len(self.template) / self.smaller if self.smaller else 0.0

    def sentence_evidence(self) -> tuple[str, float] | None:
        story = len(self.shared) - len(self.template)
        if story < MIN_SHARED_SENTENCES:
            return None
        return f"sentences:{story}", story / self.smaller


def _best_first(c: Candidate) -> tuple[float, str, str]:
    return (-c.score, c.a, c.b)


def _by_ids(c: Candidate) -> tuple[str, str]:
    return (c.a, c.b)


def _cap_per_article(found: Sequence[Candidate], limit: int) -> list[Candidate]:
    """Return the best candidates such that no article is in more than ``limit`` of them."""
    counts: dict[str, int] = {}
    kept: list[Candidate] = []
    for c in sorted(found, key=_best_first):
        if counts.get(c.a, 0) < limit and counts.get(c.b, 0) < limit:
            kept.append(c)
            counts[c.a] = counts.get(c.a, 0) + 1
            counts[c.b] = counts.get(c.b, 0) + 1
    return sorted(kept, key=_by_ids)


def _mutual(near: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """Return the neighbour lists made symmetric: a pair found from either side counts."""
    both: dict[str, dict[str, float]] = {}
    for article_id in sorted(near):
        for other, cosine in near[article_id].items():
            both.setdefault(article_id, {})[other] = cosine
            both.setdefault(other, {})[article_id] = cosine
    return both


def propose(
    all_features: Sequence[CandidateFeatures],
    settings: CandidateSettings,
    semantic: SemanticSettings | None = None,
) -> list[Candidate]:
    """Return every candidate pair among ``all_features`` once (a < b), sorted by ids.

    Counts are taken over the whole corpus, so the result does not depend on
    input order; each article is in at most ``max_candidates_per_article``
    pairs (the best scores). Raises ValueError on a repeated article id or
    features computed with another scheme. ``semantic`` overrides the
    semantic settings read from ``settings``.
    """
    return CorpusCandidates(all_features, settings, semantic).propose()


class CorpusCandidates:
    """``propose`` in parts: the index of a whole corpus, judged one slice of ids at a time.

    Articles are indexed when given or one at a time (``add``, in any order: a caller can
    index features as they are computed). ``neighbours(start, stop)`` finds the semantic
    neighbours of a slice of the sorted ids, ``settle`` takes those of all slices, then
    ``judge(start, stop)`` returns the pairs whose first article (by id) lies in a slice;
    slices can be done in any order or in other processes (forked after the index is built);
    ``finish`` caps and sorts everything found. The result equals ``propose``'s however the
    slices were cut and whatever order the articles were added in.

    With ``columns`` the index is a ``FrozenIndex`` (numpy columns: about a third of the
    memory of ``CandidateIndex``'s dicts, for ~30% more CPU judging), sorted when first read,
    so every article must be added before anything is judged; the candidates are the same.
    """

    def __init__(
        self,
        all_features: Sequence[CandidateFeatures],
        settings: CandidateSettings,
        semantic: SemanticSettings | None = None,
        columns: bool = False,
        spill_dir: str | None = None,
    ) -> None:
        """Index ``all_features``. Raises ValueError on a repeated id or another scheme.
        With ``columns``, ``spill_dir`` is where the features' records and the hashes
        gathered for the index wait (``FeatureColumns``, ``FrozenBuilder``; None: in memory)."""
        from wiretrace.candidates.columns import FeatureColumns
        from wiretrace.candidates.frozen import FrozenBuilder

        self.settings = settings
        self._builder = FrozenBuilder(settings, semantic, spill_dir) if columns else None
        self._index = None if columns else CandidateIndex(settings, semantic)
        # with columns, the features too are held as columns (``FeatureColumns``): forked
        # workers read them without copying a page each
        self._columns = FeatureColumns(spill_dir) if columns else None
        self._held: dict[str, CandidateFeatures] = {}
        self._ordered: Sequence[CandidateFeatures] | None = None
        with paused_gc():  # millions of postings, all kept: no collection on the way
            for f in sorted(all_features, key=lambda f: f.article_id):
                self.add(f)
        self.near: dict[str, dict[str, float]] = {}
        self.suspects: dict[str, list[str]] = {}

    def add(self, f: CandidateFeatures) -> None:
        """Index one more article. Raises ValueError on a repeated id, another scheme, or
        (``columns``) once the index has been read."""
        if self._builder is not None and self._columns is not None:
            self._builder.add(f)
            self._columns.add(f)
        else:
            self.index.add(f)
            self._held[f.article_id] = f
        self._ordered = None

    @property
    def index(self) -> CandidateIndex:
        """The index of every article added (with ``columns``, built on first use)."""
        if self._index is None:
            assert self._builder is not None and self._columns is not None
            self._columns.freeze()
            # only the corpus's own articles query it: hashes held once are left out
            self._index = self._builder.build(self._columns, among_themselves=True)
        return self._index

    @property
    def ordered(self) -> Sequence[CandidateFeatures]:
        """The indexed features, sorted by article id (with ``columns``, each read from
        them when indexed or sliced)."""
        if self._ordered is None:
            if self._columns is not None:
                self.index  # noqa: B018 -- the columns are frozen with the index
                self._ordered = ValuesOf(self._columns, sorted(self._columns))
            else:
                self._ordered = sorted(self._held.values(), key=lambda f: f.article_id)
        return self._ordered

    def facts(self) -> Mapping[str, Hashes]:
        """Return every indexed article's fact hashes by id (what verification still reads
        once the candidates are found: hold this, and let the rest go)."""
        if self._columns is not None:
            self.index  # noqa: B018 -- the columns are frozen with the index
            return self._columns.facts()
        return {k: f.facts for k, f in self._held.items()}

    def __len__(self) -> int:
        return len(self._columns) if self._columns is not None else len(self._held)

    def propose(self) -> list[Candidate]:
        """Return every candidate pair of the indexed articles, in this process."""
        self.settle([self.neighbours(0, len(self))])
        return self.finish(self.judge(0, len(self)))

    def neighbours(
        self, start: int, stop: int
    ) -> tuple[dict[str, dict[str, float]], dict[str, list[str]]]:
        """Return the semantic neighbours and anchor suspects of ``ordered[start:stop]``."""
        self.index.fix_counts()
        return self.index._semantic_neighbours(self.ordered[start:stop])

    def settle(
        self, parts: Iterable[tuple[dict[str, dict[str, float]], dict[str, list[str]]]]
    ) -> None:
        """Take the ``neighbours`` of every slice; neighbour lists are made mutual."""
        near: dict[str, dict[str, float]] = {}
        for found, suspects in parts:
            near.update(found)
            self.suspects.update(suspects)
        self.near = _mutual(near)

    def judge(self, start: int, stop: int) -> list[Candidate]:
        """Return the candidate pairs whose first article is one of ``ordered[start:stop]``
        (after ``settle``)."""
        self.index.fix_counts()
        block = self.ordered[start:stop]
        self.index.prime_bands(block)
        return [
            c
            for f in block
            for c in self.index._candidates(
                f,
                self.near.get(f.article_id),
                after=True,
                suspects=self.suspects.get(f.article_id),
            )
        ]

    def finish(self, found: Iterable[Candidate]) -> list[Candidate]:
        """Return the pairs of every slice, capped per article and sorted by ids."""
        return _cap_per_article(list(found), self.settings.max_candidates_per_article)
