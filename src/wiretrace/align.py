"""Sentence alignment of a derivative article against its source.

``align`` matches the body sentences of two prepared documents into aligned
units (one-to-one, merged many-to-one, split one-to-many) and lists what the
derivative omitted and added. It tolerates reordering: units are chosen by a
global best-first assignment over one combined score, not along a diagonal.

The score cascades from cheap to expensive: character and word-bigram
evidence for every sentence pair first; sentence embeddings only for the
sentences that no near-exact match has already settled, so a verbatim copy or
an excerpt never touches the encoder.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from wiretrace.changes import classify_added, detect_changes, is_caveat
from wiretrace.config import AlignSettings
from wiretrace.embed import Encoder
from wiretrace.models import (
    Added,
    AlignedPair,
    AlignKind,
    Alignment,
    Document,
    Omitted,
    Sentence,
    SentenceRole,
    Span,
)

__all__ = [
    "DEFAULT_TUNING",
    "AlignTuning",
    "MatchedUnit",
    "Matching",
    "align",
    "alignment_of",
    "body_facts",
    "comparison_key",
    "facts_of",
    "invert_alignment",
    "match_sentences",
    "sentence_scores",
    "text_anchors",
]

Grid = npt.NDArray[np.float64]
BODY_FACTS_CACHE = 4096  # bodies whose facts are kept (an analysis's document cache holds as many)
# sentences whose comparison keys, bigrams, phrases and facts a process keeps: pairs come
# grouped by story, so ~500 articles' worth finds the sentences of the pairs in hand
SENTENCES_CACHED = 1 << 14


@dataclass(frozen=True, slots=True)
class AlignTuning:
    """How the combined sentence score is built (to be calibrated on MSRP / STS-B).

    On the seeds, MiniLM gives a derivative sentence's true source 0.6-0.98 and
    its runner-up (same story, other fact) 0.4-0.65, so cosines are rescaled
    from [semantic_floor, semantic_ceiling] to [0, 1]; with these weights the
    default pair threshold 0.55 sits near cosine 0.67. Character ratios are
    rescaled from [ratio_floor, 1] likewise, as unrelated text already scores
    about 0.4.
    """

    semantic_floor: float = 0.25
    semantic_ceiling: float = 0.85
    semantic_weight: float = 0.70
    lexical_weight: float = 0.15
    anchor_weight: float = 0.15  # shared names and numbers: the facts a copy keeps
    ratio_floor: float = 0.40  # fuzz.ratio of two unrelated English sentences is about this
    containment_full_bigrams: int = 6  # fewer word bigrams than this: containment is damped
    settled_ratio: float = 0.90  # a mutual best match this close needs no embedding
    merge_gain: float = 0.04  # a merged/split unit must beat its best single member by this
    member_floor: float = 0.30  # every member of a merged/split unit must relate on its own
    merge_candidates: int = 4  # best single matches considered for a merge or split
    merge_span: int = 3  # members lie at most this many body positions apart
    mutual_best_slack: float = 0.10  # two sentences that prefer each other may score this much less
    # A run of this many words in both sentences (not all function words) is copied wording:
    # it makes the pair eligible however far the rest was rewritten ("survivors of an initial
    # attack"), at a score just above the default pair threshold so better matches still win.
    shared_phrase_words: int = 5
    shared_phrase_score: float = 0.56

    def __post_init__(self) -> None:
        if not 0.0 <= self.ratio_floor < 1.0:
            raise ValueError(f"ratio_floor must be in [0, 1), got {self.ratio_floor}")
        if not 0.0 <= self.semantic_floor < self.semantic_ceiling <= 1.0:
            raise ValueError(
                "semantic_floor < semantic_ceiling must lie in [0, 1], "
                f"got {self.semantic_floor}, {self.semantic_ceiling}"
            )
        total = self.semantic_weight + self.lexical_weight + self.anchor_weight
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"score weights must sum to 1, got {total}")


DEFAULT_TUNING = AlignTuning()

_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'}
)
_DASHES = re.compile(r"\s*[‐‑‒–—―]+\s*|\s+--\s+")
# "\b[A-Z]..." written as "[A-Z](?<!\w[A-Z])...": the same matches, but a pattern that opens
# with a character class lets the regex engine skip ahead to capitals (2-3x faster)
_ACRONYM = re.compile(r"[A-Z](?<!\w[A-Z])\.(?:[A-Z]\.)+")
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d\d*(?:[.,]\d+)*")  # "\d\d*", not "\d+": opens with a class (as above)
_NAME = re.compile(r"[A-Z](?<!\w[A-Z])[\w'-]*")


def _unquoted(norm: str) -> str:
    """Return ``norm`` with straight quotes and acronyms without dots ("U.S." -> "US")."""
    if not norm.isascii():  # the quotes folded are not ASCII: ASCII text need not be copied
        norm = norm.translate(_QUOTES)
    return _ACRONYM.sub(lambda m: m.group().replace(".", ""), norm)


@lru_cache(maxsize=SENTENCES_CACHED)  # pure; a sentence recurs in every pair of its article
def comparison_key(norm: str) -> str:
    """Return the form two sentences are compared in: straight quotes, plain dashes, lower case."""
    return " ".join(_DASHES.sub(" - ", _unquoted(norm)).lower().split())


@lru_cache(maxsize=SENTENCES_CACHED)  # pure; a sentence recurs in every pair of its article
def text_anchors(norm: str) -> frozenset[str]:
    """Return the names and numbers of a sentence (``facts_of``), kept for the next pairs."""
    return facts_of(norm)


@lru_cache(maxsize=BODY_FACTS_CACHE)  # pure; an article recurs in the pairs of its group
def body_facts(body_text: str) -> frozenset[str]:
    """Return the names and numbers of a document's body text (``facts_of``), a few thousand
    bodies kept: a cache of sentences' size would hold ~1 GB of bodies in each worker."""
    return facts_of(body_text)


