"""The garbage-collector helpers around bulk builds and forks restore what they change."""

from __future__ import annotations

import gc

import pytest

from wiretrace.runtime import forking, paused_gc


def test_paused_gc_pauses_and_restores_the_collector() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


def test_paused_gc_restores_the_collector_after_an_error() -> None:
    with pytest.raises(RuntimeError), paused_gc():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_forking_freezes_what_exists_and_thaws_it_after() -> None:
    kept = [object() for _ in range(100)]
    before = gc.get_freeze_count()
    with forking():
        assert gc.get_freeze_count() > before + len(kept) - 1
    assert gc.get_freeze_count() == 0
