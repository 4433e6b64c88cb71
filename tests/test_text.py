"""The text stage: normalisation with offsets, sentence splitting, roles, tokens, prepare."""

# ruff: noqa: E501  (tables of real news snippets read better unwrapped)

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.models import Article, Document, SentenceRole
from wiretrace.text import prepare
from wiretrace.text.normalize import normalize
from wiretrace.text.roles import caption_roles, find_agency, find_dateline, role_of
from wiretrace.text.sentences import split_sentences
from wiretrace.text.tokens import words

# Text drawn from the characters that matter here: letters, punctuation, quotes,
# dashes, spaces of every kind, line breaks, combining marks and format characters.
NEWSY = st.text(
    alphabet=st.sampled_from(
        list("aAbZ z.!?,;:\"'()$%-0123456789\n\r\t")
        + list("\u2018\u2019\u201c\u201d\u2013\u2014\u2212\u2026\u00a0\u200b\u200d\u00ad")
        + list("\u0301\u0308\u00e9\ufb01\u2460\uff21\u3000\u2028\u00bb")
    ),
    max_size=120,
)
ANY_TEXT = st.one_of(NEWSY, st.text(max_size=80))


def sentences_of(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def prepared(text: str, title: str | None = None) -> Document:
    return prepare(Article(id="a", text=text, title=title))


def role(text: str) -> SentenceRole:
    return role_of(normalize(text).text.strip()) or SentenceRole.BODY


def seed_text(seeds_dir: Path, number: str) -> str:
    (path,) = seeds_dir.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8")


# --- normalize -------------------------------------------------------------------------


def test_normalize_folds_typography() -> None:
    text = (
        "\u201cIt\u2019s closed\u201d \u2014 he said\u2026 a\u00a0\u00a0b\tc -- d \u2013 e\u2212f"
    )
    assert normalize(text).text == '"It\'s closed" - he said... a b c - d - e-f'


def test_normalize_keeps_spaced_dash_and_newlines() -> None:
    assert (
        normalize("Caracas \u2014 Venezuela\r\nNext  line").text == "Caracas - Venezuela\nNext line"
    )


def test_normalize_composes_and_drops_invisible_characters() -> None:
    assert normalize("Nicola\u0301s ma\u200dn\u00ad").text == "Nicolás man"
    assert normalize("\ufb01nal \uff21").text == "final A"


def test_to_original_maps_back_through_expansions_and_collapses() -> None:
    text = "a\u2026  b\u201cc"
    result = normalize(text)
    assert result.text == 'a... b"c'
    assert [result.to_original(i) for i in range(len(result.text) + 1)] == [
        0,
        1,
        1,
        1,
        2,
        4,
        5,
        6,
        7,
    ]
    with pytest.raises(ValueError, match="offset must be in"):
        result.to_original(len(result.text) + 1)


@given(ANY_TEXT)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text).text
    assert normalize(once).text == once


@given(ANY_TEXT)
def test_to_original_is_monotone_and_in_range(text: str) -> None:
    result = normalize(text)
    mapped = [result.to_original(i) for i in range(len(result.text) + 1)]
    assert mapped == sorted(mapped)
    assert all(0 <= m <= len(text) for m in mapped)
    assert mapped[-1] == len(text)


