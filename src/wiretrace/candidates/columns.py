"""Candidate features of a whole corpus held as one record per article, read back one
article at a time.

An analysis holds every article's features while it proposes candidates. As one Python object
per article (with its arrays and strings), a million articles' features cost ~5 GB, and the
forked workers that judge pairs touch those objects: every reference count they raise copies
the page it lies on, so each worker ends up with its own copy of most of them. Here each
article's features are one record of bytes (its fields' machine values, one after the other,
~4 KB) appended to a ``SpillFile``: an analysis puts them in a temporary file
(``spill_dir``), where the kernel's page cache holds what is read and none of it counts in
the process's memory; only how long each field is, per article, stays in memory (~50 bytes
an article). An article's ``CandidateFeatures`` is rebuilt from its record when asked for
(one read and a few microseconds) and the most recent ones are kept.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from wiretrace.candidates import CandidateFeatures, Hashes
from wiretrace.spill import SpillFile

__all__ = ["FactColumns", "FeatureColumns"]

CACHE = 4096  # features rebuilt and kept (the pairs judged next share articles)
NO_DAY = np.iinfo(np.int64).min  # published_day of an article without one


class FeatureColumns(Mapping[str, CandidateFeatures]):
    """Candidate features by article id, one record per article (see the module).

    ``add`` every article, then ``freeze`` once; reading before ``freeze`` raises
    ValueError, as does adding after it or adding an id twice. Iterates the ids in the order
    added. As a ``FrozenIndex`` reads its features, ``get`` gives None (nothing is cached for
    the query's own object) and ``prefetch`` does nothing. With ``spill_dir`` ("" for the
    system's temporary directory) the records go to a temporary file there; ``close`` lets
    it go.
    """

    def __init__(self, spill_dir: str | None = None) -> None:
        self._numbers: dict[str, int] = {}
        self._ids: list[str] = []
        self._records = SpillFile.under(spill_dir)
        self._starts: array[int] = array("q", [0])  # article n's record: starts[n]:starts[n+1]
        self._counts: tuple[array[int], ...] = tuple(array("i") for _ in _FIELDS)
        self._word_counts: array[int] = array("q")
        self._days: array[int] = array("q")
        self._schemes: list[str] = []
        self._scheme_of: array[int] = array("b")
        self._frozen = False
        self._cache: OrderedDict[str, CandidateFeatures] = OrderedDict()

    def add(self, f: CandidateFeatures) -> None:
        """Keep one more article's features."""
        if self._frozen:
            raise ValueError("frozen feature columns take no more articles")
        if f.article_id in self._numbers:
            raise ValueError(f"features of {f.article_id!r} were added already")
        self._numbers[f.article_id] = len(self._ids)
        self._ids.append(f.article_id)
        fields = (
            _as_array("I", f.signature),
            _as_array("Q", f.sentence_hashes),
            _as_array("Q", f.anchors),
            _as_array("Q", f.anchor_lines),
            _as_array("Q", f.facts),
            f.vectors.encode("ascii"),
        )
        for counts, values in zip(self._counts, fields, strict=True):
            counts.append(len(values))
        self._records.append(b"".join(fields))
        self._starts.append(len(self._records))
        self._word_counts.append(f.word_count)
        self._days.append(NO_DAY if f.published_day is None else f.published_day)
        if f.scheme not in self._schemes:
            self._schemes.append(f.scheme)
        self._scheme_of.append(self._schemes.index(f.scheme))

    def freeze(self) -> None:
        """Take no more articles; what was added is read from now on (once)."""
        if self._frozen:
            return
        self._records.flush()
        self._frozen = True

    def _number(self, article_id: str) -> int:
        if not self._frozen:
            raise ValueError("feature columns are read once frozen")
        return self._numbers[article_id]

    def __getitem__(self, article_id: str) -> CandidateFeatures:
        found = self._cache.get(article_id)
        if found is not None:
            self._cache.move_to_end(article_id)
            return found
        n = self._number(article_id)
        record = self._records.read(self._starts[n], self._starts[n + 1])
        parts: list[bytes] = []
        at = 0
        for counts, size in zip(self._counts, _SIZES, strict=True):
            stop = at + counts[n] * size
            parts.append(record[at:stop])
            at = stop
        signature, sentences, anchors, lines, facts, vectors = parts
        day = self._days[n]
        found = CandidateFeatures(
            article_id=article_id,
            signature=_from_bytes("I", signature),
            sentence_hashes=_from_bytes("Q", sentences),
            anchors=_from_bytes("Q", anchors),
            word_count=self._word_counts[n],
            anchor_lines=_from_bytes("Q", lines),
            scheme=self._schemes[self._scheme_of[n]],
            vectors=vectors.decode("ascii"),
            published_day=None if day == NO_DAY else day,
            facts=_from_bytes("Q", facts),
        )
        self._cache[article_id] = found
        if len(self._cache) > CACHE:
            self._cache.popitem(last=False)
        return found

    def facts_of(self, article_id: str) -> Hashes:
        """Return one article's fact hashes alone (a read of that field only)."""
        n = self._number(article_id)
        before = sum(self._counts[k][n] * _SIZES[k] for k in range(_FACTS))
        start = self._starts[n] + before
        return _from_bytes("Q", self._records.read(start, start + self._counts[_FACTS][n] * 8))

    def get(self, key: str, default: object = None) -> CandidateFeatures | None:  # type: ignore[override]
        return None

    def prefetch(self, keys: Sequence[str]) -> None:
        """Nothing to read back."""

    def __contains__(self, key: object) -> bool:
        return key in self._numbers

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def facts(self) -> FactColumns:
        """Return the fact hashes alone (what verification reads), read from these records."""
        return FactColumns(self)

    def nbytes(self) -> int:
        """Return the bytes the features take in memory (ids and their numbers left out):
        all of them when held, only the lengths of each record's fields when spilled."""
        held = sum(len(c) * c.itemsize for c in self._counts) + len(self._starts) * 8
        held += len(self._word_counts) * 8 + len(self._days) * 8 + len(self._scheme_of)
        return held + (0 if self._records.spilled else len(self._records))

    def spilled_bytes(self) -> int:
        """Return the bytes of the records in the temporary file (0 when held)."""
        return len(self._records) if self._records.spilled else 0

    def close(self) -> None:
        """Let the temporary file go (reading afterwards raises)."""
        self._records.close()


_FIELDS = ("signature", "sentence_hashes", "anchors", "anchor_lines", "facts", "vectors")
_SIZES = (4, 8, 8, 8, 8, 1)  # bytes of one value of each field, in that order
_FACTS = _FIELDS.index("facts")


def _as_array(code: str, values: Sequence[int]) -> array[int]:
    return values if isinstance(values, array) and values.typecode == code else array(code, values)


def _from_bytes(code: str, data: bytes) -> array[int]:
    found: array[int] = array(code)
    found.frombytes(data)
    return found


class FactColumns(Mapping[str, Hashes]):
    """Every article's fact hashes (``CandidateFeatures.facts``) by id, from feature columns."""

    def __init__(self, columns: FeatureColumns) -> None:
        self._columns = columns

    def __getitem__(self, article_id: str) -> Hashes:
        return self._columns.facts_of(article_id)

    def __contains__(self, key: object) -> bool:
        return key in self._columns

    def __len__(self) -> int:
        return len(self._columns)

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def close(self) -> None:
        """Let the feature columns' temporary file go."""
        self._columns.close()
