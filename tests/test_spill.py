"""Spill files: bytes appended once and read back by position, from a temporary file."""

from __future__ import annotations

import multiprocessing
import os
import pickle
from pathlib import Path

import pytest

from wiretrace import spill
from wiretrace.errors import ConfigError
from wiretrace.spill import SpillFile


def _chunks() -> list[bytes]:
    # records of many sizes, some larger than the write buffer
    return [bytes([n % 251]) * (1 + (n * 7919) % 3000) for n in range(400)]


def _read_in_child(
    file: SpillFile, spans: list[tuple[int, int]], out: multiprocessing.Queue
) -> None:  # type: ignore[type-arg]
    out.put([file.read(start, stop) for start, stop in spans])


def test_what_is_appended_reads_back_from_the_file_the_buffer_and_across_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spill, "FLUSH", 4096)  # many writes, and a buffer to straddle
    file = SpillFile(str(tmp_path))
    assert file.spilled
    spans = []
    for chunk in _chunks():
        start = file.append(chunk)
        spans.append((start, start + len(chunk)))
        assert file.read(*spans[-1]) == chunk  # the latest may still be buffered
    assert len(file) == sum(map(len, _chunks()))
    assert file._base > 0 and file._buffer  # part of it written, part still buffered
    whole = b"".join(_chunks())
    assert file.read(0, len(file)) == whole  # across the file and the buffer
    assert [file.read(a, b) for a, b in spans] == _chunks()
    # the bytes are in the (unlinked) file, not in the process
    assert not file._buffer and os.fstat(file._file.fileno()).st_size == len(whole)  # type: ignore[union-attr]
    assert list(tmp_path.iterdir()) == []  # nothing left to clean up
    with pytest.raises(IndexError):
        file.read(0, len(file) + 1)
    with pytest.raises(IndexError):
        file.read(5, 4)
    file.close()


def test_a_forked_worker_reads_the_same_bytes_through_the_inherited_file(
    tmp_path: Path,
) -> None:
    file = SpillFile(str(tmp_path))
    spans = []
    for chunk in _chunks():
        start = file.append(chunk)
        spans.append((start, start + len(chunk)))
    file.append(b"still buffered")  # a child reads its own copy of the buffer
    spans.append((len(file) - 14, len(file)))
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    child = context.Process(target=_read_in_child, args=(file, spans[::-1], out))
    child.start()
    found = out.get(timeout=60)
    child.join(timeout=60)
    assert child.exitcode == 0
    assert found == [*_chunks(), b"still buffered"][::-1]
    assert file.read(*spans[0]) == _chunks()[0]  # the parent reads on after the child
    file.close()


def test_a_spill_file_pickles_as_its_bytes_and_lets_its_file_go(tmp_path: Path) -> None:
    file = SpillFile(str(tmp_path))
    for chunk in _chunks():
        file.append(chunk)
    copy = pickle.loads(pickle.dumps(file))
    assert not copy.spilled and copy.read(0, len(copy)) == file.read(0, len(file))
    held = SpillFile(in_memory=True)
    held.append(b"abc")
    assert not held.spilled and held.read(1, 3) == b"bc"
    file.close()
    with pytest.raises(ValueError):
        file.read(0, 10)


def test_a_spill_directory_that_cannot_hold_a_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir"
    with pytest.raises(ConfigError, match=r"run\.spill_dir") as raised:
        SpillFile(str(missing))
    assert str(missing) in str(raised.value)


def test_the_spill_directory_is_a_setting_read_from_the_environment() -> None:
    from wiretrace.config import load_settings

    assert load_settings(env={}).run.spill_dir == ""  # the system's temporary directory
    chosen = load_settings(env={"WIRETRACE_RUN__SPILL_DIR": "/var/tmp"})
    assert chosen.run.spill_dir == "/var/tmp"
