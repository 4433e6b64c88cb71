"""Process pools for the corpus stages that are pure CPU: text + features, candidate judging.

Workers are forked, so they inherit what the parent built (the candidate index of the whole
corpus, copy-on-write) instead of receiving it through a pipe. Forking is used only while no
sentence model is loaded in this process (a threaded torch can hang in a forked child); the
callers fall back to one process otherwise. Results come back in input order, so the output
does not depend on the number of processes.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from wiretrace.candidates import CandidateFeatures, CorpusCandidates, features
from wiretrace.config import Settings
from wiretrace.families import MemberInfo, member_info
from wiretrace.models import Article, Candidate, Document
from wiretrace.runtime import forking
from wiretrace.text import prepare

__all__ = ["Featured", "can_fork", "featured", "featurize", "judge"]

CHUNK = 200  # articles (or ids to judge) per task
_STATE: dict[str, Any] = {}  # set by the parent just before forking, read by the workers


def can_fork(processes: int, items: int, minimum: int) -> bool:
    """Return True when ``items`` are worth ``processes`` forked workers and forking is safe."""
    return (
        processes > 1
        and items >= minimum
        and "fork" in multiprocessing.get_all_start_methods()
        and "torch" not in sys.modules
    )


Featured = tuple[MemberInfo, CandidateFeatures, str]
"""An article's family facts, its candidate features and their stored JSON."""


def featured(doc: Document, settings: Settings) -> Featured:
    """Return the family facts, candidate features and features JSON of a prepared document."""
    found = features(doc, settings.candidates)
    return member_info(doc), found, found.to_json()


def _featurize_chunk(bounds: tuple[int, int]) -> list[Featured]:
    settings: Settings = _STATE["settings"]
    articles: Sequence[Article] = _STATE["articles"]
    return [featured(prepare(article), settings) for article in articles[bounds[0] : bounds[1]]]


def featurize(
    articles: Sequence[Article], settings: Settings, processes: int
) -> Iterator[Featured]:
    """Yield each article's family facts, candidate features and features JSON, in input order,
    computed in ``processes`` forked workers.

    The workers read the articles from the list they inherit (only slice bounds go through
    the pipe: pickling the texts was a tenth of the parent's time in this stage). The prepared
    documents stay in the workers: sending them back cost the parent more than preparing them
    did the workers, and verification prepares what it compares itself.
    """
    bounds = [(i, min(i + CHUNK, len(articles))) for i in range(0, len(articles), CHUNK)]
    _STATE["settings"] = settings
    _STATE["articles"] = articles
    try:
        with forking(), multiprocessing.get_context("fork").Pool(processes) as pool:
            for block in pool.imap(_featurize_chunk, bounds):
                yield from block
    finally:
        _STATE.clear()


def _neighbours_slice(
    bounds: tuple[int, int],
) -> tuple[dict[str, dict[str, float]], dict[str, list[str]]]:
    corpus: CorpusCandidates = _STATE["corpus"]
    return corpus.neighbours(*bounds)


def _judge_slice(bounds: tuple[int, int]) -> list[Candidate]:
    corpus: CorpusCandidates = _STATE["corpus"]
    return corpus.judge(*bounds)


def judge(corpus: CorpusCandidates, processes: int) -> list[Candidate]:
    """Return ``corpus.finish`` of every slice: neighbours found, then slices judged, each
    in ``processes`` workers forked from the corpus index."""
    bounds = [(i, min(i + CHUNK, len(corpus))) for i in range(0, len(corpus), CHUNK)]
    corpus.index.fix_counts()  # once here, shared by the workers
    _STATE["corpus"] = corpus
    try:
        with forking(), multiprocessing.get_context("fork").Pool(processes) as pool:
            corpus.settle(pool.imap(_neighbours_slice, bounds))
        with forking(), multiprocessing.get_context("fork").Pool(processes) as pool:
            found = [c for part in pool.imap(_judge_slice, bounds) for c in part]
    finally:
        _STATE.clear()
    return corpus.finish(found)