def facts_of(norm: str) -> frozenset[str]:
    """Return the names and numbers of a text (lower-cased), the facts a copy tends to keep.

    A capitalised word opening the text is not taken as a name.
    """
    text = _unquoted(norm)
    numbers = {n.replace(",", "") for n in _NUMBER.findall(text)}
    names = _NAME.findall(text)
    if names and _NAME.match(text):
        names = names[1:]  # the first match opens the text
    return frozenset(numbers.union(map(str.lower, names)))


_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "and",
        "or",
        "but",
        "as",
        "that",
        "this",
        "these",
        "those",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "his",
        "her",
        "their",
        "said",
        "says",
        "will",
        "would",
        "not",
        "who",
        "which",
        "than",
        "there",
    ]
)


@lru_cache(maxsize=SENTENCES_CACHED)  # pure; a sentence recurs in every pair of its article
def _phrases(key: str, size: int) -> frozenset[str]:
    """Runs of ``size`` words of a comparison key, skipping runs of function words only."""
    words = _WORD.findall(key)
    return frozenset(
        " ".join(words[i : i + size])
        for i in range(len(words) - size + 1)
        if not _FUNCTION_WORDS.issuperset(words[i : i + size])
    )


@lru_cache(maxsize=SENTENCES_CACHED)  # pure; a sentence recurs in every pair of its article
def _bigrams(key: str) -> frozenset[str]:
    words = _WORD.findall(key)
    if len(words) < 2:
        return frozenset(words)
    return frozenset(f"{a} {b}" for a, b in itertools.pairwise(words))


