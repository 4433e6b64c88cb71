"""The garbage-collector helpers around bulk builds and forks restore what they change."""

from __future__ import annotations

import gc

import pytest

from wiretrace.runtime import WorkCollector, forking, paused_gc


def _blas_threads(_: object = None) -> list[int]:
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


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


def test_forking_runs_blas_on_one_thread_here_and_in_forked_workers_then_restores_it() -> None:
    import multiprocessing

    import numpy  # noqa: F401 -- loads numpy's BLAS, which threadpoolctl then finds
    from threadpoolctl import threadpool_limits

    if not _blas_threads():
        pytest.skip("numpy reports no BLAS library to threadpoolctl here")
    with threadpool_limits(limits=2, user_api="blas"):  # as on a two-core machine
        assert set(_blas_threads()) == {2}
        with forking(), multiprocessing.get_context("fork").Pool(2) as pool:
            assert set(_blas_threads()) == {1}
            assert pool.map(_blas_threads, range(2)) == [[1] * len(_blas_threads())] * 2
        assert set(_blas_threads()) == {2}


def test_a_work_collector_collects_cycles_every_so_many_units_of_work() -> None:
    import weakref

    class Node:
        def __init__(self) -> None:
            self.other: Node | None = None

    collector = WorkCollector(3)
    with paused_gc():
        first, second = Node(), Node()
        first.other, second.other = second, first  # a cycle: only a collection frees it
        gone = weakref.ref(first)
        del first, second
        collector.tick()
        collector.tick()
        assert gone() is not None  # automatic collection is off and no third unit yet
        collector.tick()
        assert gone() is None


def test_a_work_collector_collects_an_old_cycle_at_its_full_collection() -> None:
    import weakref

    class Node:
        def __init__(self) -> None:
            self.other: Node | None = None

    collector = WorkCollector(2, full_every=3)
    with paused_gc():
        first, second = Node(), Node()
        first.other, second.other = second, first
        gone = weakref.ref(first)
        for _ in range(2):
            collector.tick()  # a young collection while the cycle is in use: it grows old
        del first, second
        for _ in range(2):
            collector.tick()  # young collections do not walk the old generation
        assert gone() is not None
        for _ in range(2):
            collector.tick()  # the sixth unit: a full collection
        assert gone() is None


def test_a_work_collector_needs_positive_intervals() -> None:
    with pytest.raises(ValueError, match="every"):
        WorkCollector(0)
    with pytest.raises(ValueError, match="full_every"):
        WorkCollector(5, full_every=0)
