"""Sentence-pair similarity and same-fact decisions, with the lexical HashingEncoder."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.embed import HashingEncoder, Matrix
from wiretrace.models import ChangeKind
from wiretrace.similarity import (
    EVIDENCE_FIELDS,
    SAME_FACT_WEIGHTS,
    SIMILARITY_WEIGHTS,
    STRICT_FACT_THRESHOLD,
    PairEvidence,
    changed_facts,
    fact_probability,
    pair_evidence,
    pair_similarities,
    role_swap,
    same_fact,
    similarity,
)

ENCODER = HashingEncoder()

REPORT = "Police said 12 people were killed when the bus overturned near Lyon on Sunday."
REWORDED = "Twelve people died on Sunday when a bus overturned near Lyon, police said."
SAME_WORDS = "Police said 12 people were killed when the bus overturned near Lyon on Sunday ."
MORE_DEAD = "Police said 15 people were killed when the bus overturned near Lyon on Sunday."
OTHER_STORY = "The central bank kept its main interest rate unchanged at 4.5 percent."

sentences = st.text(
    alphabet=st.sampled_from(list("abcdefgh XYZ0123456789.,'\"")), min_size=0, max_size=60
)


def test_identical_sentences_score_one() -> None:
    assert similarity(REPORT, REPORT, ENCODER) == 1.0


def test_typography_alone_does_not_lower_the_score() -> None:
    curly = REPORT.replace("Police", "\u201cPolice\u201d")
    assert similarity(REPORT, REPORT.replace("  ", " "), ENCODER) == 1.0
    assert similarity(curly, curly, ENCODER) == 1.0


def test_same_story_scores_above_another_story() -> None:
    assert similarity(REPORT, SAME_WORDS, ENCODER) > similarity(REPORT, OTHER_STORY, ENCODER)
    assert similarity(REPORT, REWORDED, ENCODER) > similarity(REPORT, OTHER_STORY, ENCODER)


@settings(max_examples=60, deadline=None)
@given(sentences, sentences)
def test_similarity_is_symmetric_and_in_range(a: str, b: str) -> None:
    forward = similarity(a, b, ENCODER)
    assert 0.0 <= forward <= 1.0
    assert forward == pytest.approx(similarity(b, a, ENCODER), abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(sentences, sentences), max_size=6))
def test_batched_scores_equal_one_by_one(pairs: list[tuple[str, str]]) -> None:
    batched = pair_similarities(pairs, ENCODER)
    assert batched.shape == (len(pairs),)
    expected = [similarity(a, b, ENCODER) for a, b in pairs]
    assert np.allclose(batched, expected)


def test_batch_encodes_each_sentence_once() -> None:
    class CountingEncoder(HashingEncoder):
        def __init__(self) -> None:
            super().__init__()
            self.calls: list[int] = []

        def encode(self, sentences: Sequence[str]) -> Matrix:
            self.calls.append(len(sentences))
            return super().encode(sentences)

    encoder = CountingEncoder()
    pair_similarities([(REPORT, OTHER_STORY), (OTHER_STORY, REWORDED)], encoder)
    assert encoder.calls == [3]


def test_a_changed_number_lowers_the_fact_probability() -> None:
    (kept,) = pair_evidence([(REPORT, SAME_WORDS)], ENCODER)
    (changed,) = pair_evidence([(REPORT, MORE_DEAD)], ENCODER)
    assert changed.number_changed and not kept.number_changed
    unflagged = PairEvidence(**{**_fields(changed), "number_changed": False})
    assert fact_probability(changed) < fact_probability(unflagged)
    assert same_fact(REPORT, SAME_WORDS, ENCODER)
    assert changed_facts(REPORT, MORE_DEAD) == (ChangeKind.NUMBER,)


def _fields(evidence: PairEvidence) -> dict[str, float | bool]:
    return {name: getattr(evidence, name) for name in (*EVIDENCE_FIELDS, "identical")}


def test_the_models_have_one_weight_per_evidence_field() -> None:
    assert len(SAME_FACT_WEIGHTS) == len(EVIDENCE_FIELDS) == len(SIMILARITY_WEIGHTS)
    (evidence,) = pair_evidence([(REPORT, REWORDED)], ENCODER)
    assert len(evidence.as_row()) == len(EVIDENCE_FIELDS)
    assert 0.0 < fact_probability(evidence) < 1.0


@settings(max_examples=40, deadline=None)
@given(sentences, sentences)
def test_evidence_is_symmetric(a: str, b: str) -> None:
    (forward,) = pair_evidence([(a, b)], ENCODER)
    (backward,) = pair_evidence([(b, a)], ENCODER)
    assert np.allclose(forward.as_row(), backward.as_row(), atol=1e-6)
    assert same_fact(a, b, ENCODER) == same_fact(b, a, ENCODER)


def test_another_story_is_not_the_same_fact() -> None:
    assert not same_fact(REPORT, OTHER_STORY, ENCODER)


def test_swapped_names_are_not_the_same_fact() -> None:
    original = "Arsenal beat Chelsea in London after Smith scored twice for the visitors on Sunday."
    swapped = "Chelsea beat Arsenal in London after Smith scored twice for the visitors on Sunday."
    assert role_swap(original, swapped, names_only=True) > 0.0
    netted = original.replace("scored", "netted")
    (reworded,) = pair_evidence([(original, netted)], ENCODER)
    (traded,) = pair_evidence([(original, swapped)], ENCODER)
    assert fact_probability(traded) < fact_probability(reworded)
    assert not same_fact(original, swapped, ENCODER, threshold=STRICT_FACT_THRESHOLD)


def test_traded_common_words_are_not_a_name_swap() -> None:
    active = "The FBI arrested a Chicago man on Wednesday over the leak."
    passive = "A Chicago man was arrested by the FBI on Wednesday over the leak."
    assert role_swap(active, passive, names_only=True) == 0.0


def test_a_moved_clause_is_not_a_role_swap() -> None:
    moved = "On Sunday, police said 12 people were killed when the bus overturned near Lyon."
    assert role_swap(REPORT, moved) == 0.0


@settings(max_examples=60, deadline=None)
@given(sentences, sentences)
def test_role_swap_is_symmetric_and_in_range(a: str, b: str) -> None:
    assert 0.0 <= role_swap(a, b) <= 1.0
    assert role_swap(a, b) == pytest.approx(role_swap(b, a))


def test_bad_threshold_is_refused_with_its_value() -> None:
    with pytest.raises(ValueError, match=r"1\.5"):
        same_fact(REPORT, REPORT, ENCODER, threshold=1.5)
