"""Peer near-duplicate pipelines measured against wiretrace: datasketch and rensa.

Both use wiretrace's shingling (word 5-grams of lowercased ``\\w+`` tokens), 128
permutations and the same number of worker processes, each set up the fast way
its own documentation recommends:

* datasketch 2: ``MinHash.bulk`` (one initialised state per batch) with
  ``hashfunc=xxhash.xxh32_intdigest`` and shared permutations, ``LeanMinHash``
  for the index, ``MinHashLSH.insertion_session`` for bulk insertion.
* rensa 0.5: ``RMinHash.from_token_sets`` (bulk), ``RMinHashLSH.insert_pairs`` and
  ``query_all``; its S-curve is set by ``num_bands`` (its ``threshold`` is unused).

Each run is timed end to end, from reading the JSONL to connected groups of
candidate pairs. Peers verify nothing: every LSH collision is a reported pair.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

NUM_PERM = 128
NGRAM = 5
SEED = 1
SCHEME = "affine32"  # datasketch 2 default permutation scheme
CHUNK = 500  # articles per task sent to a worker process
_WORD = re.compile(r"\w+")

Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class LshShape:
    """The banding of a 128-value signature: ``bands`` x ``rows``."""

    bands: int = 32
    rows: int = 4

    def __post_init__(self) -> None:
        if self.bands * self.rows > NUM_PERM or min(self.bands, self.rows) < 1:
            raise ValueError(f"bands x rows must fit in {NUM_PERM}, got {self.bands}x{self.rows}")

    @property
    def threshold(self) -> float:
        """Return the Jaccard similarity at which a pair collides with probability ~1/2."""
        return float((1.0 / self.bands) ** (1.0 / self.rows))


@dataclass(slots=True)
class PeerRun:
    """What one pipeline produced and how long each stage took (seconds)."""

    name: str
    docs: int
    seconds: float
    stages: dict[str, float]
    pairs: list[Pair]
    groups: list[tuple[str, ...]]
    setup: str
    query_ms: list[float] = field(default_factory=list)


def shingles(text: str, ngram: int = NGRAM) -> list[str]:
    """Return the word n-grams of a text (lowercased ``\\w+`` tokens joined by spaces).

    A text shorter than ``ngram`` words gives one shingle of all its words.
    """
    words = _WORD.findall(text.lower())
    if len(words) <= ngram:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + ngram]) for i in range(len(words) - ngram + 1)]


def read_articles(path: Path) -> Iterator[tuple[str, str]]:
    """Yield (id, text) of each JSONL record, streaming."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = json.loads(line)
                yield str(record["id"]), str(record["text"])


