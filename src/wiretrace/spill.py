"""Bytes an analysis writes once and reads back by position, kept in a temporary file.

An analysis of a large pile holds two things it reads only now and then: every article's
compressed text (``ArticleShelf``) and every article's candidate features laid out article by
article (``FeatureColumns``): ~2 and ~4 GB at a million articles. Held in the process, they
are most of its memory while the index is built and judged. In a ``SpillFile`` they lie in an
unlinked temporary file instead: what is read often stays in the kernel's page cache, which
the kernel gives back when memory runs short, and none of it counts in the process's own
memory. Reading is ``os.pread`` at a position, so forked workers read the same file through
the descriptor they inherit without moving any shared offset.

Appends are buffered (``FLUSH`` bytes) and a read of what is still buffered is answered from
the buffer. A spill file pickles as the bytes it holds (a spawned process gets them in
memory).
"""

from __future__ import annotations

import os
import tempfile
from typing import IO

from wiretrace.errors import ConfigError

__all__ = ["SpillFile"]

FLUSH = 1 << 20  # bytes buffered before they are written to the file


class SpillFile:
    """An append-only run of bytes, read back by position (see the module).

    ``directory`` is where the temporary file goes (None: the system's temporary directory);
    with ``in_memory`` every byte stays in the process instead. Raises ConfigError when the
    file cannot be made there.
    """

    def __init__(self, directory: str | None = None, in_memory: bool = False) -> None:
        self._buffer = bytearray()  # appended bytes not yet in the file (in memory: all)
        self._base = 0  # bytes in the file, before the buffer
        self._file: IO[bytes] | None = None
        self._closed = False
        if not in_memory:
            try:
                # the file lives as long as this object (``close``): no context manager
                self._file = tempfile.TemporaryFile(prefix="wiretrace-spill-", dir=directory)  # noqa: SIM115
            except OSError as error:
                where = directory or tempfile.gettempdir()
                raise ConfigError(
                    f"run.spill_dir: cannot make a temporary file in {where!r}: {error}"
                ) from error

    @classmethod
    def under(cls, spill_dir: str | None) -> SpillFile:
        """Return a spill file as the ``spill_dir`` arguments of its users read: None keeps
        the bytes in memory, "" puts them in the system's temporary directory, anything else
        names the directory."""
        return cls(spill_dir or None, in_memory=spill_dir is None)

    @property
    def spilled(self) -> bool:
        """Whether the bytes go to a file (False: held in memory)."""
        return self._file is not None

    def __len__(self) -> int:
        return self._base + len(self._buffer)

    def append(self, data: bytes | bytearray | memoryview) -> int:
        """Append ``data``; return where it starts."""
        start = len(self)
        self._buffer += data
        if self._file is not None and len(self._buffer) >= FLUSH:
            self.flush()
        return start

    def flush(self) -> None:
        """Write what is buffered to the file (nothing to do in memory)."""
        if self._file is not None and self._buffer:
            self._file.write(self._buffer)
            self._file.flush()
            self._base += len(self._buffer)
            self._buffer = bytearray()

    def read(self, start: int, stop: int) -> bytes:
        """Return the bytes from ``start`` to ``stop``. Raises IndexError outside what was
        appended, ValueError once closed."""
        if self._closed:
            raise ValueError("a closed spill file cannot be read")
        if not 0 <= start <= stop <= len(self):
            raise IndexError(f"bytes {start}:{stop} of a spill file of {len(self)}")
        if start >= self._base:
            return bytes(self._buffer[start - self._base : stop - self._base])
        if stop > self._base:  # partly buffered: write the buffer out first
            self.flush()
        assert self._file is not None
        data = os.pread(self._file.fileno(), stop - start, start)
        if len(data) != stop - start:
            raise OSError(f"short read of a spill file: {len(data)} of {stop - start} bytes")
        return data

    def close(self) -> None:
        """Let the bytes go: the file's space is freed, the buffer dropped; reading afterwards
        raises ValueError."""
        self._closed = True
        self._buffer = bytearray()
        if self._file is not None:
            self._file.close()

    def __getstate__(self) -> bytes:
        return self.read(0, len(self))

    def __setstate__(self, state: bytes) -> None:
        self._buffer = bytearray(state)
        self._base = 0
        self._file = None
        self._closed = False