# --- sentences -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. Navy said so. Sen. John Smith of the U.N. agreed. Gov. Jones left.",
            ["The U.S. Navy said so.", "Sen. John Smith of the U.N. agreed.", "Gov. Jones left."],
        ),
        (
            "Rep. Ann Lee met Gen. Paul Roe, Dr. Kim, Mr. and Mrs. Doe and Ms. Poe at St. Paul's.",
            ["Rep. Ann Lee met Gen. Paul Roe, Dr. Kim, Mr. and Mrs. Doe and Ms. Poe at St. Paul's."],
        ),
        (
            "John F. Kennedy read J.R.R. Tolkien. It was late.",
            ["John F. Kennedy read J.R.R. Tolkien.", "It was late."],
        ),
        (
            "It cost $50 million, or 3.5% of the $1.2bn budget. Then it ended.",
            ["It cost $50 million, or 3.5% of the $1.2bn budget.", "Then it ended."],
        ),
        (
            "Prices rose in Jan. 2024 and hit No. 1 by Dec. 5. He works at Acme Inc. The firm grew.",
            ["Prices rose in Jan. 2024 and hit No. 1 by Dec. 5.", "He works at Acme Inc.", "The firm grew."],
        ),
        (
            "Acme Corp. and Beta Ltd. merged vs. Gamma etc. and others. It is done.",
            ["Acme Corp. and Beta Ltd. merged vs. Gamma etc. and others.", "It is done."],
        ),
        (
            'Venezuelan airspace is "closed," he said." Next came the vote.',
            ['Venezuelan airspace is "closed," he said."', "Next came the vote."],
        ),
        ('"Is it?" she asked. "Yes!" He ran.', ['"Is it?" she asked.', '"Yes!"', "He ran."]),
        (
            "\u201cIs it?\u201d she asked. \u201cIt was a phone call,\u201d Trump said. \u201cWe\u2019ll see.\u201d",
            [
                "\u201cIs it?\u201d she asked.",
                "\u201cIt was a phone call,\u201d Trump said.",
                "\u201cWe\u2019ll see.\u201d",
            ],
        ),
        (
            "What happened...can only be murder. He waited... and waited. Then silence\u2026 Nothing.",
            ["What happened...can only be murder.", "He waited... and waited.", "Then silence\u2026", "Nothing."],
        ),
        ("Headline without a stop\nBody line. Second.\n\n  Third  ", ["Headline without a stop", "Body line.", "Second.", "Third"]),
        ("He lives in the U.S. The end came.", ["He lives in the U.S.", "The end came."]),
        ("Talks start at 9 a.m. The vote is at 5 p.m. on Friday.", ["Talks start at 9 a.m.", "The vote is at 5 p.m. on Friday."]),
        ("Maduro (r.) has accused Trump. \u00a9 Collage: X / AFP", ["Maduro (r.) has accused Trump.", "\u00a9 Collage: X / AFP"]),
    ],
)  # fmt: skip
def test_split_sentences_on_news_text(text: str, expected: list[str]) -> None:
    assert sentences_of(text) == expected


@settings(max_examples=200)
@given(ANY_TEXT)
def test_sentence_spans_lie_inside_the_text_in_order(text: str) -> None:
    spans = split_sentences(text)
    previous_end = 0
    for span in spans:
        piece = text[span.start : span.end]
        assert previous_end <= span.start < span.end <= len(text)
        assert piece == piece.strip()
        assert "\n" not in piece
        previous_end = span.end


# --- tokens ----------------------------------------------------------------------------


def test_words_are_lowercased_and_split_on_apostrophes_and_hyphens() -> None:
    assert words("Venezuela's drug-trafficking: $50 MILLION, 3.5%") == [
        "venezuela",
        "s",
        "drug",
        "trafficking",
        "50",
        "million",
        "3",
        "5",
    ]
    assert words("Venezuela\u2019s Nicol\u00e1s") == ["venezuela", "s", "nicolás"]
    assert words(" \n ") == []


# --- roles -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Home > World > Americas", SentenceRole.CHROME),
        ("Home / News / World", SentenceRole.CHROME),
        ("Share on Facebook", SentenceRole.CHROME),
        ("Tweet", SentenceRole.CHROME),
        ("Share this article", SentenceRole.CHROME),
        ("Facebook Twitter WhatsApp Copy link", SentenceRole.CHROME),
        ("Sign up for our newsletter to get the latest news in your inbox.", SentenceRole.CHROME),
        ("Leave a Reply", SentenceRole.CHROME),
        ("Your email address will not be published.", SentenceRole.CHROME),
        ("Required fields are marked *", SentenceRole.CHROME),
        ("Post Comment", SentenceRole.CHROME),
        ("Read more", SentenceRole.CHROME),
        ("READ MORE: Venezuela crisis deepens", SentenceRole.CHROME),
        ("Related articles", SentenceRole.CHROME),
        ("Advertisement", SentenceRole.CHROME),
        (
            "We use cookies to improve your experience. By continuing, you agree.",
            SentenceRole.CHROME,
        ),
        ("Follow us on Twitter", SentenceRole.CHROME),
        ("Tags: Venezuela, Maduro, Trump", SentenceRole.CHROME),
        ("World | Business | Sport | Culture | Opinion", SentenceRole.CHROME),
        ("\u00a9 2025 Example Media. All rights reserved.", SentenceRole.CREDIT),
        ("Photo: John Smith / AFP", SentenceRole.CREDIT),
        ("(AFP Photo)", SentenceRole.CREDIT),
        ("JUAN BARRETO / AFP", SentenceRole.CREDIT),
        ("Photo: Soldiers parade in Caracas on Sunday.", SentenceRole.CAPTION),
        ("Image: Nicolas Maduro speaks during a rally", SentenceRole.CAPTION),
        ("By Jane Doe", SentenceRole.BYLINE),
        ("By Jane Doe, Reuters", SentenceRole.BYLINE),
        ("Jane Doe | AFP", SentenceRole.BYLINE),
        ("\u2013 AFP", SentenceRole.BYLINE),
        ("(Reuters)", SentenceRole.BYLINE),
        ("Staff writer", SentenceRole.BYLINE),
        ("Reporting by Jane Doe; Editing by John Smith", SentenceRole.BYLINE),
        ("Published: Dec 1, 2025 10:30 AM", SentenceRole.BYLINE),
    ],
)
def test_role_of_non_story_material(text: str, expected: SentenceRole) -> None:
    assert role(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "By Sunday, the airport in Caracas was functioning as usual.",
        "Posted on Monday, the video showed the attack.",
        "With the election looming, Maduro said he would not step down.",
        "More news is expected on Monday.",
        "Related to this, officials said the talks would resume.",
        "The EU said websites that use cookies must ask users for consent.",
        "Reporting by the New York Times suggested otherwise.",
        "Share prices fell 3% on Monday.",
        "Comments made by Trump on Sunday angered Caracas.",
        "Subscribers will receive updates on the situation, the company said.",
        "Reuters reported on Friday that the talks had stalled.",
        "Aid from OPEC?",
        "'Extrajudicial executions'",
        "Venezuela Turns to OPEC",
    ],
)
def test_story_sentences_are_not_labelled(text: str) -> None:
    assert role(text) is SentenceRole.BODY


