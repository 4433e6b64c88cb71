"""Reading input files as text: unreadable, binary and invalid UTF-8 files are reported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from wiretrace.errors import InputError

BOM = b"\xef\xbb\xbf"
_SNIFF_BYTES = 8192


def read_text(path: Path, max_bytes: int | None = None) -> str | InputError:
    """Return the file's text (UTF-8, optional BOM removed) or the error that stops it.

    ``max_bytes`` rejects a larger file before it is read.
    """
    try:
        if max_bytes is not None and path.stat().st_size > max_bytes:
            size = path.stat().st_size
            return InputError(f"file has {size} bytes, too large for one article", path=str(path))
        data = path.read_bytes()
    except OSError as error:
        return unreadable(path, error)
    return decode(data, path)


def decode(data: bytes, path: Path, line: int = 1) -> str | InputError:
    """Return UTF-8 bytes as text, or an error naming the line of a NUL or bad byte.

    ``line`` is the number of the first line of ``data`` in its file.
    """
    offset = len(BOM) if data.startswith(BOM) else 0
    nul = data.find(b"\x00")
    if nul >= 0:
        where = line + data.count(b"\n", 0, nul)
        return InputError(f"binary data (NUL byte at byte {nul})", path=str(path), line=where)
    try:
        return data[offset:].decode("utf-8")
    except UnicodeDecodeError as error:
        bad = error.start + offset
        where = line + data.count(b"\n", 0, bad)
        reason = f"invalid UTF-8 at byte {bad} (0x{data[bad]:02x}): {error.reason}"
        return InputError(reason, path=str(path), line=where)


def looks_binary(path: Path) -> InputError | None:
    """Return an error when the file's first bytes hold a NUL byte (or it cannot be read)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as error:
        return unreadable(path, error)
    if b"\x00" in head:
        return InputError("binary file (NUL bytes), not text", path=str(path))
    return None


def binary_lines(path: Path) -> Iterator[tuple[int, bytes]] | InputError:
    """Return the file's (line number, raw line) pairs, or the error that stops it."""
    problem = looks_binary(path)
    if problem is not None:
        return problem
    return _numbered_lines(path)


def _numbered_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        yield from enumerate(handle, start=1)


def unreadable(path: Path, error: OSError) -> InputError:
    """Return the InputError for a file the system refused to read."""
    reason = error.strerror or str(error)
    return InputError(f"cannot read file: {reason}", path=str(path))
