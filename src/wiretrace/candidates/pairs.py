"""The candidate verdict on one pair, as a pure function of the two articles and corpus counts.

``propose`` holds every article in one ``CandidateIndex``; a distributed driver
(the Spark job) cannot. It finds pairs by grouping blocking keys (LSH band
hashes, exact sentence hashes, rare anchors, nearest vectors) and then needs,
for each pair, the verdict ``propose`` would give. ``score_pair`` is that
verdict: the same gathering test (a pair that no generator points at is not
judged) and the same evidence, from the two articles' features plus the
document frequencies of the lines and anchors they share and the corpus size.

The building blocks (``_PairLines``, ``_content_anchors``, ``_within``,
``_signatures_collide``, the LSH parameters) are the index's own, imported rather than
copied; ``tests/test_spark.py`` checks the verdicts equal the index's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from wiretrace.candidates import (
    CONTAINMENT_RECALL_WEIGHT,
    MIN_SHARED_SENTENCES,
    CandidateFeatures,
    _content_anchors,
    _PairLines,
    _signatures_collide,
    _within,
    anchor_evidence,
    candidate_from,
)
from wiretrace.candidates.anchors import anchor_weight
from wiretrace.candidates.containment import (
    containment_estimate,
    jaccard_estimate,
    jaccard_for_containment,
)
from wiretrace.candidates.lsh import LSHIndex
from wiretrace.candidates.semantic import SemanticSettings, semantic_settings
from wiretrace.config import CandidateSettings
from wiretrace.models import Candidate

__all__ = ["CorpusCounts", "band_hashes", "score_pair"]

Evidence = tuple[str, float]


@dataclass(frozen=True, slots=True)
class CorpusCounts:
    """Corpus counts one pair's verdict needs.

    ``articles`` is the corpus size; ``line_df`` and ``anchor_df`` give how many
    articles hold a line hash or an anchor, at least for those the pair shares
    (a value not given counts as held by one article).
    """

    articles: int
    line_df: Mapping[int, int]
    anchor_df: Mapping[int, int]

    def __post_init__(self) -> None:
        if self.articles < 1:
            raise ValueError(f"articles must be >= 1, got {self.articles}")

    def line(self, line_hash: int) -> int:
        """Return how many articles hold ``line_hash``."""
        return self.line_df.get(line_hash, 1)

    def anchor(self, anchor: int) -> int:
        """Return how many articles hold ``anchor``."""
        return self.anchor_df.get(anchor, 1)


@lru_cache(maxsize=16)
def _band_indexes(settings: CandidateSettings) -> tuple[LSHIndex, LSHIndex]:
    """Return empty near-duplicate and excerpt LSH indexes with the index's bands and rows."""
    near = LSHIndex.for_threshold(settings.jaccard_threshold, settings.num_perm)
    excerpt = LSHIndex.for_threshold(
        jaccard_for_containment(settings.containment_threshold),
        settings.num_perm,
        fn_weight=CONTAINMENT_RECALL_WEIGHT,
    )
    return near, excerpt


def band_hashes(f: CandidateFeatures, settings: CandidateSettings) -> tuple[list[int], list[int]]:
    """Return the near-duplicate and excerpt band hashes of ``f``'s signature.

    Two articles collide in an LSH index of ``propose`` exactly when they share
    a value at one position of one of these lists. Both lists are empty for an
    article without body words (the index never holds those). Raises
    ValueError when the signature length is not ``settings.num_perm``.
    """
    if f.word_count == 0:
        return [], []
    near, excerpt = _band_indexes(settings)
    return near._band_hashes(f.signature), excerpt._band_hashes(f.signature)


