"""The pair verdict: direction, relation, evidence and the JSON contract."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.config import EmbedSettings, Settings
from wiretrace.embed import Encoder, HashingEncoder, get_encoder
from wiretrace.errors import InputError
from wiretrace.models import (
    Article,
    Comparison,
    Document,
    Relation,
    Sentence,
    SentenceRole,
    Span,
)
from wiretrace.relation import (
    DEFAULT_THRESHOLDS,
    compare,
    comparison_from_dict,
    comparison_to_dict,
    profile_alignment,
    triage,
)
from wiretrace.text import prepare
from wiretrace.text.roles import find_update_marker

SETTINGS = Settings()
ENCODER = HashingEncoder()

ORIGINAL = (
    "Floodwaters forced 3,000 residents of Marlow to leave their homes on Tuesday.",
    "The river Tane rose 4.2 metres overnight after three days of heavy rain.",
    "Mayor Ellen Park said emergency shelters had opened in two schools.",
    "Rescue teams used boats to reach families stranded on the roofs of their houses.",
    "Power was cut to about 12,000 homes, the utility company Nordgrid said.",
    "Forecasters expect more rain across the region on Thursday.",
    "The last comparable flood hit the town in 1987, according to the council.",
    "Volunteers filled sandbags outside the town hall through the night.",
)
NEW_MATERIAL = (
    "By Wednesday morning the water had begun to recede from the town centre.",
    "Two people were found dead in a car swept off a road near Hollin, police said.",
    "Prime Minister Ravi Osei is due to visit Marlow on Thursday afternoon.",
)
INDEPENDENT_REPORT = (
    "Thousands fled Marlow as the Tane burst its banks, in the worst flooding since 1987.",
    "About 3,000 people were evacuated, officials said, many of them elderly.",
    "Ellen Park, the mayor, called it a night of fear and courage.",
    "Nordgrid confirmed outages affecting roughly 12,000 customers.",
    "Shopkeepers along the High Street counted their losses as the water lapped at doors.",
    "More wet weather is forecast on Thursday.",
)
UNRELATED_STORY = (
    "The central bank of Norland held its key interest rate at 3.5 percent on Friday.",
    "Governor Anna Lind said inflation was falling more slowly than expected.",
    "Markets had priced in a cut after weak retail figures in March.",
    "The currency rose half a percent against the euro after the announcement.",
)

Line = str | tuple[SentenceRole, str]


def make_document(
    doc_id: str,
    lines: Sequence[Line],
    *,
    update_marker: int | None = None,
    published_at: datetime | None = None,
) -> Document:
    """A document with one sentence per line; a (role, text) line gets that role."""
    sentences: list[Sentence] = []
    offset = 0
    for index, line in enumerate(lines):
        role, text = line if isinstance(line, tuple) else (SentenceRole.BODY, line)
        sentences.append(Sentence(index, Span(offset, offset + len(text)), text, text, index, role))
        offset += len(text) + 1
    article = Article(
        id=doc_id, text="\n".join(s.text for s in sentences), published_at=published_at
    )
    return Document(article=article, sentences=tuple(sentences), update_marker=update_marker)


def run(a: Document, b: Document, source: str | None = None) -> Comparison:
    return compare(a, b, ENCODER, SETTINGS, source=source)


def test_copy_with_site_chrome_is_verbatim_from_the_original() -> None:
    original = make_document("wire", ORIGINAL)
    copy = make_document(
        "site",
        [
            (SentenceRole.CHROME, "Share this article"),
            (SentenceRole.CAPTION, "Residents leave Marlow by boat on Tuesday."),
            *ORIGINAL,
            (SentenceRole.CHROME, "Leave a Reply"),
        ],
    )
    for a, b in ((original, copy), (copy, original)):
        comparison = run(a, b)
        assert (comparison.source, comparison.derivative) == ("wire", "site")
        assert comparison.relation is Relation.VERBATIM
        assert comparison.confidence >= 0.8
        assert comparison.direction_confidence > 0.5


def test_excerpt_is_the_contained_prefix() -> None:
    original = make_document("wire", ORIGINAL)
    excerpt = make_document("site", ORIGINAL[:4])
    comparison = run(excerpt, original)
    assert (comparison.source, comparison.derivative) == ("wire", "site")
    assert comparison.relation is Relation.EXCERPT
    assert any(e.startswith("containment: site") for e in comparison.evidence)
    # the returned alignment reads source -> derivative even though the excerpt came first
    assert [p.source_sentences for p in comparison.alignment.pairs] == [(i,) for i in range(4)]
    assert [o.sentence for o in comparison.alignment.omitted] == [4, 5, 6, 7]


def test_marked_update_is_the_later_longer_version() -> None:
    original = make_document("v0", ORIGINAL)
    update = make_document("v1", [*ORIGINAL, *NEW_MATERIAL], update_marker=1)
    comparison = run(update, original)
    assert (comparison.source, comparison.derivative) == ("v0", "v1")
    assert comparison.relation is Relation.UPDATE
    assert [a.sentence for a in comparison.alignment.added] == [8, 9, 10]
    assert any("UPDATE 1" in e for e in comparison.evidence)


def test_publication_time_tells_an_update_from_an_excerpt() -> None:
    morning = datetime(2025, 3, 4, 6, 0, tzinfo=UTC)
    original = make_document("early", ORIGINAL, published_at=morning)
    longer = make_document(
        "late", [*ORIGINAL, *NEW_MATERIAL], published_at=morning + timedelta(hours=8)
    )
    comparison = run(longer, original)
    assert (comparison.source, comparison.relation) == ("early", Relation.UPDATE)
    assert any(e.startswith("publication time: early") for e in comparison.evidence)
    # without times the shorter contained text is taken for an excerpt of the longer
    untimed = run(
        make_document("late", [*ORIGINAL, *NEW_MATERIAL]), make_document("early", ORIGINAL)
    )
    assert (untimed.source, untimed.relation) == ("late", Relation.EXCERPT)


def test_a_retopped_version_is_the_update_of_the_text_it_holds() -> None:
    # no times and no markers: the newer version puts its news above the old story, while an
    # excerpt keeps its source's top (the untimed case above, new material at the end)
    retopped = make_document("later", [*NEW_MATERIAL, *ORIGINAL])
    comparison = run(retopped, make_document("earlier", ORIGINAL))
    assert (comparison.source, comparison.derivative) == ("earlier", "later")
    assert comparison.relation is Relation.UPDATE
    assert any(e.startswith("new top: later puts") for e in comparison.evidence)
    # a lead sentence (under a sixth of the text) cut from a copy does not make the original
    # the later version
    cut = run(make_document("site", ORIGINAL[1:]), make_document("wire", ORIGINAL))
    assert cut.source == "wire"


def test_a_whole_pickup_without_its_last_line_is_verbatim_not_an_excerpt() -> None:
    taglines = ("Anna Berg contributed to this report.", "Follow Anna Berg on Twitter: @aberg.")
    wire = make_document("wire", [*ORIGINAL, *taglines])
    # the site runs the whole story to its last line and drops the contributor and Twitter lines
    pickup = make_document("site", ORIGINAL)
    comparison = run(wire, pickup)
    assert (comparison.source, comparison.relation) == ("wire", Relation.VERBATIM)
    # a text cut at the end stays an excerpt
    cut = run(wire, make_document("brief", ORIGINAL[:5]))
    assert (cut.source, cut.relation) == ("wire", Relation.EXCERPT)


def test_caption_stubs_are_not_compared() -> None:
    caption = (SentenceRole.CAPTION, "Trump and Putin shake hands in Helsinki on Monday, July 16.")
    first = make_document("gallery-1", [caption, "more_vert"])
    second = make_document("gallery-2", [(SentenceRole.CAPTION, "Dolls on sale."), "more_vert"])
    comparison = run(first, second)
    assert comparison.relation is Relation.UNRELATED
    assert comparison.alignment.pairs == ()
    assert comparison.evidence[0].startswith("too little story text: gallery-1, gallery-2 has")


def test_a_wire_correction_is_the_update_of_the_story_it_corrects() -> None:
    corrected_lines = [ORIGINAL[0].replace("3,000", "2,000"), *ORIGINAL[1:]]
    story = make_document("first", ORIGINAL)
    correction = make_document(
        "second",
        corrected_lines,
        update_marker=find_update_marker("CORRECTED - Floods force thousands from Marlow"),
    )
    comparison = run(correction, story)
    assert (comparison.source, comparison.derivative) == ("first", "second")
    assert comparison.relation is Relation.UPDATE
    assert any(c.source_text == "3,000" for c in comparison.changes)


def test_one_outlets_clock_outweighs_text_containment() -> None:
    morning = datetime(1987, 3, 4, 6, 0, tzinfo=UTC)

    def version(doc_id: str, lines: Sequence[Line], hours: float, outlet: str) -> Document:
        document = make_document(doc_id, lines, published_at=morning + timedelta(hours=hours))
        return dataclasses.replace(
            document, article=dataclasses.replace(document.article, outlet=outlet)
        )

    # the wire's full story, then a shorter version of it two hours later
    full, short = ORIGINAL, ORIGINAL[:5]
    same = run(version("full", full, 0, "wire"), version("short", short, 2, "wire"))
    assert (same.source, same.derivative) == ("full", "short")
    assert any("(both wire: one clock)" in e for e in same.evidence)
    # across outlets the same two hours do not outweigh containment
    apart = run(version("full", full, 2, "wire"), version("short", short, 0, "site"))
    assert (apart.source, apart.derivative) == ("full", "short")
    swapped = run(version("full", full, 2, "wire"), version("short", short, 0, "wire"))
    assert (swapped.source, swapped.derivative) == ("short", "full")


def test_independent_report_of_the_same_event() -> None:
    comparison = run(make_document("wire", ORIGINAL), make_document("local", INDEPENDENT_REPORT))
    assert comparison.relation is Relation.INDEPENDENT
    assert not comparison.relation.is_derivation


def test_unrelated_stories() -> None:
    comparison = run(make_document("flood", ORIGINAL), make_document("bank", UNRELATED_STORY))
    assert comparison.relation is Relation.UNRELATED
    assert comparison.alignment.pairs == ()


def test_named_source_is_obeyed_and_checked() -> None:
    original = make_document("wire", ORIGINAL)
    excerpt = make_document("site", ORIGINAL[:4])
    comparison = run(original, excerpt, source="site")
    assert (comparison.source, comparison.derivative) == ("site", "wire")
    assert comparison.direction_confidence == 1.0
    assert comparison.relation is Relation.UPDATE  # read that way, the longer adds material
    with pytest.raises(InputError, match="source must be"):
        run(original, excerpt, source="elsewhere")


# One airline, two orders in one month: the second story repeats the first's background
# (fleet, passengers, chief executive) but leads with other news.
AIRLINE_ORDER = (
    "Skyhaven Air has ordered 30 Corvid C-9 jets worth 2.4 billion dollars, it said on Monday.",
    "The Corvid jets will fly its busiest routes from Tallin Field from 2027.",
    "The order includes options on 15 more jets and a maintenance deal with Corvid Works.",
    "Analysts at Halden Bank said the price was a steep discount on the list value.",
    "Skyhaven Air, founded in 2003 by Marek Dorn, flies a fleet of 41 planes.",
    "It carried 6.8 million passengers last year, up 18 percent on the year before.",
    "Chief executive Ines Vahl wants the carrier to double in size by 2030.",
    "Shares in the airline rose 4 percent in Ostby on the news.",
)
AIRLINE_TURBOPROPS = (
    "Skyhaven Air is buying 12 Tern T-70 turboprops from Pelham Aero for its island routes.",
    "The Tern aircraft seat 70 passengers and will replace ageing Dash planes at Norrport.",
    "Pelham Aero said the first two would be delivered next spring from its Kell plant.",
    "Unions at the regional base welcomed the deal, which secures 300 pilot jobs.",
    "Skyhaven Air was founded in 2003 by Marek Dorn and has a fleet of 41 planes.",
    "Last year it carried 6.8 million passengers, a rise of 18 percent.",
    "Its chief executive, Ines Vahl, aims to double the carrier's size by 2030.",
    "The value of the deal was not disclosed.",
)


def test_stories_of_one_beat_sharing_background_are_not_one_event() -> None:
    order = make_document("order", AIRLINE_ORDER)
    turboprops = make_document("turboprops", AIRLINE_TURBOPROPS)
    comparison = run(order, turboprops)
    assert comparison.relation is Relation.UNRELATED
    assert any("lead names/numbers found in the other: " in e for e in comparison.evidence)
    # every other test of one event passes: only the leads' different news keeps them apart
    lenient = dataclasses.replace(DEFAULT_THRESHOLDS, same_event_lead_support=0.0)
    joined = compare(order, turboprops, ENCODER, SETTINGS, thresholds=lenient)
    assert joined.relation is Relation.INDEPENDENT


def test_reports_of_one_event_lead_with_the_same_news() -> None:
    source, derivative = make_document("wire", ORIGINAL), make_document("local", INDEPENDENT_REPORT)
    alignment = run(source, derivative).alignment
    profile = profile_alignment(alignment, source, derivative)
    assert profile.lead_support >= DEFAULT_THRESHOLDS.same_event_lead_support
    order, turboprops = make_document("a", AIRLINE_ORDER), make_document("b", AIRLINE_TURBOPROPS)
    apart = profile_alignment(run(order, turboprops).alignment, order, turboprops)
    assert apart.lead_support < DEFAULT_THRESHOLDS.same_event_lead_support


# One headline, "Marlow council votes to close the old Tane bridge", written up three ways.
BRIDGE_REPORT = (
    "The council of Marlow voted on Monday to close the old Tane bridge to all traffic.",
    "Councillors backed the closure by 14 votes to 3 after a long debate.",
    "Mayor Ellen Park said the bridge was no longer safe for buses and lorries.",
    "An inspection by the firm Castell found deep cracks in two of its stone piers.",
    "Drivers will be sent on a 6-mile detour through the village of Hollin.",
    "Shop owners on Quay Street fear they will lose passing trade.",
    "Repairs are expected to cost about 3.1 million pounds and take two years.",
)
# Written apart from the same headline: it says the topic's sentences again, and brings its
# own engineer, council leader, villages, ferry company and dates.
BRIDGE_SIBLING = (
    "The old Tane bridge will close to all traffic, the council of Marlow voted on Monday.",
    "The bridge was no longer safe for buses and lorries, engineer Tomas Ruiz of Brannock said.",
    "Through the village of Westby, drivers will be sent on a long detour.",
    "Council leader Greta Holm called the closure the only responsible choice.",
    "A ferry run by Osprey Boats will carry walkers across until a footbridge opens in 2027.",
    "Residents of Ashford plan a protest at St Anne's church on Friday.",
)
# A loose rewrite of the report: as much of it aligned, but its facts are the report's and
# what it adds is comment.
BRIDGE_REWRITE = (
    "The old Tane bridge will close to all traffic, the council of Marlow voted on Monday.",
    "Buses and lorries could no longer use the bridge safely, Mayor Ellen Park said.",
    "Through the village of Hollin, drivers will be sent on a long detour.",
    "It is a sad day for the town and for everyone who loves the old crossing.",
    "Many people will have to get used to longer journeys for a while.",
    "Nobody can say yet how the town will cope without its bridge.",
)


def test_text_written_apart_from_one_headline_is_not_a_derivative() -> None:
    report, sibling = (
        make_document("herald", BRIDGE_REPORT),
        make_document("courier", BRIDGE_SIBLING),
    )
    comparison = run(report, sibling)
    assert not comparison.relation.is_derivation
    assert any("13 names/numbers of its own" in e for e in comparison.evidence)
    # the alignment alone would have made it a condensed copy: its own facts decide
    blind = dataclasses.replace(DEFAULT_THRESHOLDS, own_facts_weight=0.0)
    assert compare(report, sibling, ENCODER, SETTINGS, thresholds=blind).relation is (
        Relation.CONDENSED
    )


def test_rewrite_without_facts_of_its_own_stays_a_derivative() -> None:
    report = make_document("herald", BRIDGE_REPORT)
    sibling, rewrite = (
        make_document("courier", BRIDGE_SIBLING),
        make_document("blog", BRIDGE_REWRITE),
    )
    comparison = run(report, rewrite)
    assert (comparison.source, comparison.relation) == ("herald", Relation.CONDENSED)
    profiles = [
        profile_alignment(c.alignment, report, other)
        for c, other in ((comparison, rewrite), (run(report, sibling), sibling))
    ]
    # both align about half their text; the rewrite's only "new" name is a word the report
    # capitalised as a sentence opener ("Mayor"), and sentence openers of its own do not count
    assert abs(profiles[0].derivative_coverage - profiles[1].derivative_coverage) < 0.05
    assert [p.own_facts for p in profiles] == [1, 13]
    assert profiles[0].own_facts_share < 0.2 < 0.8 < profiles[1].own_facts_share


def test_thresholds_live_in_one_frozen_record() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_THRESHOLDS.verbatim_coverage = 0.5  # type: ignore[misc]


def test_json_contract_round_trips() -> None:
    original = make_document("wire", ORIGINAL)
    derivative = make_document(
        "site", [ORIGINAL[0], ORIGINAL[1] + " " + ORIGINAL[2], *NEW_MATERIAL[:1]]
    )
    comparison = run(original, derivative)
    data = comparison_to_dict(comparison, original, derivative)
    fixed = {
        "source",
        "derivative",
        "relation",
        "confidence",
        "coverage",
        "pairs",
        "omitted",
        "added",
        "evidence",
        "direction_confidence",
    }
    assert fixed <= set(data)
    assert set(data["coverage"]) == {"source", "derivative"}
    pair = data["pairs"][0]
    assert {"source_sentences", "derivative_sentences", "kind", "score", "changes"} <= set(pair)
    assert {"sentence", "text", "caveat"} <= set(data["omitted"][0])
    assert {"sentence", "text", "kind"} <= set(data["added"][0])
    restored = comparison_from_dict(json.loads(json.dumps(data)))
    assert restored == comparison
    with pytest.raises(InputError):
        comparison_to_dict(comparison, derivative, original)
    with pytest.raises(InputError):
        comparison_from_dict({"source": "wire"})


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.sampled_from(ORIGINAL + NEW_MATERIAL), max_size=8, unique=True),
    st.lists(st.sampled_from(ORIGINAL + NEW_MATERIAL + INDEPENDENT_REPORT), max_size=8),
)
def test_compare_is_deterministic_and_well_formed(a_lines: list[str], b_lines: list[str]) -> None:
    a, b = make_document("a", a_lines), make_document("b", b_lines)
    comparison = run(a, b)
    assert run(a, b) == comparison
    assert {comparison.source, comparison.derivative} == {"a", "b"}
    source, derivative = (a, b) if comparison.source == "a" else (b, a)
    source_body = {s.index for s in source.body}
    derivative_body = {s.index for s in derivative.body}
    for pair in comparison.alignment.pairs:
        assert set(pair.source_sentences) <= source_body
        assert set(pair.derivative_sentences) <= derivative_body
    assert {o.sentence for o in comparison.alignment.omitted} <= source_body
    assert 0.0 <= comparison.confidence <= 1.0
    assert 0.5 <= comparison.direction_confidence <= 1.0


# --- the seeds, with the real sentence model ------------------------------------------------


@pytest.fixture(scope="session")
def minilm() -> Encoder:
    return get_encoder(EmbedSettings())


@pytest.fixture(scope="session")
def seed_documents(seeds_dir: Path) -> dict[str, Document]:
    documents = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        seed = path.name[:3]
        documents[seed] = prepare(Article(id=seed, text=path.read_text(encoding="utf-8")))
    return documents


@pytest.mark.slow
@pytest.mark.parametrize(
    ("seed", "relation"),
    [
        ("001", Relation.CONDENSED),
        ("002", Relation.PARAPHRASE),
        ("003", Relation.EXCERPT),
        ("004", Relation.PARAPHRASE),
    ],
)
def test_seed_relations_with_the_wire_original_as_source(
    seed: str, relation: Relation, minilm: Encoder, seed_documents: dict[str, Document]
) -> None:
    original, derivative = seed_documents["000"], seed_documents[seed]
    for a, b in ((original, derivative), (derivative, original)):
        comparison = compare(a, b, minilm, SETTINGS)
        assert (comparison.source, comparison.derivative) == ("000", seed)
        assert comparison.relation is relation
        assert comparison.direction_confidence > 0.6


@pytest.mark.slow
def test_seed_excerpt_coverage_and_kept_text(
    minilm: Encoder, seed_documents: dict[str, Document]
) -> None:
    comparison = compare(seed_documents["000"], seed_documents["003"], minilm, SETTINGS)
    alignment = comparison.alignment
    assert 0.4 <= alignment.coverage_source <= 0.8
    assert alignment.coverage_derivative >= 0.9
    caption_and_credit = {
        s.index
        for s in seed_documents["003"].sentences
        if s.role in (SentenceRole.CAPTION, SentenceRole.CREDIT)
    }
    assert caption_and_credit <= {a.sentence for a in alignment.added}


def test_triage_leaves_out_pairs_sharing_few_facts() -> None:
    flood, bank = make_document("flood", ORIGINAL), make_document("bank", UNRELATED_STORY)
    cheap = triage(flood, bank)
    assert cheap is not None
    assert cheap.relation is Relation.UNRELATED
    assert cheap.alignment.pairs == ()
    assert "judged unrelated without aligning" in cheap.evidence[0]
    # the stored form reads back
    assert comparison_from_dict(json.loads(json.dumps(comparison_to_dict(cheap, flood, bank))))


def test_triage_keeps_reports_sharing_their_facts() -> None:
    # an independent report of the event shares its names and numbers: it must be aligned
    wire, local = make_document("wire", ORIGINAL), make_document("local", INDEPENDENT_REPORT)
    assert triage(wire, local) is None
    strict = dataclasses.replace(DEFAULT_THRESHOLDS, triage_anchors=1.0)
    assert triage(wire, local, strict) is not None


def test_triage_keeps_the_seed_rewrites(seed_documents: dict[str, Document]) -> None:
    for rewrite in ("001", "002", "004"):
        assert triage(seed_documents["000"], seed_documents[rewrite]) is None


def test_verdicts_documents_and_features_cross_processes_whole(
    seed_documents: dict[str, Document],
) -> None:
    """Workers send verdicts and features back pickled (``pickled_by_fields``): every field
    arrives, the kept caches of documents and articles included."""
    import pickle

    from wiretrace.candidates import features
    from wiretrace.config import CandidateSettings
    from wiretrace.families import member_info

    original, copy = seed_documents["000"], seed_documents["003"]
    result = compare(original, copy, ENCODER, Settings())
    assert result.changes or result.alignment.added  # a verdict with nested records
    back = pickle.loads(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == result
    assert back.alignment.pairs[0].changes == result.alignment.pairs[0].changes
    assert original.body_text and original.article.content_hash  # caches filled
    doc = pickle.loads(pickle.dumps(original))
    assert doc == original and doc._body == original._body
    assert doc.article._hash == original.article.content_hash
    found = features(copy, CandidateSettings())
    assert pickle.loads(pickle.dumps(found)) == found
    info = member_info(copy)
    assert pickle.loads(pickle.dumps(info)) == info
