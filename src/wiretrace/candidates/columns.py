"""Candidate features of a whole corpus held as numpy columns, read back one article at a time.

An analysis holds every article's features while it proposes candidates. As one Python object
per article (with its arrays and strings), a million articles' features cost ~5 GB, and the
forked workers that judge pairs touch those objects: every reference count they raise copies
the page it lies on, so each worker ends up with its own copy of most of them. Held as columns
(each field's values of all articles in one array, with where each article's run starts), the
same features cost ~4.4 KB an article in a few large buffers that no worker writes to; an
article's ``CandidateFeatures`` is rebuilt from its slices when asked for (a few
microseconds) and the most recent ones are kept.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from wiretrace.candidates import CandidateFeatures, Hashes

__all__ = ["FactColumns", "FeatureColumns"]

CACHE = 4096  # features rebuilt and kept (the pairs judged next share articles)
BLOCK = 1 << 16  # articles gathered in Python arrays before they move into numpy
NO_DAY = np.iinfo(np.int64).min  # published_day of an article without one


class _Ragged:
    """One variable-length field of every article: values in one array, and offsets (article
    ``n``'s values are ``values[offsets[n]:offsets[n + 1]]``), gathered a block at a time."""

    def __init__(self, code: str, dtype: type[np.generic]) -> None:
        self._code = code
        self._dtype = dtype
        self._open: array[int] = array(code)
        self._lengths: array[int] = array("q")
        self._blocks: list[npt.NDArray[np.generic]] = []
        self.values: npt.NDArray[np.generic] = np.zeros(0, dtype=dtype)
        self.offsets: npt.NDArray[np.int64] = np.zeros(1, dtype=np.int64)

    def add(self, values: Sequence[int]) -> None:
        self._open.extend(values)
        self._lengths.append(len(values))

    def flush(self) -> None:
        if self._open:
            self._blocks.append(np.frombuffer(self._open, dtype=self._dtype).copy())
            self._open = array(self._code)

    def freeze(self) -> None:
        self.flush()
        self.values = np.concatenate([self.values, *self._blocks])
        self._blocks.clear()
        self.offsets = np.zeros(len(self._lengths) + 1, dtype=np.int64)
        if self._lengths:
            np.cumsum(np.frombuffer(self._lengths, dtype=np.int64), out=self.offsets[1:])

    def run(self, number: int) -> npt.NDArray[np.generic]:
        return self.values[int(self.offsets[number]) : int(self.offsets[number + 1])]

    def as_array(self, number: int) -> array[int]:
        found: array[int] = array(self._code)
        found.frombytes(self.run(number).tobytes())
        return found


class FeatureColumns(Mapping[str, CandidateFeatures]):
    """Candidate features by article id, held as columns (see the module).

    ``add`` every article, then ``freeze`` once; reading before ``freeze`` raises
    ValueError, as does adding after it or adding an id twice. Iterates the ids in the order
    added. As a ``FrozenIndex`` reads its features, ``get`` gives None (nothing is cached for
    the query's own object) and ``prefetch`` does nothing.
    """

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._ids: list[str] = []
        self._signature = _Ragged("I", np.uint32)
        self._sentence_hashes = _Ragged("Q", np.uint64)
        self._anchors = _Ragged("Q", np.uint64)
        self._anchor_lines = _Ragged("Q", np.uint64)
        self._facts = _Ragged("Q", np.uint64)
        self._vectors = _Ragged("B", np.uint8)
        self._word_counts: array[int] = array("q")
        self._days: array[int] = array("q")
        self._schemes: list[str] = []
        self._scheme_of: array[int] = array("b")
        self._frozen = False
        self._cache: OrderedDict[str, CandidateFeatures] = OrderedDict()

    def _fields(self) -> tuple[_Ragged, ...]:
        return (
            self._signature,
            self._sentence_hashes,
            self._anchors,
            self._anchor_lines,
            self._facts,
            self._vectors,
        )

    def add(self, f: CandidateFeatures) -> None:
        """Keep one more article's features."""
        if self._frozen:
            raise ValueError("frozen feature columns take no more articles")
        if f.article_id in self._numbers:
            raise ValueError(f"features of {f.article_id!r} were added already")
        self._numbers[f.article_id] = len(self._ids)
        self._ids.append(f.article_id)
        self._signature.add(f.signature)
        self._sentence_hashes.add(f.sentence_hashes)
        self._anchors.add(f.anchors)
        self._anchor_lines.add(f.anchor_lines)
        self._facts.add(f.facts)
        self._vectors.add(f.vectors.encode("ascii"))
        self._word_counts.append(f.word_count)
        self._days.append(NO_DAY if f.published_day is None else f.published_day)
        if f.scheme not in self._schemes:
            self._schemes.append(f.scheme)
        self._scheme_of.append(self._schemes.index(f.scheme))
        if len(self._ids) % BLOCK == 0:
            for field in self._fields():
                field.flush()

    def freeze(self) -> None:
        """Move what was added into its final columns (once)."""
        if self._frozen:
            return
        for field in self._fields():
            field.freeze()
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
        day = self._days[n]
        found = CandidateFeatures(
            article_id=article_id,
            signature=self._signature.as_array(n),
            sentence_hashes=self._sentence_hashes.as_array(n),
            anchors=self._anchors.as_array(n),
            word_count=self._word_counts[n],
            anchor_lines=self._anchor_lines.as_array(n),
            scheme=self._schemes[self._scheme_of[n]],
            vectors=self._vectors.run(n).tobytes().decode("ascii"),
            published_day=None if day == NO_DAY else day,
            facts=self._facts.as_array(n),
        )
        self._cache[article_id] = found
        if len(self._cache) > CACHE:
            self._cache.popitem(last=False)
        return found

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
        """Return the fact hashes alone (what verification reads), sharing their column."""
        return FactColumns(self._numbers, self._facts)

    def nbytes(self) -> int:
        """Return the bytes the columns hold (ids and their numbers left out)."""
        held = sum(f.values.nbytes + f.offsets.nbytes for f in self._fields())
        return held + len(self._word_counts) * 8 + len(self._days) * 8 + len(self._scheme_of)


class FactColumns(Mapping[str, Hashes]):
    """Every article's fact hashes (``CandidateFeatures.facts``) by id, from feature columns."""

    def __init__(self, numbers: Mapping[str, int], facts: _Ragged) -> None:
        self._numbers = numbers
        self._facts = facts

    def __getitem__(self, article_id: str) -> Hashes:
        return self._facts.as_array(self._numbers[article_id])

    def __contains__(self, key: object) -> bool:
        return key in self._numbers

    def __len__(self) -> int:
        return len(self._numbers)

    def __iter__(self) -> Iterator[str]:
        return iter(self._numbers)
