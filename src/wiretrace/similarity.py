"""Sentence-pair similarity and "same fact" decisions, for callers outside alignment.

``similarity`` is alignment's own sentence score (``wiretrace.align.sentence_scores``:
character, word-bigram, shared names/numbers and embedding evidence) with weights fitted
for ranking sentence pairs (``SIMILARITY_TUNING``); ``pair_similarities`` scores many
pairs with one batched encoder call. ``same_fact`` adds what a similarity cannot
see: a changed number or a negation (``detect_changes``) and
two names or phrases that traded places ("A beat B" vs "B beat A"), which
``role_swap`` measures.

Pure stage: no I/O beyond the encoder it is given.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from wiretrace.align import AlignTuning, sentence_scores
from wiretrace.changes import detect_changes
from wiretrace.changes_text import is_content
from wiretrace.embed import Encoder, Matrix
from wiretrace.models import ChangeKind
from wiretrace.text import normalize

__all__ = [
    "FACT_CHANGES",
    "ROLE_SWAP_LIMIT",
    "SAME_FACT_THRESHOLD",
    "SIMILARITY_TUNING",
    "changed_facts",
    "pair_similarities",
    "role_swap",
    "same_fact",
    "similarity",
]

# Alignment's scoring with weights fitted for ranking sentence pairs (STS-B train, Spearman
# 0.743 -> 0.807; dev 0.790 -> 0.862): the cosine carries the score, rescaled from 0, and
# character overlap counts only above 0.6, as "Someone is drawing" / "Someone is dancing"
# share most characters and no meaning. Alignment keeps its own tuning, made for picking units.
SIMILARITY_TUNING = AlignTuning(
    semantic_floor=0.0,
    semantic_ceiling=0.95,
    semantic_weight=1.0,
    lexical_weight=0.0,
    anchor_weight=0.0,
    ratio_floor=0.6,
)
# Fitted on MSRP train (bench/quality_pairs.py): the score above which two news sentences
# most often state the same fact.
SAME_FACT_THRESHOLD = 0.686
# Fitted on PAWS-Wiki dev: above this share of content words that traded places, roles changed.
ROLE_SWAP_LIMIT = 0.12
# Changes that make two sentences state different facts. On MSRP train only these two do not
# cost accuracy: flagged entity, quotation and attribution changes are mostly paraphrases
# (a quote's bounds moved, a name spelled out), so they do not veto a match here.
FACT_CHANGES = frozenset((ChangeKind.NUMBER, ChangeKind.NEGATION))

_WORD = re.compile(r"\w+")


def _norm(text: str) -> str:
    return " ".join(normalize(text).text.split())


class _Lookup:
    """An encoder answering from vectors computed once for a whole batch."""

    def __init__(self, inner: Encoder, sentences: Sequence[str]) -> None:
        self.name = inner.name
        distinct = sorted(set(sentences))
        vectors = inner.encode(distinct) if distinct else np.zeros((0, 1), dtype=np.float32)
        self._vectors = dict(zip(distinct, vectors, strict=True))

    def encode(self, sentences: Sequence[str]) -> Matrix:
        return np.stack([self._vectors[s] for s in sentences]).astype(np.float32)


def _pair_score(a: str, b: str, encoder: Encoder, tuning: AlignTuning) -> float:
    if a == b:
        return 1.0
    return float(sentence_scores([a], [b], encoder, tuning)[0, 0])


def similarity(a: str, b: str, encoder: Encoder, tuning: AlignTuning = SIMILARITY_TUNING) -> float:
    """Return how alike two sentences are, in [0, 1]: 1.0 for the same text.

    Symmetric in ``a`` and ``b``. The encoder is called only when the two are
    not near-identical. Raises nothing of its own.
    """
    return _pair_score(_norm(a), _norm(b), encoder, tuning)


def pair_similarities(
    pairs: Sequence[tuple[str, str]], encoder: Encoder, tuning: AlignTuning = SIMILARITY_TUNING
) -> npt.NDArray[np.float64]:
    """Return ``similarity`` of every pair, as a float array in pair order.

    Every distinct sentence is encoded once, in one encoder call. Raises
    nothing of its own.
    """
    normalised = [(_norm(a), _norm(b)) for a, b in pairs]
    lookup = _Lookup(encoder, [s for pair in normalised for s in pair])
    scores = [_pair_score(a, b, lookup, tuning) for a, b in normalised]
    return np.asarray(scores, dtype=np.float64)


_EDGE = ""  # the neighbour of a sentence's first or last word


@dataclass(frozen=True, slots=True)
class _Contexts:
    """Neighbours and positions of each content word that occurs once in a sentence."""

    left: dict[str, str]
    right: dict[str, str]
    position: dict[str, int]

    @classmethod
    def of(cls, text: str) -> _Contexts:
        words = [w.lower() for w in _WORD.findall(text)]
        counts = Counter(words)
        padded = [_EDGE, *words, _EDGE]
        left: dict[str, str] = {}
        right: dict[str, str] = {}
        position: dict[str, int] = {}
        for index, word in enumerate(words, start=1):
            if counts[word] == 1 and is_content(word):
                left[word] = padded[index - 1]
                right[word] = padded[index + 1]
                position[word] = index
        return cls(left, right, position)


def _traded(
    before: dict[str, str], after: dict[str, str], first: _Contexts, second: _Contexts
) -> set[str]:
    """Words that took another's neighbour on one side (``before`` -> ``after``).

    With their order flipped, one word taking the other's neighbour is enough (a phrase
    swapped for another brings its own inner neighbours), unless that neighbour is the
    sentence edge: a clause moved to the front takes the edge without trading anything.
    With the order kept, both must have taken the other's.
    """
    moved = [w for w in sorted(before.keys() & after.keys()) if before[w] != after[w]]
    found: set[str] = set()
    for x, y in itertools.combinations(moved, 2):
        if before[x] == before[y]:
            continue
        flipped = (first.position[x] < first.position[y]) != (
            second.position[x] < second.position[y]
        )
        took_x = before[x] == after[y] and before[x] != _EDGE
        took_y = before[y] == after[x] and before[y] != _EDGE
        both = before[x] == after[y] and before[y] == after[x]
        if both or (flipped and (took_x or took_y)):
            found.update((x, y))
    return found


def role_swap(a: str, b: str) -> float:
    """Return the share, in [0, 1], of shared content words that traded places with another.

    Two words traded places when they changed order and one took the other's
    left or right neighbour: "Arsenal beat Chelsea" / "Chelsea beat Arsenal",
    "for the army against the Royal Navy" / "for the Royal Navy against the
    army". 0.0 when nothing traded places. Raises nothing.
    """
    first, second = _Contexts.of(_norm(a)), _Contexts.of(_norm(b))
    shared = sorted(first.left.keys() & second.left.keys())
    if not shared:
        return 0.0
    traded = _traded(first.left, second.left, first, second)
    traded |= _traded(first.right, second.right, first, second)
    return len(traded) / len(shared)


def changed_facts(a: str, b: str) -> tuple[ChangeKind, ...]:
    """Return the fact-changing kinds ``detect_changes`` finds either way between two texts.

    Sorted by kind; empty when the two state the same numbers, names, polarity
    and quotations. Symmetric. Raises nothing.
    """
    a_norm, b_norm = _norm(a), _norm(b)
    found = {
        c.kind
        for c in (*detect_changes(a_norm, b_norm), *detect_changes(b_norm, a_norm))
        if c.kind in FACT_CHANGES
    }
    return tuple(sorted(found))


def same_fact(
    a: str,
    b: str,
    encoder: Encoder,
    threshold: float = SAME_FACT_THRESHOLD,
    swap_limit: float = ROLE_SWAP_LIMIT,
) -> bool:
    """Return True when the two sentences state the same fact.

    That needs a ``similarity`` of at least ``threshold``, no change of a kind
    in ``FACT_CHANGES`` (a number or a negation), and a ``role_swap`` of at most
    ``swap_limit``.

    Raises:
        ValueError: ``threshold`` or ``swap_limit`` is outside [0, 1].
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    if not 0.0 <= swap_limit <= 1.0:
        raise ValueError(f"swap_limit must be in [0, 1], got {swap_limit}")
    if similarity(a, b, encoder) < threshold:
        return False
    return role_swap(a, b) <= swap_limit and not changed_facts(a, b)
