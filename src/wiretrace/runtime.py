"""Process-level helpers for bulk work: the garbage collector around large builds and forks."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Generic, TypeVar, overload

from threadpoolctl import threadpool_limits

__all__ = ["ValuesOf", "WorkCollector", "forking", "one_blas_thread", "paused_gc"]

V = TypeVar("V")


class ValuesOf(Sequence[V], Generic[V]):
    """The values of some keys of a mapping, in the keys' order, read when indexed or sliced
    (a sequence that holds none of them)."""

    def __init__(self, held: Mapping[str, V], keys: Sequence[str]) -> None:
        self._held = held
        self._keys = keys

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, index: int) -> V: ...

    @overload
    def __getitem__(self, index: slice) -> list[V]: ...

    def __getitem__(self, index: int | slice) -> V | list[V]:
        if isinstance(index, slice):
            return [self._held[k] for k in self._keys[index]]
        return self._held[self._keys[index]]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while long-lived structures are built.

    Building an index of a large corpus allocates millions of objects that all survive; each
    collection on the way would walk everything allocated so far (seconds at 30k articles).
    Reference counting still frees what is dropped.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def forking() -> Iterator[None]:
    """Freeze what this process holds before forking workers, and thaw it after; meanwhile
    run BLAS on one thread in this process and in the workers forked (``one_blas_thread``).

    A forked worker's collections would otherwise walk every object it inherited (the whole
    corpus index or document cache), which costs time and, by touching their reference counts,
    copies the parent's pages into the worker. Frozen objects are left out of collections.
    """
    limits = one_blas_thread()
    gc.freeze()
    try:
        yield
    finally:
        limits.restore_original_limits()
        gc.unfreeze()


def one_blas_thread() -> threadpool_limits:
    """Run BLAS (numpy's matrix products) on one thread in this process, until the returned
    limiter's ``restore_original_limits``; a process forked meanwhile keeps the limit.

    Workers already use every core, one process each: OpenBLAS's own threads would contend
    with the other workers for them. Two workers scoring sentence grids side by side on two
    cores took 3.5x as long per product with OpenBLAS's default two threads each as with one
    (measured on the verification's bigram overlaps, 120 vs 420 us a grid).
    """
    return threadpool_limits(limits=1, user_api="blas")


class WorkCollector:
    """Collects cycles by units of work instead of by allocations, for bulk work that makes
    almost no cyclic garbage (verification: measured at a few hundred objects in a run).

    Automatic collection walks everything a worker keeps: its caches of documents and
    passages are millions of objects, and at 10k articles those walks were 12% of a verifying
    worker's time while finding nothing. With automatic collection off, ``tick`` once per
    unit of work collects the young generations every ``every`` units: the cheap pass over
    what was allocated since the last one. Every ``full_every``-th of those passes is a full
    collection, for a cycle that was still in use at a young pass and dropped later (the
    sentence model's objects, say).
    """

    def __init__(self, every: int, full_every: int = 10) -> None:
        if every < 1 or full_every < 1:
            raise ValueError(f"every and full_every must be >= 1, got {every} and {full_every}")
        self._every = every
        self._full = every * full_every
        self._done = 0

    def tick(self) -> None:
        self._done += 1
        if self._done % self._full == 0:
            gc.collect()
        elif self._done % self._every == 0:
            gc.collect(1)
