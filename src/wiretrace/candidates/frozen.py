"""A candidate index of a large stored corpus, held as numpy columns, for checks.

``CandidateIndex`` keeps every article's features as Python objects and its postings as
dicts: some 45 KB an article, so a stored corpus of a million articles would need ~45 GB
to check one new article against. ``FrozenIndex`` holds only what finding and weighing
candidates reads, as sorted numpy columns (~3 KB an article):

* the band hashes of both LSH indexes, each band sorted with the numbers of its holders;
* the distinct line hashes of each article, sorted with their holders;
* the 64-bit hashes of the anchors, sorted, with how many articles hold each and who;
* the int8 semantic vectors, stacked.

The features of an article are read back (``load``: from the store) only when it is judged
as a candidate. Judging is ``CandidateIndex``'s own code: the columns answer the same
questions its dicts do, so a query finds exactly the candidates a ``CandidateIndex`` of the
same features, in the same order, finds (``tests/test_candidates.py`` checks it). A frozen
index takes no ``add``: it is built once from a stream of features (``build``).
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from operator import eq
from typing import Literal

import numpy as np
import numpy.typing as npt

from wiretrace.candidates import (
    MIN_SHARED_SENTENCES,
    CandidateFeatures,
    CandidateIndex,
    _Stats,
    distinct_sorted,
    run_positions,
)
from wiretrace.candidates.lsh import LSHIndex, band_hash_matrix
from wiretrace.candidates.semantic import ArticleVectors, SemanticIndex, SemanticSettings
from wiretrace.config import CandidateSettings
from wiretrace.models import Candidate
from wiretrace.runtime import paused_gc
from wiretrace.spill import SpillFile

__all__ = ["FrozenBuilder", "FrozenIndex", "HeldFeatures"]

Loader = Callable[[Sequence[str]], Mapping[str, CandidateFeatures]]
"""Reads the features of some stored articles by id (those it holds)."""

FEATURE_CACHE = 1024  # features read back for judging, kept for the next checks


def anchor_hashes(anchors: Sequence[int]) -> npt.NDArray[np.uint64]:
    """Return anchor hashes (a feature's array, or a list) as a numpy array."""
    if isinstance(anchors, array):
        return np.frombuffer(anchors, dtype=np.uint64) if anchors else np.zeros(0, np.uint64)
    return np.asarray(anchors, dtype=np.uint64)


DIRECTORY_MIN_KEYS = 1 << 20  # below this, a plain binary search stays in the cache
DIRECTORY_RUN = 64  # keys a directory entry covers on average


class SortedSearch:
    """``np.searchsorted`` over sorted uniform 64-bit hashes, through a directory of where
    each top-bits prefix starts: a needle is searched among the ~``DIRECTORY_RUN`` keys of
    its prefix instead of the whole array.

    A binary search over 10^8 keys misses the cache at nearly every one of its ~27 steps; at
    1M articles that was 44% of judging. With the directory, a needle's search starts where
    its prefix starts and takes a fixed number of branchless steps (the bit length of the
    longest prefix run): each step is a handful of numpy operations on all needles at once,
    with no test of whether any needle is still searching. A key beyond its needle's prefix
    run is larger than the needle (its prefix is), so the steps need no upper bound but the
    end of the array. Small arrays are searched plainly.
    """

    def __init__(self, keys: npt.NDArray[np.uint64]) -> None:
        self.keys = keys
        self._starts: npt.NDArray[np.int64] | None = None
        self._shift = np.uint64(0)
        self._steps: list[int] = []
        if len(keys) >= DIRECTORY_MIN_KEYS:
            bits = int(np.log2(len(keys) / DIRECTORY_RUN))
            self._shift = np.uint64(64 - bits)
            prefixes = np.arange((1 << bits) + 1, dtype=np.uint64)
            self._starts = np.searchsorted(keys >> self._shift, prefixes).astype(np.int64)
            longest = int(np.diff(self._starts).max())
            self._steps = [1 << k for k in reversed(range(longest.bit_length()))]

    def __call__(
        self, needles: npt.NDArray[np.uint64], side: Literal["left", "right"] = "left"
    ) -> npt.NDArray[np.int64]:
        """Return ``np.searchsorted(keys, needles, side)``."""
        starts = self._starts
        if starts is None:
            return np.searchsorted(self.keys, needles, side=side).astype(np.int64)
        prefix = (needles >> self._shift).astype(np.intp)
        at = starts[prefix]  # the answer is at or after where the prefix starts
        keys, last = self.keys, len(self.keys) - 1
        before = np.less if side == "left" else np.less_equal
        probe = np.empty_like(at)
        for step in self._steps:  # at += step wherever the key before at + step precedes
            np.add(at, step - 1, out=probe)
            np.minimum(probe, last, out=probe)
            np.add(at, step, out=at, where=before(keys[probe], needles))
        # a step past the end (every key precedes the needle) is clipped to the end
        return np.minimum(at, starts[prefix + 1])

    def runs(
        self, needles: npt.NDArray[np.uint64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Return where each needle's run of equal keys starts and how long it is (0 when
        absent), both sides searched in one pass."""
        count = len(needles)
        lefts = np.empty(2 * count, dtype=np.uint64)
        lefts[:count] = needles
        # the end of a run of x is where x + 1 would start, except for the largest hash
        np.add(needles, np.uint64(1), out=lefts[count:])
        at = self(lefts, "left")
        ends = at[count:]
        ends[needles == np.uint64(2**64 - 1)] = len(self.keys)
        return at[:count], ends - at[:count]


class _Sorted:
    """Keys sorted with the number of the article holding each (ascending per key): the
    postings of one inverted index, as two arrays."""

    def __init__(self, keys: npt.NDArray[np.uint64], holders: npt.NDArray[np.int32]) -> None:
        order = np.argsort(keys, kind="stable")  # holders stay in the order added
        self.keys = keys[order]
        self.holders = holders[order]
        self.search = SortedSearch(self.keys)

    @classmethod
    def presorted(cls, keys: npt.NDArray[np.uint64], holders: npt.NDArray[np.int32]) -> _Sorted:
        """Return the postings of keys already sorted (equal keys' holders ascending)."""
        made = cls.__new__(cls)
        made.keys, made.holders = keys, holders
        made.search = SortedSearch(keys)
        return made

    def range(self, key: int) -> tuple[int, int]:
        """Return the slice of the holders of ``key``."""
        starts, counts = self.search.runs(np.asarray([key], dtype=np.uint64))
        start = int(starts[0])
        return start, start + int(counts[0])

    def count(self, key: int) -> int:
        start, stop = self.range(key)
        return stop - start

    def numbers(self, key: int) -> npt.NDArray[np.int32]:
        start, stop = self.range(key)
        return self.holders[start:stop]

    def runs(
        self, keys: npt.NDArray[np.uint64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Return where the holders of each of ``keys`` start, and how many there are."""
        return self.search.runs(np.asarray(keys, dtype=np.uint64))

    def holders_of(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int32]:
        """Return the holders of each of ``keys``, concatenated in their order."""
        starts, counts = self.runs(keys)
        return self.holders[run_positions(starts, counts)]


_PARTS = 16  # a column is gathered in parts by the top bits of its keys, each sorted alone
_PART_SHIFT = np.uint64(64 - 4)


class _Columns:
    """Keys and their holders' numbers gathered as plain lists, moved into numpy arrays a
    block at a time, and sorted once at the end.

    The arrays are kept in ``_PARTS`` parts by the keys' top bits: every key of a part sorts
    before every key of the next, so sorting each part alone and joining them sorts the
    whole, with a part's worth of sorting memory instead of the column's (a million
    articles' anchors are ~100M keys). With ``spill_dir`` the parts' blocks wait in a
    temporary file there (``SpillFile``) until sorted, instead of in memory: at a million
    articles the four columns gathered are ~3 GB.
    """

    def __init__(self, spill_dir: str | None = None) -> None:
        self._keys: list[int] = []
        self._holders: list[int] = []
        self._spill = SpillFile.under(spill_dir)
        # each part's blocks: where in the spill file, and how many keys
        self._blocks: list[list[tuple[int, int]]] = [[] for _ in range(_PARTS)]

    def add(self, keys: Sequence[int], number: int) -> None:
        self._keys.extend(keys)
        self._holders.extend([number] * len(keys))
        if len(self._keys) >= _BLOCK:
            self._flush()

    def add_arrays(self, keys: npt.NDArray[np.uint64], holders: npt.NDArray[np.int32]) -> None:
        """Gather keys with their holders, given as arrays (after what ``add`` gathered)."""
        self._flush()
        self._spill_block(keys, holders)

    def _flush(self) -> None:
        if not self._keys:
            return
        keys = np.asarray(self._keys, dtype=np.uint64)
        holders = np.asarray(self._holders, dtype=np.int32)
        self._keys.clear()
        self._holders.clear()
        self._spill_block(keys, holders)

    def _spill_block(self, keys: npt.NDArray[np.uint64], holders: npt.NDArray[np.int32]) -> None:
        part = (keys >> _PART_SHIFT).astype(np.intp)
        order = np.argsort(part, kind="stable")  # a block's holders stay ascending per part
        bounds = np.searchsorted(part[order], np.arange(_PARTS + 1))
        keys, holders = keys[order], holders[order]
        for n in range(_PARTS):
            start, stop = int(bounds[n]), int(bounds[n + 1])
            if stop > start:
                at = self._spill.append(keys[start:stop].tobytes())
                self._spill.append(holders[start:stop].tobytes())
                self._blocks[n].append((at, stop - start))

    def _part(self, n: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int32]]:
        """Return part ``n``'s keys and holders in the order gathered (and let them go)."""
        keys: list[npt.NDArray[np.uint64]] = []
        holders: list[npt.NDArray[np.int32]] = []
        for at, count in self._blocks[n]:
            middle = at + 8 * count
            keys.append(np.frombuffer(self._spill.read(at, middle), dtype=np.uint64))
            holders.append(np.frombuffer(self._spill.read(middle, middle + 4 * count), np.int32))
        self._blocks[n].clear()
        if not keys:
            return np.zeros(0, np.uint64), np.zeros(0, np.int32)
        return np.concatenate(keys), np.concatenate(holders)

    def sorted(self, shared_only: bool = False) -> _Sorted:
        """Return the sorted postings, sorted a part at a time into their place in the
        result, and let the gathered blocks go. With ``shared_only`` a key held once (by one
        article, once) is left out: it can pair no two indexed articles (most band and line
        keys of a large corpus are such)."""
        self._flush()
        self._spill.flush()
        total = sum(count for blocks in self._blocks for _, count in blocks)
        # room for every key; the pages past what is kept are never touched, so never held
        keys = np.empty(total, dtype=np.uint64)
        holders = np.empty(total, dtype=np.int32)
        at = 0
        for n in range(_PARTS):
            part_keys, part_holders = self._part(n)
            order = np.argsort(part_keys, kind="stable")  # holders stay ascending per key
            part_keys, part_holders = part_keys[order], part_holders[order]
            if shared_only and len(part_keys):
                repeated = part_keys[1:] == part_keys[:-1]
                kept = np.zeros(len(part_keys), dtype=bool)  # equal to the key before or after
                kept[1:] |= repeated
                kept[:-1] |= repeated
                part_keys, part_holders = part_keys[kept], part_holders[kept]
            stop = at + len(part_keys)
            keys[at:stop] = part_keys
            holders[at:stop] = part_holders
            at = stop
        self._spill.close()
        return _Sorted.presorted(keys[:at], holders[:at])


_BAND_SALT = 0x9E3779B97F4A7C15  # odd: band b's hashes are xor-ed with (b + 1) times it


def band_salts(bands: int) -> npt.NDArray[np.uint64]:
    """Return what each band's hashes are xor-ed with, so that one sorted column holds every
    band: equal salted keys are equal hashes of the same band (two bands' hashes meet only
    by a 64-bit accident)."""
    return np.asarray(
        [((b + 1) * _BAND_SALT) & 0xFFFFFFFFFFFFFFFF for b in range(bands)], dtype=np.uint64
    )


class _BandRows:
    """The band hashes of one LSH shape, salted per band (``band_salts``), gathered into one
    column with the number of the article holding each."""

    def __init__(self, shape: LSHIndex, spill_dir: str | None = None) -> None:
        self.shape = shape
        self._salts = band_salts(shape.bands)
        self._column = _Columns(spill_dir)
        # signatures wait here to be hashed a block at a time (``band_hash_matrix``)
        self._signatures: list[Sequence[int]] = []
        self._numbers: list[int] = []

    def add(self, hashvalues: Sequence[int], number: int) -> None:
        """Gather the band hashes of article ``number``'s signature. Raises ValueError when
        the signature has the wrong length."""
        if len(hashvalues) != self.shape.num_perm:
            raise ValueError(
                f"signature must have {self.shape.num_perm} values, got {len(hashvalues)}"
            )
        self._signatures.append(hashvalues)
        self._numbers.append(number)
        if len(self._signatures) >= _SIGNATURE_BLOCK:
            self._hash_waiting()

    def _hash_waiting(self) -> None:
        if not self._signatures:
            return
        signatures = np.array(self._signatures, dtype=np.uint32)
        hashes = band_hash_matrix(signatures, self.shape.bands, self.shape.rows)
        hashes ^= self._salts
        holders = np.repeat(np.asarray(self._numbers, dtype=np.int32), self.shape.bands)
        self._column.add_arrays(hashes.ravel(), holders)
        self._signatures.clear()
        self._numbers.clear()

    def column(self, shared_only: bool = False) -> _Sorted:
        self._hash_waiting()
        return self._column.sorted(shared_only)


class _Rows:
    """Equal-shaped int8 arrays stacked a block at a time."""

    def __init__(self) -> None:
        self._rows: list[npt.NDArray[np.int8]] = []
        self._blocks: list[npt.NDArray[np.int8]] = []

    def add(self, rows: npt.NDArray[np.int8]) -> None:
        self._rows.append(rows)
        if len(self._rows) >= _BLOCK // 64:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._blocks.append(np.stack(self._rows))
            self._rows.clear()

    def stacked(self) -> npt.NDArray[np.int8]:
        self._flush()
        if not self._blocks:
            return np.zeros((0, 0, 0), dtype=np.int8)
        return np.concatenate(self._blocks)


_BLOCK = 1 << 18  # keys gathered before they move into numpy
_SIGNATURE_BLOCK = 4096  # signatures gathered before their bands are hashed


class _FrozenBands:
    """``LSHIndex``'s answers from one sorted column of salted band hashes (``_BandRows``)."""

    def __init__(self, shape: LSHIndex, column: _Sorted, index: FrozenIndex) -> None:
        self.shape = shape
        self.column = column
        self._salts = band_salts(shape.bands)
        self._index = index
        self._own: OrderedDict[str, list[int]] = OrderedDict()  # band hashes of judged keys
        # the band hashes of the last query and the numbers of the articles it found: the
        # pairs judged next are that query's, and sharing a band is being among them
        self._last: tuple[list[int], set[int]] | None = None

    def _bands_of(self, key: str) -> list[int]:
        own = self._own.get(key)
        if own is None:
            own = self._own[key] = self.shape.band_hashes(self._index._features[key].signature)
            if len(self._own) > FEATURE_CACHE:
                self._own.popitem(last=False)
        return own

    def band_hashes(self, hashvalues: Sequence[int]) -> list[int]:
        return self.shape.band_hashes(hashvalues)

    def band_hash_rows(self, signatures: npt.NDArray[np.uint32]) -> list[list[int]]:
        return self.shape.band_hash_rows(signatures)

    def query(self, hashvalues: Sequence[int], bands: list[int] | None = None) -> list[str]:
        """Return the sorted ids sharing at least one band with ``hashvalues`` (whose band
        hashes are ``bands`` when given)."""
        if bands is None:
            bands = self.shape.band_hashes(hashvalues)
        salted = np.asarray(bands, dtype=np.uint64) ^ self._salts
        found = distinct_sorted(self.column.holders_of(salted)).tolist()
        self._last = (bands, set(found))
        ids = self._index._ids
        return sorted(ids[n] for n in found)

    def key_shares_band(self, key: str, bands: Sequence[int]) -> bool:
        """Return True when the stored ``key`` shares a band with ``bands`` (read off the last
        query when it was of these bands)."""
        last = self._last
        if last is not None and last[0] == bands:
            return self._index._numbers.get(key, -1) in last[1]
        return any(map(eq, self._bands_of(key), bands))

    def keys_share_band(self, first: str, second: str) -> bool:
        return self.key_shares_band(first, self._bands_of(second))


class _FrozenLines:
    """``LineIndex``'s answers from the sorted line column."""

    def __init__(self, lines: _Sorted, ids: Sequence[str]) -> None:
        self._lines = lines
        self._ids = ids

    def holders(self, line: int) -> list[str]:
        return [self._ids[n] for n in self._lines.numbers(line).tolist()]

    def df(self, line: int) -> int:
        return self._lines.count(line)

    def sharing(self, lines: Sequence[int], most: int, need: int) -> list[str]:
        """Return the ids of the articles holding at least ``need`` of the distinct ``lines``,
        counting only lines held by at most ``most`` articles (``CandidateIndex._gather``)."""
        distinct = distinct_sorted(np.asarray(lines, dtype=np.uint64))
        starts, counts = self._lines.runs(distinct)
        kept = (counts > 0) & (counts <= most)
        held = np.sort(self._lines.holders[run_positions(starts[kept], counts[kept])])
        if not len(held):
            return []
        opens = np.flatnonzero(np.concatenate(([True], held[1:] != held[:-1])))
        times = np.diff(np.append(opens, len(held)))
        return [self._ids[n] for n in held[opens[times >= need]].tolist()]


class _FrozenAnchors:
    """The anchors of every stored article: distinct hashes sorted, how many hold each, and
    the holders of each in one array (``starts``)."""

    def __init__(self, column: _Sorted, max_df: int) -> None:
        """Read the runs of the sorted ``column``; an anchor held by more than ``max_df``
        articles weighs nothing, whoever asks, and is left out (most holdings are theirs)."""
        keys = column.keys  # sorted: each distinct key opens a run
        if len(keys):
            opens = np.flatnonzero(keys[1:] != keys[:-1]) + 1
            starts = np.concatenate((np.zeros(1, dtype=np.int64), opens))
        else:
            starts = np.zeros(0, dtype=np.int64)
        counts = np.diff(np.append(starts, len(keys)))
        kept = counts <= max_df
        self.keys = keys[starts[kept]]
        self.counts = counts[kept].astype(np.int32)
        self.held = column.holders[np.repeat(kept, counts)]
        self.starts = np.zeros(len(self.counts), dtype=np.int64)
        np.cumsum(self.counts[:-1], out=self.starts[1:])
        self._search = SortedSearch(self.keys)

    def numbers(self, hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        """Return the position of each hash among ``keys`` (-1: held by no stored article)."""
        if not len(self.keys):
            return np.full(len(hashes), -1, dtype=np.int64)
        at = self._search(np.asarray(hashes, dtype=np.uint64))
        inside = at < len(self.keys)
        found = np.zeros(len(hashes), dtype=bool)
        found[inside] = self.keys[at[inside]] == hashes[inside]
        return np.where(found, at, -1)


class _AnchorView:
    """``_AnchorTable``'s answers for one ``_Stats``, from the frozen anchors: an anchor
    weighs what its stored holder count (plus the new article's, ``stats.extra``) gives."""

    def __init__(self, anchors: _FrozenAnchors, index: FrozenIndex, stats: _Stats) -> None:
        self.anchors = anchors
        self.stats = stats
        self._weigh = index._anchor_weight
        self._weights: dict[int, float] = {}

    def _weight(self, count: int) -> float:
        weight = self._weights.get(count)
        if weight is None:
            weight = self._weights[count] = self._weigh(count + self.stats.extra, self.stats)
        return weight

    def _rare(
        self, anchors: Sequence[int]
    ) -> tuple[npt.NDArray[np.int64], list[float], npt.NDArray[np.int64]]:
        """Return the positions (among the frozen anchors) of the anchors that weigh, in the
        order given, their weights and their positions in ``anchors``. The answer for the
        last ``anchors`` is kept: an article's are weighed for ``prime`` and ``holders``."""
        last = self._last
        if last is not None and last[0] is anchors:
            return last[1]
        at = self.anchors.numbers(anchor_hashes(anchors))
        given = np.flatnonzero(at >= 0)
        known = at[given]
        weights = [self._weight(c) for c in self.anchors.counts[known].tolist()]
        keep = np.asarray([w > 0.0 for w in weights], dtype=bool)
        found = known[keep], [w for w in weights if w > 0.0], given[keep].astype(np.int64)
        self._last = (anchors, found)  # held, so no other object takes its id meanwhile
        return found

    _last: (
        tuple[Sequence[int], tuple[npt.NDArray[np.int64], list[float], npt.NDArray[np.int64]]]
        | None
    ) = None

    def holders(
        self, anchors: Sequence[int]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
        """Return the holders of each rare anchor of ``anchors``, concatenated in their order,
        that anchor's weight for each and its position in ``anchors``
        (``_AnchorTable.holders``)."""
        chosen, weights, given = self._rare(anchors)
        lengths = self.anchors.counts[chosen]
        positions = run_positions(self.anchors.starts[chosen], lengths)
        held = self.anchors.held[positions].astype(np.int64)
        at = np.repeat(given, lengths)
        return held, np.repeat(np.asarray(weights, dtype=np.float64), lengths), at

    def prime(self, anchors: Sequence[int]) -> None:
        """Weigh the anchors of one article at once: the pairs judged next share some of
        them (``weights_of`` then reads these weights instead of searching the columns)."""
        _, weights, given = self._rare(anchors)
        self._primed = (
            frozenset(anchors),
            {anchors[k]: w for k, w in zip(given.tolist(), weights, strict=True)},
        )

    _primed: tuple[frozenset[int], dict[int, float]] | None = None

    def weights_of(self, shared: Iterable[int]) -> tuple[list[int], list[float]]:
        """Return the anchors of ``shared`` that weigh, sorted, and their weights."""
        ordered = sorted(shared)
        primed = self._primed
        if primed is not None and primed[0].issuperset(ordered):
            weighed = primed[1]
            kept = [a for a in ordered if a in weighed]
            return kept, [weighed[a] for a in kept]
        at = self.anchors.numbers(anchor_hashes(ordered))
        rare: list[int] = []
        weights: list[float] = []
        for anchor, position in zip(ordered, at.tolist(), strict=True):
            if position < 0:
                continue
            weight = self._weight(int(self.anchors.counts[position]))
            if weight > 0.0:
                rare.append(anchor)
                weights.append(weight)
        return rare, weights


class _LazyFeatures(Mapping[str, CandidateFeatures]):
    """The stored articles' features by id, read back through ``load`` when asked for and
    kept in a bounded cache."""

    def __init__(self, numbers: Mapping[str, int], load: Loader, size: int) -> None:
        self._numbers = numbers
        self._load = load
        self._size = size
        self._cache: OrderedDict[str, CandidateFeatures] = OrderedDict()

    def __len__(self) -> int:
        return len(self._numbers)

    def __iter__(self) -> Iterator[str]:
        return iter(self._numbers)

    def __contains__(self, key: object) -> bool:
        return key in self._numbers

    def get(self, key: str, default: object = None) -> CandidateFeatures | None:  # type: ignore[override]
        # ``CandidateIndex._holds`` asks whether a features object is the one held: none is
        # held here, and a query's own article must not be read for that
        return None

    def prefetch(self, keys: Sequence[str]) -> None:
        """Read back the features of those of ``keys`` not cached, in one ``load``."""
        missing = [k for k in keys if k not in self._cache and k in self._numbers]
        if not missing:
            return
        for key, loaded in self._load(missing).items():
            self._cache[key] = loaded
        while len(self._cache) > self._size:
            self._cache.popitem(last=False)

    def __getitem__(self, key: str) -> CandidateFeatures:
        if key not in self._numbers:
            raise KeyError(key)
        if key in self._cache:
            self._cache.move_to_end(key)
        else:
            self.prefetch([key])
        found = self._cache.get(key)
        if found is None:
            raise KeyError(f"the features of {key!r} could not be read back")
        return found


class FrozenIndex(CandidateIndex):
    """A ``CandidateIndex`` of a stored corpus in numpy columns, queried but never added to.

    Build it with ``build``; ``query`` then answers as a ``CandidateIndex`` of the same
    features (added in the same order, counts fixed ``for_queries``) would.
    """

    def __init__(
        self, settings: CandidateSettings, semantic: SemanticSettings | None = None
    ) -> None:
        """An empty index: ``build`` or ``FrozenBuilder.build`` fill it."""
        super().__init__(settings, semantic)
        self._frozen = False

    @classmethod
    def build(
        cls,
        all_features: Iterable[CandidateFeatures],
        settings: CandidateSettings,
        load: Loader,
        cache: int = FEATURE_CACHE,
    ) -> FrozenIndex:
        """Return the frozen index of ``all_features`` (read once, in order, none kept);
        ``load`` reads features back by id for judging.

        Raises ValueError on a repeated id or features of another scheme.
        """
        builder = FrozenBuilder(settings)
        with paused_gc():
            for f in all_features:
                builder.add(f)
        return builder.build(_LazyFeatures(builder.numbers, load, cache))

    def _gather(
        self,
        f: CandidateFeatures,
        stats: _Stats,
        near: dict[str, float],
        suspects: Iterable[str],
    ) -> list[str]:
        """``CandidateIndex._gather`` read off the columns a whole query at a time, then the
        features of all it found read back at once: each of them is judged next."""
        found: set[str] = set()
        if f.word_count > 0:
            near_bands, excerpt_bands = self._bands_primed(f)
            found.update(self._near.query(f.signature, near_bands))
            found.update(self._excerpt.query(f.signature, excerpt_bands))
        most = self.settings.anchor_max_df - stats.extra
        found.update(self._frozen_lines.sharing(f.sentence_hashes, most, MIN_SHARED_SENTENCES))
        found.update(suspects)
        found.update(near)
        found.discard(f.article_id)
        gathered = sorted(found)
        self._features.prefetch(gathered)  # type: ignore[attr-defined]
        return gathered

    def _candidates(
        self,
        f: CandidateFeatures,
        near: dict[str, float] | None = None,
        after: bool = False,
        suspects: Sequence[str] | None = None,
    ) -> list[Candidate]:
        """``CandidateIndex._candidates``, with the weights of ``f``'s anchors read at once
        for all its pairs."""
        self._weight_table(self._stats(f)).prime(f.anchors)
        return super()._candidates(f, near, after, suspects)

    def add(self, f: CandidateFeatures) -> None:
        """Raises ValueError once built: a frozen index takes no more articles."""
        if self._frozen:
            raise ValueError("a frozen candidate index takes no more articles: build it again")
        super().add(f)

    def fix_counts(self, for_queries: bool = False) -> None:
        """Nothing to fix: every count is read off the columns."""

    def _weight_table(self, stats: _Stats) -> _AnchorView:  # type: ignore[override]
        view = self._view
        if view is None or view.stats != stats:
            view = self._view = _AnchorView(self._anchor_columns, self, stats)
        return view

    _view: _AnchorView | None = None
    _anchor_columns: _FrozenAnchors
    _frozen_lines: _FrozenLines


class FrozenBuilder:
    """A ``FrozenIndex`` gathered one article at a time (``add``: an analysis adds features
    as its workers compute them), then sorted into columns once (``build``). With
    ``spill_dir`` the hashes gathered wait in temporary files there until then."""

    def __init__(
        self,
        settings: CandidateSettings,
        semantic: SemanticSettings | None = None,
        spill_dir: str | None = None,
    ):
        self.settings = settings
        self.semantic = semantic
        self._shape = CandidateIndex(settings, semantic)  # the LSH shapes, scheme and checks
        self._near = _BandRows(self._shape._near, spill_dir)
        self._excerpt = _BandRows(self._shape._excerpt, spill_dir)
        self._lines, self._anchors = _Columns(spill_dir), _Columns(spill_dir)
        self._vectors = _Rows()
        self._vector_ids: list[str] = []
        self._rows: list[int] = []
        self.numbers: dict[str, int] = {}
        self.ids: list[str] = []
        self._built = False

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, f: CandidateFeatures) -> None:
        """Gather one article's features. Raises ValueError on a repeated id, features of
        another scheme, or once built."""
        self._shape._check(f)
        if f.article_id in self.numbers:
            raise ValueError(f"article already in the candidate index: {f.article_id!r}")
        if self._built:
            raise ValueError("a frozen candidate index takes no more articles: build it again")
        number = self.numbers[f.article_id] = len(self.ids)
        self.ids.append(f.article_id)
        if f.word_count > 0:
            self._near.add(f.signature, number)
            self._excerpt.add(f.signature, number)
        self._lines.add(sorted(set(f.sentence_hashes)), number)
        self._anchors.add(f.anchors, number)
        if self._shape.semantic.enabled and f.vectors:
            self._rows.append(len(self._vector_ids))
            self._vector_ids.append(f.article_id)
            self._vectors.add(ArticleVectors.decode(f.vectors).rows)
        else:
            self._rows.append(-1)

    def build(
        self, held: Mapping[str, CandidateFeatures], among_themselves: bool = False
    ) -> FrozenIndex:
        """Return the index of every article added; ``held`` gives their features by id for
        judging (``_LazyFeatures`` reads them back from a store; a mapping of features
        already in memory does as well).

        ``among_themselves`` builds an index that only its own articles will query (a
        corpus's analysis): a band, line or anchor hash held by one article alone is left
        out, since it can pair no two of them (and weighs nothing: an anchor or line counts
        from two holders). Most band and line hashes of a large corpus are such; the
        candidates are the same. An index that new articles query (``check``) keeps them.
        """
        self._built = True
        index = FrozenIndex(self.settings, self.semantic)
        with paused_gc():
            index._ids = self.ids
            index._numbers = self.numbers
            index._features = held  # type: ignore[assignment]
            shared = among_themselves
            near, excerpt = self._near.column(shared), self._excerpt.column(shared)
            index._near = _FrozenBands(self._shape._near, near, index)  # type: ignore[assignment]
            index._excerpt = _FrozenBands(self._shape._excerpt, excerpt, index)  # type: ignore[assignment]
            index._frozen_lines = _FrozenLines(self._lines.sorted(shared), self.ids)
            index._lines = index._frozen_lines  # type: ignore[assignment]
            index._anchor_columns = _FrozenAnchors(
                self._anchors.sorted(shared), self.settings.anchor_max_df
            )
            index._vectors = SemanticIndex.of_matrix(self._vector_ids, self._vectors.stacked())
            index._rows_array = np.asarray(self._rows, dtype=np.intp)
            index._rows = index._rows_array  # type: ignore[assignment]
            index._frozen = True
        return index


class HeldFeatures(Mapping[str, CandidateFeatures]):
    """Features already in memory, as a ``FrozenIndex`` reads them: by id, with nothing to
    read back, and none taken for the very object held (a judged article's band hashes and
    signature are then read as a query's, which costs the index no memory)."""

    def __init__(self, held: Mapping[str, CandidateFeatures]) -> None:
        self._held = held

    def __len__(self) -> int:
        return len(self._held)

    def __iter__(self) -> Iterator[str]:
        return iter(self._held)

    def __contains__(self, key: object) -> bool:
        return key in self._held

    def __getitem__(self, key: str) -> CandidateFeatures:
        return self._held[key]

    def get(self, key: str, default: object = None) -> CandidateFeatures | None:  # type: ignore[override]
        return None

    def prefetch(self, keys: Sequence[str]) -> None:
        """Nothing to read back."""