def batches(items: Iterable[tuple[str, str]], size: int = CHUNK) -> Iterator[list[str]]:
    """Yield lists of ``size`` texts; ids are kept by the caller in the same order."""
    batch: list[str] = []
    for _, text in items:
        batch.append(text)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def connected_groups(pairs: Iterable[Pair]) -> list[tuple[str, ...]]:
    """Return the connected components (size >= 2) of ``pairs``, each sorted, sorted by first id."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = {}
    for node in parent:
        members.setdefault(root(node), []).append(node)
    return sorted(tuple(sorted(m)) for m in members.values() if len(m) > 1)


# -- datasketch -----------------------------------------------------------------

_DS_STATE: dict[str, Any] = {}


def _datasketch_worker_init() -> None:
    import xxhash
    from datasketch import MinHash

    template = MinHash(NUM_PERM, seed=SEED, hashfunc=xxhash.xxh32_intdigest, scheme=SCHEME)
    _DS_STATE["kwargs"] = {
        "num_perm": NUM_PERM,
        "seed": SEED,
        "hashfunc": xxhash.xxh32_intdigest,
        "permutations": template.permutations,
        "scheme": template.scheme,
    }


def datasketch_signatures(texts: Sequence[str]) -> npt.NDArray[np.uint64]:
    """Return the (len(texts), 128) datasketch MinHash values of ``texts`` (a worker task)."""
    from datasketch import MinHash

    if not _DS_STATE:
        _datasketch_worker_init()
    encoded = [[s.encode("utf-8") for s in shingles(t)] for t in texts]
    hashes = MinHash.bulk(encoded, **_DS_STATE["kwargs"])
    return np.stack([m.hashvalues for m in hashes])


def run_datasketch(path: Path, shape: LshShape, processes: int) -> tuple[PeerRun, Any]:
    """Run the datasketch pipeline over a corpus; returns the run and its (lsh, ids) index."""
    from datasketch import LeanMinHash, MinHashLSH

    started = time.perf_counter()
    ids: list[str] = []
    rows: list[npt.NDArray[np.uint64]] = []
    with Pool(processes, initializer=_datasketch_worker_init) as pool:
        rows = list(pool.imap(datasketch_signatures, batches(_tap(read_articles(path), ids))))
    signed = time.perf_counter()
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(shape.bands, shape.rows))
    hashes = [LeanMinHash(seed=SEED, hashvalues=v, scheme=SCHEME) for block in rows for v in block]
    with lsh.insertion_session() as session:
        for key, minhash in zip(ids, hashes, strict=True):
            session.insert(key, minhash, check_duplication=False)
    indexed = time.perf_counter()
    found: set[Pair] = set()
    for key, minhash in zip(ids, hashes, strict=True):
        for other in lsh.query(minhash):
            if other != key:
                found.add((min(key, other), max(key, other)))
    queried = time.perf_counter()
    pairs = sorted(found)
    groups = connected_groups(pairs)
    finished = time.perf_counter()
    run = PeerRun(
        name="datasketch",
        docs=len(ids),
        seconds=finished - started,
        stages=_stages(started, signed, indexed, queried, finished),
        pairs=pairs,
        groups=groups,
        setup=f"MinHash.bulk xxh32 shared perms, LeanMinHash, LSH {shape.bands}x{shape.rows}",
    )
    return run, (lsh, datasketch_signatures)


def datasketch_query(index: Any, text: str) -> list[str]:
    """Return the keys a datasketch index proposes for one new article."""
    from datasketch import LeanMinHash

    lsh, sign = index
    return sorted(lsh.query(LeanMinHash(seed=SEED, hashvalues=sign([text])[0], scheme=SCHEME)))


# -- rensa ----------------------------------------------------------------------


def rensa_signatures(texts: Sequence[str]) -> list[Any]:
    """Return the rensa ``RMinHash`` of each text (a worker task)."""
    import rensa

    return list(rensa.RMinHash.from_token_sets([shingles(t) for t in texts], NUM_PERM, SEED))


def run_rensa(path: Path, shape: LshShape, processes: int) -> tuple[PeerRun, Any]:
    """Run the rensa pipeline over a corpus; returns the run and its (lsh, ids) index."""
    import rensa

    if shape.bands * shape.rows != NUM_PERM:
        raise ValueError(f"rensa needs bands x rows == {NUM_PERM}, got {shape.bands}x{shape.rows}")
    started = time.perf_counter()
    ids: list[str] = []
    with Pool(processes) as pool:
        hashes = [
            m
            for block in pool.imap(rensa_signatures, batches(_tap(read_articles(path), ids)))
            for m in block
        ]
    signed = time.perf_counter()
    lsh = rensa.RMinHashLSH(shape.threshold, NUM_PERM, shape.bands)
    lsh.insert_pairs(list(enumerate(hashes)))
    indexed = time.perf_counter()
    found: set[Pair] = set()
    for key, others in enumerate(lsh.query_all(hashes)):
        for other in others:
            if other != key:
                a, b = ids[key], ids[other]
                found.add((min(a, b), max(a, b)))
    queried = time.perf_counter()
    pairs = sorted(found)
    groups = connected_groups(pairs)
    finished = time.perf_counter()
    run = PeerRun(
        name="rensa",
        docs=len(ids),
        seconds=finished - started,
        stages=_stages(started, signed, indexed, queried, finished),
        pairs=pairs,
        groups=groups,
        setup=f"RMinHash.from_token_sets, RMinHashLSH num_bands={shape.bands}",
    )
    return run, (lsh, ids)


def rensa_query(index: Any, text: str) -> list[str]:
    """Return the ids a rensa index proposes for one new article."""
    lsh, ids = index
    return sorted(ids[k] for k in lsh.query(rensa_signatures([text])[0]))


# -- shared ---------------------------------------------------------------------


def _tap(items: Iterator[tuple[str, str]], ids: list[str]) -> Iterator[tuple[str, str]]:
    """Yield items unchanged, recording each id in order (ids stay in the parent process)."""
    for item in items:
        ids.append(item[0])
        yield item


def _stages(
    started: float, signed: float, indexed: float, queried: float, finished: float
) -> dict[str, float]:
    return {
        "read+tokenise+minhash": signed - started,
        "lsh insert": indexed - signed,
        "lsh query": queried - indexed,
        "groups": finished - queried,
    }


def time_queries(query: Callable[[str], list[str]], probes: Sequence[str]) -> list[float]:
    """Return the milliseconds each probe article's query took."""
    timings = []
    for text in probes:
        begun = time.perf_counter()
        query(text)
        timings.append((time.perf_counter() - begun) * 1000.0)
    return timings


PEERS: dict[str, Callable[[Path, LshShape, int], tuple[PeerRun, Any]]] = {
    "datasketch": run_datasketch,
    "rensa": run_rensa,
}
QUERIES: dict[str, Callable[[Any, str], list[str]]] = {
    "datasketch": datasketch_query,
    "rensa": rensa_query,
}
