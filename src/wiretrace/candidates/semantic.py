"""Semantic candidates: article and lead vectors for rewrites that keep no wording.

A paraphrase or an LLM rewrite shares almost no word 5-grams with its source,
and a condensed rewrite may keep too few rare anchors to reach
``anchor_min_shared``. This generator gives each article two vectors, the whole
body and its lead (the first ``LEAD_SENTENCES`` body sentences), from a cheap
encoder, and proposes the ``top_k`` nearest articles whose cosine passes the
threshold *and* that share at least one rare anchor or were published within
``window_days``. The full MiniLM never runs here: alignment verifies.

Encoders (``SemanticSettings.mode``):

- ``static``: word-piece vectors distilled from the bundled MiniLM
  (``embed.StaticEncoder``; ~7,000 sentences/s per core, cached on disk);
- ``hashing``: content words hashed into ``HASHING_DIMS`` buckets, reusing the
  word hashes the fingerprint stage already computed (no model, ~free);
- ``off``: no vectors, no semantic proposals.

Determinism: vectors are stored as int8 (scaled so the largest coordinate is
127). Dot products of such vectors are integers below 2**24, which float32
adds exactly in any order, so cosines, and therefore neighbours, do not
depend on the order articles were added or on how BLAS splits the work.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from wiretrace.candidates.anchors import CONTENT, content_kinds
from wiretrace.config import CandidateSettings
from wiretrace.fingerprint import Tokens

__all__ = [
    "HASHING_DIMS",
    "LEAD_SENTENCES",
    "MODES",
    "SEMANTIC_SCHEME",
    "ArticleVectors",
    "SemanticIndex",
    "SemanticSettings",
    "article_vectors",
    "day_number",
    "pair_cosine",
    "semantic_scheme",
    "semantic_settings",
]

SEMANTIC_SCHEME = "e1"  # names the vector recipe below; part of the features scheme
MODES = ("off", "hashing", "static")
LEAD_SENTENCES = 3
HASHING_DIMS = 256
_SCALE = 127  # int8 range used by stored vectors
_BLOCK = 1024  # query rows per matrix product in batch search

Int8Matrix = npt.NDArray[np.int8]
FloatMatrix = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class SemanticSettings:
    """How the semantic generator runs (see the module docstring)."""

    mode: str = "off"
    threshold: float = 0.75  # cosine of article or lead vectors to propose a pair
    top_k: int = 2  # nearest articles each article may propose
    window_days: int = 3  # published this close counts as a gate when no anchor is shared ...
    window_threshold: float = 0.9  # ... for vectors at least this near: a day's news is many
    min_anchors: int = 1  # rare anchors (weight > 0) the pair must share otherwise

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"semantic mode must be one of {MODES}, got {self.mode!r}")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"semantic threshold must be in (0, 1], got {self.threshold}")
        if not 0.0 < self.window_threshold <= 1.0:
            raise ValueError(
                f"semantic window_threshold must be in (0, 1], got {self.window_threshold}"
            )
        if self.top_k < 1:
            raise ValueError(f"semantic top_k must be >= 1, got {self.top_k}")
        if self.window_days < 0 or self.min_anchors < 0:
            raise ValueError(
                f"window_days and min_anchors must be >= 0, got "
                f"{self.window_days} and {self.min_anchors}"
            )

    @property
    def enabled(self) -> bool:
        """Return True unless the mode is ``off``."""
        return self.mode != "off"


_FIELDS = {
    "semantic": "mode",
    "semantic_threshold": "threshold",
    "semantic_top_k": "top_k",
    "semantic_window_days": "window_days",
    "semantic_window_threshold": "window_threshold",
    "semantic_min_anchors": "min_anchors",
}


def semantic_settings(settings: CandidateSettings) -> SemanticSettings:
    """Return the semantic settings held by ``settings`` (defaults for fields it lacks).

    Reads ``semantic``, ``semantic_threshold``, ``semantic_top_k``,
    ``semantic_window_days``, ``semantic_window_threshold`` and ``semantic_min_anchors``.
    Raises ValueError on a bad value.
    """
    values: dict[str, object] = {}
    for field_name, own in _FIELDS.items():
        if hasattr(settings, field_name):
            values[own] = getattr(settings, field_name)
    defaults = SemanticSettings()
    return SemanticSettings(
        mode=str(values.get("mode", defaults.mode)),
        threshold=float(str(values.get("threshold", defaults.threshold))),
        top_k=int(str(values.get("top_k", defaults.top_k))),
        window_days=int(str(values.get("window_days", defaults.window_days))),
        window_threshold=float(str(values.get("window_threshold", defaults.window_threshold))),
        min_anchors=int(str(values.get("min_anchors", defaults.min_anchors))),
    )


def semantic_scheme(semantic: SemanticSettings) -> str:
    """Return the scheme part naming the vectors; loads the static model in ``static`` mode.

    Raises DependencyError when the static model cannot be loaded.
    """
    if semantic.mode == "off":
        return f"{SEMANTIC_SCHEME}:off"
    if semantic.mode == "hashing":
        return f"{SEMANTIC_SCHEME}:hashing-{HASHING_DIMS}"
    from wiretrace.embed import static_encoder

    return f"{SEMANTIC_SCHEME}:{static_encoder().name}/lead{LEAD_SENTENCES}"


def day_number(published: datetime | None) -> int | None:
    """Return the UTC day number (days since 1970-01-01) of ``published``, or None."""
    if published is None:
        return None
    moment = published if published.tzinfo else published.replace(tzinfo=UTC)
    return math.floor(moment.timestamp() / 86_400)


@dataclass(frozen=True, slots=True)
class ArticleVectors:
    """The int8 article vector (row 0) and lead vector (row 1) of one article."""

    rows: Int8Matrix

    def __post_init__(self) -> None:
        if self.rows.ndim != 2 or self.rows.shape[0] != 2 or self.rows.dtype != np.int8:
            raise ValueError(f"vectors must be a 2 x d int8 array, got {self.rows.shape}")

    def encode(self) -> str:
        """Return the vectors as base64 text (the dimension is implied by the length)."""
        return base64.b64encode(self.rows.tobytes()).decode("ascii")

    @staticmethod
    def decode(text: str) -> ArticleVectors:
        """Return the vectors stored by ``encode``.

        Raises ValueError on text that is not base64 of an even number of bytes.
        """
        try:
            raw = base64.b64decode(text.encode("ascii"), validate=True)
        except (ValueError, UnicodeEncodeError) as exc:
            raise ValueError(f"article vectors are not base64: {exc}") from exc
        if not raw or len(raw) % 2:
            raise ValueError(f"article vectors must hold 2 rows, got {len(raw)} bytes")
        return ArticleVectors(np.frombuffer(raw, dtype=np.int8).reshape(2, -1).copy())


def _quantise(matrix: FloatMatrix) -> Int8Matrix:
    """Return each row scaled so its largest coordinate is +-127, rounded to int8."""
    peak = np.max(np.abs(matrix), axis=1, keepdims=True)
    peak[peak == 0] = 1.0
    scaled = np.rint(matrix.astype(np.float64) / peak * _SCALE)
    quantised: Int8Matrix = scaled.astype(np.int8)
    return quantised


def _hashed_vectors(body: Tokens, kinds: npt.NDArray[np.int8]) -> FloatMatrix:
    """Return article and lead bags of content words hashed into ``HASHING_DIMS`` buckets.

    ``kinds`` is the content kind of each word of ``body.stream``: words of three
    characters or more that are neither function words nor numbers count.
    """
    content = kinds == CONTENT
    buckets = (body.hashes % np.uint64(HASHING_DIMS)).astype(np.intp)
    lead = content & (body.sentence_of < LEAD_SENTENCES)
    rows = [np.bincount(buckets[mask], minlength=HASHING_DIMS) for mask in (content, lead)]
    # Square roots keep a word repeated ten times from outweighing the rest of the story.
    return np.sqrt(np.stack(rows).astype(np.float32))


def _static_vectors(sentences: Sequence[str]) -> FloatMatrix:
    from wiretrace.embed import static_encoder

    texts = [" ".join(sentences), " ".join(sentences[:LEAD_SENTENCES])]
    return static_encoder().encode(texts)


def article_vectors(
    sentences: Sequence[str],
    body: Tokens,
    semantic: SemanticSettings,
    kinds: npt.NDArray[np.int8] | None = None,
) -> ArticleVectors | None:
    """Return the article and lead vectors of body ``sentences`` (``body`` their tokens).

    ``kinds`` is ``anchors.content_kinds(body.stream)`` when the caller has it.
    None in ``off`` mode or for an empty body. Raises DependencyError when the
    static model is asked for and cannot be loaded.
    """
    if semantic.mode == "off" or not body.stream:
        return None
    if semantic.mode != "hashing":
        return ArticleVectors(_quantise(_static_vectors(sentences)))
    if kinds is None:
        kinds = content_kinds(body.stream)
    return ArticleVectors(_quantise(_hashed_vectors(body, kinds)))


_NORM_BLOCK = 8192  # rows whose norms ``of_matrix`` computes at a time


class SemanticIndex:
    """Exact nearest-neighbour search over int8 article and lead vectors.

    Exact search over a numpy matrix is fast enough to 100k articles (see
    ``bench/vector_index.py``) and, unlike graph indexes, gives the same
    neighbours whatever the insertion order.
    """

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._position: dict[str, int] = {}
        self._rows: list[Int8Matrix] = []
        self._matrix: Int8Matrix | None = None  # (n, 2, d): every added article's rows
        self._norms: npt.NDArray[np.float64] | None = None

    @classmethod
    def of_matrix(cls, ids: Sequence[str], matrix: Int8Matrix) -> SemanticIndex:
        """Return the index of stacked rows (``matrix[i]``: the rows of ``ids[i]``), its norms
        computed a block at a time (never a float copy of the whole matrix)."""
        index = cls()
        index._ids = list(ids)
        index._position = {article_id: n for n, article_id in enumerate(index._ids)}
        if not index._ids:
            return index
        norms = np.empty(matrix.shape[:2], dtype=np.float64)
        for start in range(0, len(matrix), _NORM_BLOCK):
            wide = matrix[start : start + _NORM_BLOCK].astype(np.float32)
            squares = np.einsum("nkd,nkd->nk", wide, wide).astype(np.float64)
            norms[start : start + _NORM_BLOCK] = np.sqrt(squares)
        index._matrix, index._norms = matrix, norms
        return index

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, article_id: str, vectors: ArticleVectors) -> None:
        """Add one article's vectors. Raises ValueError on a dimension other than the first."""
        if self._rows and vectors.rows.shape != self._rows[0].shape:
            raise ValueError(
                f"vectors of {article_id!r} have shape {vectors.rows.shape}, "
                f"the index holds {self._rows[0].shape}"
            )
        self._position[article_id] = len(self._ids)
        self._ids.append(article_id)
        self._rows.append(vectors.rows)
        self._matrix = None

    def neighbours_among(
        self,
        query_id: str,
        vectors: ArticleVectors,
        pool: Sequence[str],
        top_k: int,
        threshold: float,
    ) -> list[tuple[str, float]]:
        """Return up to ``top_k`` (id, cosine) >= ``threshold`` among the added ids of ``pool``.

        Like ``neighbours`` for one query, but only the pool is scored: the candidate
        generator passes the articles sharing a rare anchor with the query, which keeps the
        search linear in the corpus instead of quadratic. Ties with the ``top_k``-th best are
        all kept, so the result does not depend on the pool's order.
        """
        rows = [self._position[i] for i in pool if i in self._position and i != query_id]
        return self.neighbours_in_rows(vectors, np.asarray(rows, dtype=np.intp), top_k, threshold)

    def row_of(self, article_id: str) -> int:
        """Return the row of an added id (the order it was added in), -1 when not added."""
        return self._position.get(article_id, -1)

    def neighbours_in_rows(
        self,
        vectors: ArticleVectors,
        rows: npt.NDArray[np.intp],
        top_k: int,
        threshold: float,
    ) -> list[tuple[str, float]]:
        """``neighbours_among`` for a pool given as rows (``row_of``), the query's own left out."""
        if not len(rows):
            return []
        values, norms = self._prepared()
        # the int8 rows are gathered (a quarter of the bytes), then widened exactly
        pool = values[rows].astype(np.float32)
        cosines = _best_cosines(vectors.rows[None, :, :], pool, norms[rows])[0]
        kept = _contenders(cosines[None, :], top_k, threshold)[0]
        ranked = sorted((-float(cosines[i]), self._ids[rows[i]]) for i in np.flatnonzero(kept))
        return [(article_id, -negative) for negative, article_id in ranked][:top_k]

    def prepare(self) -> None:
        """Stack the added rows into one matrix now (searches do it on first use)."""
        if self._rows:
            self._prepared()

    def _prepared(self) -> tuple[Int8Matrix, npt.NDArray[np.float64]]:
        """Return the (n, 2, d) int8 values of every added article and their row norms."""
        if self._matrix is None or self._norms is None:
            self._matrix = np.stack(self._rows)
            wide = self._matrix.astype(np.float32)
            self._norms = np.sqrt(np.einsum("nkd,nkd->nk", wide, wide).astype(np.float64))
        return self._matrix, self._norms

    def neighbours(
        self,
        queries: Sequence[tuple[str, ArticleVectors]],
        top_k: int,
        threshold: float,
    ) -> list[list[tuple[str, float]]]:
        """Return, per (id, vectors) query, up to ``top_k`` other (id, cosine) >= ``threshold``.

        The cosine of a pair is the higher of its article and lead cosines;
        neighbours come best first, ties by id; a query never finds its own id.
        Returns empty lists when the index is empty.
        """
        if not self._ids or not queries:
            return [[] for _ in queries]
        values, norms = self._prepared()
        matrix = values.astype(np.float32)
        found: list[list[tuple[str, float]]] = []
        for start in range(0, len(queries), _BLOCK):
            chunk = queries[start : start + _BLOCK]
            cosines = _best_cosines(np.stack([q.rows for _, q in chunk]), matrix, norms)
            kept = _contenders(cosines, top_k + 1, threshold)
            for (query_id, _), row, mask in zip(chunk, cosines, kept, strict=True):
                found.append(self._top(query_id, row, mask, top_k))
        return found

    def _top(
        self,
        query_id: str,
        cosines: npt.NDArray[np.float64],
        contenders: npt.NDArray[np.bool_],
        top_k: int,
    ) -> list[tuple[str, float]]:
        ranked = sorted((-float(cosines[i]), self._ids[i]) for i in np.flatnonzero(contenders))
        kept = [
            (article_id, -negative) for negative, article_id in ranked if article_id != query_id
        ]
        return kept[:top_k]


