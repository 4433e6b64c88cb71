"""The frozen candidate index: numpy columns that answer checks as ``CandidateIndex`` does."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import pytest
from bench_modules import load as _load

from wiretrace.candidates import CandidateFeatures, CandidateIndex, features, frozen
from wiretrace.candidates.frozen import FrozenIndex
from wiretrace.config import CandidateSettings
from wiretrace.models import Article
from wiretrace.text import prepare

SETTINGS = CandidateSettings()
corpus = _load("corpus")


class Reads:
    """A loader that remembers which ids were read back."""

    def __init__(self, held: Sequence[CandidateFeatures]) -> None:
        self.by_id = {f.article_id: f for f in held}
        self.asked: list[str] = []

    def __call__(self, ids: Sequence[str]) -> Mapping[str, CandidateFeatures]:
        self.asked.extend(ids)
        return {i: self.by_id[i] for i in ids if i in self.by_id}


def both(held: Sequence[CandidateFeatures]) -> tuple[CandidateIndex, FrozenIndex, Reads]:
    ordered = sorted(held, key=lambda f: f.article_id)
    index = CandidateIndex(SETTINGS)
    for f in ordered:
        index.add(f)
    index.fix_counts(for_queries=True)  # as ``check`` had it
    reads = Reads(ordered)
    return index, FrozenIndex.build(iter(ordered), SETTINGS, reads), reads


def _article(record: dict[str, str]) -> Article:
    published = record.get("published_at")
    return Article(
        id=str(record["id"]),
        text=record["text"],
        title=record.get("title"),
        published_at=datetime.fromisoformat(published) if published else None,
    )


@pytest.fixture(scope="module")
def planted(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[CandidateFeatures], list[CandidateFeatures]]:
    """A corpus of 1,200 real-news articles with planted derivatives, and 60 new derivatives
    of its articles (their features)."""
    folder = tmp_path_factory.mktemp("planted")
    try:
        files = corpus.write_corpus(1200, seed=3, cache_dir=folder, corpora=("bbc",))
    except FileNotFoundError as exc:
        pytest.skip(f"no shared news data to plant a corpus in ({exc})")
    with files.articles.open(encoding="utf-8") as lines:
        held = [features(prepare(_article(json.loads(line))), SETTINGS) for line in lines]
    probes = [
        features(prepare(_article(record)), SETTINGS)
        for record, _, _ in corpus.probe_articles(files.articles, 60)
    ]
    return held, probes


def test_a_frozen_index_finds_what_the_index_of_the_same_features_finds(
    planted: tuple[list[CandidateFeatures], list[CandidateFeatures]],
) -> None:
    held, probes = planted
    index, frozen, reads = both(held)
    assert len(frozen) == len(index) == len(held)
    new = [index.query(f) for f in probes]
    assert sum(map(len, new)) >= len(probes)  # most probes find their origin, some more
    assert [frozen.query(f) for f in probes] == new
    # only candidates' features are read back, not the corpus
    assert 0 < len(set(reads.asked)) < len(held) // 4
    # a stored article asked about again counts its own holding as stored (no extra)
    assert [frozen.query(f) for f in held[:40]] == [index.query(f) for f in held[:40]]


def test_a_frozen_index_of_the_sample_corpus_answers_as_the_index(sample_dir: Path) -> None:
    found = [
        features(prepare(Article(path.stem, path.read_text(encoding="utf-8"))), SETTINGS)
        for path in sorted((sample_dir / "articles").glob("*.txt"))
    ]
    held, new = found[::2], found[1::2]
    index, frozen, _ = both(held)
    answers = [index.query(f) for f in new]
    assert any(answers)
    assert [frozen.query(f) for f in new] == answers


def test_a_frozen_index_takes_no_more_articles_and_no_repeated_ids(sample_dir: Path) -> None:
    path = next(iter(sorted((sample_dir / "articles").glob("*.txt"))))
    f = features(prepare(Article("one", path.read_text(encoding="utf-8"))), SETTINGS)
    frozen = FrozenIndex.build([f], SETTINGS, Reads([f]))
    assert "one" in frozen and "two" not in frozen
    with pytest.raises(ValueError, match="takes no more articles"):
        frozen.add(f)
    with pytest.raises(ValueError, match="already in the candidate index"):
        FrozenIndex.build([f, f], SETTINGS, Reads([f]))
    # an article whose stored features cannot be read back is named
    lost = FrozenIndex.build([f], SETTINGS, lambda ids: {})
    with pytest.raises(KeyError, match="could not be read back"):
        lost._features["one"]


def test_an_empty_frozen_index_finds_nothing(sample_dir: Path) -> None:
    path = next(iter(sorted((sample_dir / "articles").glob("*.txt"))))
    f = features(prepare(Article("one", path.read_text(encoding="utf-8"))), SETTINGS)
    frozen = FrozenIndex.build([], SETTINGS, lambda ids: {})
    assert len(frozen) == 0
    assert frozen.query(f) == []


def test_a_corpus_judged_on_columns_finds_what_the_dicts_find(
    planted: tuple[list[CandidateFeatures], list[CandidateFeatures]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wiretrace import parallel
    from wiretrace.candidates import CorpusCandidates

    held, probes = planted
    expected = CorpusCandidates(held, SETTINGS).propose()
    assert len(expected) > len(held) // 10  # the planted derivatives are proposed
    columns = CorpusCandidates(list(reversed(held)), SETTINGS, columns=True)
    assert isinstance(columns.index, FrozenIndex)
    assert columns.propose() == expected
    # features can be added until the index is first read, not after
    with pytest.raises(ValueError, match="takes no more articles"):
        columns.add(probes[0])
    monkeypatch.setattr(parallel, "CHUNK", 100)
    # signatures' bands hashed in many small blocks file the same keys
    monkeypatch.setattr(frozen, "_SIGNATURE_BLOCK", 7)
    assert parallel.judge(CorpusCandidates(held, SETTINGS, columns=True), 2) == expected


def test_the_corpus_index_setting_is_checked() -> None:
    from wiretrace.config import load_settings
    from wiretrace.errors import ConfigError

    assert load_settings(env={}).run.corpus_index == "dicts"
    chosen = load_settings(env={"WIRETRACE_RUN__CORPUS_INDEX": "columns"})
    assert chosen.run.corpus_index == "columns"
    with pytest.raises(ConfigError, match="corpus_index"):
        load_settings(env={}, overrides={"run": {"corpus_index": "lists"}})


def test_feature_columns_give_back_every_article_s_features(
    planted: tuple[list[CandidateFeatures], list[CandidateFeatures]],
) -> None:
    from dataclasses import replace

    from wiretrace.candidates import CorpusCandidates
    from wiretrace.candidates.columns import FeatureColumns

    held, probes = planted
    # a feature set of every kind: no vectors, no day, another scheme, nothing at all
    odd = [
        replace(probes[0], article_id="zz-no-vectors", vectors="", published_day=None),
        replace(probes[1], article_id="zz-other-scheme", scheme="other", published_day=-3),
        CandidateFeatures("zz-empty", (), (), (), 0),
    ]
    columns = FeatureColumns()
    for f in [*held, *odd]:
        columns.add(f)
    with pytest.raises(ValueError, match="once frozen"):
        columns[held[0].article_id]
    columns.freeze()
    assert len(columns) == len(held) + 3 and list(columns)[:2] == [f.article_id for f in held[:2]]
    for f in [*held, *odd]:
        back = columns[f.article_id]
        assert back == f and back.anchors.typecode == "Q" and back.signature.typecode == "I"
        assert columns[f.article_id] is back  # kept for the next pairs
    assert columns.get(held[0].article_id) is None  # as a frozen index reads its features
    facts = columns.facts()
    assert len(facts) == len(columns) and all(facts[f.article_id] == f.facts for f in held)
    assert "nothing" not in columns and "nothing" not in facts
    with pytest.raises(ValueError, match="no more articles"):
        columns.add(probes[2])
    again = FeatureColumns()
    again.add(held[0])
    with pytest.raises(ValueError, match="added already"):
        again.add(held[0])
    # compact: the columns hold less than the Python objects they replace would
    per_article = columns.nbytes() / len(columns)
    assert per_article < 6000
    # a corpus indexed on columns gives verification the same facts as one on dicts
    on_dicts = CorpusCandidates(held, SETTINGS).facts()
    on_columns = CorpusCandidates(held, SETTINGS, columns=True).facts()
    assert dict(on_columns) == on_dicts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_directory_search_finds_what_searchsorted_finds(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    rng = np.random.default_rng(seed)
    distinct = rng.integers(0, 2**64, size=3000, dtype=np.uint64)
    # postings repeat keys (one per holder), and some prefixes are empty or crowded
    ends = np.asarray([0, 2**64 - 1], dtype=np.uint64)
    keys = np.sort(np.concatenate([distinct, distinct[:500], distinct[:50], ends]))
    needles = np.concatenate(
        [
            keys[rng.integers(0, len(keys), 400)],
            rng.integers(0, 2**64, 400, dtype=np.uint64),
            ends,  # the smallest and the largest hash: a run's end is not where x + 1 starts
        ]
    ).astype(np.uint64)
    monkeypatch.setattr(frozen, "DIRECTORY_MIN_KEYS", 1)
    monkeypatch.setattr(frozen, "DIRECTORY_RUN", 4)
    search = frozen.SortedSearch(keys)
    assert search._starts is not None  # the directory is used
    for side in ("left", "right"):
        assert (search(needles, side) == np.searchsorted(keys, needles, side=side)).all()
    assert len(search(np.zeros(0, dtype=np.uint64))) == 0
    for run_search in (search, frozen.SortedSearch(keys[:-1])):  # with and without 2**64 - 1
        column = run_search.keys
        starts, counts = run_search.runs(needles)
        assert (starts == np.searchsorted(column, needles)).all()
        assert (counts == np.searchsorted(column, needles, "right") - starts).all()
        assert counts.max() == 3 and (counts == 0).any()
    monkeypatch.setattr(frozen, "DIRECTORY_MIN_KEYS", 1 << 20)
    plain = frozen.SortedSearch(keys)
    assert plain._starts is None and (plain(needles) == search(needles)).all()
    assert all(
        (x == y).all() for x, y in zip(plain.runs(needles), search.runs(needles), strict=True)
    )


def test_feature_columns_in_a_temporary_file_read_back_the_same_and_hold_little(
    planted: tuple[list[CandidateFeatures], list[CandidateFeatures]], tmp_path: Path
) -> None:
    from wiretrace.candidates.columns import FeatureColumns

    held, _ = planted
    in_memory, spilled = FeatureColumns(), FeatureColumns(str(tmp_path))
    for columns in (in_memory, spilled):
        for f in held:
            columns.add(f)
        columns.freeze()
    for f in held:
        assert spilled[f.article_id] == f == in_memory[f.article_id]
        assert spilled.facts_of(f.article_id) == f.facts
    # the records are in the file; what stays in memory is how long each field is
    assert spilled.spilled_bytes() > 1000 * len(held) and in_memory.spilled_bytes() == 0
    assert spilled.nbytes() / len(spilled) < 100 < in_memory.nbytes() / len(in_memory)
    facts = spilled.facts()
    facts.close()
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="closed"):
        facts[held[0].article_id]


def test_an_index_its_own_articles_query_leaves_out_hashes_held_once(
    planted: tuple[list[CandidateFeatures], list[CandidateFeatures]], tmp_path: Path
) -> None:
    import numpy as np

    from wiretrace.candidates.frozen import FrozenBuilder, HeldFeatures

    held, _ = planted
    built = {}
    for among, spill_dir in ((False, None), (True, str(tmp_path))):
        builder = FrozenBuilder(SETTINGS, spill_dir=spill_dir)
        for f in held:
            builder.add(f)
        built[among] = builder.build(HeldFeatures({f.article_id: f for f in held}), among)
    assert list(tmp_path.iterdir()) == []  # the gathered hashes' files are let go
    full, pruned = built[False], built[True]
    for part in ("_near", "_excerpt"):
        whole, kept = getattr(full, part).column, getattr(pruned, part).column
        assert len(kept.keys) < len(whole.keys) // 2  # most band hashes are held once
        _, counts = np.unique(kept.keys, return_counts=True)
        assert counts.min() >= 2
        # what is kept is exactly the keys held more than once, with the same holders
        keys, counts = np.unique(whole.keys, return_counts=True)
        shared = np.isin(whole.keys, keys[counts >= 2])
        assert np.array_equal(kept.keys, whole.keys[shared])
        assert np.array_equal(kept.holders, whole.holders[shared])
    assert len(pruned._anchor_columns.held) <= len(full._anchor_columns.held)
    assert pruned._anchor_columns.counts.min() >= 2
    # every article finds the same candidates in both
    for f in held[:200]:
        assert pruned._candidates(f) == full._candidates(f)


@pytest.mark.parametrize("columns", [False, True])
def test_bands_hashed_a_block_at_a_time_answer_as_each_article_s_own(
    planted: tuple[list[CandidateFeatures], list[CandidateFeatures]],
    monkeypatch: pytest.MonkeyPatch,
    columns: bool,
) -> None:
    from dataclasses import replace

    from wiretrace.candidates import CorpusCandidates

    held, _ = planted
    primed = CorpusCandidates(held, SETTINGS, columns=columns)
    expected = primed.propose()
    index = primed.index
    block = list(primed.ordered[:40])
    index.prime_bands(block)
    for f in block:
        near, excerpt = index._bands_primed(f)
        assert near == index._near.band_hashes(f.signature)
        assert excerpt == index._excerpt.band_hashes(f.signature)
    # features outside the block, or another object under a primed id, are hashed as asked
    assert index._bands_primed(primed.ordered[40]) == (None, None)
    assert index._bands_primed(replace(block[0])) == (None, None)
    # judging without priming (every query hashes its own bands) finds the same pairs
    unprimed = CorpusCandidates(held, SETTINGS, columns=columns)
    monkeypatch.setattr(type(unprimed.index), "prime_bands", lambda self, block: None)
    assert unprimed.propose() == expected
