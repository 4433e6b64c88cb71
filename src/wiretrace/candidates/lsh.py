"""Banded locality-sensitive hashing over MinHash signatures.

A signature of ``bands * rows`` values is cut into bands; two signatures whose
values agree on every row of at least one band land in one bucket. Two texts
with Jaccard similarity ``s`` collide with probability ``1 - (1 - s**rows)**bands``
(the S-curve). ``optimal_params`` picks bands and rows for a wanted threshold
by minimising the weighted areas of false positives (collisions below the
threshold) and false negatives (misses above it) under that curve.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from functools import lru_cache
from itertools import compress, repeat
from operator import eq, is_not
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt

__all__ = [
    "LSHIndex",
    "Postings",
    "band_hash_matrix",
    "collision_probability",
    "holders_of",
    "optimal_params",
    "post_each",
]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V", bound=Hashable)


def post_each(held: Sequence[dict[K, V | list[V]]], keys: Sequence[K], value: V) -> None:
    """Post ``value`` under ``keys[i]`` in ``held[i]`` for every i.

    A key held by one value keeps it bare, a list is made for the second: most bands, lines
    and anchors of a corpus belong to one article, and a list for each would cost an
    allocation apiece (and garbage-collector time). ``setdefault`` mapped over the keys posts
    the new ones in C; only keys already held are fixed up here. ``value`` must not be held
    under these keys yet.
    """
    first = list(map(dict.setdefault, held, keys, repeat(value)))
    taken = map(is_not, first, repeat(value))
    for postings, key, other in compress(zip(held, keys, first, strict=True), taken):
        if isinstance(other, list):
            other.append(value)
        else:
            postings[key] = [other, value]


def holders_of(found: V | list[V] | None) -> Sequence[V]:
    """Return the values a ``post_each`` entry holds (``found`` is the entry or None)."""
    if found is None:
        return ()
    return found if isinstance(found, list) else (found,)


class Postings(Generic[K, V]):
    """An inverted index: key -> the values posted under it, in the order posted."""

    def __init__(self) -> None:
        self._held: dict[K, V | list[V]] = {}

    def __len__(self) -> int:
        return len(self._held)

    def __contains__(self, key: object) -> bool:
        return key in self._held

    def post(self, keys: Sequence[K], value: V) -> None:
        """Post ``value`` under each of ``keys`` (distinct, none holding ``value`` yet)."""
        post_each([self._held] * len(keys), keys, value)

    def items(self) -> Iterator[tuple[K, V | list[V]]]:
        """Yield each key with its entry: a lone value bare, several as a list."""
        return iter(self._held.items())

    def get(self, key: K) -> Sequence[V]:
        """Return the values posted under ``key`` (empty when none)."""
        return holders_of(self._held.get(key))

    def count(self, key: K) -> int:
        """Return how many values are posted under ``key``."""
        found = self._held.get(key)
        if found is None:
            return 0
        return len(found) if isinstance(found, list) else 1


_GRID_POINTS = 513


def collision_probability(similarity: float, bands: int, rows: int) -> float:
    """Return the probability that two texts of Jaccard ``similarity`` share a bucket."""
    return float(1.0 - (1.0 - similarity**rows) ** bands)


def _check_params(threshold: float, num_perm: int, fp_weight: float, fn_weight: float) -> None:
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    if num_perm < 2:
        raise ValueError(f"num_perm must be >= 2, got {num_perm}")
    for name, weight in (("fp_weight", fp_weight), ("fn_weight", fn_weight)):
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], got {weight}")
    if fp_weight + fn_weight <= 0.0:
        raise ValueError(f"fp_weight + fn_weight must be positive, got {fp_weight + fn_weight}")


def optimal_params(
    threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5
) -> tuple[int, int]:
    """Return (bands, rows) with ``bands * rows <= num_perm`` best suited to ``threshold``.

    The error of a choice is ``fp_weight`` times the area under the S-curve below
    the threshold plus ``fn_weight`` times the area above the curve beyond it;
    ties go to fewer bands. Raises ValueError when the threshold is outside
    (0, 1], ``num_perm`` is below 2 or a weight is outside [0, 1].
    """
    _check_params(threshold, num_perm, fp_weight, fn_weight)
    return _optimal_params(float(threshold), int(num_perm), float(fp_weight), float(fn_weight))


@lru_cache(maxsize=64)
def _optimal_params(
    threshold: float, num_perm: int, fp_weight: float, fn_weight: float
) -> tuple[int, int]:
    below = np.linspace(0.0, threshold, _GRID_POINTS)
    above = np.linspace(threshold, 1.0, _GRID_POINTS)
    best = (float("inf"), 0, 0)
    for bands in range(1, num_perm + 1):
        rows = np.arange(1, num_perm // bands + 1, dtype=np.float64)[:, None]
        false_pos = np.trapezoid(1.0 - (1.0 - below**rows) ** bands, below, axis=1)
        false_neg = np.trapezoid((1.0 - above**rows) ** bands, above, axis=1)
        error = np.atleast_1d(fp_weight * false_pos + fn_weight * false_neg)
        pick = int(np.argmin(error))
        if error[pick] < best[0]:
            best = (float(error[pick]), bands, pick + 1)
    return best[1], best[2]


_FMIX_1 = np.uint64(0xFF51AFD7ED558CCD)
_FMIX_2 = np.uint64(0xC4CEB9FE1A85EC53)
_SHIFT_33 = np.uint64(33)
_SHIFT_32 = np.uint64(32)
_BAND_SEED = np.uint64(0x27D4EB2F165667C5)


def _fmix64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Mix every 64-bit value of ``x`` in place (MurmurHash3's finaliser, a bijection) and
    return it."""
    x ^= x >> _SHIFT_33
    x *= _FMIX_1
    x ^= x >> _SHIFT_33
    x *= _FMIX_2
    x ^= x >> _SHIFT_33
    return x


