"""The semantic candidate generator: planted rewrites are proposed, unrelated articles are not,
and the result does not depend on input order."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.candidates import (
    CandidateFeatures,
    CandidateIndex,
    SemanticSettings,
    features,
    features_scheme,
    propose,
)
from wiretrace.candidates.semantic import ArticleVectors, SemanticIndex, day_number, pair_cosine
from wiretrace.config import CandidateSettings
from wiretrace.models import Article, Candidate
from wiretrace.text import prepare

SETTINGS = CandidateSettings()
HASHING = SemanticSettings(mode="hashing", threshold=0.4)
OFF = SemanticSettings(mode="off")

FOOTER = "Subscribe to the Harbor Ledger newsletter for the morning briefing from our newsroom."

FERRY_SOURCE = (
    "Shares in Brightwell Foods fell 18 percent on Thursday after the grocer cut its annual "
    "profit forecast to 310 million pounds, blaming a price war with discount chains. Chief "
    "executive Tomas Ferrier told analysts the company would close 42 stores and invest in its "
    "delivery service. It was the company's second profit warning this year."
)
FERRY_REWRITE = (
    "Brightwell Foods saw its stock tumble sharply after the supermarket group lowered its "
    "earnings outlook, pointing to intense competition from budget rivals. CEO Tomas Ferrier said "
    "dozens of shops will be shut as the business shifts money into home delivery. This marks the "
    "second time in twelve months the retailer has warned on profits."
)
MUSEUM_SOURCE = (
    "Police in Darrow arrested two men on Friday over the theft of 37 paintings from the Halvard "
    "Museum last month. Detective inspector Ruth Okafor said most of the works, including a "
    "portrait by Elsa Vinter, were recovered from a storage unit near the port. The museum's "
    "director thanked the public for tips."
)
MUSEUM_REWRITE = (
    "Two suspects have been detained in connection with the disappearance of dozens of artworks "
    "from the Halvard Museum, investigators said. Detective Ruth Okafor explained that the bulk of "
    "the stolen pieces turned up in a lock-up close to the harbour near the port. Museum "
    "management credited tips from members of the public after the paintings were recovered."
)
UNRELATED = [
    "The city council approved a new cycle lane along Marsh Road after a two-hour debate on "
    "Tuesday night. Councillor Dana Whitfield said construction would start in the autumn.",
    "Local bakers gathered at the harbour market on Saturday for the annual bread festival. "
    "The prize for the best sourdough went to a family bakery from Eastfield village.",
    "A late goal from striker Leon Maddox gave Harbor United a narrow win over Kingsport on "
    "Sunday, lifting the club to third place in the regional league table.",
    "The public library will extend its opening hours through the winter, head librarian "
    "Grace Abara said, after a survey showed strong demand for evening study space.",
]


def _features(
    article_id: str,
    text: str,
    semantic: SemanticSettings = HASHING,
    published: datetime | None = None,
) -> CandidateFeatures:
    article = Article(article_id, text, published_at=published)
    return features(prepare(article), SETTINGS, semantic)


def _pile(semantic: SemanticSettings = HASHING) -> list[CandidateFeatures]:
    texts = {
        "ferry-src": FERRY_SOURCE,
        "ferry-llm": FERRY_REWRITE,
        "museum-src": MUSEUM_SOURCE,
        "museum-llm": MUSEUM_REWRITE,
    }
    texts |= {f"ledger-{i}": f"{text} {FOOTER}" for i, text in enumerate(UNRELATED)}
    return [_features(k, v, semantic) for k, v in sorted(texts.items())]


def _pairs(found: list[Candidate]) -> set[tuple[str, str]]:
    return {(c.a, c.b) for c in found}


def test_planted_rewrites_missed_by_lexical_generators_are_proposed() -> None:
    lexical = _pairs(propose(_pile(OFF), SETTINGS, OFF))
    found = {(c.a, c.b): c for c in propose(_pile(), SETTINGS, HASHING)}
    pair = ("museum-llm", "museum-src")
    assert pair not in lexical
    assert pair in found
    assert any(r.startswith("semantic:") for r in found[pair].reasons)


def test_unrelated_articles_of_one_outlet_are_not_proposed() -> None:
    found = _pairs(propose(_pile(), SETTINGS, HASHING))
    ledger = {p for p in found if p[0].startswith("ledger") or p[1].startswith("ledger")}
    assert ledger == set()


def test_seed_rewrites_are_proposed_semantically(seeds_dir: Path) -> None:
    seeds = [
        _features(p.name[:3], p.read_text(encoding="utf-8")) for p in sorted(seeds_dir.iterdir())
    ]
    found = {(c.a, c.b): c for c in propose(seeds, SETTINGS, HASHING)}
    for rewrite in ("002", "004"):
        reasons = found[("000", rewrite)].reasons
        assert any(r.startswith("semantic:") for r in reasons), reasons


def test_same_day_stands_in_for_a_shared_anchor() -> None:
    day = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    later = datetime(2026, 4, 20, 9, 0, tzinfo=UTC)
    first = "the storm closed roads and schools across the valley while crews cleared fallen trees"
    second = "crews cleared fallen trees as the storm closed schools and roads across the valley"
    gated = SemanticSettings(mode="hashing", threshold=0.5, min_anchors=5, window_days=1)
    same = [_features("a", first, gated, day), _features("b", second, gated, day)]
    apart = [_features("a", first, gated, day), _features("b", second, gated, later)]
    near = propose(same, SETTINGS, gated)
    assert next(r for c in near for r in c.reasons if r.startswith("semantic")).endswith("window")
    assert propose(apart, SETTINGS, gated) == []


def test_a_shared_day_admits_only_near_vectors() -> None:
    # one day's news is a window every pair of a pile shares: it stands in for a shared rare
    # anchor only when the vectors are nearly the same
    day = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    first = "the storm closed roads and schools across the valley while crews cleared fallen trees"
    second = "crews cleared fallen branches after the storm shut valley roads and two schools"
    loose = SemanticSettings(
        mode="hashing", threshold=0.3, min_anchors=5, window_days=1, window_threshold=0.3
    )
    strict = SemanticSettings(
        mode="hashing", threshold=0.3, min_anchors=5, window_days=1, window_threshold=0.95
    )
    pair = [_features("a", first, loose, day), _features("b", second, loose, day)]
    found = propose(pair, SETTINGS, loose)
    assert len(found) == 1
    assert found[0].reasons[-1].endswith("window")
    assert propose(pair, SETTINGS, strict) == []
    with pytest.raises(ValueError, match="window_threshold"):
        SemanticSettings(mode="hashing", window_threshold=0.0)


def test_off_mode_stores_no_vectors_and_changes_the_scheme() -> None:
    plain = _features("a", FERRY_SOURCE, OFF)
    assert plain.vectors == ""
    assert features_scheme(SETTINGS, OFF) != features_scheme(SETTINGS, HASHING)
    assert "/e1:hashing-256/" in features_scheme(SETTINGS)  # the default mode
    with pytest.raises(ValueError, match="scheme"):
        CandidateIndex(SETTINGS, HASHING).add(plain)


def test_features_with_vectors_and_date_round_trip_through_json() -> None:
    published = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    f = _features("a", FERRY_SOURCE, HASHING, published)
    assert f.published_day == day_number(published) == 20514
    assert CandidateFeatures.from_json(f.to_json()) == f
    assert ArticleVectors.decode(f.vectors).rows.shape == (2, 256)


def test_article_vectors_refuse_bad_input() -> None:
    with pytest.raises(ValueError, match="base64"):
        ArticleVectors.decode("not base64!")
    with pytest.raises(ValueError, match="2 rows"):
        ArticleVectors.decode("AAAA")
    with pytest.raises(ValueError, match="int8"):
        ArticleVectors(np.zeros((2, 4), dtype=np.float32))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mode", "bert", "semantic mode"),
        ("threshold", 0.0, "threshold"),
        ("top_k", 0, "top_k"),
        ("window_days", -1, "window_days"),
    ],
)
def test_semantic_settings_are_checked(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SemanticSettings(**{field: value})  # type: ignore[arg-type]


@settings(max_examples=15, deadline=None)
@given(st.permutations(range(8)))
def test_proposals_do_not_depend_on_input_order(order: list[int]) -> None:
    pile = _pile()
    expected = propose(pile, SETTINGS, HASHING)
    assert propose([pile[i] for i in order], SETTINGS, HASHING) == expected


@settings(max_examples=15, deadline=None)
@given(st.permutations(range(8)))
def test_incremental_queries_do_not_depend_on_insertion_order(order: list[int]) -> None:
    pile = _pile()
    index = CandidateIndex(SETTINGS, HASHING)
    for i in order:
        index.add(pile[i])
    reference = CandidateIndex(SETTINGS, HASHING)
    for f in pile:
        reference.add(f)
    assert [index.query(f) for f in pile] == [reference.query(f) for f in pile]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.lists(st.integers(-127, 127), min_size=16, max_size=16), min_size=2, max_size=12)
)
def test_neighbour_cosines_are_symmetric_bounded_and_capped(rows: list[list[int]]) -> None:
    index = SemanticIndex()
    vectors = [ArticleVectors(np.array([r, r[::-1]], dtype=np.int8)) for r in rows]
    for i, v in enumerate(vectors):
        index.add(f"a{i:02d}", v)
    found = index.neighbours([(f"a{i:02d}", v) for i, v in enumerate(vectors)], 3, -1.0)
    near = [dict(n) for n in found]
    for i, neighbours in enumerate(near):
        assert len(neighbours) <= 3
        assert f"a{i:02d}" not in neighbours
        for other, cosine in neighbours.items():
            assert -1.0 - 1e-9 <= cosine <= 1.0 + 1e-9
            back = near[int(other[1:])]
            assert back.get(f"a{i:02d}", cosine) == cosine


@pytest.mark.slow
def test_static_vectors_propose_the_planted_rewrites() -> None:
    static = SemanticSettings(mode="static", threshold=0.8)
    lexical = _pairs(propose(_pile(OFF), SETTINGS, OFF))
    found = {(c.a, c.b): c for c in propose(_pile(static), SETTINGS, static)}
    assert ("ferry-llm", "ferry-src") not in lexical
    assert ("ferry-llm", "ferry-src") in found
    assert ("museum-llm", "museum-src") in found
    assert not any(a.startswith("ledger") or b.startswith("ledger") for a, b in found)


def test_search_among_a_pool_agrees_with_the_exact_search() -> None:
    rng = np.random.default_rng(5)
    index = SemanticIndex()
    vectors = {
        f"a{i}": ArticleVectors(rng.integers(-127, 128, (2, 16)).astype(np.int8)) for i in range(12)
    }
    for article_id, v in vectors.items():
        index.add(article_id, v)
    query = vectors["a3"]
    exact = index.neighbours([("a3", query)], top_k=4, threshold=-1.0)[0]
    assert index.neighbours_among("a3", query, sorted(vectors), 4, -1.0) == exact
    pool = ["a1", "a5", "a7", "a3", "missing"]
    among = index.neighbours_among("a3", query, pool, 2, -1.0)
    assert [i for i, _ in among] == [
        i
        for i, _ in sorted(
            ((i, pair_cosine(query, vectors[i])) for i in ("a1", "a5", "a7")),
            key=lambda item: (-item[1], item[0]),
        )
    ][:2]
    for article_id, cosine in among:
        assert cosine == pair_cosine(query, vectors[article_id])


def test_search_among_rows_is_the_search_among_their_ids() -> None:
    rng = np.random.default_rng(9)
    index = SemanticIndex()
    vectors = {
        f"b{i}": ArticleVectors(rng.integers(-127, 128, (2, 16)).astype(np.int8)) for i in range(9)
    }
    for article_id, v in vectors.items():
        index.add(article_id, v)
    assert index.row_of("b4") == 4
    assert index.row_of("nowhere") == -1
    pool = ["b8", "b1", "b6", "b2"]
    rows = np.asarray([index.row_of(i) for i in pool], dtype=np.intp)
    query = vectors["b0"]
    by_rows = index.neighbours_in_rows(query, rows, 2, -1.0)
    assert by_rows == index.neighbours_among("b0", query, pool, 2, -1.0)
    assert len(by_rows) == 2 and {i for i, _ in by_rows} <= set(pool)
    assert index.neighbours_in_rows(query, np.zeros(0, dtype=np.intp), 2, -1.0) == []