def score_pair(
    first: CandidateFeatures,
    second: CandidateFeatures,
    counts: CorpusCounts,
    settings: CandidateSettings,
    cosine: float | None = None,
    semantic: SemanticSettings | None = None,
) -> Candidate | None:
    """Return the candidate ``propose`` makes of two articles, or None when it makes none.

    ``cosine`` is the pair's vector cosine when either article is among the
    other's semantic nearest neighbours (None otherwise); ``semantic``
    overrides the semantic settings read from ``settings``. The order of the
    two articles does not matter. Raises ValueError when both have one id.
    """
    if first.article_id == second.article_id:
        raise ValueError(f"a pair needs two articles, got {first.article_id!r} twice")
    semantic = semantic or semantic_settings(settings)
    if not semantic.enabled:
        cosine = None
    # propose judges each pair from its smaller id
    f, g = sorted((first, second), key=lambda x: x.article_id)
    if not _gathered(f, g, counts, settings, cosine):
        return None
    pair = _PairLines.of(f, g, counts.line)
    evidence = (
        _near_evidence(f, g, pair, settings),
        _excerpt_evidence(f, g, pair, settings),
        pair.sentence_evidence(),
        _anchor_evidence(f, g, pair, counts, settings),
        _semantic_evidence(f, g, pair, counts, settings, semantic, cosine),
    )
    return candidate_from(f.article_id, g.article_id, evidence, pair.boilerplate)


def _weight(anchor: int, counts: CorpusCounts, settings: CandidateSettings) -> float:
    return anchor_weight(counts.anchor(anchor), counts.articles, settings.anchor_max_df)


def _gathered(
    f: CandidateFeatures,
    g: CandidateFeatures,
    counts: CorpusCounts,
    settings: CandidateSettings,
    cosine: float | None,
) -> bool:
    """Return True when some generator of the index, queried with ``f``, points at ``g``."""
    near, excerpt = _band_indexes(settings)
    if cosine is not None or _signatures_collide(near, f, g) or _signatures_collide(excerpt, f, g):
        return True
    shared_lines = set(f.sentence_hashes) & set(g.sentence_hashes)
    rare_lines = sum(1 for line in shared_lines if counts.line(line) <= settings.anchor_max_df)
    if rare_lines >= MIN_SHARED_SENTENCES:
        return True
    held = Counter(g.anchors)
    weight = 0.0
    for anchor in f.anchors:
        share = _weight(anchor, counts, settings) if anchor in held else 0.0
        # added once per holding, in f's anchor order, as the index sums it (same float result)
        for _ in range(held[anchor] if share > 0.0 else 0):
            weight += share
    return weight >= settings.anchor_min_shared


def _near_evidence(
    f: CandidateFeatures, g: CandidateFeatures, pair: _PairLines, settings: CandidateSettings
) -> Evidence | None:
    if not _signatures_collide(_band_indexes(settings)[0], f, g):
        return None
    similarity = jaccard_estimate(f.signature, g.signature) - pair.boilerplate
    if similarity < settings.jaccard_threshold / 2:
        return None
    return "lsh", similarity


def _excerpt_evidence(
    f: CandidateFeatures, g: CandidateFeatures, pair: _PairLines, settings: CandidateSettings
) -> Evidence | None:
    if not _signatures_collide(_band_indexes(settings)[1], f, g):
        return None
    jaccard = jaccard_estimate(f.signature, g.signature)
    n = settings.ngram
    sizes = (max(f.word_count - n + 1, 1), max(g.word_count - n + 1, 1))
    contained = containment_estimate(jaccard, *sizes) - pair.boilerplate
    if contained < settings.containment_threshold:
        return None
    return f"containment:{contained:.2f}", contained


def _shared_content_anchors(
    f: CandidateFeatures, g: CandidateFeatures, pair: _PairLines
) -> frozenset[int]:
    return _content_anchors(f, pair.template) & _content_anchors(g, pair.template)


def _anchor_evidence(
    f: CandidateFeatures,
    g: CandidateFeatures,
    pair: _PairLines,
    counts: CorpusCounts,
    settings: CandidateSettings,
) -> Evidence | None:
    shared = sorted(_shared_content_anchors(f, g, pair))
    weights = [_weight(a, counts, settings) for a in shared]
    return anchor_evidence(f, g, shared, weights, settings)


def _semantic_evidence(
    f: CandidateFeatures,
    g: CandidateFeatures,
    pair: _PairLines,
    counts: CorpusCounts,
    settings: CandidateSettings,
    semantic: SemanticSettings,
    cosine: float | None,
) -> Evidence | None:
    if cosine is None:
        return None
    shared = _shared_content_anchors(f, g, pair)
    rare = sum(1 for a in shared if _weight(a, counts, settings) > 0.0)
    if rare >= semantic.min_anchors:
        return f"semantic:{cosine:.2f}:anchors:{rare}", cosine
    if _within(f.published_day, g.published_day, semantic.window_days):
        return f"semantic:{cosine:.2f}:window", cosine
    return None