def pair_cosine(first: ArticleVectors, second: ArticleVectors) -> float:
    """Return the cosine ``neighbours_among`` gives two articles (the higher of article and
    lead cosines; exact integer arithmetic, so equal wherever it is computed)."""
    matrix = second.rows[None, :, :].astype(np.float32)
    norms = np.sqrt(np.einsum("nkd,nkd->nk", matrix, matrix).astype(np.float64))
    return float(_best_cosines(first.rows[None, :, :], matrix, norms)[0, 0])


def _contenders(
    cosines: npt.NDArray[np.float64], count: int, threshold: float
) -> npt.NDArray[np.bool_]:
    """Return, per row, the cosines >= threshold and >= the row's ``count``-th best.

    Every article tied with the ``count``-th best is kept, so ties never depend on order.
    """
    if cosines.shape[1] > count:
        floor = np.partition(cosines, cosines.shape[1] - count, axis=1)[:, -count]
        threshold_row = np.maximum(floor, threshold)[:, None]
    else:
        threshold_row = np.full((len(cosines), 1), threshold)
    contenders: npt.NDArray[np.bool_] = cosines >= threshold_row
    return contenders


def _best_cosines(
    block: Int8Matrix, matrix: FloatMatrix, norms: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Return the higher of the article and lead cosines of each query row with each article."""
    queries = block.astype(np.float32)
    query_norms = np.sqrt(np.einsum("qkd,qkd->qk", queries, queries).astype(np.float64))
    best = np.full((len(queries), len(matrix)), -1.0)
    for kind in range(2):  # 0: whole article, 1: lead
        dots = (queries[:, kind, :] @ matrix[:, kind, :].T).astype(np.float64)
        denominator = np.outer(query_norms[:, kind], norms[:, kind])
        cosines = np.divide(dots, denominator, out=np.zeros_like(dots), where=denominator > 0)
        np.maximum(best, cosines, out=best)
    return best