def test_caption_roles_need_a_credit_or_position_marker() -> None:
    caption = ["Maduro (left) and Trump at a summit in 2019."]
    assert caption_roles(caption) == [SentenceRole.CAPTION]
    assert caption_roles(["Trump said Sen. Mullin (R) would lead the delegation."]) is None


@pytest.mark.parametrize(
    ("sentence", "place", "agency", "lead"),
    [
        ("CARACAS: US President Donald Trump said", "CARACAS", None, "CARACAS:"),
        ("CARACAS (AFP) - US officials said", "CARACAS", "AFP", "CARACAS (AFP) -"),
        ("WASHINGTON, Dec 1 (Reuters) - The US said", "WASHINGTON", "Reuters", "WASHINGTON, Dec 1 (Reuters) -"),
        ("BEIRUT, Lebanon (AP) \u2014 Israeli strikes hit", "BEIRUT", "AP", "BEIRUT, Lebanon (AP) \u2014"),
        ("date 2025-12-01 Washington DC - US President", "Washington DC", None, "date 2025-12-01 Washington DC -"),
    ],
)  # fmt: skip
def test_find_dateline(sentence: str, place: str, agency: str | None, lead: str) -> None:
    dateline = find_dateline(sentence)
    assert dateline is not None
    assert (dateline.place, dateline.agency, sentence[: dateline.end]) == (place, agency, lead)
    assert not sentence[dateline.body_start].isspace()


@pytest.mark.parametrize(
    "sentence",
    ["US President Donald Trump said", "OPEC: the group said", "UPDATE 1-Rescuers search", "The Associated Press (AP) said"],
)  # fmt: skip
def test_no_dateline_in_story_openings(sentence: str) -> None:
    assert find_dateline(sentence) is None


def test_find_agency_canonical_names() -> None:
    assert find_agency("By Jane Doe, The Associated Press") == "AP"
    assert find_agency("GETTY IMAGES VIA AFP") == "AFP"
    assert find_agency("APPLE and Reutersville") is None


# --- prepare ---------------------------------------------------------------------------


def test_prepare_offsets_paragraphs_and_markers() -> None:
    text = "UPDATE 1-Rescuers search for miners\n\nBy Jane Doe\nLIMA (Reuters) - Rescuers dug on. Sen. Ruiz said so.\nAdvertisement"
    document = prepared(text)
    assert [(s.paragraph, s.role, s.text) for s in document.sentences] == [
        (0, SentenceRole.TITLE, "UPDATE 1-Rescuers search for miners"),
        (1, SentenceRole.BYLINE, "By Jane Doe"),
        (2, SentenceRole.DATELINE, "LIMA (Reuters) -"),
        (2, SentenceRole.BODY, "Rescuers dug on."),
        (2, SentenceRole.BODY, "Sen. Ruiz said so."),
        (3, SentenceRole.CHROME, "Advertisement"),
    ]
    assert (document.dateline, document.attribution, document.update_marker) == (
        "LIMA",
        "Reuters",
        1,
    )
    assert [s.index for s in document.sentences] == list(range(6))