@dataclass(frozen=True, slots=True)
class _Side:
    """The body sentences of one document with their comparison keys; a ``part`` of it is
    readied for scoring (bigrams and anchors: empty on a side made by ``of``)."""

    sentences: tuple[Sentence, ...]
    keys: tuple[str, ...]
    bigrams: tuple[frozenset[str], ...]
    anchors: tuple[frozenset[str], ...]
    positions: tuple[int, ...] = ()  # body positions of a part (see ``part``); () = all

    def position(self, item: int) -> int:
        """Return the body position of this side's ``item``-th sentence."""
        return self.positions[item] if self.positions else item

    def part(self, items: Sequence[int]) -> _Side:
        """Return the side made of the sentences at ``items`` (ascending body positions),
        readied for scoring: their bigrams and anchors are read now."""
        sentences = tuple(self.sentences[i] for i in items)
        keys = tuple(self.keys[i] for i in items)
        return _Side(
            sentences=sentences,
            keys=keys,
            bigrams=tuple(map(_bigrams, keys)),
            anchors=tuple(text_anchors(s.norm) for s in sentences),
            positions=tuple(self.position(i) for i in items),
        )

    @classmethod
    def of(cls, document: Document) -> _Side:
        """Return the body sentences of ``document`` with their keys only: most sentences of
        a copy pair by equal keys, and ``part`` reads bigrams and anchors of those left.
        Kept with the document: it is compared with several others."""
        return document.derived(_side_of)

    @classmethod
    def of_texts(cls, texts: Sequence[str]) -> _Side:
        """A side made of bare normalised sentences (no article around them)."""
        sentences = tuple(
            Sentence(index, Span(0, len(text)), text, text, 0) for index, text in enumerate(texts)
        )
        keys = tuple(comparison_key(text) for text in texts)
        return cls(
            sentences=sentences,
            keys=keys,
            bigrams=tuple(_bigrams(k) for k in keys),
            anchors=tuple(text_anchors(text) for text in texts),
        )

    def joined(self, positions: Sequence[int]) -> str:
        return " ".join(self.keys[p] for p in positions)


def _side_of(document: Document) -> _Side:
    """``_Side.of``, computed."""
    body = document.body
    return _Side(
        sentences=body,
        keys=tuple(comparison_key(s.norm) for s in body),
        bigrams=(),
        anchors=(),
    )


@dataclass(frozen=True, slots=True)
class _Unit:
    """Candidate aligned unit: body positions on each side and its combined score."""

    derivative: tuple[int, ...]
    source: tuple[int, ...]
    score: float


def _containment(short: frozenset[str], long: frozenset[str], tuning: AlignTuning) -> float:
    """Share of the smaller bigram set found in the larger.

    Damped for very short sentences (a shared phrase is not a shared sentence)
    and by up to a quarter for the length gap, so that a fragment of a long
    sentence scores below the whole of it.
    """
    if len(short) > len(long):
        short, long = long, short
    if not short:
        return 0.0
    damping = min(1.0, len(short) / tuning.containment_full_bigrams)
    length_gap = 0.75 + 0.25 * len(short) / len(long)
    return damping * length_gap * len(short & long) / len(short)


