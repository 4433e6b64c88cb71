"""The service end to end on a real SQLite store, with the lexical encoder (no model)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from wiretrace.config import EmbedSettings, Settings, StoreSettings
from wiretrace.models import Article, Relation
from wiretrace.pipeline import Service


def service_for(tmp_path: Path) -> Service:
    settings = replace(
        Settings(),
        store=StoreSettings(f"sqlite:///{tmp_path / 'store.sqlite'}"),
        embed=EmbedSettings(model="hashing"),
    )
    return Service(settings)


def articles(sample_dir: Path, *ids: str) -> list[Article]:
    from wiretrace.ingest import read_inputs

    wanted = set(ids)
    found = [
        a
        for a in read_inputs([sample_dir / "articles"])
        if isinstance(a, Article) and a.id in wanted
    ]
    assert len(found) == len(wanted)
    return found


def test_analysis_is_incremental(sample_dir: Path, tmp_path: Path) -> None:
    first_batch = articles(
        sample_dir, "rail-strike-kns-original", "rail-strike-herald-verbatim", "herald-regatta"
    )
    with service_for(tmp_path) as service:
        service.add_articles(first_batch)
        first = service.analyze()
        assert first.featured == 3
        assert first.verified >= 1
        again = service.analyze()
        assert (again.featured, again.verified) == (0, 0)  # nothing new: nothing recomputed
        assert again.families == first.families
        service.add_articles(articles(sample_dir, "rail-strike-lantern-excerpt"))
        third = service.analyze()
        assert third.featured == 1
        new_pairs = third.verified
        assert 1 <= new_pairs <= 3  # only pairs that involve the new article
        family = next(f for f in third.families if "rail-strike-lantern-excerpt" in f.members)
        assert family.origin == "rail-strike-kns-original"
        edge = next(e for e in family.edges if e.derivative == "rail-strike-lantern-excerpt")
        assert edge.relation is Relation.EXCERPT


def test_a_new_version_joins_its_earlier_text(sample_dir: Path, tmp_path: Path) -> None:
    (original,) = articles(sample_dir, "rail-strike-kns-original")
    (update,) = articles(sample_dir, "rail-strike-kns-update1")
    with service_for(tmp_path) as service:
        service.add_articles([original])
        result = service.add_articles([replace(update, id=original.id)])
        assert result.new_versions == 1
        report = service.analyze()
        (family,) = [f for f in report.families if original.id in f.members]
        assert sorted(family.members) == [original.id, f"{original.id}@v1"]
        (edge,) = family.edges
        assert (edge.source, edge.derivative, edge.relation) == (
            f"{original.id}@v1",
            original.id,
            Relation.UPDATE,
        )


def test_one_or_two_processes_give_the_same_families(sample_dir: Path, tmp_path: Path) -> None:
    # with 2 processes, features, candidate judging and verification all run in forked workers
    from wiretrace.config import RunSettings

    results = []
    for processes in (1, 2):
        folder = tmp_path / f"p{processes}"
        folder.mkdir()
        service = service_for(folder)
        service.settings = replace(
            service.settings,
            run=RunSettings(processes=processes, parallel_min_pairs=1, parallel_min_articles=1),
        )
        service.ingest([sample_dir / "articles"])
        report = service.analyze()
        assert report.verified > 20
        ids = [a.id for a in service.corpus()]
        stored = [(c.a_id, c.b_id, c.comparison_json) for c in service.store.comparisons_of(ids)]
        assert len(stored) == report.verified
        results.append((report.families, stored))
        service.close()
    assert results[0] == results[1]


def test_workers_get_the_pairs_of_a_group_of_articles_together() -> None:
    from wiretrace.pipeline import _grouped

    pairs = [("a", "b"), ("c", "d"), ("e", "f"), ("b", "g"), ("d", "h"), ("g", "a"), ("c", "h")]
    order = _grouped([(x, y, False) for x, y in pairs])
    assert sorted(order) == list(range(len(pairs)))  # every job once
    # a-b-g first (its first pair is job 0), then c-d-h, then e-f; job order within a group
    assert order == [0, 3, 5, 1, 4, 6, 2]
    assert _grouped([]) == []


def test_the_job_table_gives_back_every_pair_it_holds() -> None:
    from wiretrace.pipeline import JobTable

    jobs = [("a1", "b2", True), ("Zürich-7", "a1", False), ("b2", "", True), ("é", "é", False)]
    table = JobTable(jobs)
    assert len(table) == 4
    assert [table[n] for n in range(4)] == jobs
    assert list(table) == jobs and table[1:3] == jobs[1:3] and table[-1] == jobs[-1]
    assert table._names == "a1b2Zürich-7é".encode()  # each id held once
    with pytest.raises(IndexError, match="job 4 of 4"):
        table[4]
    assert len(JobTable([])) == 0 and list(JobTable([])) == []


def test_a_worker_s_document_cache_keeps_the_documents_but_no_family_facts() -> None:
    from wiretrace.pipeline import DocumentCache
    from wiretrace.shelf import ArticleShelf
    from wiretrace.text import prepare

    first = Article("first", "The ferry to Oskar Island left at noon with 212 passengers aboard.")
    second = Article("second", "Snow closed the Harlan Pass road for a third day on Tuesday.")
    parent = DocumentCache(4)
    parent.put(prepare(first))
    assert parent.known_info("first") is not None
    worker = parent.for_worker()
    shelf = ArticleShelf([first, second])
    assert worker.document("first", shelf) is parent.document("first", shelf)  # inherited
    worker.document("second", shelf)  # prepared in the worker: kept, its facts not
    assert list(worker._docs) == ["first", "second"] and worker._infos == {}
    assert parent.known_info("second") is None and list(parent._docs) == ["first"]


def test_a_pair_without_shared_text_or_facts_is_triaged_unread_else_compared() -> None:
    import json

    from wiretrace.candidates import features
    from wiretrace.pipeline import DocumentCache, LazyEncoder, _judge_pair
    from wiretrace.shelf import ArticleShelf
    from wiretrace.text import prepare

    settings = replace(Settings(), embed=EmbedSettings(model="hashing"))
    harbour = Article(
        "harbour",
        "Crane operators at Port Velling moved 4,200 containers on Monday. "
        "Harbour master Ilse Brandt said the night shift would stay until March.",
    )
    orchard = Article(
        "orchard",
        "The Kestrel Valley apple harvest reached 310 tonnes this week. "
        "Grower Tomas Reyes expects prices to fall before the Lisbon fair.",
    )
    copy = Article("copy", harbour.text)
    facts_of = {
        a.id: features(prepare(a), settings.candidates).facts for a in (harbour, orchard, copy)
    }
    encoder = LazyEncoder(settings)
    docs = DocumentCache(8)
    reads: list[str] = []

    class Shelf(ArticleShelf):  # counts the texts read
        def __getitem__(self, article_id: str) -> Article:
            reads.append(article_id)
            return super().__getitem__(article_id)

    shelf = Shelf([harbour, orchard, copy])
    verdict, payload = _judge_pair(
        "harbour", "orchard", True, shelf, facts_of, docs, encoder, settings
    )
    assert verdict is None  # unrelated: not held
    stored = json.loads(payload)
    assert stored["relation"] == "unrelated"
    assert stored["evidence"][0].startswith("triage: proposed without shared text")
    assert len(docs._docs) == 0 and reads == []  # judged from the features: nothing read
    verdict, payload = _judge_pair(
        "harbour", "copy", True, shelf, facts_of, docs, encoder, settings
    )
    assert verdict is not None and verdict.relation is Relation.VERBATIM  # shares facts: compared
    assert json.loads(payload)["relation"] == "verbatim"
    verdict, payload = _judge_pair(
        "harbour", "orchard", False, shelf, facts_of, docs, encoder, settings
    )
    assert verdict is None and json.loads(payload)["relation"] == "unrelated"
    assert not json.loads(payload)["evidence"][0].startswith("triage")  # aligned, not triaged
    assert sorted(reads) == ["copy", "harbour", "orchard"]  # each text read once, then kept
    shelf.add(Article("copy", harbour.text + " The shift ends in April."))  # a new content
    reads.clear()
    verdict, payload = _judge_pair(
        "harbour", "copy", False, shelf, facts_of, docs, encoder, settings
    )
    assert reads == ["copy"]  # the kept document of the old content is not used
    assert docs.document("copy", shelf).article.text.endswith("ends in April.")
    assert reads == ["copy"] and verdict is not None


def test_a_held_comparison_builds_the_same_edge_without_its_omitted_and_added_text() -> None:
    from wiretrace.families import Link, _strength
    from wiretrace.models import AlignKind
    from wiretrace.pipeline import LazyEncoder, build_edge, held
    from wiretrace.relation import compare
    from wiretrace.text import prepare

    settings = replace(Settings(), embed=EmbedSettings(model="hashing"))
    encoder = LazyEncoder(settings)
    story = " ".join(
        f"Sentence {n} of the harbour report says crane {n} moved {n * 40} containers on Monday."
        for n in range(1, 13)
    )
    cut = ". ".join(story.split(". ")[:5]).replace("moved 80", "moved 85")
    source = prepare(Article("long", story))
    excerpt = prepare(Article("short", cut + ". Share this story on social media now."))
    full = compare(source, excerpt, encoder, settings)
    assert full.alignment.omitted and full.alignment.added and full.changes
    kept = held(full)
    assert kept.alignment.omitted == () and kept.alignment.added == ()
    assert kept.evidence == full.evidence and kept.changes == full.changes
    # the run of identical sentences after the edited one is held as one pair
    pairs, whole = kept.alignment.pairs, full.alignment.pairs
    assert len(pairs) == 3 < len(whole) == 5
    assert [p.kind for p in pairs] == [AlignKind.IDENTICAL, AlignKind.EDITED, AlignKind.IDENTICAL]
    assert pairs[2].derivative_sentences == tuple(
        i for p in whole[2:] for i in p.derivative_sentences
    )
    assert [i for p in pairs for i in p.source_sentences] == [
        i for p in whole for i in p.source_sentences
    ]
    assert _strength(kept) == _strength(full)  # what family planning reads of the pairs
    docs = {"long": source, "short": excerpt}.__getitem__
    link = Link(full.source, full.derivative, full)
    assert build_edge(link, docs, encoder, settings) == build_edge(
        Link(full.source, full.derivative, kept), docs, encoder, settings
    )
    assert held(kept) is kept  # nothing left to drop


def test_a_link_the_ranking_turns_into_nothing_keeps_its_own_direction(tmp_path: Path) -> None:
    from wiretrace.families import Link
    from wiretrace.pipeline import build_edge
    from wiretrace.relation import compare
    from wiretrace.text import prepare

    story = " ".join(
        f"Sentence {n} of the harbour report says crane {n} moved {n * 40} containers on Monday."
        for n in range(1, 13)
    )
    source = prepare(Article("long", story))
    excerpt = prepare(Article("short", " ".join(story.split(". ")[:3]) + "."))
    service = service_for(tmp_path)
    own = compare(source, excerpt, service.encoder, service.settings)
    assert own.source == "long"
    assert own.relation.is_derivation
    # the family's ranking asks for short -> long, which reads as no derivation
    turned = compare(excerpt, source, service.encoder, service.settings, "short")
    assert not turned.relation.is_derivation
    docs = {"long": source, "short": excerpt}
    edge = build_edge(
        Link("short", "long", own), docs.__getitem__, service.encoder, service.settings
    )
    service.close()
    assert (edge.source, edge.derivative, edge.relation) == ("long", "short", own.relation)
    assert "pair's own direction is kept" in edge.evidence[-1]


def test_features_stored_in_batches_are_all_reused(
    sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("wiretrace.pipeline.FEATURE_BATCH", 4)
    service = service_for(tmp_path)
    service.ingest([sample_dir / "articles"])
    first = service.analyze()
    assert first.featured == first.articles
    assert len(service.store.features()) == first.articles
    again = service.analyze()
    service.close()
    assert again.featured == 0
    assert again.families == first.families


def test_verdicts_stored_under_other_rules_are_judged_again(
    sample_dir: Path, tmp_path: Path
) -> None:
    import json

    from wiretrace.relation import RULES

    service = service_for(tmp_path)
    service.ingest([sample_dir / "articles"])
    first = service.analyze()
    stored = service.store.comparisons()
    assert stored and all(json.loads(row.comparison_json)["rules"] == RULES for row in stored)
    assert service.analyze().verified == 0  # nothing changed: every verdict is reused
    # verdicts written by an older wiretrace (other rules, or none) are not trusted
    aged = []
    for k, row in enumerate(stored):
        data = json.loads(row.comparison_json)
        if k % 2:
            data["rules"] = "t1.v1"
        else:
            del data["rules"]
        aged.append((row.a_id, row.a_hash, row.b_id, row.b_hash, json.dumps(data)))
    service.store.put_comparisons(aged)
    again = service.analyze()
    service.close()
    assert again.verified == len(stored)
    assert again.families == first.families


def test_verdicts_written_in_batches_are_all_stored(
    sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "whole").mkdir()
    (tmp_path / "batched").mkdir()
    whole = service_for(tmp_path / "whole")
    whole.ingest([sample_dir / "articles"])
    expected = whole.analyze()
    whole.close()
    monkeypatch.setattr("wiretrace.pipeline.COMPARISON_BATCH", 3)
    monkeypatch.setattr("wiretrace.pipeline.KNOWN_BLOCK", 2)
    service = service_for(tmp_path / "batched")
    service.ingest([sample_dir / "articles"])
    report = service.analyze()
    assert report.verified == expected.verified > 3
    assert len(service.store.comparisons()) == report.verified
    assert report.families == expected.families
    assert service.analyze().verified == 0
    service.close()


def test_a_corpus_fingerprinted_without_analysis_can_be_checked_against(
    sample_dir: Path, tmp_path: Path
) -> None:
    from wiretrace.config import RunSettings

    service = service_for(tmp_path)
    service.settings = replace(
        service.settings, run=RunSettings(processes=2, parallel_min_articles=4)
    )
    service.ingest([sample_dir / "articles"])
    seen: list[tuple[int, int]] = []
    computed = service.fingerprint(lambda stage, done, total: seen.append((done, total)), block=10)
    stored = service.store.count_articles()
    assert computed == stored == service.store.count_features()
    assert seen[-1] == (stored, stored) and len(seen) == -(-stored // 10)
    assert service.fingerprint() == 0  # current features are kept
    original = service.article("rail-strike-kns-original")
    found = service.check(Article("probe", original.text + "\n\nA line added by the copy."))
    assert found.best is not None and found.best.stored.id == "rail-strike-kns-original"
    # analysis reuses the features the fingerprint stored
    assert service.analyze().featured == 0
    service.close()


def test_check_keeps_its_index_until_the_stored_features_change(tmp_path: Path) -> None:
    story = " ".join(
        f"Line {n} of the ferry report says vessel {n} carried {n * 90} passengers to Ostby."
        for n in range(1, 11)
    )
    other = " ".join(
        f"Item {n} of the orchard survey counts {n * 7} pear trees lost to frost in Kell."
        for n in range(1, 11)
    )
    service = service_for(tmp_path)
    service.add_articles([Article("ferry", story)])
    service.analyze()
    first = service.check(Article("probe", story))
    built = service._index
    assert first.best is not None and first.best.stored.id == "ferry"
    assert service.check(Article("probe", story)).best is not None
    assert service._index is built  # not rebuilt for a second check
    service.add_articles([Article("orchard", other)])
    service.analyze()
    found = service.check(Article("probe", other))
    service.close()
    assert found.best is not None and found.best.stored.id == "orchard"
    assert service._index is not built


def test_an_analysis_on_a_columns_corpus_index_finds_the_same_families(
    sample_dir: Path, tmp_path: Path
) -> None:
    from wiretrace.config import RunSettings

    found = []
    for name, index in (("dicts", "dicts"), ("columns", "columns")):
        folder = tmp_path / name
        folder.mkdir()
        service = service_for(folder)
        service.settings = replace(service.settings, run=RunSettings(corpus_index=index))
        with service:
            service.ingest([sample_dir / "articles"])
            report = service.analyze()
        found.append((report.candidates, report.families))
    assert found[0][1]  # the sample corpus has families
    assert found[1] == found[0]


def test_an_analysis_lets_its_columns_corpus_index_go_before_verifying(
    sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A frozen index and its parts refer to each other, so dropping the last reference does
    not free it: the analysis collects it before verification, which no longer reads it."""
    import gc

    from wiretrace import pipeline
    from wiretrace.candidates.frozen import FrozenIndex
    from wiretrace.config import RunSettings

    alive_when_verifying: list[int] = []
    verify = pipeline.Service._verify

    def counting(self: pipeline.Service, *args: Any, **kwargs: Any) -> Any:
        alive_when_verifying.append(sum(1 for o in gc.get_objects() if isinstance(o, FrozenIndex)))
        return verify(self, *args, **kwargs)

    monkeypatch.setattr(pipeline.Service, "_verify", counting)
    service = service_for(tmp_path)
    service.settings = replace(service.settings, run=RunSettings(corpus_index="columns"))
    gc.collect()
    gc.disable()  # only what the analysis collects itself is freed
    try:
        with service:
            service.ingest([sample_dir / "articles"])
            report = service.analyze()
    finally:
        gc.enable()
    assert report.families and alive_when_verifying == [0]


