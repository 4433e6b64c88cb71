"""The per-article cost script of the bench: each step timed, the budgets and the summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench_modules import load as _load

budget = _load("budget")
corpus = _load("corpus")


def test_the_budget_times_every_step_and_each_planted_kind(tmp_path: Path) -> None:
    try:
        files = corpus.write_corpus(400, seed=5, cache_dir=tmp_path, corpora=("bbc",))
    except FileNotFoundError as exc:
        pytest.skip(f"no shared news data to plant a corpus in ({exc})")
    lines = files.articles.read_text(encoding="utf-8").splitlines()
    steps = budget.article_steps(lines[:120])
    assert list(steps) == [
        "read",
        "shingle",
        "datasketch_minhash",
        "rensa_minhash",
        "prepare",
        "features",
    ]
    assert steps["prepare"] > 0 and steps["features"] > 0 and steps["shingle"] > 0
    labels = corpus.read_labels(files.labels)
    pairs = budget.pair_steps(lines, labels, per_kind=3)
    assert pairs and all(0 < count <= 3 and ms > 0 for count, ms in pairs.values())
    assert set(pairs) <= {label.kind for label in labels}
    printed = budget.report(400, steps, pairs, 2, 2500.0, 120)
    assert printed[1] == (
        "budget at 2,000 articles/s on 2 processes: 1.000 ms of one core per article, "
        "every stage included"
    )
    assert printed[2] == (
        "budget at 5x datasketch (12,500 articles/s) on 2 processes: 0.160 ms per article"
    )
    summary = printed[-1]
    assert summary.startswith("budget: size=400 sample=120 read_ms=")
    assert all(f"compare_{kind}_ms=" in summary for kind in pairs)