def _overlaps(
    left: Sequence[frozenset[str]], right: Sequence[frozenset[str]]
) -> tuple[Grid, Grid, Grid]:
    """Return |l & r| for every pair as a grid, and the sizes of each side (as a column / row).

    Only items found on both sides can be shared: the product is taken over those alone.
    """
    left_sizes = np.fromiter(map(len, left), dtype=np.float64, count=len(left))[:, None]
    right_sizes = np.fromiter(map(len, right), dtype=np.float64, count=len(right))[None, :]
    on_right = frozenset().union(*right)
    vocabulary: dict[str, int] = {}
    for items in left:
        for item in items & on_right:
            vocabulary.setdefault(item, len(vocabulary))
    if not vocabulary:
        return np.zeros((len(left), len(right)), dtype=np.float64), left_sizes, right_sizes

    def incidence(sets: Sequence[frozenset[str]]) -> Grid:
        grid = np.zeros((len(sets), len(vocabulary)), dtype=np.float64)
        for row, items in enumerate(sets):
            columns = [vocabulary[i] for i in items if i in vocabulary]
            if columns:
                grid[row, columns] = 1.0
        return grid

    shared = incidence(left) @ incidence(right).T
    return shared, left_sizes, right_sizes


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _unit_vector(rows: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    vector: npt.NDArray[np.float64] = rows.astype(np.float64).sum(axis=0)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


class _Scorer:
    """Scores single sentence pairs as a matrix and sentence groups on demand."""

    def __init__(
        self, source: _Side, derivative: _Side, encoder: Encoder, tuning: AlignTuning
    ) -> None:
        self.source = source
        self.derivative = derivative
        self.tuning = tuning
        self.ratio = self._ratio_matrix()
        rescaled = np.clip((self.ratio - tuning.ratio_floor) / (1.0 - tuning.ratio_floor), 0, 1)
        self.lexical = np.maximum(rescaled, self._bigram_containment_grid())
        self.settled_rows, self.settled_cols = self._settled()
        self.derivative_vectors, self.source_vectors = self._embed(encoder)
        self.combined = self._combine()

    def _ratio_matrix(self) -> Grid:
        shape = (len(self.derivative.keys), len(self.source.keys))
        if 0 in shape:
            return np.zeros(shape, dtype=np.float64)
        scores = process.cdist(self.derivative.keys, self.source.keys, scorer=fuzz.ratio)
        return np.asarray(scores, dtype=np.float64) / 100.0

    def _bigram_containment_grid(self) -> Grid:
        """``_containment`` of every derivative sentence against every source sentence."""
        shared, left, right = _overlaps(self.derivative.bigrams, self.source.bigrams)
        short, long = np.minimum(left, right), np.maximum(left, right)
        safe_short, safe_long = np.maximum(short, 1.0), np.maximum(long, 1.0)
        damping = np.minimum(1.0, short / self.tuning.containment_full_bigrams)
        length_gap = 0.75 + 0.25 * short / safe_long
        return np.where(short > 0, damping * length_gap * shared / safe_short, 0.0)

    def _anchor_grid(self) -> Grid:
        """``_jaccard`` of the names and numbers of every sentence pair."""
        shared, left, right = _overlaps(self.derivative.anchors, self.source.anchors)
        union = left + right - shared
        return np.where(union > 0, shared / np.maximum(union, 1.0), 0.0)

    def _settled(self) -> tuple[frozenset[int], frozenset[int]]:
        """Rows and columns joined by a mutual best, near-exact character match."""
        rows: set[int] = set()
        cols: set[int] = set()
        if self.ratio.size == 0:
            return frozenset(), frozenset()
        best_col = self.ratio.argmax(axis=1)
        best_row = self.ratio.argmax(axis=0)
        for row, col in enumerate(best_col):
            col = int(col)
            if best_row[col] == row and self.ratio[row, col] >= self.tuning.settled_ratio:
                rows.add(row)
                cols.add(col)
        return frozenset(rows), frozenset(cols)

    def _embed(
        self, encoder: Encoder
    ) -> tuple[dict[int, npt.NDArray[np.float32]], dict[int, npt.NDArray[np.float32]]]:
        """Embed only the sentences that lexical evidence left open."""
        open_rows = [r for r in range(len(self.derivative.keys)) if r not in self.settled_rows]
        open_cols = [c for c in range(len(self.source.keys)) if c not in self.settled_cols]
        if not open_rows or not open_cols:
            return {}, {}
        texts = [self.derivative.sentences[r].norm for r in open_rows]
        texts += [self.source.sentences[c].norm for c in open_cols]
        vectors = encoder.encode(texts)
        derivative_vectors = {r: vectors[i] for i, r in enumerate(open_rows)}
        source_vectors = {c: vectors[len(open_rows) + i] for i, c in enumerate(open_cols)}
        return derivative_vectors, source_vectors

    def _rescale(self, cosine: Grid) -> Grid:
        span = self.tuning.semantic_ceiling - self.tuning.semantic_floor
        return np.clip((cosine - self.tuning.semantic_floor) / span, 0.0, 1.0)

    def _blend(self, lexical: Grid, cosine: Grid, anchors: Grid) -> Grid:
        tuning = self.tuning
        blended = (
            tuning.semantic_weight * self._rescale(cosine)
            + tuning.lexical_weight * lexical
            + tuning.anchor_weight * anchors
        )
        return np.maximum(lexical, blended)

    def _shared_phrases(self) -> Grid:
        """1 where two sentences share a run of copied wording, else 0."""
        size = self.tuning.shared_phrase_words
        derivative = [_phrases(k, size) for k in self.derivative.keys]
        source = [_phrases(k, size) for k in self.source.keys]
        grid = np.zeros((len(derivative), len(source)), dtype=np.float64)
        for row, phrases in enumerate(derivative):
            if phrases:
                for col, other in enumerate(source):
                    if not phrases.isdisjoint(other):
                        grid[row, col] = 1.0
        return grid

    def _combine(self) -> Grid:
        combined = self.lexical.copy()
        combined = np.maximum(combined, self.tuning.shared_phrase_score * self._shared_phrases())
        if not self.derivative_vectors:
            return combined
        rows = sorted(self.derivative_vectors)
        cols = sorted(self.source_vectors)
        derivative = np.stack([self.derivative_vectors[r] for r in rows]).astype(np.float64)
        source = np.stack([self.source_vectors[c] for c in cols]).astype(np.float64)
        block = np.ix_(rows, cols)
        anchors = self._anchor_grid()[block]
        combined[block] = np.maximum(
            combined[block], self._blend(self.lexical[block], derivative @ source.T, anchors)
        )
        return combined

    def group_score(self, derivative: Sequence[int], source: Sequence[int]) -> float:
        """Return the combined score of derivative sentences against source sentences."""
        derivative_key = self.derivative.joined(derivative)
        source_key = self.source.joined(source)
        if derivative_key == source_key:
            return 1.0
        ratio = fuzz.ratio(derivative_key, source_key) / 100.0
        rescaled = max(0.0, (ratio - self.tuning.ratio_floor) / (1.0 - self.tuning.ratio_floor))
        containment = _containment(_bigrams(derivative_key), _bigrams(source_key), self.tuning)
        lexical = max(rescaled, containment)
        if not all(p in self.derivative_vectors for p in derivative) or not all(
            p in self.source_vectors for p in source
        ):
            return lexical
        cosine = float(
            _unit_vector(np.stack([self.derivative_vectors[p] for p in derivative]))
            @ _unit_vector(np.stack([self.source_vectors[p] for p in source]))
        )
        anchors = _jaccard(
            frozenset().union(*(self.derivative.anchors[p] for p in derivative)),
            frozenset().union(*(self.source.anchors[p] for p in source)),
        )
        grid = self._blend(np.array([[lexical]]), np.array([[cosine]]), np.array([[anchors]]))
        return float(grid[0, 0])


def _single_units(scorer: _Scorer, threshold: float) -> list[_Unit]:
    """One-to-one units above the threshold, or a little below it for mutual best matches."""
    combined = scorer.combined
    accepted = combined >= threshold
    if combined.size:
        mutual = (combined == combined.max(axis=1, keepdims=True)) & (
            combined == combined.max(axis=0, keepdims=True)
        )
        accepted |= mutual & (combined >= threshold - scorer.tuning.mutual_best_slack)
    rows, cols = np.nonzero(accepted)
    scores = combined[rows, cols].tolist()  # plain ints and floats, read in one pass
    return [
        _Unit((r,), (c,), score)
        for r, c, score in zip(rows.tolist(), cols.tolist(), scores, strict=True)
    ]


def _groups(best: Sequence[int], span: int, side: _Side) -> Iterable[tuple[int, ...]]:
    """Sets of 2-3 of the best candidates lying close together in ``side``, in text order."""
    for size in (2, 3):
        for group in itertools.combinations(sorted(best), size):
            if side.position(group[-1]) - side.position(group[0]) <= span:
                yield group


def _merge_units(scorer: _Scorer, threshold: float, transpose: bool) -> list[_Unit]:
    """Units joining one sentence to 2-3 nearby sentences of the other side.

    With ``transpose`` False one derivative sentence is merged from several
    source sentences; with True one source sentence is split into several.
    """
    tuning = scorer.tuning
    combined = scorer.combined.T if transpose else scorer.combined
    settled_anchor, settled_other = (
        (scorer.settled_cols, scorer.settled_rows)
        if transpose
        else (scorer.settled_rows, scorer.settled_cols)
    )
    units: list[_Unit] = []
    for anchor in range(combined.shape[0]):
        if anchor in settled_anchor:
            continue
        row = combined[anchor]
        order = sorted(
            (
                c
                for c in range(row.shape[0])
                if c not in settled_other and row[c] >= tuning.member_floor
            ),
            key=lambda c: (-row[c], c),
        )
        members = scorer.derivative if transpose else scorer.source
        for group in _groups(order[: tuning.merge_candidates], tuning.merge_span, members):
            derivative, source = (group, (anchor,)) if transpose else ((anchor,), group)
            score = scorer.group_score(derivative, source)
            best_member = max(float(row[c]) for c in group)
            if score >= threshold and score >= best_member + tuning.merge_gain:
                units.append(_Unit(derivative, source, score))
    return units


def _assign(units: list[_Unit]) -> list[_Unit]:
    """Best-first global assignment: each sentence joins at most one unit."""
    taken_derivative: set[int] = set()
    taken_source: set[int] = set()
    chosen: list[_Unit] = []
    for unit in sorted(units, key=lambda u: (-round(u.score, 9), u.derivative, u.source)):
        if taken_derivative.intersection(unit.derivative) or taken_source.intersection(unit.source):
            continue
        taken_derivative.update(unit.derivative)
        taken_source.update(unit.source)
        chosen.append(unit)
    return chosen


def _unit_kind(
    source_key: str,
    derivative_key: str,
    shape: tuple[int, int],
    settings: AlignSettings,
    tuning: AlignTuning,
) -> AlignKind:
    """Kind of a unit from its sentence counts (source, derivative) and lexical overlap."""
    if shape[0] > 1:
        return AlignKind.MERGED
    if shape[1] > 1:
        return AlignKind.SPLIT
    ratio = fuzz.ratio(source_key, derivative_key) / 100.0
    if ratio >= settings.identical_threshold:
        return AlignKind.IDENTICAL
    containment = _containment(_bigrams(source_key), _bigrams(derivative_key), tuning)
    if max(ratio, containment) >= settings.edited_threshold:
        return AlignKind.EDITED
    return AlignKind.PARAPHRASED


def _aligned_pair(
    source_sentences: Sequence[Sentence],
    derivative_sentences: Sequence[Sentence],
    score: float,
    settings: AlignSettings,
    tuning: AlignTuning,
) -> AlignedPair:
    source_norm = " ".join(s.norm for s in source_sentences)
    derivative_norm = " ".join(s.norm for s in derivative_sentences)
    source_key = comparison_key(source_norm)
    derivative_key = comparison_key(derivative_norm)
    shape = (len(source_sentences), len(derivative_sentences))
    kind = _unit_kind(source_key, derivative_key, shape, settings, tuning)
    changes = () if source_key == derivative_key else detect_changes(source_norm, derivative_norm)
    if kind is AlignKind.IDENTICAL and changes:
        kind = AlignKind.EDITED  # a near-identical sentence that changed a fact is an edit
    return AlignedPair(
        source_sentences=tuple(s.index for s in source_sentences),
        derivative_sentences=tuple(s.index for s in derivative_sentences),
        kind=kind,
        score=round(min(1.0, max(0.0, score)), 4),
        changes=tuple(changes),
    )


def _coverage(body: Sequence[Sentence], covered: set[int]) -> float:
    total = sum(len(s.norm) for s in body)
    if total == 0:
        return 0.0
    return round(sum(len(s.norm) for s in body if s.index in covered) / total, 4)


def _build_alignment(
    units: Iterable[tuple[tuple[int, ...], tuple[int, ...], float]],
    source: Document,
    derivative: Document,
    settings: AlignSettings,
    tuning: AlignTuning,
) -> Alignment:
    """Assemble the record from units given as (source indices, derivative indices, score)."""
    pairs = sorted(
        (
            _aligned_pair(
                [source.sentences[i] for i in sorted(source_indices)],
                [derivative.sentences[j] for j in sorted(derivative_indices)],
                score,
                settings,
                tuning,
            )
            for source_indices, derivative_indices, score in units
        ),
        key=lambda p: (p.derivative_sentences, p.source_sentences),
    )
    covered_source = {i for p in pairs for i in p.source_sentences}
    covered_derivative = {j for p in pairs for j in p.derivative_sentences}
    source_body = source.body
    derivative_body = derivative.body
    omitted = tuple(
        Omitted(s.index, s.text, caveat=is_caveat(s.text))
        for s in source_body
        if s.index not in covered_source
    )
    added = tuple(
        Added(s.index, s.text, classify_added(s, derivative, source))
        for s in derivative.sentences
        if s.role is not SentenceRole.BODY or s.index not in covered_derivative
    )
    return Alignment(
        pairs=tuple(pairs),
        omitted=omitted,
        added=added,
        coverage_source=_coverage(source_body, covered_source),
        coverage_derivative=_coverage(derivative_body, covered_derivative),
    )


@dataclass(frozen=True, slots=True)
class MatchedUnit:
    """Sentences of a source and a derivative matched as one unit, before it is read for
    its kind and changes: ``Sentence.index`` values of each side, sorted, and the raw score."""

    source_sentences: tuple[int, ...]
    derivative_sentences: tuple[int, ...]
    score: float


@dataclass(frozen=True, slots=True)
class Matching:
    """Which body sentences of two documents pair up, with the share of each side covered.

    It is what weighing the direction needs; ``alignment_of`` turns it into the full
    ``Alignment`` (kinds, changes, omitted and added sentences) once the direction is known,
    so the work of reading changes is done only in the direction kept.
    """

    pairs: tuple[MatchedUnit, ...]
    coverage_source: float
    coverage_derivative: float

    def inverted(self) -> Matching:
        """Return the same matching read the other way (the derivative as the source)."""
        return Matching(
            pairs=tuple(
                MatchedUnit(u.derivative_sentences, u.source_sentences, u.score) for u in self.pairs
            ),
            coverage_source=self.coverage_derivative,
            coverage_derivative=self.coverage_source,
        )


def align(
    source: Document,
    derivative: Document,
    encoder: Encoder,
    settings: AlignSettings,
    tuning: AlignTuning = DEFAULT_TUNING,
) -> Alignment:
    """Align the body sentences of a derivative with those of its source.

    Returns an ``Alignment`` whose pairs, omitted and added entries name
    ``Sentence.index`` values; every body sentence of each side appears in
    exactly one pair or in ``omitted`` (source) / ``added`` (derivative).
    Non-body derivative sentences (chrome, captions, bylines) are listed as
    added; non-body source sentences are ignored. The encoder is called only
    for sentences without a near-exact match. Raises nothing of its own.
    """
    matching = match_sentences(source, derivative, encoder, settings, tuning)
    return alignment_of(matching, source, derivative, settings, tuning)


def match_sentences(
    source: Document,
    derivative: Document,
    encoder: Encoder,
    settings: AlignSettings,
    tuning: AlignTuning = DEFAULT_TUNING,
) -> Matching:
    """Return which body sentences of ``derivative`` and ``source`` pair up (``align``'s first
    half: exact keys first, the rest scored). Raises nothing of its own."""
    source_side = _Side.of(source)
    derivative_side = _Side.of(derivative)
    exact = _exact_units(source_side, derivative_side)
    taken_rows = {unit.derivative[0] for unit in exact}
    taken_cols = {unit.source[0] for unit in exact}
    open_rows = [r for r in range(len(derivative_side.keys)) if r not in taken_rows]
    open_cols = [c for c in range(len(source_side.keys)) if c not in taken_cols]
    chosen = list(exact)
    if open_rows and open_cols:
        rest = _scored_units(
            source_side.part(open_cols), derivative_side.part(open_rows), encoder, settings, tuning
        )
        chosen += [
            _Unit(
                tuple(open_rows[r] for r in unit.derivative),
                tuple(open_cols[c] for c in unit.source),
                unit.score,
            )
            for unit in rest
        ]
    pairs = tuple(
        MatchedUnit(
            tuple(sorted(source_side.sentences[p].index for p in unit.source)),
            tuple(sorted(derivative_side.sentences[p].index for p in unit.derivative)),
            unit.score,
        )
        for unit in chosen
    )
    return Matching(
        pairs=pairs,
        coverage_source=_coverage(source.body, {i for u in pairs for i in u.source_sentences}),
        coverage_derivative=_coverage(
            derivative.body, {j for u in pairs for j in u.derivative_sentences}
        ),
    )


def alignment_of(
    matching: Matching,
    source: Document,
    derivative: Document,
    settings: AlignSettings,
    tuning: AlignTuning = DEFAULT_TUNING,
) -> Alignment:
    """Return the full alignment of a matching of ``derivative`` against ``source``: each
    unit's kind and changes, the omitted and the added sentences."""
    units = ((u.source_sentences, u.derivative_sentences, u.score) for u in matching.pairs)
    return _build_alignment(units, source, derivative, settings, tuning)


def _scored_units(
    source: _Side,
    derivative: _Side,
    encoder: Encoder,
    settings: AlignSettings,
    tuning: AlignTuning,
) -> list[_Unit]:
    """Units chosen by scoring every sentence pair (and 2-3 sentence groups) of two sides."""
    scorer = _Scorer(source, derivative, encoder, tuning)
    threshold = settings.pair_threshold
    candidates = _single_units(scorer, threshold)
    candidates += _merge_units(scorer, threshold, transpose=False)
    candidates += _merge_units(scorer, threshold, transpose=True)
    return _assign(candidates)


def _exact_units(source: _Side, derivative: _Side) -> list[_Unit]:
    """One-to-one units of sentences with equal comparison keys, found without scoring.

    A key held by exactly one sentence on each side pairs them at score 1: scored, the pair
    would be a settled mutual best at 1, which nothing outranks, and settled sentences join
    no merge. Only the sentences left open go to the scorer, so a verbatim copy, a duplicate
    or an excerpt never calls it (nor the encoder), and an edited copy scores only the
    sentences it edited.
    """
    rows: dict[str, list[int]] = {}
    cols: dict[str, list[int]] = {}
    for row, key in enumerate(derivative.keys):
        rows.setdefault(key, []).append(row)
    for col, key in enumerate(source.keys):
        cols.setdefault(key, []).append(col)
    return [
        _Unit((found[0],), (cols[key][0],), 1.0)
        for key, found in rows.items()
        if len(found) == 1 and len(cols.get(key, ())) == 1
    ]


def sentence_scores(
    derivative: Sequence[str],
    source: Sequence[str],
    encoder: Encoder,
    tuning: AlignTuning = DEFAULT_TUNING,
) -> Grid:
    """Return the combined score, in [0, 1], of each derivative sentence against each source one.

    The sentences are taken as normalised text (``Sentence.norm``). Row ``i``, column ``j``
    scores ``derivative[i]`` against ``source[j]`` exactly as ``align`` does before it picks
    units; the encoder sees only the sentences no near-exact match settled. Raises nothing
    of its own.
    """
    scorer = _Scorer(_Side.of_texts(source), _Side.of_texts(derivative), encoder, tuning)
    return np.clip(scorer.combined, 0.0, 1.0)


def invert_alignment(
    alignment: Alignment,
    source: Document,
    derivative: Document,
    settings: AlignSettings,
    tuning: AlignTuning = DEFAULT_TUNING,
) -> Alignment:
    """Return the same alignment read the other way: ``derivative`` as the source.

    ``source`` and ``derivative`` are the roles the given alignment was made
    with. Merged units become split ones and vice versa; changes, omitted and
    added sentences are recomputed for the new direction.
    """
    units = ((p.derivative_sentences, p.source_sentences, p.score) for p in alignment.pairs)
    return _build_alignment(units, derivative, source, settings, tuning)