def test_prepare_title_line_and_normalised_sentences() -> None:
    text = "Maduro speaks\nHe said \u201cno\u201d \u2014 twice."
    document = prepared(text, title="Maduro speaks")
    assert document.sentences[0].role is SentenceRole.TITLE
    assert document.body_text == 'He said "no" - twice.'


def test_prepare_empty_text() -> None:
    document = prepared(" \n\n ")
    assert document.sentences == ()
    assert (document.dateline, document.attribution, document.update_marker) == (None, None, None)


@settings(max_examples=150)
@given(ANY_TEXT)
def test_prepare_sentences_are_substrings_of_the_original(text: str) -> None:
    document = prepared(text)
    previous_end = 0
    for sentence in document.sentences:
        assert text[sentence.span.start : sentence.span.end] == sentence.text
        assert previous_end <= sentence.span.start
        assert normalize(sentence.norm).text == sentence.norm
        previous_end = sentence.span.end


def test_prepare_is_fast_enough(seeds_dir: Path) -> None:
    article = Article(id="000", text=seed_text(seeds_dir, "000"))
    prepare(article)
    runs = 50
    started = time.perf_counter()
    for _ in range(runs):
        prepare(article)
    per_article = (time.perf_counter() - started) / runs
    assert per_article < 0.01  # ~1-2 ms measured; loose for a busy shared machine


# --- the seeds -------------------------------------------------------------------------

NON_BODY = {
    "000": [(SentenceRole.DATELINE, "CARACAS:")],
    "001": [(SentenceRole.DATELINE, "WASHINGTON:"), (SentenceRole.BYLINE, "\u2013 AFP")],
    "002": [
        (
            SentenceRole.TITLE,
            "Trump Confirms Call With Maduro as Venezuela Condemns Rising U.S. Military Pressure",
        ),
        (
            SentenceRole.TITLE,
            "Trump Confirms Call With Maduro as Venezuela Condemns Rising U.S. Military Pressure",
        ),
        (SentenceRole.CHROME, "Leave a Reply"),
        (SentenceRole.CHROME, "Your email address will not be published."),
        (SentenceRole.CHROME, "Required fields are marked *"),
    ],
    "003": [
        (SentenceRole.DATELINE, "date 2025-12-01 Washington DC -"),
        (
            SentenceRole.CAPTION,
            "Venezuelan President Nicolas Maduro (r.) has accused the administration of US President Donald Trump of plotting regime change in Caracas.",
        ),
        (
            SentenceRole.CREDIT,
            "\u00a9 Collage: PETE MAROVICH / GETTY IMAGES NORTH AMERICA / GETTY IMAGES VIA AFP & FEDERICO PARRA / AFP",
        ),
    ],
    "004": [],
}


@pytest.mark.parametrize("number", sorted(NON_BODY))
def test_seed_roles_only_known_material_is_not_body(seeds_dir: Path, number: str) -> None:
    document = prepared(seed_text(seeds_dir, number))
    labelled = [(s.role, s.text) for s in document.sentences if s.role is not SentenceRole.BODY]
    assert labelled == NON_BODY[number]
    assert len(document.body) > 8


def test_seed_datelines_and_attribution(seeds_dir: Path) -> None:
    found = {n: prepared(seed_text(seeds_dir, n)) for n in ("000", "001", "003")}
    assert [(d.dateline, d.attribution) for d in found.values()] == [
        ("CARACAS", None),
        ("WASHINGTON", "AFP"),
        ("Washington DC", "AFP"),
    ]


def test_seed_003_first_sentence_matches_the_wire_after_its_dateline(seeds_dir: Path) -> None:
    wire = prepared(seed_text(seeds_dir, "000")).body[0]
    copy = prepared(seed_text(seeds_dir, "003")).body[0]
    assert wire.text.startswith("US President Donald Trump confirmed on Sunday")
    # The copy's editor dropped one word ("on Sunday" -> "Sunday"); everything else is equal.
    assert copy.norm == wire.norm.replace("confirmed on Sunday", "confirmed Sunday")
    assert copy.paragraph == 0 and copy.span.start > 0


def test_seed_quotes_and_dashes_normalise_alike(seeds_dir: Path) -> None:
    wire = prepared(seed_text(seeds_dir, "000"))
    condensed = prepared(seed_text(seeds_dir, "001"))
    quote = "\"I wouldn't say it went well or badly."
    assert quote in [s.norm for s in wire.body]
    assert quote in [s.norm for s in condensed.body]
