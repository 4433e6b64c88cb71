"""Sentence alignment: reordering, merges, splits, cut sentences, inserted material, chrome."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace import align as align_module
from wiretrace.align import (
    AlignTuning,
    align,
    alignment_of,
    comparison_key,
    invert_alignment,
    match_sentences,
    text_anchors,
)
from wiretrace.config import AlignSettings
from wiretrace.embed import HashingEncoder, Matrix
from wiretrace.models import (
    AlignKind,
    Alignment,
    Article,
    Document,
    Sentence,
    SentenceRole,
    Span,
)
from wiretrace.text import prepare

SETTINGS = AlignSettings()

STORY = (
    "Floodwaters forced 3,000 residents of Marlow to leave their homes on Tuesday.",
    "The river Tane rose 4.2 metres overnight after three days of heavy rain.",
    "Mayor Ellen Park said emergency shelters had opened in two schools.",
    "Forecasters expect more rain across the region on Thursday.",
    "The last comparable flood hit the town in 1987, according to the council.",
)

Line = str | tuple[SentenceRole, str]


def make_document(doc_id: str, lines: Sequence[Line]) -> Document:
    """A document with one sentence per line; a (role, text) line gets that role."""
    sentences: list[Sentence] = []
    offset = 0
    for index, line in enumerate(lines):
        role, text = line if isinstance(line, tuple) else (SentenceRole.BODY, line)
        sentences.append(Sentence(index, Span(offset, offset + len(text)), text, text, index, role))
        offset += len(text) + 1
    article = Article(id=doc_id, text="\n".join(s.text for s in sentences))
    return Document(article=article, sentences=tuple(sentences))


class CountingEncoder:
    """A HashingEncoder that counts the sentences it was asked to encode."""

    def __init__(self) -> None:
        self.inner = HashingEncoder()
        self.name = self.inner.name
        self.encoded = 0

    def encode(self, sentences: Sequence[str]) -> Matrix:
        self.encoded += len(sentences)
        return self.inner.encode(sentences)


class TableEncoder:
    """Gives sentences listed as having one meaning the same vector; others hash."""

    name = "table"

    def __init__(self, meanings: Sequence[Sequence[str]]) -> None:
        self.meaning = {text: group for group, texts in enumerate(meanings) for text in texts}
        self.fallback = HashingEncoder(dim=64)

    def encode(self, sentences: Sequence[str]) -> Matrix:
        rows = np.zeros((len(sentences), 128), dtype=np.float32)
        for row, text in enumerate(sentences):
            if text in self.meaning:
                rows[row, 64 + self.meaning[text]] = 1.0
            else:
                rows[row, :64] = self.fallback.encode([text])[0]
        return rows


def run(source: Document, derivative: Document) -> Alignment:
    return align(source, derivative, HashingEncoder(), SETTINGS)


def pair_map(alignment: Alignment) -> dict[tuple[int, ...], tuple[tuple[int, ...], AlignKind]]:
    return {p.derivative_sentences: (p.source_sentences, p.kind) for p in alignment.pairs}


def test_identical_documents_align_fully_without_the_encoder() -> None:
    encoder = CountingEncoder()
    alignment = align(make_document("a", STORY), make_document("b", STORY), encoder, SETTINGS)
    assert [(p.source_sentences, p.kind) for p in alignment.pairs] == [
        ((i,), AlignKind.IDENTICAL) for i in range(len(STORY))
    ]
    assert all(p.score == 1.0 for p in alignment.pairs)
    assert alignment.omitted == () and alignment.added == ()
    assert alignment.coverage_source == alignment.coverage_derivative == 1.0
    assert encoder.encoded == 0


def test_reordered_sentences_find_their_sources() -> None:
    order = (3, 0, 4, 1, 2)
    derivative = make_document("b", [STORY[i] for i in order])
    alignment = run(make_document("a", STORY), derivative)
    assert pair_map(alignment) == {(j,): ((i,), AlignKind.IDENTICAL) for j, i in enumerate(order)}


def test_quote_and_dash_styles_do_not_count_as_edits() -> None:
    source = make_document("a", ['"We are ready," the mayor said - and the council agreed.'])
    derivative = make_document("b", ["“We are ready,” the mayor said — and the council agreed."])
    assert run(source, derivative).pairs[0].kind is AlignKind.IDENTICAL


def test_small_edit_is_edited() -> None:
    derivative = make_document(
        "b", ["The River Tane rose more than four metres overnight after days of heavy rain."]
    )
    alignment = run(make_document("a", STORY), derivative)
    assert pair_map(alignment) == {(0,): ((1,), AlignKind.EDITED)}


def test_two_source_sentences_condensed_into_one_are_merged() -> None:
    derivative = make_document(
        "b",
        [
            STORY[0],
            "The river Tane rose 4.2 metres overnight after three days of heavy rain, "
            "and Mayor Ellen Park said emergency shelters had opened in two schools.",
            STORY[3],
        ],
    )
    alignment = run(make_document("a", STORY), derivative)
    assert pair_map(alignment)[(1,)] == ((1, 2), AlignKind.MERGED)
    assert [o.sentence for o in alignment.omitted] == [4]


def test_one_source_sentence_split_in_two_is_split() -> None:
    source = make_document(
        "a",
        [
            STORY[0],
            "The river Tane rose 4.2 metres overnight after three days of heavy rain, "
            "and Mayor Ellen Park said emergency shelters had opened in two schools.",
        ],
    )
    derivative = make_document("b", [STORY[0], STORY[1], STORY[2]])
    alignment = run(source, derivative)
    assert pair_map(alignment)[(1, 2)] == ((1,), AlignKind.SPLIT)
    assert alignment.added == ()


def test_excerpt_cut_mid_sentence_still_aligns() -> None:
    cut = "The last comparable flood hit the town in 1987"
    derivative = make_document("b", [*STORY[:4], cut])
    alignment = run(make_document("a", STORY), derivative)
    source, kind = pair_map(alignment)[(4,)]
    assert source == (4,)
    assert kind is AlignKind.EDITED
    assert alignment.added == ()


def test_inserted_material_is_added_and_dropped_material_omitted() -> None:
    inserted = "Insurers have not yet estimated the cost of the damage to local businesses."
    derivative = make_document("b", [STORY[0], inserted, STORY[1], STORY[2]])
    alignment = run(make_document("a", STORY), derivative)
    assert [(a.sentence, a.text) for a in alignment.added] == [(1, inserted)]
    assert [o.sentence for o in alignment.omitted] == [3, 4]
    assert 0.0 < alignment.coverage_source < 1.0
    assert 0.0 < alignment.coverage_derivative < 1.0


def test_chrome_and_captions_are_added_not_aligned_and_source_chrome_is_ignored() -> None:
    source = make_document("a", [(SentenceRole.DATELINE, "MARLOW:"), *STORY])
    derivative = make_document(
        "b",
        [
            (SentenceRole.CHROME, "Share this article"),
            (SentenceRole.CAPTION, "Residents of Marlow leave their homes on Tuesday."),
            *STORY,
            (SentenceRole.CHROME, "Leave a Reply"),
        ],
    )
    alignment = run(source, derivative)
    assert {p.derivative_sentences[0] - p.source_sentences[0] for p in alignment.pairs} == {1}
    assert [a.sentence for a in alignment.added] == [0, 1, 7]
    assert alignment.omitted == ()
    assert alignment.coverage_source == alignment.coverage_derivative == 1.0


def test_paraphrase_is_found_through_the_encoder() -> None:
    original = "Mayor Ellen Park said emergency shelters had opened in two schools."
    rewrite = "Two schools now serve as emergency shelters, according to Park."
    encoder = TableEncoder([[original, rewrite]])
    derivative = make_document("b", [STORY[0], rewrite])
    alignment = align(make_document("a", STORY), derivative, encoder, SETTINGS)
    assert pair_map(alignment)[(1,)] == ((2,), AlignKind.PARAPHRASED)


def test_unrelated_sentence_is_not_forced_into_a_pair() -> None:
    derivative = make_document("b", ["The central bank left interest rates unchanged."])
    alignment = run(make_document("a", STORY), derivative)
    assert alignment.pairs == ()
    assert alignment.coverage_source == alignment.coverage_derivative == 0.0


def test_empty_documents_align_to_nothing() -> None:
    alignment = run(make_document("a", []), make_document("b", STORY))
    assert alignment.pairs == () and len(alignment.added) == len(STORY)
    assert alignment.coverage_source == 0.0


def test_invert_swaps_roles_and_merge_becomes_split() -> None:
    source = make_document("a", STORY)
    derivative = make_document(
        "b",
        [
            "The river Tane rose 4.2 metres overnight after three days of heavy rain, "
            "and Mayor Ellen Park said emergency shelters had opened in two schools.",
            "Insurers have not yet estimated the cost of the damage to local businesses.",
        ],
    )
    forward = run(source, derivative)
    backward = invert_alignment(forward, source, derivative, SETTINGS)
    assert pair_map(backward)[(1, 2)] == ((0,), AlignKind.SPLIT)
    assert [o.sentence for o in backward.omitted] == [1]
    assert [a.sentence for a in backward.added] == [0, 3, 4]
    assert backward.coverage_source == forward.coverage_derivative
    assert invert_alignment(backward, derivative, source, SETTINGS) == forward


def test_a_matching_read_either_way_gives_the_alignment_of_that_way() -> None:
    source = make_document("a", STORY)
    derivative = make_document(
        "b",
        [
            "The river Tane rose 4.5 metres overnight after three days of heavy rain, "
            "and Mayor Ellen Park said emergency shelters had opened in two schools.",
            "Insurers have not yet estimated the cost of the damage to local businesses.",
        ],
    )
    matching = match_sentences(source, derivative, HashingEncoder(), SETTINGS)
    forward = alignment_of(matching, source, derivative, SETTINGS)
    assert forward == run(source, derivative)
    assert matching.coverage_source == forward.coverage_source
    assert {u.source_sentences for u in matching.pairs} == {
        p.source_sentences for p in forward.pairs
    }
    backward = alignment_of(matching.inverted(), derivative, source, SETTINGS)
    assert backward == invert_alignment(forward, source, derivative, SETTINGS)
    assert any(p.changes for p in forward.pairs)  # the nudged figure is read in each direction
    assert any(p.changes for p in backward.pairs)


def test_comparison_key_and_anchors() -> None:
    assert comparison_key("The U.S. said “no” — twice") == 'the us said "no" - twice'
    assert text_anchors("Floodwaters forced 3,000 residents of Marlow to leave on Tuesday.") == {
        "3000",
        "marlow",
        "tuesday",
    }


def test_tuning_is_checked_at_the_door() -> None:
    with pytest.raises(ValueError, match="weights must sum to 1"):
        AlignTuning(semantic_weight=0.9)
    with pytest.raises(ValueError, match="semantic_floor"):
        AlignTuning(semantic_floor=0.9, semantic_ceiling=0.5)


POOL = (
    *STORY,
    "Rescue teams used boats to reach families stranded on the roofs of their houses.",
    "The national weather service issued a red warning for the valley.",
    "Schools in the district will stay closed until Monday.",
    "Power was cut to about 12,000 homes, the utility company said.",
    "Volunteers filled sandbags outside the town hall through the night.",
)


@st.composite
def document_pairs(draw: st.DrawFn) -> tuple[Document, Document]:
    """A source drawn from the pool and a derivative made by dropping, shuffling, merging and
    inserting sentences, with chrome lines on either side."""
    source_ids = draw(st.lists(st.sampled_from(range(len(POOL))), max_size=8, unique=True))
    source_lines: list[Line] = [POOL[i] for i in source_ids]
    if draw(st.booleans()):
        source_lines.insert(0, (SentenceRole.DATELINE, "MARLOW:"))
    kept = draw(st.permutations([POOL[i] for i in source_ids]))
    kept = kept[: draw(st.integers(0, len(kept)))]
    derivative_lines: list[Line] = []
    for text in kept:
        if derivative_lines and draw(st.integers(0, 4)) == 0:
            previous = derivative_lines.pop()
            assert isinstance(previous, str)
            text = previous.rstrip(".") + ", and " + text[0].lower() + text[1:]
        derivative_lines.append(text)
    for extra in draw(st.lists(st.sampled_from(POOL), max_size=2)):
        derivative_lines.insert(draw(st.integers(0, len(derivative_lines))), extra)
    if draw(st.booleans()):
        derivative_lines.append((SentenceRole.CHROME, "Leave a Reply"))
    return make_document("a", source_lines), make_document("b", derivative_lines)


@settings(max_examples=60, deadline=None)
@given(document_pairs())
def test_alignment_partitions_each_side(docs: tuple[Document, Document]) -> None:
    source, derivative = docs
    alignment = run(source, derivative)
    source_body = [s.index for s in source.body]
    derivative_body = [s.index for s in derivative.body]
    paired_source = [i for p in alignment.pairs for i in p.source_sentences]
    paired_derivative = [j for p in alignment.pairs for j in p.derivative_sentences]
    assert sorted(paired_source + [o.sentence for o in alignment.omitted]) == source_body
    added_body = [a.sentence for a in alignment.added if a.sentence in derivative_body]
    assert sorted(paired_derivative + added_body) == derivative_body
    non_body = [s.index for s in derivative.sentences if s.role is not SentenceRole.BODY]
    assert sorted(set(a.sentence for a in alignment.added) - set(derivative_body)) == non_body
    assert 0.0 <= alignment.coverage_source <= 1.0
    assert 0.0 <= alignment.coverage_derivative <= 1.0
    assert all(0.0 <= p.score <= 1.0 for p in alignment.pairs)
    assert run(source, derivative) == alignment


def _scored_only(source: Document, derivative: Document) -> Alignment:
    """The alignment with every sentence pair scored (no exact-key shortcut)."""
    with mock.patch("wiretrace.align._exact_units", lambda *_: []):
        return run(source, derivative)


@settings(max_examples=80, deadline=None)
@given(document_pairs())
def test_exact_sentences_pair_as_scoring_would_pair_them(
    docs: tuple[Document, Document],
) -> None:
    source, derivative = docs
    assert run(source, derivative) == _scored_only(source, derivative)


def test_sample_corpus_pairs_align_as_when_fully_scored(sample_dir: Path) -> None:
    docs = [
        prepare(Article(path.stem, path.read_text(encoding="utf-8")))
        for path in sorted((sample_dir / "articles").glob("*.txt"))
    ]
    checked = 0
    for source, derivative in itertools.permutations(docs, 2):
        keys = {comparison_key(s.norm) for s in source.body}
        if sum(comparison_key(s.norm) in keys for s in derivative.body) < 2:
            continue
        checked += 1
        assert run(source, derivative) == _scored_only(source, derivative), (
            source.id,
            derivative.id,
        )
    assert checked >= 30


def test_a_copy_calls_the_encoder_only_for_what_it_edited() -> None:
    encoder = CountingEncoder()
    source = make_document("wire", STORY)
    edited = list(STORY)
    edited[2] = "Mayor Ellen Park said emergency shelters had opened in three schools."
    align(source, make_document("excerpt", STORY[:3]), encoder, SETTINGS)
    assert encoder.encoded == 0
    alignment = align(source, make_document("edited", edited), encoder, SETTINGS)
    assert [p.kind for p in alignment.pairs].count(AlignKind.IDENTICAL) == 4
    assert encoder.encoded <= 2  # the edited sentence and its source, at most


def test_text_anchors_take_names_numbers_and_acronyms_but_not_the_opening_word() -> None:
    found = text_anchors(
        "Officials said U.S. envoy Ana Ruiz met 1,200 farmers in Élan on 3.5 acres."
    )
    assert found == frozenset({"us", "ana", "ruiz", "1200", "3.5"})
    assert "officials" not in found
    assert text_anchors("The A.B.C. unit") == frozenset({"abc"})
    assert text_anchors("xA.B. said Bo") == frozenset({"b", "bo"})  # no acronym inside a word


_MIXED_TEXT = st.text(alphabet="AaBÉé. 1,'-_xZ\n", max_size=40)


@settings(max_examples=300, deadline=None)
@given(text=_MIXED_TEXT)
def test_capital_patterns_match_where_a_word_boundary_pattern_would(text: str) -> None:
    # the patterns open with a character class (fast to scan for); these are their plain forms
    plain = {
        align_module._ACRONYM: re.compile(r"\b(?:[A-Z]\.){2,}"),
        align_module._NAME: re.compile(r"\b[A-Z][\w'-]*"),
    }
    for fast, reference in plain.items():
        assert [m.span() for m in fast.finditer(text)] == [
            m.span() for m in reference.finditer(text)
        ]


_item_sets = st.lists(st.frozensets(st.sampled_from("abcdefghij"), max_size=6), max_size=5)


@settings(max_examples=200, deadline=None)
@given(left=_item_sets, right=_item_sets)
def test_overlaps_counts_what_each_pair_of_sets_shares_and_each_sets_size(
    left: list[frozenset[str]], right: list[frozenset[str]]
) -> None:
    shared, left_sizes, right_sizes = align_module._overlaps(left, right)
    assert shared.shape == (len(left), len(right))
    assert left_sizes.shape == (len(left), 1) and right_sizes.shape == (1, len(right))
    for row, items in enumerate(left):
        assert left_sizes[row, 0] == len(items)
        for col, others in enumerate(right):
            assert shared[row, col] == len(items & others)
    for col, others in enumerate(right):
        assert right_sizes[0, col] == len(others)
