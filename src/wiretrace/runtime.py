"""Process-level helpers for bulk work: the garbage collector around large builds and forks."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["forking", "paused_gc"]


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
    """Freeze what this process holds before forking workers, and thaw it after.

    A forked worker's collections would otherwise walk every object it inherited (the whole
    corpus index or document cache), which costs time and, by touching their reference counts,
    copies the parent's pages into the worker. Frozen objects are left out of collections.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
