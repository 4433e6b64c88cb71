"""Excerpts and condensed copies: containment, not Jaccard.

An excerpt keeps part of its source nearly word for word, so most of the
*smaller* text is inside the larger one while the two share a small part of
their union: seed 003 has a word 5-gram Jaccard of 0.35 with 000 but a
containment of 0.76, and whole-article Jaccard LSH at the usual thresholds
(0.5 to 0.8) misses it. Two cheap generators catch such pairs:

1. **Exact sentences.** Copy-editing leaves many sentences untouched. Each body
   sentence of >= 6 words is fingerprinted (lowercased words, punctuation
   dropped, xxh3-64) and posted in an inverted index; two articles sharing
   >= 2 such sentences are proposed. This costs one dict look-up per sentence,
   finds excerpts of any length ratio (003 shares 6 sentences with 000) and
   explains itself ("sentences:6"). It misses copies where every sentence was
   touched.
2. **Low-threshold LSH with a containment check.** A second band index is tuned
   to the Jaccard that a containment of ``containment_threshold`` implies for
   two texts of equal size, ``c / (2 - c)`` (0.18 for 0.3); an excerpt of a
   longer text has a lower Jaccard, but the S-curve at 2 rows per band still
   catches 003 with probability 0.99. Its collisions are kept only when the
   containment estimated from the two signatures and their shingle counts
   reaches ``containment_threshold``, which drops the many weak collisions a
   low threshold brings.

Both are proposals; alignment decides what the pair really is. Lines that many
articles share (newsletter prompts, copyright footers the text stage did not
set aside) are the boilerplate risk of the sentence index; ``LineIndex`` keeps
their document frequency so the candidate stage can discount them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from wiretrace.candidates.lsh import Postings

__all__ = [
    "LineIndex",
    "containment_estimate",
    "jaccard_estimate",
    "jaccard_for_containment",
]


def jaccard_estimate(
    first: Sequence[int] | npt.NDArray[np.uint64], second: Sequence[int] | npt.NDArray[np.uint64]
) -> float:
    """Return the share of equal MinHash values, the Jaccard estimate of two texts.

    Raises ValueError when the signatures differ in length or are empty.
    """
    if len(first) != len(second) or len(first) == 0:
        raise ValueError(
            f"signatures must be non-empty and of one length, got {len(first)} and {len(second)}"
        )
    equal = np.asarray(first, dtype=np.uint64) == np.asarray(second, dtype=np.uint64)
    return float(np.count_nonzero(equal)) / len(first)


def containment_estimate(jaccard: float, size_a: int, size_b: int) -> float:
    """Return the estimated share of the smaller shingle set found in the larger one.

    From ``|A & B| = J * (|A| + |B|) / (1 + J)``; 0.0 when either set is empty.
    Raises ValueError when ``jaccard`` is outside [0, 1] or a size is negative.
    """
    if not 0.0 <= jaccard <= 1.0:
        raise ValueError(f"jaccard must be in [0, 1], got {jaccard}")
    if size_a < 0 or size_b < 0:
        raise ValueError(f"set sizes must be >= 0, got {size_a} and {size_b}")
    smaller = min(size_a, size_b)
    if smaller == 0:
        return 0.0
    shared = jaccard * (size_a + size_b) / (1.0 + jaccard)
    return min(1.0, shared / smaller)


def jaccard_for_containment(containment: float) -> float:
    """Return the Jaccard of two equal-size sets with the given containment.

    Raises ValueError when ``containment`` is outside (0, 1].
    """
    if not 0.0 < containment <= 1.0:
        raise ValueError(f"containment must be in (0, 1], got {containment}")
    return containment / (2.0 - containment)


class LineIndex:
    """An inverted index of exact sentence fingerprints: line hash -> article ids."""

    def __init__(self) -> None:
        self._postings: Postings[int, str] = Postings()

    def add(self, key: str, lines: Iterable[int]) -> None:
        """Post ``key`` under each distinct line hash of ``lines``."""
        self._postings.post(sorted(set(lines)), key)

    def holders(self, line: int) -> Sequence[str]:
        """Return the ids of the articles holding ``line`` (in the order they were added)."""
        return self._postings.get(line)

    def df(self, line: int) -> int:
        """Return how many articles hold ``line``."""
        return self._postings.count(line)