def test_an_analysis_keeps_texts_and_features_in_temporary_files_it_lets_go(
    sample_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wiretrace import spill
    from wiretrace.config import RunSettings
    from wiretrace.errors import ConfigError

    made: list[spill.SpillFile] = []
    init = spill.SpillFile.__init__

    def recording(self: spill.SpillFile, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(spill.SpillFile, "__init__", recording)
    place = tmp_path / "spill"
    place.mkdir()
    service = service_for(tmp_path)
    run = RunSettings(corpus_index="columns", spill_dir=str(place))
    service.settings = replace(service.settings, run=run)
    with service:
        service.ingest([sample_dir / "articles"])
        report = service.analyze()
        # the shelf's texts, the features' records and the four hash columns gathered for
        # the index (bands of two shapes, lines, anchors), each in a file, each let go
        assert len(made) == 6 and all(f.spilled for f in made)
        assert all(f._file is not None and f._file.closed for f in made)
        assert list(place.iterdir()) == []
        families = service.families()
        assert families and len(families) == len(report.families)
        # a spill directory that cannot be used is named, and what is stored stays
        service.settings = replace(service.settings, run=replace(run, spill_dir=str(place / "x")))
        with pytest.raises(ConfigError, match="spill_dir") as raised:
            service.analyze()
        assert str(place / "x") in str(raised.value)
        assert service.families() == families
