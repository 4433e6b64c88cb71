"""The Spark job gives the local runner's families and edges; its pair verdict is the index's."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from wiretrace.candidates import CandidateIndex, _mutual, features
from wiretrace.candidates.pairs import CorpusCounts, score_pair
from wiretrace.config import EmbedSettings, Settings, StoreSettings
from wiretrace.errors import InputError
from wiretrace.ingest import read_inputs
from wiretrace.models import Article, Family
from wiretrace.pipeline import Service
from wiretrace.text import prepare

pytestmark = pytest.mark.xdist_group("spark")


def _sample_articles(sample_dir: Path) -> list[Article]:
    items = read_inputs([sample_dir / "articles"])
    return sorted((a for a in items if isinstance(a, Article)), key=lambda a: a.id)


def _settings(tmp_path: Path) -> Settings:
    return replace(
        Settings(),
        store=StoreSettings(f"sqlite:///{tmp_path / 'local.sqlite'}"),
        embed=EmbedSettings(model="hashing"),
    )


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install wiretrace[spark])"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime found (java on PATH or JAVA_HOME)"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    reason = _spark_missing()
    if reason is not None:
        print(reason)
        pytest.skip(reason)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from wiretrace.spark import local_session

    session = local_session("local[2]", shuffle_partitions=2)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def local_families(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Family]:
    settings = _settings(tmp_path_factory.mktemp("local"))
    with Service(settings) as service:
        service.ingest([sample_dir / "articles"])
        return list(service.analyze().families)


def _outline(families: list[Family]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(f.id, f.origin, f.members) for f in families]


def test_spark_families_equal_local_runner(
    spark: Any,
    sample_dir: Path,
    tmp_path: Path,
    local_families: list[Family],
) -> None:
    from wiretrace.spark import articles_frame, run_spark

    articles = _sample_articles(sample_dir)
    report = run_spark(spark, articles_frame(spark, articles), _settings(tmp_path))

    assert report.articles == len(articles)
    assert _outline(list(report.families)) == _outline(local_families)
    assert list(report.families) == local_families  # edges, changes and evidence too
    assert any(len(f.members) > 2 for f in report.families)


def test_spark_reads_jsonl_and_caps_candidates_as_the_local_runner(
    spark: Any, sample_dir: Path, tmp_path: Path
) -> None:
    """A cap of 3 crowds many articles and makes the ranking turn a link around."""
    from wiretrace.spark import run_spark

    articles = _sample_articles(sample_dir)
    lines = [
        json.dumps(
            {
                "id": a.id,
                "text": a.text,
                "title": a.title,
                "outlet": a.outlet,
                "url": a.url,
                "published_at": None if a.published_at is None else a.published_at.isoformat(),
            }
        )
        for a in articles
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join([*lines, "", "[1, 2]", '{"id": "no-text"}']) + "\n", encoding="utf-8")
    base = _settings(tmp_path)
    settings = replace(base, candidates=replace(base.candidates, max_candidates_per_article=3))
    with Service(settings) as service:
        service.ingest([sample_dir / "articles"])
        local = service.analyze()

    report = run_spark(spark, str(path), settings)

    assert report.articles == len(articles)
    assert report.candidates == local.candidates
    assert list(report.families) == list(local.families)
    turned = [
        e for f in report.families for e in f.edges if any("ranking" in x for x in e.evidence)
    ]
    assert turned


def test_spark_rejects_repeated_ids(spark: Any, tmp_path: Path) -> None:
    from wiretrace.spark import articles_frame, run_spark

    twice = [Article("wire-1", "One story. " * 20), Article("wire-1", "Another story. " * 20)]
    with pytest.raises(InputError, match="wire-1"):
        run_spark(spark, articles_frame(spark, twice), _settings(tmp_path))


def test_score_pair_gives_the_index_verdict_on_every_sample_pair(sample_dir: Path) -> None:
    settings = Settings().candidates
    found = sorted(
        (features(prepare(a), settings) for a in _sample_articles(sample_dir)),
        key=lambda f: f.article_id,
    )
    index = CandidateIndex(settings)
    for f in found:
        index.add(f)
    found_near, suspects = index._semantic_neighbours(found)
    near = _mutual(found_near)
    expected = [
        c
        for f in found
        for c in index._candidates(f, near.get(f.article_id), suspects=suspects[f.article_id])
        if c.a == f.article_id
    ]
    counts = CorpusCounts(
        len(found),
        Counter(line for f in found for line in set(f.sentence_hashes)),
        Counter(anchor for f in found for anchor in f.anchors),
    )
    scored = [
        score_pair(g, f, counts, settings, near.get(f.article_id, {}).get(g.article_id))
        for f, g in itertools.combinations(found, 2)
    ]

    assert [c for c in scored if c is not None] == sorted(expected, key=lambda c: (c.a, c.b))
    assert len(expected) > 10


def test_corpus_counts_reject_an_empty_corpus() -> None:
    with pytest.raises(ValueError, match="articles must be >= 1, got 0"):
        CorpusCounts(0, {}, {})
