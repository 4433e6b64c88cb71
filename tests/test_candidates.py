"""Fingerprints and candidate generation: seeds, LSH parameters, boilerplate, invariants."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace import fingerprint
from wiretrace.candidates import (
    CandidateFeatures,
    CandidateIndex,
    fact_overlap,
    features,
    propose,
    shares_text,
    spans_lines,
)
from wiretrace.candidates.anchors import (
    anchor_hash_list,
    anchor_weight,
    extract_anchors,
    hashed_anchors,
)
from wiretrace.candidates.containment import containment_estimate, jaccard_estimate
from wiretrace.candidates.lsh import (
    LSHIndex,
    Postings,
    band_hash_matrix,
    collision_probability,
    optimal_params,
    post_each,
)
from wiretrace.candidates.pairs import CorpusCounts, score_pair
from wiretrace.config import CandidateSettings
from wiretrace.models import Article, Candidate, Document, Sentence, SentenceRole, Span
from wiretrace.text import prepare

SETTINGS = CandidateSettings()
PINNED_TEXT = (
    "Flooding closed the coastal highway near Port Alder on Tuesday. "
    "The regional council said repairs would cost $12 million and take three weeks."
)


def _features(article_id: str, text: str) -> CandidateFeatures:
    return features(prepare(Article(article_id, text)), SETTINGS)


def _pairs(found: Sequence[Candidate]) -> set[tuple[str, str]]:
    return {(c.a, c.b) for c in found}


@pytest.fixture(scope="module")
def seed_features(seeds_dir: Path) -> list[CandidateFeatures]:
    return [
        _features(p.name[:3], p.read_text(encoding="utf-8")) for p in sorted(seeds_dir.iterdir())
    ]


# -- fingerprints -------------------------------------------------------------


def test_signature_values_are_pinned() -> None:
    sig = fingerprint.signature(prepare(Article("pin", PINNED_TEXT)), SETTINGS)
    assert sig.scheme == "wt1:lower-w+:xxh3_64:poly-ngram:rminhash/n5/p128/s1"
    assert sig.shingle_count == 19
    assert len(sig.hashvalues) == 128
    assert sig.hashvalues[:6] == PINNED_SIGNATURE_HEAD


PINNED_SIGNATURE_HEAD = (1416583498, 3243131637, 3260769635, 3302883796, 3287711325, 3253199389)


def test_word_and_sentence_hashes_are_pinned() -> None:
    assert fingerprint.word_hashes(["maduro"]).tolist() == [PINNED_WORD_HASH]
    assert fingerprint.line_hash(["the", "cartel", "of", "the", "suns"]) == PINNED_LINE_HASH
    doc = prepare(Article("pin", PINNED_TEXT))
    assert len(fingerprint.sentence_fingerprints(doc)) == 2


PINNED_WORD_HASH = 11879072833449746170
PINNED_LINE_HASH = 2775485710689724076


def test_shingles_combine_consecutive_words() -> None:
    hashes = fingerprint.word_hashes(["a", "b", "c", "d", "e", "f"])
    assert len(fingerprint.shingle_hashes(hashes, 5)) == 2
    assert len(fingerprint.shingle_hashes(hashes[:3], 5)) == 1
    assert len(fingerprint.shingle_hashes(hashes[:0], 5)) == 0
    swapped = fingerprint.word_hashes(["b", "a", "c", "d", "e"])
    assert fingerprint.shingle_hashes(hashes, 5)[0] != fingerprint.shingle_hashes(swapped, 5)[0]
    with pytest.raises(ValueError, match="ngram must be >= 1, got 0"):
        fingerprint.shingle_hashes(hashes, 0)


def test_signature_depends_on_seed_and_ignores_case_and_punctuation() -> None:
    doc = prepare(Article("x", PINNED_TEXT))
    shouted = prepare(Article("y", PINNED_TEXT.upper().replace(",", " ,")))
    assert fingerprint.signature(doc, SETTINGS).hashvalues == (
        fingerprint.signature(shouted, SETTINGS).hashvalues
    )
    reseeded = replace(SETTINGS, seed=2)
    assert fingerprint.signature(doc, reseeded).hashvalues != (
        fingerprint.signature(doc, SETTINGS).hashvalues
    )


def test_only_long_sentences_are_fingerprinted() -> None:
    doc = prepare(Article("x", "Aid from OPEC? Venezuela asked the oil group for help on Sunday."))
    assert len(fingerprint.sentence_fingerprints(doc)) == 1


# -- LSH ----------------------------------------------------------------------


def test_optimal_params_for_half_threshold() -> None:
    bands, rows = optimal_params(0.5, 128)
    assert 4 <= rows <= 6
    assert bands * rows <= 128
    assert collision_probability(0.2, bands, rows) < 0.05
    assert collision_probability(0.8, bands, rows) > 0.99


def test_optimal_params_follow_the_threshold() -> None:
    rows = [optimal_params(t, 128)[1] for t in (0.2, 0.4, 0.6, 0.8, 0.95)]
    assert rows == sorted(rows)
    for threshold in (0.3, 0.5, 0.7, 0.9):
        bands, rows_ = optimal_params(threshold, 128)
        # The S-curve is steepest near the threshold it was tuned for.
        assert collision_probability(threshold - 0.2, bands, rows_) < 0.5
        assert collision_probability(min(1.0, threshold + 0.2), bands, rows_) > 0.5
    _, recall_rows = optimal_params(0.5, 128, fp_weight=0.1, fn_weight=0.9)
    assert recall_rows <= optimal_params(0.5, 128)[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0.0, 128), "threshold must be in \\(0, 1\\], got 0.0"),
        ((1.5, 128), "got 1.5"),
        ((0.5, 1), "num_perm must be >= 2, got 1"),
        ((0.5, 128, -0.1, 0.5), "fp_weight must be in \\[0, 1\\], got -0.1"),
        ((0.5, 128, 0.0, 0.0), "must be positive"),
    ],
)
def test_optimal_params_checks_its_arguments(args: tuple[float, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        optimal_params(*args)  # type: ignore[arg-type]


def test_lsh_index_finds_equal_signatures_only() -> None:
    index = LSHIndex(bands=4, rows=4, num_perm=16)
    index.add("b", list(range(16)))
    index.add("a", list(range(16)))
    index.add("c", list(range(100, 116)))
    assert index.query(list(range(16))) == ["a", "b"]
    assert index.query(list(range(200, 216))) == []
    with pytest.raises(ValueError, match="already in the index: 'a'"):
        index.add("a", list(range(16)))
    with pytest.raises(ValueError, match="must have 16 values, got 3"):
        index.query([1, 2, 3])
    with pytest.raises(ValueError, match="bands \\* rows must be <= num_perm \\(16\\), got 20"):
        LSHIndex(bands=5, rows=4, num_perm=16)


@pytest.mark.parametrize(("bands", "rows"), [(25, 5), (57, 2), (4, 3), (9, 1)])
def test_band_hashes_of_many_signatures_are_those_of_each(bands: int, rows: int) -> None:
    rng = np.random.default_rng(bands * rows)
    signatures = rng.integers(0, 2**32, size=(6, 128), dtype=np.uint64).astype(np.uint32)
    signatures[1] = signatures[0]
    signatures[1, rows] += 1  # the second band of the second signature differs from the first's
    signatures[2] = signatures[0]
    signatures[2, bands * rows :] += 1  # values past the last band count for nothing
    matrix = band_hash_matrix(signatures, bands, rows)
    assert matrix.shape == (6, bands) and matrix.dtype == np.uint64
    index = LSHIndex(bands, rows, 128)
    assert [index.band_hashes(s.tolist()) for s in signatures] == matrix.tolist()
    differs = matrix[1] != matrix[0]
    assert differs[1] and not differs[0] and not differs[2:].any()
    assert matrix[2].tolist() == matrix[0].tolist()
    # distinct bands of random values hash apart
    assert len(set(matrix[3:].ravel().tolist())) == 3 * bands


def test_postings_keep_every_value_in_the_order_posted() -> None:
    postings: Postings[str, int] = Postings()
    postings.post(("a", "b"), 1)
    postings.post(("a",), 2)
    postings.post((), 3)  # nothing to post under
    postings.post(("c", "a", "b"), 4)
    assert [list(postings.get(k)) for k in "abcz"] == [[1, 2, 4], [1, 4], [4], []]
    assert [postings.count(k) for k in "abcz"] == [3, 2, 1, 0]
    assert len(postings) == 3 and "c" in postings and "z" not in postings


def test_post_each_posts_under_one_key_of_each_index() -> None:
    buckets: list[dict[int, str | list[str]]] = [{}, {}]
    post_each(buckets, [5, 6], "x")
    post_each(buckets, [5, 7], "y")
    assert buckets == [{5: ["x", "y"]}, {6: "x", 7: "y"}]


def test_lsh_index_keeps_no_empty_buckets_after_queries() -> None:
    index = LSHIndex(4, 2, 8)
    index.add("x", list(range(8)))
    assert index.query(list(range(100, 108))) == []
    assert sum(len(bucket) for bucket in index._buckets) == 4  # queries add no bucket


def test_containment_estimate() -> None:
    assert containment_estimate(1.0, 100, 100) == 1.0
    assert containment_estimate(0.0, 100, 50) == 0.0
    assert containment_estimate(0.5, 100, 0) == 0.0
    # A 50-shingle excerpt fully inside a 100-shingle text: Jaccard 0.5.
    assert containment_estimate(0.5, 100, 50) == pytest.approx(1.0)
    assert jaccard_estimate([1, 2, 3, 4], [1, 2, 0, 0]) == 0.5


# -- anchors ------------------------------------------------------------------


def test_anchors_are_names_numbers_and_content_trigrams() -> None:
    sentences = [
        "The United States accuses Nicolás Maduro of heading the Cartel of the Suns.",
        "It has issued a $50 million reward, and strikes killed at least 83 people.",
    ]
    body = fingerprint.tokens_from_words([fingerprint.tokenise(s) for s in sentences])
    anchors, lines = extract_anchors(sentences, body, [11, 22])
    assert {"n:united states", "n:nicolas maduro", "n:cartel of the suns"} <= set(anchors)
    assert {"#:50 million", "#:83"} <= set(anchors)
    assert any(a.startswith("w:") for a in anchors)
    assert anchors == tuple(sorted(anchors))
    assert dict(zip(anchors, lines, strict=True))["#:83"] == 22


def test_anchor_weight_falls_with_document_frequency() -> None:
    assert anchor_weight(2, 1000, 50) == 1.0
    assert anchor_weight(10, 1000, 50) < anchor_weight(3, 1000, 50) < 1.0
    assert anchor_weight(51, 1000, 50) == 0.0
    assert anchor_weight(1, 1000, 50) == 0.0


_FACTS = ("n:alma restrepo", "n:varne dam", "#:1240", "w:spillway cracked rain", "n:kelmoor")


def _anchored(article_id: str, number: int, lines: Sequence[int]) -> CandidateFeatures:
    """Features holding only the five ``_FACTS``, first found in ``lines`` (one per fact), with a
    signature of values no other article has (no LSH collision) and no sentence hashes."""
    start = number * SETTINGS.num_perm
    return CandidateFeatures(
        article_id=article_id,
        signature=tuple(range(start, start + SETTINGS.num_perm)),
        sentence_hashes=(),
        anchors=tuple(sorted(_FACTS)),
        word_count=300,
        anchor_lines=tuple(lines),
        scheme=CandidateIndex(SETTINGS).scheme,
    )


def test_spans_lines_counts_the_lines_where_the_anchors_were_found() -> None:
    f = _anchored("a", 0, (7, 7, 7, 9, 7))
    assert spans_lines(f, f.anchors, 2)
    in_line_7 = [a for a, line in zip(f.anchors, f.anchor_lines, strict=True) if line == 7]
    assert not spans_lines(f, in_line_7, 2)
    assert not spans_lines(f, [], 1)
    without_lines = replace(f, anchor_lines=())
    assert spans_lines(without_lines, f.anchors[:2], 2)  # unknown lines: one per anchor


@pytest.mark.parametrize(
    ("lines_a", "lines_b", "proposed"),
    [
        ((1, 1, 1, 1, 1), (2, 2, 2, 2, 2), False),  # one shared sentence: a reused clause
        ((1, 1, 1, 1, 1), (2, 2, 3, 3, 3), False),  # spread on one side only
        ((1, 1, 1, 1, 4), (2, 2, 2, 3, 3), True),  # facts from two sentences of each
    ],
)
def test_rare_anchors_from_one_sentence_do_not_make_a_candidate(
    lines_a: tuple[int, ...], lines_b: tuple[int, ...], proposed: bool
) -> None:
    pair = [_anchored("a", 0, lines_a), _anchored("b", 1, lines_b)]
    found = propose(pair, SETTINGS)
    assert bool(found) == proposed
    if proposed:
        assert found[0].reasons == ("anchors:5.0",)
    counts = CorpusCounts(2, {}, dict.fromkeys(anchor_hash_list(_FACTS), 2))
    assert (score_pair(*pair, counts, SETTINGS) is not None) == proposed
    one_line = replace(SETTINGS, anchor_min_lines=1)
    assert propose(pair, one_line) != []  # the five rare anchors alone reach the weight
    index = CandidateIndex(SETTINGS)
    index.add(pair[0])
    index.query(
        replace(_anchored("c", 2, lines_a), anchors=tuple(sorted(("n:novel", *_FACTS[1:]))))
    )
    assert len(index._anchors) == len(_FACTS)  # a query posts nothing
    assert "n:novel" not in index._anchors


# -- the stage on the seeds ----------------------------------------------------


def test_every_seed_derivative_is_proposed_with_the_original(
    seed_features: list[CandidateFeatures],
) -> None:
    found = {(c.a, c.b): c for c in propose(seed_features, SETTINGS)}
    for derivative in ("001", "002", "003", "004"):
        assert ("000", derivative) in found
    excerpt = found[("000", "003")]
    assert any(r.startswith("sentences:") for r in excerpt.reasons)
    assert any(r.startswith("containment:") for r in excerpt.reasons)
    for rewrite in ("002", "004"):
        kinds = {r.split(":")[0] for r in found[("000", rewrite)].reasons}
        assert "anchors" in kinds  # the rare facts a rewrite keeps; the semantic vectors may agree


def test_incremental_index_agrees_with_propose(seed_features: list[CandidateFeatures]) -> None:
    index = CandidateIndex(SETTINGS)
    for f in seed_features[:4]:
        index.add(f)
    proposed = _pairs(index.query(seed_features[4]))
    assert ("000", "004") in proposed
    assert all("004" in pair for pair in proposed)
    with pytest.raises(ValueError, match="already in the candidate index: '000'"):
        index.add(seed_features[0])


def test_features_round_trip_through_json(seed_features: list[CandidateFeatures]) -> None:
    for f in seed_features:
        assert CandidateFeatures.from_json(f.to_json()) == f
    with pytest.raises(ValueError, match="version must be 2, got 7"):
        CandidateFeatures.from_json('{"version": 7}')
    with pytest.raises(ValueError, match="not valid JSON"):
        CandidateFeatures.from_json("{")
    good = json.loads(seed_features[0].to_json())
    bad_values = (
        ("anchors", ["n:ok", None]),
        ("anchors", [-3]),
        ("facts", [-1]),
        ("signature", ["x"]),
    )
    for field, bad in bad_values:
        with pytest.raises(ValueError, match="incomplete"):
            CandidateFeatures.from_json(json.dumps({**good, "anchor_lines": [], field: bad}))
    # the hashes are machine arrays whatever they were given as, and compare as such
    f = seed_features[0]
    as_tuples = replace(f, facts=tuple(f.facts), signature=tuple(f.signature))
    assert as_tuples == f and as_tuples.facts.typecode == "Q" and f.signature.typecode == "I"


def test_features_are_stored_packed_and_the_first_layout_still_reads(
    seed_features: list[CandidateFeatures],
) -> None:
    f = max(seed_features, key=lambda x: len(x.anchors))
    stored = json.loads(f.to_json())
    assert stored["version"] == 2 and isinstance(stored["anchors"], str)
    first = {  # version 1 wrote every hash as a decimal number
        **stored,
        "version": 1,
        **{k: list(getattr(f, k)) for k in ("signature", "sentence_hashes", "facts")},
        "anchors": list(f.anchors),
        "anchor_lines": list(f.anchor_lines),
    }
    assert CandidateFeatures.from_json(json.dumps(first)) == f
    assert len(f.to_json()) < 0.7 * len(json.dumps(first))
    # anchors out of order (written by hand) are sorted on the way in, lines alongside
    shuffled = {
        **first,
        "anchors": first["anchors"][::-1],
        "anchor_lines": first["anchor_lines"][::-1],
    }
    assert CandidateFeatures.from_json(json.dumps(shuffled)) == f
    for field, bad in (("signature", "not base64!"), ("facts", "AAAA"), ("anchors", 5)):
        with pytest.raises(ValueError, match="incomplete"):  # "AAAA": 3 bytes, no whole value
            CandidateFeatures.from_json(json.dumps({**stored, field: bad}))


def test_index_refuses_features_of_another_scheme(seed_features: list[CandidateFeatures]) -> None:
    index = CandidateIndex(replace(SETTINGS, ngram=4))
    with pytest.raises(ValueError, match="compute them again"):
        index.add(seed_features[0])


def test_per_article_cap_keeps_the_best(seed_features: list[CandidateFeatures]) -> None:
    capped = propose(seed_features, replace(SETTINGS, max_candidates_per_article=1))
    counts: dict[str, int] = {}
    for c in capped:
        counts[c.a] = counts.get(c.a, 0) + 1
        counts[c.b] = counts.get(c.b, 0) + 1
    assert max(counts.values()) == 1
    assert ("000", "003") in _pairs(capped)


# -- boilerplate --------------------------------------------------------------

FOOTER = [
    "Sign up for the Riverside Ledger morning newsletter to get the top stories every day.",
    "Support independent local journalism by becoming a Riverside Ledger member today.",
    "Copyright 2025 Riverside Ledger Media Group, all rights reserved worldwide.",
    "This material may not be published, broadcast, rewritten or redistributed without permission.",
    "Follow the Riverside Ledger newsroom on social media for breaking news alerts and updates.",
    "Readers can send corrections and story tips to the Riverside Ledger standards desk.",
]
STORIES = {
    "bakery": [
        "The Old Mill Bakery on Quarry Street won the county bread festival on Saturday.",
        "Head baker Imelda Frost entered a sourdough loaf made with rye from her cousin's farm.",
        "Judges praised the crust and the open crumb, giving the loaf 47 points out of 50.",
        "Frost said she started the starter culture during a snowstorm eleven winters ago.",
        "The bakery plans to sell the winning loaf every Friday until the end of spring.",
        "Second place went to a cinnamon braid from a family stall at the harbour market.",
        "Organisers counted roughly 3,200 visitors, the largest crowd since the festival began.",
        "Proceeds from the tasting tickets will pay for new ovens at the community kitchen.",
    ],
    "bridge": [
        "Engineers closed the Kestrel Creek footbridge after finding cracked steel in two beams.",
        "Inspector Dorian Vale said the corrosion was worse than a survey predicted last year.",
        "The city will spend $1.8 million replacing the beams and repainting the whole span.",
        "Cyclists must use a detour along Willow Lane that adds about nine minutes to the ride.",
        "Residents of the east bank complained that buses on the detour are already crowded.",
        "The works contract went to a firm that rebuilt the ferry terminal ramps in 2019.",
        "Crews expect to reopen the crossing before the school term starts in September.",
        "Council members will review the inspection schedule for the other creek bridges.",
    ],
    "chess": [
        "A fourteen-year-old from Birchfield won the open chess championship on Sunday evening.",
        "Talia Moreno beat the defending champion in a tense endgame lasting six hours.",
        "She sacrificed a knight on move 31, a choice commentators first called a blunder.",
        "The tournament drew 212 players from nine countries to the old grain exchange.",
        "Moreno learned the game from her grandfather, who ran a club above a bicycle shop.",
        "Her prize includes a place at an invitational event in Lisbon next summer.",
        "The organisers hope to double the junior section after record entries this year.",
        "Free lessons for beginners will run in the library every Wednesday afternoon.",
    ],
}


def _outlet_article(name: str) -> Article:
    body = "\n".join(STORIES[name])
    return Article(f"ledger-{name}", f"{body}\n" + "\n".join(FOOTER), outlet="Riverside Ledger")


def test_shared_footer_left_in_the_body_makes_no_candidates(
    seed_features: list[CandidateFeatures],
) -> None:
    outlet = [features(prepare(_outlet_article(name)), SETTINGS) for name in STORIES]
    found = _pairs(propose([*outlet, *seed_features], SETTINGS))
    assert not {pair for pair in found if pair[0].startswith("ledger")}
    assert ("000", "003") in found


def test_chrome_sentences_do_not_count() -> None:
    def as_document(name: str, footer: SentenceRole = SentenceRole.CHROME) -> Document:
        lines = [(s, SentenceRole.BODY) for s in STORIES[name]]
        lines += [(s, footer) for s in FOOTER]
        sentences = tuple(
            Sentence(i, Span(0, len(text)), text, text, i, role)
            for i, (text, role) in enumerate(lines)
        )
        return Document(Article(name, "\n".join(t for t, _ in lines)), sentences)

    outlet = [features(as_document(name), SETTINGS) for name in STORIES]
    assert propose(outlet, SETTINGS) == []
    # read as story, the footer brings its own anchors ("riverside ledger"); read as chrome,
    # none of them
    footer_anchors = set(anchor_hash_list(["n:riverside ledger"]))
    as_story = [features(as_document(name, SentenceRole.BODY), SETTINGS) for name in STORIES]
    assert all(footer_anchors <= set(f.anchors) for f in as_story)
    assert all(not footer_anchors & set(f.anchors) for f in outlet)


# -- invariants ----------------------------------------------------------------

_VOCABULARY = (
    "the council said strikes oil Maduro Caracas reward million bridge baker 83 2025 "
    "Venezuela drug boats Trump election Senator Mullin Hegseth airport"
)
_WORDS = st.sampled_from(_VOCABULARY.split())
_SENTENCE = st.lists(_WORDS, min_size=1, max_size=14).map(lambda ws: " ".join(ws) + ".")
_TEXT = st.lists(_SENTENCE, min_size=1, max_size=8).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(text=_TEXT)
def test_a_text_is_a_candidate_of_its_exact_copy(text: str) -> None:
    pair = [_features("copy-a", text), _features("copy-b", text)]
    found = propose(pair, SETTINGS)
    assert [(c.a, c.b) for c in found] == [("copy-a", "copy-b")]
    assert found[0].score == 1.0


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_propose_ignores_input_order(
    seed_features: list[CandidateFeatures], data: st.DataObject
) -> None:
    extra = [_features(f"gen-{i}", t) for i, t in enumerate(data.draw(st.lists(_TEXT, max_size=3)))]
    corpus = [*seed_features, *extra]
    shuffled = data.draw(st.permutations(corpus))
    limit = data.draw(st.integers(min_value=1, max_value=5))
    capped = replace(SETTINGS, max_candidates_per_article=limit)
    found = propose(shuffled, capped)
    assert found == propose(corpus, capped)
    assert found == sorted(found, key=lambda c: (c.a, c.b))
    for c in found:
        assert c.a < c.b
        assert 0.0 <= c.score <= 1.0
        assert c.reasons


def test_features_word_count_and_empty_body() -> None:
    f = _features("x", PINNED_TEXT)
    assert f.word_count == len(fingerprint.tokenise(PINNED_TEXT))
    empty = features(Document(Article("empty", ""), ()), SETTINGS)
    assert empty.word_count == 0
    assert propose([empty, replace(empty, article_id="empty-2")], SETTINGS) == []
    assert np.all(np.asarray(empty.signature) == 2**32 - 1)


def test_shares_text_reads_the_generators_off_the_reasons() -> None:
    def candidate(*reasons: str) -> Candidate:
        return Candidate("a", "b", reasons, 0.5)

    assert shares_text(candidate("lsh", "anchors:6.0"))
    assert shares_text(candidate("containment:0.81"))
    assert shares_text(candidate("sentences:3"))
    assert shares_text(candidate("anchors:5.1", "common-lines:0.20"))
    assert not shares_text(candidate("anchors:5.1", "semantic:0.71:anchors:2"))
    assert not shares_text(candidate("semantic:0.93:window"))


def test_fact_overlap_of_features_is_the_verdicts_fact_overlap(sample_dir: Path) -> None:
    from wiretrace.relation import _anchor_overlap

    docs = [
        prepare(Article(path.stem, path.read_text(encoding="utf-8")))
        for path in sorted((sample_dir / "articles").glob("*.txt"))
    ]
    found = {d.id: features(d, SETTINGS) for d in docs}
    for a, b in itertools.combinations(docs, 2):
        assert fact_overlap(found[a.id], found[b.id]) == _anchor_overlap(a, b)
    assert CandidateFeatures.from_json(found[docs[0].id].to_json()).facts == found[docs[0].id].facts


def test_slices_judged_apart_and_in_workers_give_the_corpus_candidates(
    sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wiretrace import parallel
    from wiretrace.candidates import CorpusCandidates

    found = _sample_features(sample_dir)
    expected = propose(found, SETTINGS)
    corpus = CorpusCandidates(list(reversed(found)), SETTINGS)
    bounds = [(i, min(i + 5, len(corpus))) for i in range(0, len(corpus), 5)]
    corpus.settle(corpus.neighbours(*b) for b in reversed(bounds))
    assert corpus.finish(c for b in reversed(bounds) for c in corpus.judge(*b)) == expected
    monkeypatch.setattr(parallel, "CHUNK", 4)
    assert parallel.judge(CorpusCandidates(found, SETTINGS), 2) == expected


def test_a_corpus_indexed_one_article_at_a_time_in_any_order_gives_the_same_candidates(
    sample_dir: Path,
) -> None:
    import random

    from wiretrace.candidates import CorpusCandidates

    found = _sample_features(sample_dir)
    expected = propose(found, SETTINGS)
    assert expected  # the sample corpus has versions to find
    shuffled = list(found)
    random.Random(11).shuffle(shuffled)
    assert shuffled != found
    corpus = CorpusCandidates([], SETTINGS)
    for f in shuffled:
        corpus.add(f)
    assert len(corpus) == len(found)
    assert [f.article_id for f in corpus.ordered] == sorted(f.article_id for f in found)
    assert corpus.propose() == expected
    with pytest.raises(ValueError, match="already in the candidate index"):
        corpus.add(found[0])


def test_fixed_anchor_weights_judge_as_counting_and_are_dropped_by_the_next_add(
    sample_dir: Path,
) -> None:
    from wiretrace.candidates import CandidateIndex

    found = _sample_features(sample_dir)
    index = CandidateIndex(SETTINGS)
    for f in found[:-1]:
        index.add(f)
    counted = {f.article_id: index._candidates(f) for f in found[:-1]}
    index.fix_counts()
    stats = index._stats(found[0])
    table = index._weight_table(stats)
    assert table is not None and table.numbers
    assert all(0.0 < w <= 1.0 for w in table.weights)
    # each rare anchor's run of holders is its postings, in the order posted
    for anchor, number in list(table.numbers.items())[:50]:
        start, length = int(table.starts[number]), int(table.lengths[number])
        assert table.held[start : start + length].tolist() == list(index._anchors.get(anchor))
    some = list(table.numbers)[:7]
    held, weights, at = table.holders([*some, "no such anchor"])
    assert held.tolist() == [n for a in some for n in index._anchors.get(a)]
    assert len(weights) == len(held)
    assert at.tolist() == [k for k, a in enumerate(some) for _ in index._anchors.get(a)]
    assert index._weight_table(index._stats(found[-1])) is None  # a query's own counts differ
    assert {f.article_id: index._candidates(f) for f in found[:-1]} == counted
    assert any(counted.values())
    index.add(found[-1])
    assert index._weight_table(index._stats(found[0])) is None


def test_features_hold_their_anchors_as_sorted_hashes(sample_dir: Path) -> None:
    found = _sample_features(sample_dir)
    for f in found:
        assert f.anchors.typecode == "Q" and list(f.anchors) == sorted(set(f.anchors))
        assert len(f.anchor_lines) == len(f.anchors)
    text = (sample_dir / "articles" / "amsel-floods-herald-verbatim.txt").read_text()
    doc = prepare(Article("a", text))
    f = features(doc, SETTINGS)
    # the hashes are the extracted anchors', each still with the line it was first found in
    body = fingerprint.body_sentences(doc)
    words = [fingerprint.tokenise(s.norm) for s in body]
    strings, lines = extract_anchors(
        [s.norm for s in body],
        fingerprint.tokens_from_words(words),
        [fingerprint.line_hash(w) for w in words],
    )
    assert len(strings) > 10
    by_hash = dict(zip(anchor_hash_list(strings), lines, strict=True))
    assert dict(zip(f.anchors, f.anchor_lines, strict=True)) == by_hash
    # anchors given as strings, in any order, are hashed and sorted with their lines
    given = list(zip(strings, lines, strict=True))[::-1]
    by_hand = replace(f, anchors=[a for a, _ in given], anchor_lines=[line for _, line in given])
    assert by_hand == f
    assert hashed_anchors(["n:x", "n:y"], []) == (sorted(anchor_hash_list(["n:x", "n:y"])), [])
    # hashes and strings mixed: the hashes taken as they are, each kept with its line
    x, y = anchor_hash_list(["n:x", "n:y"])
    mixed = hashed_anchors([y, "n:x"], [7, 8])
    assert mixed == tuple(map(list, zip(*sorted([(x, 8), (y, 7)]), strict=True)))
    with pytest.raises(ValueError, match="distinct"):
        hashed_anchors(["n:x", "n:x"], [])
    with pytest.raises(ValueError, match="must match"):
        hashed_anchors(["n:x"], [1, 2])


def test_counts_fixed_for_queries_answer_a_new_article_as_counting_does(
    sample_dir: Path,
) -> None:
    from wiretrace.candidates import CandidateIndex

    found = _sample_features(sample_dir)
    index = CandidateIndex(SETTINGS)
    held, new = found[::2], found[1::2]
    for f in held:
        index.add(f)
    counted = [index.query(f) for f in new]
    assert any(counted)
    index.fix_counts(for_queries=True)
    probe = new[0]
    assert index._weight_table(index._stats(probe)) is not None
    assert index._weight_table(index._stats(held[0])) is None  # held articles count otherwise
    assert [index.query(f) for f in new] == counted


def _sample_features(sample_dir: Path) -> list[CandidateFeatures]:
    """The candidate features of every article of the bundled sample corpus, by file name."""
    return [
        features(prepare(Article(path.stem, path.read_text(encoding="utf-8"))), SETTINGS)
        for path in sorted((sample_dir / "articles").glob("*.txt"))
    ]


def _hand_features(
    article_id: str, anchors: dict[str, int], signature_seed: int
) -> CandidateFeatures:
    """Features with the given anchors (anchor -> line hash) and a signature no other shares."""
    ordered = sorted(anchors)
    return CandidateFeatures(
        article_id=article_id,
        signature=[(signature_seed * 1000 + k) % (1 << 32) for k in range(SETTINGS.num_perm)],
        sentence_hashes=sorted(set(anchors.values())),
        anchors=tuple(ordered),
        word_count=400,
        anchor_lines=[anchors[a] for a in ordered],
        scheme="",
    )


@pytest.mark.parametrize("fixed", [False, True])
def test_anchor_suspects_need_shared_anchors_from_two_lines_of_the_article(fixed: bool) -> None:
    from wiretrace.candidates import CandidateIndex
    from wiretrace.candidates.frozen import FrozenIndex

    # f's four x anchors come from one line; its y anchors from one line and z from another
    f = _hand_features(
        "f", {"x1": 1, "x2": 1, "x3": 1, "x4": 1, "y1": 1, "y2": 1, "y3": 1, "z1": 2}, 1
    )
    one_line = _hand_features("g1", {"x1": 7, "x2": 8, "x3": 9, "x4": 10, "own1": 11}, 2)
    two_lines = _hand_features("g2", {"y1": 7, "y2": 8, "y3": 9, "z1": 10, "own2": 11}, 3)
    index = CandidateIndex(SETTINGS)
    for g in (f, one_line, two_lines):
        index.add(g)
    if fixed:
        index.fix_counts()
    suspects, pool = index._anchor_holders(f, index._stats(f))
    # both share four anchors of weight 1 (each held by two articles): only g2's span lines
    assert suspects == ["g2"]
    assert sorted(index._ids[n] for n in pool.tolist()) == ["g1", "g2"]
    # without anchor lines every anchor counts as its own line, and g1 is a suspect too
    bare = replace(f, anchor_lines=[])
    assert index._anchor_holders(bare, index._stats(bare))[0] == ["g1", "g2"]
    # a frozen index of the same features agrees
    frozen = FrozenIndex.build([f, one_line, two_lines], SETTINGS, lambda ids: {})
    assert frozen._anchor_holders(f, frozen._stats(f))[0] == ["g2"]


def test_features_keep_no_article_body_in_a_cache(sample_dir: Path) -> None:
    """A feature worker reads a whole corpus through: its caches must not keep every body
    (a sentence-sized cache of 65,536 bodies held ~1 GB in each worker)."""
    from wiretrace.align import body_facts, facts_of, text_anchors

    text_anchors.cache_clear()
    body_facts.cache_clear()
    found = _sample_features(sample_dir)
    assert len(found) > 10
    assert body_facts.cache_info().currsize == 0
    assert text_anchors.cache_info().currsize == 0
    # the facts are the verdict's: the body's names and numbers, hashed
    doc = prepare(
        Article(
            "x", (sample_dir / "articles" / found[0].article_id).with_suffix(".txt").read_text()
        )
    )
    assert list(features(doc, SETTINGS).facts) == sorted(
        set(anchor_hash_list(sorted(facts_of(doc.body_text))))
    )
    assert body_facts(doc.body_text) == facts_of(doc.body_text)


@given(st.lists(st.text(alphabet="ab1 theTHE", max_size=5), max_size=30))
def test_content_kinds_read_length_function_words_and_digits(words: list[str]) -> None:
    from wiretrace.candidates.anchors import _FUNCTION_WORDS, CONTENT, SHORT_CONTENT, content_kinds

    assert {"the", "at", "he"} <= _FUNCTION_WORDS

    def kind(word: str) -> int:
        if len(word) < 2 or word in _FUNCTION_WORDS or word.isdigit():
            return 0
        return CONTENT if len(word) > 2 else SHORT_CONTENT

    kinds = content_kinds(words)
    assert kinds.dtype == np.int8
    assert kinds.tolist() == [kind(w) for w in words]
    assert content_kinds(words).tolist() == kinds.tolist()  # the same once the words are known
