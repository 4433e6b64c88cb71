"""Sentence-pair similarity and "same fact" decisions, for callers outside alignment.

Both read a pair's ``PairEvidence``: the encoder's cosine, character and word-bigram
overlap, length ratio, a changed number or negation (``detect_changes``) and names that
traded places ("A beat B" vs "B beat A", ``role_swap``). ``similarity`` is a linear blend
of it fitted on STS-B train+dev, ``same_fact`` a logistic regression fitted on MSRP train
(the name-swap weight on PAWS-Wiki dev); the fitted constants below name the command that
produced them. ``pair_similarities`` and ``pair_evidence`` batch the encoder call.

Pure stage: no I/O beyond the encoder it is given.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from wiretrace.changes import detect_changes
from wiretrace.changes_text import is_content
from wiretrace.embed import Encoder, Matrix
from wiretrace.models import ChangeKind
from wiretrace.text import normalize

__all__ = [
    "EVIDENCE_FIELDS",
    "FACT_CHANGES",
    "SAME_FACT_INTERCEPT",
    "SAME_FACT_THRESHOLD",
    "SAME_FACT_WEIGHTS",
    "SIMILARITY_INTERCEPT",
    "SIMILARITY_WEIGHTS",
    "STRICT_FACT_THRESHOLD",
    "PairEvidence",
    "changed_facts",
    "fact_probability",
    "pair_evidence",
    "pair_similarities",
    "role_swap",
    "same_fact",
    "similarity",
]

# Produced by `python bench/quality_pairs.py fit` (fitting on train/dev splits only), in
# EVIDENCE_FIELDS order. STS-B: least squares of the 0-5 gold score on train+dev (train-only
# fit: dev Spearman 0.884 vs the plain cosine's 0.867); the score is that / 5, clipped.
SIMILARITY_WEIGHTS = (4.48, -0.5, 1.51, -0.17, 0.03, -0.91, -0.34, 0.22)
SIMILARITY_INTERCEPT = -0.85
# same_fact: logistic regression on MSRP train for every field but name_swap, whose weight is
# then fitted on PAWS-Wiki dev with the MSRP model as a fixed offset: the two sets disagree on
# word order (MSRP calls 78% of its pairs with traded words paraphrases, PAWS 20%), and pooled
# rows cost MSRP test accuracy more than they gain on PAWS.
SAME_FACT_WEIGHTS = (3.58, 2.78, 2.04, 0.07, 2.56, -0.81, -0.28, -11.21)
SAME_FACT_INTERCEPT = -7.69
SAME_FACT_THRESHOLD = 0.5
# For sentences that share nearly every word (PAWS-Wiki: names or phrases swapped), the cut
# most accurate on PAWS-Wiki dev; the default 0.5 lets almost every such pair through.
STRICT_FACT_THRESHOLD = 0.935
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


def similarity(a: str, b: str, encoder: Encoder) -> float:
    """Return how alike two sentences are, in [0, 1]: 1.0 for the same text.

    The fitted STS-B blend of their ``PairEvidence`` (``SIMILARITY_WEIGHTS``), divided
    by 5 and clipped. Symmetric in ``a`` and ``b``. Raises nothing of its own.
    """
    return float(pair_similarities([(a, b)], encoder)[0])


def pair_similarities(
    pairs: Sequence[tuple[str, str]], encoder: Encoder
) -> npt.NDArray[np.float64]:
    """Return ``similarity`` of every pair, as a float array in pair order.

    Every distinct sentence is encoded once, in one encoder call. Raises
    nothing of its own.
    """
    return np.asarray([_blend(e) for e in pair_evidence(pairs, encoder)], dtype=np.float64)


def _blend(evidence: PairEvidence) -> float:
    if evidence.identical:
        return 1.0
    score = SIMILARITY_INTERCEPT + sum(
        w * x for w, x in zip(SIMILARITY_WEIGHTS, evidence.as_row(), strict=True)
    )
    return min(1.0, max(0.0, score / 5.0))


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
) -> set[tuple[str, str]]:
    """Pairs of words that took another's neighbour on one side (``before`` -> ``after``).

    With their order flipped, one word taking the other's neighbour is enough (a phrase
    swapped for another brings its own inner neighbours), unless that neighbour is the
    sentence edge: a clause moved to the front takes the edge without trading anything.
    With the order kept, both must have taken the other's.
    """
    moved = [w for w in sorted(before.keys() & after.keys()) if before[w] != after[w]]
    found: set[tuple[str, str]] = set()
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
            found.add((x, y))
    return found


def _names(a: str, b: str) -> set[str]:
    """Lower-cased words capitalised wherever they occur in both texts: names, not the
    sentence-initial capital of a common word (which only counts when seen inside a text)."""
    always: list[set[str]] = []
    inside: set[str] = set()
    for text in (a, b):
        words = _WORD.findall(text)
        lower = {w.lower() for w in words if not w[:1].isupper()}
        always.append({w.lower() for w in words if w[:1].isupper()} - lower)
        inside |= {w.lower() for w in words[1:] if w[:1].isupper()}
    return always[0] & always[1] & inside


def role_swap(a: str, b: str, names_only: bool = False) -> float:
    """Return the share, in [0, 1], of shared content words that traded places with another.

    Two words traded places when they changed order and one took the other's
    left or right neighbour: "Arsenal beat Chelsea" / "Chelsea beat Arsenal",
    "for the army against the Royal Navy" / "for the Royal Navy against the
    army". With ``names_only``, only trades between two names (capitalised in
    both sentences) count: news rewording trades common words ("a man was
    arrested" / "arrested a man") without changing who did what. 0.0 when
    nothing traded places. Symmetric. Raises nothing.
    """
    a_norm, b_norm = _norm(a), _norm(b)
    first, second = _Contexts.of(a_norm), _Contexts.of(b_norm)
    shared = sorted(first.left.keys() & second.left.keys())
    if not shared:
        return 0.0
    traded = _traded(first.left, second.left, first, second)
    traded |= _traded(first.right, second.right, first, second)
    if names_only:
        names = _names(a_norm, b_norm)
        traded = {(x, y) for x, y in traded if x in names and y in names}
    words = {word for pair in traded for word in pair}
    return len(words) / len(shared)


def changed_facts(a: str, b: str) -> tuple[ChangeKind, ...]:
    """Return the fact-changing kinds ``detect_changes`` finds either way between two texts.

    Sorted by kind; empty when the two state the same numbers and polarity.
    Symmetric. Raises nothing.
    """
    a_norm, b_norm = _norm(a), _norm(b)
    found = {
        c.kind
        for c in (*detect_changes(a_norm, b_norm), *detect_changes(b_norm, a_norm))
        if c.kind in FACT_CHANGES
    }
    return tuple(sorted(found))


@dataclass(frozen=True, slots=True)
class PairEvidence:
    """What ``same_fact`` weighs for one sentence pair; every field is symmetric in the pair."""

    cosine: float  # the encoder's cosine of the two normalised sentences
    char_ratio: float  # rapidfuzz ratio of the lower-cased texts, in [0, 1]
    token_set_ratio: float  # rapidfuzz token_set_ratio, in [0, 1]
    bigram_overlap: float  # Dice overlap of the word-bigram sets
    length_ratio: float  # shorter / longer, in words
    number_changed: bool
    negation_changed: bool
    name_swap: float  # role_swap(names_only=True)
    identical: bool = False  # the same text once normalised

    def as_row(self) -> tuple[float, ...]:
        """Return the fields as numbers, in ``EVIDENCE_FIELDS`` order."""
        return (
            self.cosine,
            self.char_ratio,
            self.token_set_ratio,
            self.bigram_overlap,
            self.length_ratio,
            float(self.number_changed),
            float(self.negation_changed),
            self.name_swap,
        )


EVIDENCE_FIELDS = (
    "cosine",
    "char_ratio",
    "token_set_ratio",
    "bigram_overlap",
    "length_ratio",
    "number_changed",
    "negation_changed",
    "name_swap",
)


def _bigram_overlap(a_words: Sequence[str], b_words: Sequence[str]) -> float:
    a_bigrams, b_bigrams = set(itertools.pairwise(a_words)), set(itertools.pairwise(b_words))
    if not a_bigrams and not b_bigrams:
        return float(a_words == b_words)
    return 2 * len(a_bigrams & b_bigrams) / (len(a_bigrams) + len(b_bigrams))


def _evidence(a: str, b: str, cosine: float) -> PairEvidence:
    """Evidence for two normalised sentences whose encoder cosine is ``cosine``."""
    a_low, b_low = a.lower(), b.lower()
    a_words, b_words = _WORD.findall(a_low), _WORD.findall(b_low)
    longer = max(len(a_words), len(b_words))
    kinds = set(changed_facts(a, b)) if a_low != b_low else set()
    return PairEvidence(
        cosine=1.0 if a == b else min(1.0, max(-1.0, cosine)),
        char_ratio=fuzz.ratio(a_low, b_low) / 100.0,
        token_set_ratio=fuzz.token_set_ratio(a_low, b_low) / 100.0,
        bigram_overlap=_bigram_overlap(a_words, b_words),
        length_ratio=min(len(a_words), len(b_words)) / longer if longer else 1.0,
        number_changed=ChangeKind.NUMBER in kinds,
        negation_changed=ChangeKind.NEGATION in kinds,
        name_swap=role_swap(a, b, names_only=True),
        identical=a == b,
    )


def pair_evidence(pairs: Sequence[tuple[str, str]], encoder: Encoder) -> list[PairEvidence]:
    """Return the ``PairEvidence`` of every pair, in pair order.

    Every distinct sentence is encoded once, in one encoder call. Raises
    nothing of its own.
    """
    normalised = [(_norm(a), _norm(b)) for a, b in pairs]
    lookup = _Lookup(encoder, [s for pair in normalised for s in pair])
    found: list[PairEvidence] = []
    for a, b in normalised:
        vectors = lookup.encode([a, b])
        found.append(_evidence(a, b, float(np.dot(vectors[0], vectors[1]))))
    return found


def fact_probability(evidence: PairEvidence) -> float:
    """Return the fitted model's probability, in (0, 1), that the pair states the same fact.

    A logistic regression over ``PairEvidence.as_row()`` with ``SAME_FACT_WEIGHTS``
    and ``SAME_FACT_INTERCEPT``. Raises nothing.
    """
    logit = SAME_FACT_INTERCEPT + sum(
        w * x for w, x in zip(SAME_FACT_WEIGHTS, evidence.as_row(), strict=True)
    )
    return 1.0 / (1.0 + math.exp(-logit))


def same_fact(
    a: str,
    b: str,
    encoder: Encoder,
    threshold: float = SAME_FACT_THRESHOLD,
) -> bool:
    """Return True when the two sentences state the same fact.

    That is: ``fact_probability`` of their ``PairEvidence`` is at least
    ``threshold``. Symmetric in ``a`` and ``b``.

    Raises:
        ValueError: ``threshold`` is outside [0, 1].
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    (evidence,) = pair_evidence([(a, b)], encoder)
    return fact_probability(evidence) >= threshold