def band_hash_matrix(
    signatures: npt.NDArray[np.uint32], bands: int, rows: int
) -> npt.NDArray[np.uint64]:
    """Return the 64-bit hash of each band of each signature (one per row of ``signatures``),
    shape ``(len(signatures), bands)``: band ``b`` is values ``b*rows .. (b+1)*rows - 1``.

    The band's values are read two at a time as one 64-bit word, and each word is folded
    into the hash by a bijective mix: bands that differ in a value differ in their hash but
    by a 64-bit accident. numpy over every band of every signature at once (per band in
    Python, hashing was most of the cost of filing an article's bands).
    """
    count = len(signatures)
    values = signatures[:, : bands * rows].astype(np.uint64).reshape(count, bands, rows)
    hashes = np.full((count, bands), _BAND_SEED, dtype=np.uint64)
    for row in range(0, rows, 2):
        word = values[:, :, row] << _SHIFT_32
        if row + 1 < rows:
            word |= values[:, :, row + 1]
        hashes ^= word
        _fmix64(hashes)
    return hashes


class LSHIndex:
    """Buckets of signature bands; ``query`` returns the keys sharing any band, sorted."""

    def __init__(self, bands: int, rows: int, num_perm: int) -> None:
        """Build an empty index. Raises ValueError when the bands do not fit the signature."""
        if bands < 1:
            raise ValueError(f"bands must be >= 1, got {bands}")
        if rows < 1:
            raise ValueError(f"rows must be >= 1, got {rows}")
        if bands * rows > num_perm:
            raise ValueError(f"bands * rows must be <= num_perm ({num_perm}), got {bands * rows}")
        self.bands = bands
        self.rows = rows
        self.num_perm = num_perm
        self._buckets: list[dict[int, str | list[str]]] = [{} for _ in range(bands)]
        self._keys: set[str] = set()
        self._bands_of: dict[str, list[int]] = {}  # band hashes of each added key

    @classmethod
    def for_threshold(cls, threshold: float, num_perm: int, fn_weight: float = 0.5) -> LSHIndex:
        """Return an index whose bands and rows suit a Jaccard ``threshold``."""
        bands, rows = optimal_params(threshold, num_perm, 1.0 - fn_weight, fn_weight)
        return cls(bands, rows, num_perm)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def band_hashes(self, hashvalues: Sequence[int]) -> list[int]:
        """Return the hash of each band of a signature (what ``add`` files it under).

        Raises ValueError when the signature has the wrong length.
        """
        return self._band_hashes(hashvalues)

    def key_shares_band(self, key: str, bands: Sequence[int]) -> bool:
        """Return True when an added key falls in one bucket of some band with ``bands``
        (``band_hashes`` of another signature). Raises KeyError when the key was not added."""
        return any(map(eq, self._bands_of[key], bands))

    def _band_hashes(self, hashvalues: Sequence[int]) -> list[int]:
        if len(hashvalues) != self.num_perm:
            raise ValueError(f"signature must have {self.num_perm} values, got {len(hashvalues)}")
        signature = np.asarray(hashvalues, dtype=np.uint32).reshape(1, self.num_perm)
        return band_hash_matrix(signature, self.bands, self.rows)[0].tolist()  # type: ignore[no-any-return]

    def add(self, key: str, hashvalues: Sequence[int]) -> None:
        """Add a signature under ``key``.

        Raises ValueError when the key is already present or the signature has
        the wrong length.
        """
        if key in self._keys:
            raise ValueError(f"key already in the index: {key!r}")
        bands = self._band_hashes(hashvalues)
        post_each(self._buckets, bands, key)
        self._keys.add(key)
        self._bands_of[key] = bands

    def keys_share_band(self, first: str, second: str) -> bool:
        """Return True when two added keys fall in one bucket of some band.

        Raises KeyError when a key was not added.
        """
        return any(map(eq, self._bands_of[first], self._bands_of[second]))

    def shares_band(self, first: Sequence[int], second: Sequence[int]) -> bool:
        """Return True when two signatures fall in one bucket of some band.

        Raises ValueError when a signature has the wrong length.
        """
        return any(map(eq, self._band_hashes(first), self._band_hashes(second)))

    def band_hash_rows(self, signatures: npt.NDArray[np.uint32]) -> list[list[int]]:
        """Return ``band_hashes`` of each row of a matrix of signatures, hashed at once."""
        if signatures.ndim != 2 or signatures.shape[1] != self.num_perm:
            raise ValueError(
                f"signatures must have {self.num_perm} values, got shape {signatures.shape}"
            )
        return band_hash_matrix(signatures, self.bands, self.rows).tolist()  # type: ignore[no-any-return]

    def query(self, hashvalues: Sequence[int], bands: Sequence[int] | None = None) -> list[str]:
        """Return the sorted keys sharing at least one band with ``hashvalues`` (whose band
        hashes are ``bands`` when given: ``band_hash_rows``).

        Raises ValueError when the signature has the wrong length.
        """
        if bands is None:
            bands = self._band_hashes(hashvalues)
        found: set[str] = set()
        for bucket, band in zip(self._buckets, bands, strict=True):
            found.update(holders_of(bucket.get(band)))
        return sorted(found)
