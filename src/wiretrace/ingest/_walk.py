"""Walking input paths in a fixed order and sending each file to its reader."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from wiretrace.errors import InputError
from wiretrace.ingest._formats import (
    Outcome,
    read_csv,
    read_html,
    read_jsonl,
    read_meta,
    read_plain,
)
from wiretrace.ingest._records import Metadata
from wiretrace.models import Article

META_FILE = "meta.jsonl"
PLAIN_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv",)
SUPPORTED_SUFFIXES = PLAIN_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + CSV_SUFFIXES


def read_inputs(paths: Sequence[Path], max_chars: int = 500_000) -> Iterator[Article | InputError]:
    """Yield the articles in these files and folders, and an InputError for each bad input.

    Paths are read in the given order; a folder yields its files in name order,
    then its subfolders (recursively, in name order); hidden entries are skipped.
    A text or HTML file is named by its stem, inside a subfolder of a folder given by
    its path from that folder (``sub/story`` for ``folder/sub/story.txt``), so files of
    one name in different subfolders stay different articles.
    Errors are yielded, not raised, so one bad file or record never stops the
    rest. See the package docstring for the formats.

    Raises:
        ValueError: ``max_chars`` is not positive.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, got {max_chars}")
    folder_meta = _FolderMeta()
    for path in map(Path, paths):
        if path.is_dir():
            yield from _read_folder(path, folder_meta, max_chars)
        elif path.exists() or path.is_symlink():
            yield from folder_meta.errors_of(path.parent)
            yield from _read_file(path, folder_meta.of(path.parent), max_chars)
        else:
            yield InputError("no such file or directory", path=str(path))


class _FolderMeta:
    """Sidecar metadata per folder, read once; its errors are reported once."""

    def __init__(self) -> None:
        self._meta: dict[Path, dict[str, Metadata]] = {}
        self._errors: dict[Path, list[InputError]] = {}

    def of(self, folder: Path) -> dict[str, Metadata]:
        self._load(folder)
        return self._meta[folder]

    def errors_of(self, folder: Path) -> list[InputError]:
        """Return the folder's metadata errors the first time it is asked, then nothing."""
        self._load(folder)
        return self._errors.pop(folder, [])

    def _load(self, folder: Path) -> None:
        if folder in self._meta:
            return
        sidecar = folder / META_FILE
        if sidecar.is_file():
            self._meta[folder], self._errors[folder] = read_meta(sidecar)
        else:
            self._meta[folder] = {}


def _read_folder(root: Path, folder_meta: _FolderMeta, max_chars: int) -> Iterator[Outcome]:
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        here = Path(folder)
        prefix = here.relative_to(root).as_posix()
        yield from folder_meta.errors_of(here)
        for name in sorted(filenames):
            if not name.startswith(".") and name != META_FILE:
                path = here / name
                article_id = path.stem if prefix == "." else f"{prefix}/{path.stem}"
                yield from _read_file(path, folder_meta.of(here), max_chars, article_id)


def _read_file(
    path: Path, meta: dict[str, Metadata], max_chars: int, article_id: str | None = None
) -> Iterator[Outcome]:
    suffix = path.suffix.lower()
    if path.name == META_FILE:
        yield InputError(
            "meta.jsonl holds metadata for a folder's files, not articles", path=str(path)
        )
    elif suffix in PLAIN_SUFFIXES:
        yield from read_plain(path, meta, max_chars, article_id)
    elif suffix in HTML_SUFFIXES:
        yield from read_html(path, meta, max_chars, article_id)
    elif suffix in JSONL_SUFFIXES:
        yield from read_jsonl(path, max_chars)
    elif suffix in CSV_SUFFIXES:
        yield from read_csv(path, max_chars)
    else:
        expected = ", ".join(SUPPORTED_SUFFIXES)
        yield InputError(
            f"unsupported file extension {suffix or '(none)'!r}; expected {expected}",
            path=str(path),
        )
