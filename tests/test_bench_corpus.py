"""The benchmark corpus generator: deterministic output and truthful planted labels."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from bench_modules import load as _load
from hypothesis import given, settings
from hypothesis import strategies as st

corpus = _load("corpus")

WORDS = [
    "minister",
    "council",
    "reserve",
    "bank",
    "shares",
    "market",
    "export",
    "harvest",
    "grain",
    "tonnes",
    "rate",
    "inflation",
    "budget",
    "talks",
    "strike",
    "union",
    "court",
    "ruling",
    "storm",
    "flood",
    "rescue",
    "police",
]


def _base_file(tmp_path: Path, articles: int = 80) -> Path:
    """Write a user JSONL of invented articles with unique sentences."""
    rng = random.Random(3)
    path = tmp_path / "base.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for number in range(articles):
            paragraphs = []
            for p in range(6):
                sentences = [
                    f"Story {number} line {p}-{s} says the "
                    + " ".join(rng.choice(WORDS) for _ in range(12))
                    + f", officials said on day {rng.randint(1, 28)}."
                    for s in range(3)
                ]
                paragraphs.append(" ".join(sentences))
            record = {
                "id": f"u{number}",
                "title": f"Story {number}",
                "text": "\n\n".join(paragraphs),
            }
            out.write(json.dumps(record) + "\n")
    return path


def _records(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    base = _base_file(tmp_path)
    first = corpus.write_corpus(50, seed=5, from_file=base, cache_dir=tmp_path / "a")
    again = corpus.write_corpus(50, seed=5, from_file=base, cache_dir=tmp_path / "b")
    other = corpus.write_corpus(50, seed=6, from_file=base, cache_dir=tmp_path / "c")
    assert first.articles.read_bytes() == again.articles.read_bytes()
    assert first.labels.read_bytes() == again.labels.read_bytes()
    assert first.articles.read_bytes() != other.articles.read_bytes()


def test_labels_name_earlier_originals_and_kinds_hold(tmp_path: Path) -> None:
    files = corpus.write_corpus(60, seed=1, from_file=_base_file(tmp_path), cache_dir=tmp_path)
    records = {r["id"]: r for r in _records(files.articles)}
    order = list(records)
    labels = corpus.read_labels(files.labels)
    assert files.size == len(records) == 60
    assert labels
    derived = {label.derivative for label in labels}
    for label in labels:
        assert label.origin not in derived  # origins are base articles
        assert order.index(label.origin) < order.index(label.derivative)
        origin, copy = records[label.origin]["text"], records[label.derivative]["text"]
        if label.kind == "duplicate":
            assert copy == origin
        elif label.kind == "verbatim_chrome":
            assert origin in copy and len(copy) > len(origin)
        elif label.kind == "excerpt":
            assert origin.startswith(copy.split("\n\n")[0]) and len(copy) < len(origin)
        elif label.kind == "reordered":
            assert sorted(copy.split()) == sorted(origin.split())
        elif label.kind in ("condensed", "edited"):
            assert copy != origin
        assert records[label.derivative]["published_at"] > records[label.origin]["published_at"]


def test_cached_corpus_is_reused(tmp_path: Path) -> None:
    base = _base_file(tmp_path)
    files = corpus.write_corpus(30, seed=2, from_file=base, cache_dir=tmp_path)
    stamp = files.articles.stat().st_mtime_ns
    assert (
        corpus.write_corpus(30, seed=2, from_file=base, cache_dir=tmp_path).articles
        == files.articles
    )
    assert files.articles.stat().st_mtime_ns == stamp


@pytest.mark.parametrize(
    ("text", "expected"), [("10k", 10_000), ("100K", 100_000), ("1m", 1_000_000), ("2500", 2500)]
)
def test_parse_size(text: str, expected: int) -> None:
    assert corpus.parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "k", "0", "-5", "ten"])
def test_parse_size_rejects_bad_sizes(text: str) -> None:
    with pytest.raises(ValueError, match="size must be"):
        corpus.parse_size(text)


def test_splitter_keeps_abbreviations_together() -> None:
    text = "Sen. Smith met Gov. Jones in the U.S. capital on Monday. Talks ended late. Shares rose."
    assert corpus.split_sentences(text) == [
        "Sen. Smith met Gov. Jones in the U.S. capital on Monday.",
        "Talks ended late.",
        "Shares rose.",
    ]


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_excerpt_is_a_leading_share_of_the_words(seed: int) -> None:
    rng = random.Random(seed)
    paragraphs = [
        [f"Sentence {p}-{s} " + "word " * rng.randint(5, 20) + "end." for s in range(3)]
        for p in range(5)
    ]
    cut = corpus.excerpt(paragraphs, random.Random(seed))
    kept = [s for p in cut for s in p]
    every = [s for p in paragraphs for s in p]
    assert kept == every[: len(kept)]
    assert 0 < len(kept) < len(every)


def test_real_news_corpus_when_the_shared_data_is_present(tmp_path: Path) -> None:
    if not (corpus.DEFAULT_DATA / "loaders.py").exists():
        pytest.skip(f"shared news data absent at {corpus.DEFAULT_DATA}")
    files = corpus.write_corpus(300, seed=4, cache_dir=tmp_path, corpora=("bbc",))
    records = _records(files.articles)
    share = len(corpus.read_labels(files.labels)) / len(records)
    assert 0.2 <= share <= 0.4
    originals = {r["id"] for r in records} - {
        x.derivative for x in corpus.read_labels(files.labels)
    }
    for record in records:
        if record["id"] in originals:
            assert corpus.MIN_WORDS <= len(record["text"].split()) <= corpus.MAX_WORDS + 80


def test_the_throughput_bench_takes_columns_where_dicts_would_not_fit() -> None:
    throughput = _load("throughput")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    fits_dicts = int(0.5 * memory / throughput.ANALYZE_BYTES_PER_ARTICLE["dicts"])
    assert throughput.chosen_index("auto", fits_dicts) == "dicts"
    assert throughput.chosen_index("auto", 2 * fits_dicts) == "columns"
    assert throughput.chosen_index("dicts", 2 * fits_dicts) == "dicts"  # asked for, kept


def test_the_throughput_bench_skips_a_peer_whose_index_would_not_fit() -> None:
    throughput = _load("throughput")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    per_article = 64 * throughput.PEER_BYTES_PER_BAND["datasketch"]
    too_many = int(memory / per_article) + 1
    reason = throughput._needs_more_memory("datasketch@64x2", too_many, False)
    assert reason is not None and reason.startswith("datasketch@64x2 holds ~22.4 KB per article")
    assert throughput._needs_more_memory("datasketch@64x2", too_many, True) is None  # --force
    assert throughput._needs_more_memory("datasketch@64x2", 1000, False) is None
    # fewer bands hold less: the same corpus may fit with them
    assert throughput._bytes_per_article("rensa@32x4", "dicts") < per_article
    assert throughput._needs_more_memory("passim", too_many, False) is None  # not estimated


def test_the_throughput_bench_keeps_each_result_beside_the_corpus_as_it_arrives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse
    import subprocess

    throughput = _load("throughput")
    files = corpus.CorpusFiles(tmp_path / "c.jsonl", tmp_path / "c.labels.jsonl", 3)
    args = argparse.Namespace(
        processes=2, probes=5, model_probes=1, corpus_index="dicts", passim=None
    )
    printed = 'progress\nRESULT {"name": "rensa@32x4", "docs": 3, "seconds": 1.5}\n'

    asked: list[str] = []

    def finished(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        asked.append(command[command.index("--worker") + 1])
        return subprocess.CompletedProcess(command, 0, printed, "")

    monkeypatch.setattr(throughput.subprocess, "run", finished)
    result = throughput.spawn("rensa@32x4", files, args)
    assert result == {"name": "rensa@32x4", "docs": 3, "seconds": 1.5}
    kept = tmp_path / "c.rensa@32x4.result.json"
    assert throughput.result_path(files, "rensa@32x4") == kept
    assert json.loads(kept.read_text(encoding="utf-8")) == result
    # a run that printed no result keeps nothing and reports the failure
    printed = "Traceback: out of memory\n"
    assert throughput.spawn("datasketch@64x2", files, args) is None
    assert not (tmp_path / "c.datasketch@64x2.result.json").exists()
    assert asked == ["rensa@32x4", "datasketch@64x2"]
