"""Consistency of the bundled sample corpus: files, metadata and labels agree with each other."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from wiretrace.models import Relation

VERSION_KINDS = (
    "original",
    "verbatim",
    "excerpt",
    "condensed",
    "paraphrase",
    "llm_rewrite",
    "update",
    "copy_of_copy",
    "independent",
    "unrelated",
)
DERIVATIVE_KINDS = VERSION_KINDS[1:]
CHANGE_KINDS = (
    "number",
    "entity",
    "quote",
    "attribution",
    "hedge",
    "negation",
    "intensity",
    "omitted_caveat",
    "added_editorial",
)
AGENCY_DATELINE = re.compile(r"^[A-Z][A-Z ]+, [A-Z][a-z]+\.? \d+ \([A-Za-z]+\) - ")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
MIN_SENTENCE_WORDS = 5
SEED_RUN_WORDS = 8
QUOTE = re.compile(r'"([^"\n]*)"')
MIN_QUOTE_CHARS = 40
WORD = re.compile(r"[a-z0-9']+")


@pytest.fixture(scope="module")
def labels(sample_dir: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((sample_dir / "labels.json").read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def meta(sample_dir: Path) -> dict[str, dict[str, Any]]:
    lines = (sample_dir / "articles" / "meta.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    by_id = {record["id"]: record for record in records}
    assert len(by_id) == len(records), "duplicate ids in meta.jsonl"
    return by_id


@pytest.fixture(scope="module")
def texts(sample_dir: Path) -> dict[str, str]:
    return {
        path.stem: path.read_text(encoding="utf-8")
        for path in sorted((sample_dir / "articles").glob("*.txt"))
    }


def _edges(labels: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge for family in labels["families"] for edge in family["edges"]]


def _kind_of_each_article(labels: dict[str, Any]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for family in labels["families"]:
        single = len(family["members"]) == 1
        kinds[family["origin"]] = "unrelated" if single else "original"
        for edge in family["edges"]:
            kinds[edge["derivative"]] = edge["kind"]
    return kinds


def _body(text: str) -> str:
    return text.partition("\n\n")[2]


def _paragraphs(text: str) -> list[str]:
    return [paragraph.strip() for paragraph in _body(text).split("\n\n") if paragraph.strip()]


def _published(record: dict[str, Any]) -> datetime | None:
    stamp = record["published_at"]
    return None if stamp is None else datetime.fromisoformat(stamp)


def _normalise_sentence(sentence: str) -> str:
    unified = sentence.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
    return " ".join(unified.lower().split())


def _sentences(text: str) -> list[str]:
    return [
        _normalise_sentence(sentence)
        for sentence in SENTENCE_BREAK.split(text)
        if len(sentence.split()) >= MIN_SENTENCE_WORDS
    ]


def test_every_article_file_has_a_meta_record_and_back(
    texts: dict[str, str], meta: dict[str, dict[str, Any]]
) -> None:
    assert sorted(texts) == sorted(meta)


def test_article_files_are_title_blank_line_body(texts: dict[str, str]) -> None:
    for article_id, text in texts.items():
        title, blank, body = text.partition("\n\n")
        assert blank and "\n" not in title and title.strip() == title, article_id
        assert len(body.split()) >= 80, article_id


def test_meta_records_are_complete_and_match_the_files(
    texts: dict[str, str], meta: dict[str, dict[str, Any]]
) -> None:
    for article_id, record in meta.items():
        assert set(record) == {"id", "title", "outlet", "url", "published_at"}, article_id
        assert record["title"] == texts[article_id].split("\n", 1)[0]
        assert record["url"].startswith("https://") and record["outlet"]
        published = _published(record)
        assert published is None or published.tzinfo is not None, article_id
    undated = [article_id for article_id, record in meta.items() if record["published_at"] is None]
    assert 1 <= len(undated) <= 3
    assert len({record["url"] for record in meta.values()}) == len(meta)


def test_every_article_is_in_exactly_one_family(
    labels: dict[str, Any], texts: dict[str, str]
) -> None:
    membership = Counter(member for family in labels["families"] for member in family["members"])
    assert sorted(membership) == sorted(texts)
    assert set(membership.values()) == {1}
    assert len({family["id"] for family in labels["families"]}) == len(labels["families"])


def test_edges_join_members_of_their_own_family(labels: dict[str, Any]) -> None:
    for family in labels["families"]:
        members = set(family["members"])
        assert family["origin"] in members
        derivatives = [edge["derivative"] for edge in family["edges"]]
        assert len(derivatives) == len(set(derivatives)), family["id"]
        assert set(derivatives) == members - {family["origin"]}, family["id"]
        for edge in family["edges"]:
            assert edge["source"] in members and edge["source"] != edge["derivative"]
            assert Relation(edge["relation"]) is not Relation.UNRELATED
            assert edge["kind"] in DERIVATIVE_KINDS


def test_derivation_graph_leads_back_to_the_origin(labels: dict[str, Any]) -> None:
    for family in labels["families"]:
        source_of = {edge["derivative"]: edge["source"] for edge in family["edges"]}
        for member in family["members"]:
            seen = {member}
            while member in source_of:
                member = source_of[member]
                assert member not in seen, f"cycle in {family['id']}"
                seen.add(member)
            assert member == family["origin"]


def test_kinds_match_relations(labels: dict[str, Any]) -> None:
    expected_relation = {
        "verbatim": "verbatim",
        "excerpt": "excerpt",
        "condensed": "condensed",
        "paraphrase": "paraphrase",
        "llm_rewrite": "paraphrase",
        "update": "update",
        "independent": "independent",
    }
    for edge in _edges(labels):
        if edge["kind"] in expected_relation:
            assert edge["relation"] == expected_relation[edge["kind"]], edge["derivative"]
        if edge["kind"] == "independent":
            assert not Relation(edge["relation"]).is_derivation


def test_planted_changes_are_exactly_in_the_texts(
    labels: dict[str, Any], texts: dict[str, str]
) -> None:
    for edge in _edges(labels):
        source, derivative = texts[edge["source"]], texts[edge["derivative"]]
        for change in edge["planted_changes"]:
            assert change["kind"] in CHANGE_KINDS
            assert change["source_text"] != change["derivative_text"]
            assert change["source_text"] in source, change
            if change["derivative_text"]:
                assert change["derivative_text"] in derivative, change
            if change["kind"] in ("omitted_caveat", "attribution") and change["source_text"]:
                assert change["source_text"] not in derivative, change
            if change["kind"] == "added_editorial":
                assert change["derivative_text"] and change["derivative_text"] not in source


def test_every_change_kind_is_planted_and_rewrites_drift(labels: dict[str, Any]) -> None:
    planted = Counter(
        change["kind"] for edge in _edges(labels) for change in edge["planted_changes"]
    )
    assert set(planted) == set(CHANGE_KINDS)
    for edge in _edges(labels):
        if edge["kind"] == "llm_rewrite":
            assert len(edge["planted_changes"]) >= 3, edge["derivative"]
        if edge["kind"] in ("verbatim", "excerpt", "copy_of_copy", "independent"):
            assert edge["planted_changes"] == [], edge["derivative"]


def test_origins_come_first_and_derivatives_after_their_sources(
    labels: dict[str, Any], meta: dict[str, dict[str, Any]]
) -> None:
    for family in labels["families"]:
        origin_time = _published(meta[family["origin"]])
        if len(family["members"]) == 1:
            continue
        assert origin_time is not None, family["id"]
        for member in family["members"]:
            member_time = _published(meta[member])
            assert member_time is None or member_time >= origin_time, member
        for edge in family["edges"]:
            source_time = _published(meta[edge["source"]])
            derivative_time = _published(meta[edge["derivative"]])
            if source_time and derivative_time and edge["relation"] != "independent":
                assert derivative_time > source_time, edge["derivative"]


def test_corpus_is_big_enough_and_covers_every_version_kind(labels: dict[str, Any]) -> None:
    kinds = Counter(_kind_of_each_article(labels).values())
    stories = [family for family in labels["families"] if len(family["members"]) > 1]
    assert len(stories) >= 6
    assert sum(kinds.values()) >= 36
    assert set(kinds) == set(VERSION_KINDS)
    for kind in DERIVATIVE_KINDS:
        assert kinds[kind] >= (3 if kind == "unrelated" else 2), kind


def test_duplicates_are_byte_identical_verbatim_edges(
    labels: dict[str, Any], texts: dict[str, str], meta: dict[str, dict[str, Any]]
) -> None:
    assert labels["duplicates"]
    verbatim_pairs = {
        (edge["source"], edge["derivative"])
        for edge in _edges(labels)
        if edge["relation"] == "verbatim"
    }
    for first, second in labels["duplicates"]:
        assert texts[first] == texts[second]
        assert meta[first]["outlet"] != meta[second]["outlet"]
        assert (first, second) in verbatim_pairs


def test_originals_and_full_reports_have_wire_length(
    labels: dict[str, Any], texts: dict[str, str]
) -> None:
    for article_id, kind in _kind_of_each_article(labels).items():
        words = len(_body(texts[article_id]).split())
        if kind in ("original", "independent", "update", "paraphrase", "llm_rewrite"):
            assert 330 <= words <= 650, (article_id, words)
        if kind == "condensed":
            story_words = sum(
                len(paragraph.split())
                for paragraph in _paragraphs(texts[article_id])
                if not paragraph.startswith("Quickbrief")
            )
            assert 100 <= story_words <= 200, (article_id, story_words)


def test_originals_and_updates_carry_agency_datelines(
    labels: dict[str, Any], texts: dict[str, str]
) -> None:
    for article_id, kind in _kind_of_each_article(labels).items():
        if kind in ("original", "independent"):
            assert AGENCY_DATELINE.match(_paragraphs(texts[article_id])[0]), article_id
        if kind == "update":
            assert texts[article_id].startswith("UPDATE 1-"), article_id


def test_excerpts_keep_between_forty_and_seventy_percent(
    labels: dict[str, Any], texts: dict[str, str]
) -> None:
    for edge in _edges(labels):
        if edge["kind"] != "excerpt":
            continue
        source_paragraphs = [AGENCY_DATELINE.sub("", p) for p in _paragraphs(texts[edge["source"]])]
        derivative = texts[edge["derivative"]]
        kept = [p for p in source_paragraphs if p[1:] in derivative]
        assert source_paragraphs[0][1:] in derivative, edge["derivative"]
        assert 0.4 <= len(kept) / len(source_paragraphs) <= 0.7, edge["derivative"]


def test_copies_of_copies_carry_a_trait_of_their_intermediate(
    labels: dict[str, Any], texts: dict[str, str]
) -> None:
    for family in labels["families"]:
        origin_paragraphs = set(_paragraphs(texts[family["origin"]]))
        for edge in family["edges"]:
            if edge["kind"] != "copy_of_copy":
                continue
            assert edge["source"] != family["origin"]
            intermediate_only = set(_paragraphs(texts[edge["source"]])) - origin_paragraphs
            copied = set(_paragraphs(texts[edge["derivative"]]))
            traits = [p for p in intermediate_only & copied if "Photo:" in p]
            assert traits, edge["derivative"]


def test_unrelated_articles_share_boilerplate_with_a_derivative(
    labels: dict[str, Any], texts: dict[str, str], meta: dict[str, dict[str, Any]]
) -> None:
    kinds = _kind_of_each_article(labels)
    unrelated = [article_id for article_id, kind in kinds.items() if kind == "unrelated"]
    for article_id in unrelated:
        outlet = meta[article_id]["outlet"]
        siblings = [
            other
            for other, kind in kinds.items()
            if meta[other]["outlet"] == outlet and kind not in ("original", "unrelated")
        ]
        shared = [
            set(_paragraphs(texts[article_id])) & set(_paragraphs(texts[sibling]))
            for sibling in siblings
        ]
        assert any(len(lines) >= 4 for lines in shared), article_id


def _word_runs(text: str) -> set[str]:
    words = WORD.findall(text.lower())
    return {
        " ".join(words[start : start + SEED_RUN_WORDS])
        for start in range(len(words) - SEED_RUN_WORDS + 1)
    }


def _long_quotes(text: str) -> set[str]:
    return {quote for quote in QUOTE.findall(text) if len(quote) >= MIN_QUOTE_CHARS}


def test_independent_reports_share_a_quote_but_no_sentence(
    labels: dict[str, Any], texts: dict[str, str]
) -> None:
    for edge in _edges(labels):
        if edge["kind"] != "independent":
            continue
        source, report = texts[edge["source"]], texts[edge["derivative"]]
        shared_quotes = _long_quotes(source) & _long_quotes(report)
        assert len(shared_quotes) == 1, edge["derivative"]
        assert set(_sentences(_body(source))) & set(_sentences(_body(report))) == set()


def test_no_sentence_is_taken_from_the_seeds(seeds_dir: Path, texts: dict[str, str]) -> None:
    seed_sentences = {
        sentence
        for path in sorted(seeds_dir.glob("*.txt"))
        for sentence in _sentences(path.read_text(encoding="utf-8"))
    }
    assert seed_sentences
    for article_id, text in texts.items():
        borrowed = [sentence for sentence in _sentences(text) if sentence in seed_sentences]
        assert borrowed == [], article_id


def test_no_eight_word_run_is_taken_from_the_seeds(seeds_dir: Path, texts: dict[str, str]) -> None:
    seed_runs: set[str] = set()
    for path in sorted(seeds_dir.glob("*.txt")):
        seed_runs |= _word_runs(path.read_text(encoding="utf-8"))
    for article_id, text in texts.items():
        assert _word_runs(text).isdisjoint(seed_runs), article_id
