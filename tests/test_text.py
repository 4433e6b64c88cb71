"""The text stage: normalisation with offsets, sentence splitting, roles, tokens, prepare."""

from __future__ import annotations

import importlib.util
import os
import re
import textwrap
import time
import warnings
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.models import Article, Document, SentenceRole
from wiretrace.text import prepare
from wiretrace.text.normalize import normalize
from wiretrace.text.paragraphs import paragraph_spans
from wiretrace.text.roles import caption_roles, find_agency, find_dateline, role_of
from wiretrace.text.sentences import line_spans, split_sentences
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
        (
            "Wire writers Ana Ruiz and Tom Bell in Oslo contributed to this report.",
            SentenceRole.BYLINE,
        ),
        ("Mira Stone contributed reporting.", SentenceRole.BYLINE),
        ("___", SentenceRole.CHROME),
        ("* * *", SentenceRole.CHROME),
        (
            "Follow Ruiz on Twitter at http://twitter.com/@anaruiz and Bell at "
            "http://twitter.com/@tombell and Stone at http://twitter.com/@mirastone",
            SentenceRole.CHROME,
        ),
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
        "The senator said he contributed to this report from Oslo before the talks ended.",
        "She has contributed to the story of the port for decades.",
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


# --- hard-wrapped text -----------------------------------------------------------------

DATA = (
    Path(os.environ.get("WIRETRACE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    / "data"
)

WRAPPED = """Flood warning for the Amsel valley

Heavy rain pushed the Amsel river over its banks on Tuesday, and
officials in Port Alder told residents of the lower town to move to
higher ground before nightfall. The council opened two schools as
shelters.

Water levels were expected to peak on Wednesday morning, the
regional flood office said, adding that the dykes upstream of the
old bridge were holding.
"""


def paragraphs_of(text: str) -> list[str]:
    return [text[s.start : s.end] for s in paragraph_spans(text)]


def test_hard_wrapped_paragraphs_are_joined_and_keep_offsets() -> None:
    document = prepared(WRAPPED)
    assert [(s.paragraph, s.norm) for s in document.sentences] == [
        (0, "Flood warning for the Amsel valley"),
        (1, "Heavy rain pushed the Amsel river over its banks on Tuesday, and officials in Port Alder told residents of the lower town to move to higher ground before nightfall."),
        (1, "The council opened two schools as shelters."),
        (2, "Water levels were expected to peak on Wednesday morning, the regional flood office said, adding that the dykes upstream of the old bridge were holding."),
    ]  # fmt: skip
    spanning = document.sentences[1]
    assert spanning.text.count("\n") == 2
    assert WRAPPED[spanning.span.start : spanning.span.end] == spanning.text
    assert document.sentences[2].text == "The council opened two schools as\nshelters."


def test_chrome_caption_and_list_lines_stand_apart_inside_a_wrapped_block() -> None:
    text = (
        "Fire crews in Port Alder battled a blaze on Tuesday that forced\n"
        "hundreds of residents to leave their homes, officials said.\n"
        "Share this article\n"
        "Advertisement\n"
        "The fire started in a warehouse near the harbour and spread\n"
        "quickly across three streets, the fire chief told reporters.\n"
        "Photo: Firefighters at the harbour on Tuesday.\n"
        "The council listed what residents should do tonight:\n"
        "- Keep windows shut and stay indoors if smoke reaches you\n"
        "- Call the helpline before travelling to the shelters\n"
        "Crews expect to contain the fire by Wednesday morning, although\n"
        "strong winds from the sea could fan the flames again overnight.\n"
    )
    document = prepared(text)
    assert [(s.paragraph, s.role) for s in document.sentences] == [
        (0, SentenceRole.BODY),
        (1, SentenceRole.CHROME),
        (2, SentenceRole.CHROME),
        (3, SentenceRole.BODY),
        (4, SentenceRole.CAPTION),
        (5, SentenceRole.BODY),
        (6, SentenceRole.BODY),
        (7, SentenceRole.BODY),
        (8, SentenceRole.BODY),
    ]
    assert document.sentences[-1].norm.startswith(
        "Crews expect to contain the fire by Wednesday morning, although strong"
    )


def test_indented_paragraphs_agency_trailer_and_dateline_in_wire_style() -> None:
    text = (
        "    NEW YORK, March 3 - Harbour Mills Inc said it agreed to buy\n"
        "the flour business of Amsel Foods Corp for 42 mln dlrs in cash,\n"
        "subject to approval by regulators.\n"
        "    The company said the purchase would add about 120 mln dlrs\n"
        "to its annual sales.\n"
        " Reuter\n"
        "\x03"
    )
    document = prepared(text)
    assert [(s.paragraph, s.role, s.norm) for s in document.sentences] == [
        (0, SentenceRole.DATELINE, "NEW YORK, March 3 -"),
        (0, SentenceRole.BODY, "Harbour Mills Inc said it agreed to buy the flour business of Amsel Foods Corp for 42 mln dlrs in cash, subject to approval by regulators."),
        (1, SentenceRole.BODY, "The company said the purchase would add about 120 mln dlrs to its annual sales."),
        (2, SentenceRole.BYLINE, "Reuter"),
        (3, SentenceRole.CHROME, "\x03"),
    ]  # fmt: skip
    assert (document.dateline, document.attribution) == ("NEW YORK", "Reuters")
    assert role("REUTER") is SentenceRole.BYLINE
    assert role("REUTER&#3;") is SentenceRole.BYLINE


def test_first_line_cut_short_by_a_missing_dateline_is_still_joined() -> None:
    text = (
        "Federal Reserve Board Governor Anna\n"
        "Lindqvist said on Tuesday that the bank would keep rates unchanged\n"
        "for the rest of the year, citing weak exports.\n"
    )
    assert paragraphs_of(text) == [text.strip()]
    titled = "Rates on hold\nPORT ALDER, March 3 - The central bank kept its main rate\nunchanged on Tuesday, citing weak exports and slower growth.\n"
    assert prepared(titled).sentences[0].text == "Rates on hold"
    assert prepared(titled).dateline == "PORT ALDER"


@pytest.mark.parametrize(
    "text",
    [
        "By Jane Doe\nLIMA (Reuters) - Rescuers dug on. Sen. Ruiz said so.\nAdvertisement",
        "One sentence per line, closed.\nAnother line that is also closed.\nA third closed line here.",
        "Venezuela Turns to OPEC\nWhat the talks mean for oil prices\nWhy the summit matters now",
        "- milk\n- bread and butter for the week ahead, and some more items\n- eggs",
    ],
)
def test_lines_that_were_not_wrapped_stay_paragraphs(text: str) -> None:
    assert paragraph_spans(text) == line_spans(text)


def test_seed_paragraphs_are_still_one_per_line(seeds_dir: Path) -> None:
    for number in sorted(NON_BODY):
        text = seed_text(seeds_dir, number)
        assert paragraph_spans(text) == line_spans(text)


WORDS = st.sampled_from(
    [
        "the",
        "of",
        "river",
        "fire",
        "council",
        "harbour",
        "crews",
        "water",
        "bridge",
        "homes",
        "night",
        "storm",
        "said",
        "town",
        "road",
        "officials",
        "residents",
        "flood",
        "power",
        "and",
        "to",
        "in",
        "on",
        "was",
        "were",
        "would",
        "north",
        "south",
        "mayor",
    ]
)
SENTENCES = st.lists(WORDS, min_size=14, max_size=24).map(
    lambda w: " ".join([w[0].capitalize(), *w[1:]]) + "."
)
PARAGRAPHS = st.lists(
    st.lists(SENTENCES, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=4
)


@settings(max_examples=150, deadline=None)
@given(PARAGRAPHS, st.integers(min_value=50, max_value=90), st.booleans())
def test_wrapping_prose_changes_no_sentence(
    paragraphs: list[str], width: int, indent: bool
) -> None:
    if indent:  # wire style: one block, paragraphs marked by indentation
        wrapped = "\n".join(textwrap.fill(p, width, initial_indent="    ") for p in paragraphs)
    else:
        wrapped = "\n\n".join(textwrap.fill(p, width) for p in paragraphs)
    unwrapped = prepared("\n".join(paragraphs))
    document = prepared(wrapped)
    assert [s.norm for s in document.sentences] == [s.norm for s in unwrapped.sentences]
    # A wrap that falls on a sentence's end may leave two paragraphs where one was written.
    assert len({s.paragraph for s in document.sentences}) >= len(paragraphs)
    for sentence in document.sentences:
        assert wrapped[sentence.span.start : sentence.span.end] == sentence.text


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(SENTENCES, NEWSY), min_size=1, max_size=6), st.data())
def test_random_wrapping_keeps_offsets_and_single_line_norms(
    pieces: list[str], data: st.DataObject
) -> None:
    width = data.draw(st.integers(min_value=10, max_value=120))
    breaks = st.sampled_from(["\n", "\n\n", "\r\n", "\n    ", " \n"])
    text = "".join(
        textwrap.fill(piece, width).replace("\n", data.draw(breaks)) + data.draw(breaks)
        for piece in pieces
    )
    document = prepared(text)
    previous_end = 0
    for sentence in document.sentences:
        assert text[sentence.span.start : sentence.span.end] == sentence.text
        assert previous_end <= sentence.span.start
        assert "\n" not in sentence.norm
        assert normalize(sentence.norm).text == sentence.norm
        previous_end = sentence.span.end
    assert words(" ".join(s.norm for s in document.sentences)) == words(normalize(text).text)


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        ("Port Alder: Fire crews worked through the night.", "Port Alder"),
        ("Caracas: The government said on Monday.", "Caracas"),
        ("Rio de Janeiro: Police said two people died.", "Rio de Janeiro"),
    ],
)
def test_find_opening_dateline_in_normal_case(sentence: str, place: str) -> None:
    dateline = find_dateline(sentence, opening=True)
    assert dateline is not None and dateline.place == place
    assert sentence[dateline.body_start :].startswith(sentence.split(": ", 1)[1])
    assert find_dateline(sentence) is None  # only where a story opens


@pytest.mark.parametrize(
    "sentence",
    [
        "Update: The road has reopened.",
        "Note: This story has been corrected.",
        "Breaking: Fire crews are on the scene.",
        "Port Alder: fire crews worked on.",
        "The North Harbour Town Council: It met today.",
    ],
)
def test_no_opening_dateline_for_labels(sentence: str) -> None:
    assert find_dateline(sentence, opening=True) is None


def test_prepare_opening_dateline_only_in_a_story_sentence() -> None:
    document = prepared("Fire at the harbour\n\nPort Alder: Fire crews worked through the night.")
    assert [(s.role, s.text) for s in document.sentences][1:] == [
        (SentenceRole.DATELINE, "Port Alder:"),
        (SentenceRole.BODY, "Fire crews worked through the night."),
    ]
    assert prepared("Report: Harbour Mills to buy Amsel Foods").dateline is None
    later = prepared("The council met on Monday.\nPort Alder: Fire crews worked on.")
    assert later.dateline is None


# --- real corpora (skipped where /work/shared/data is absent) ------------------------------


def load_data_module() -> ModuleType:
    path = DATA / "loaders.py"
    if not (DATA / "reuters21578").is_dir() or not path.is_file():
        pytest.skip(f"Reuters-21578 not found under {DATA}")
    spec = importlib.util.spec_from_file_location("shared_data_loaders", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def reuters_bodies() -> list[str]:
    loaders = load_data_module()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # the loader leaves its files to the GC
        records = loaders.reuters21578()
    return [record["body"] for record in records if record["body"]][:400]


def test_reuters_bodies_are_rejoined_and_end_with_the_agency_tag(reuters_bodies: list[str]) -> None:
    tagged = spanning = 0
    for body in reuters_bodies:
        document = prepared(body)
        for sentence in document.sentences:
            assert body[sentence.span.start : sentence.span.end] == sentence.text
        roles = [(s.role, s.norm.lower()) for s in document.sentences[-2:]]
        tagged += roles == [(SentenceRole.BYLINE, "reuter"), (SentenceRole.CHROME, "&#3;")]
        spanning += any("\n" in s.text for s in document.body)
    assert tagged >= 0.97 * len(reuters_bodies)
    assert spanning >= 0.8 * len(reuters_bodies)


def test_reuters_first_record_with_its_dateline() -> None:
    load_data_module()
    raw = (DATA / "reuters21578" / "reut2-000.sgm").read_text(encoding="latin-1")
    record = re.search(r"<DATELINE>(.*?)</DATELINE><BODY>(.*?)</BODY>", raw, re.S)
    assert record is not None
    text = record.group(1) + record.group(2)
    document = prepared(text)
    first, second, third = document.sentences[:3]
    assert (first.role, first.text) == (SentenceRole.DATELINE, "SALVADOR, Feb 26 -")
    assert second.norm.startswith("Showers continued throughout the week in the Bahia cocoa zone,")
    assert second.norm.endswith("Comissaria Smith said in its weekly review.")
    assert (second.paragraph, third.paragraph) == (0, 1)
    assert third.norm == "The dry period means the temporao will be late this year."
    assert (document.dateline, document.attribution) == ("SALVADOR", "Reuters")


def test_clough_stevenson_wrapped_answer() -> None:
    path = DATA / "clough_stevenson_short_answers" / "data" / "g0pA_taska.txt"
    if not path.is_file():
        pytest.skip(f"Clough & Stevenson answers not found at {path}")
    text = path.read_bytes().decode("utf-8", errors="replace")
    document = prepared(text)
    assert {s.paragraph for s in document.sentences} == {0, 1}
    assert document.sentences[0].norm.startswith(
        "Inheritance is a basic concept of Object-Oriented Programming where the basic idea"
    )


# --- shortcuts: each gives what the long way gives ----------------------------------------

# NEWSY plus the characters the shortcuts single out: rare spaces and line breaks, format
# characters, dash runs and compatibility forms.
EDGY = st.text(
    alphabet=st.sampled_from(
        list("aAbZ z.-'\"\n\r\t\x0b\x0c\x1c\x1d\x1e\x1f\x85")
        + list("\u2018\u201d\u2014\u00a0\u2009\u200b\u2060\ufeff\u00ad\u2029")
        + list("\u0301\u00e9\ufb01\uff21\u0340\u00a3")
    ),
    max_size=80,
)


@given(st.one_of(EDGY, ANY_TEXT))
def test_normalize_shortcut_gives_what_the_long_way_gives(text: str) -> None:
    from wiretrace.text.normalize import _folded  # the long way, as reference

    quick, slow = normalize(text), _folded(text)
    assert quick.text == slow.text
    assert list(quick.offsets) == list(slow.offsets)


@given(st.one_of(EDGY, ANY_TEXT))
def test_normalize_flat_folds_line_breaks_like_the_long_way(text: str) -> None:
    from wiretrace.text.normalize import normalize_flat

    expected = re.sub(
        r"\s*[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]\s*", " ", normalize(text).text.strip()
    )
    assert normalize_flat(text) == expected


@given(st.one_of(EDGY, ANY_TEXT, st.text(alphabet=st.characters(max_codepoint=127))))
def test_words_shortcut_matches_the_word_regex(text: str) -> None:
    assert words(text) == re.findall(r"\w+", text.lower())


def _rules() -> list[tuple[str, re.Pattern[str]]]:
    from wiretrace.text import roles

    case_free = (*roles.CHROME_PATTERNS, *roles.CREDIT_PATTERNS, *roles.CAPTION_PATTERNS)
    return [(p, re.compile(p, re.IGNORECASE)) for p in case_free] + [
        (p, re.compile(p)) for p in roles.BYLINE_PATTERNS
    ]


RULES = _rules()


@pytest.mark.parametrize(("source", "rule"), RULES, ids=[f"rule{k}" for k in range(len(RULES))])
def test_role_prefilter_lets_every_rule_match_through(source: str, rule: re.Pattern[str]) -> None:
    """Strings generated from each rule pass the cheap test that guards the rules."""
    from wiretrace.text.roles import _may_be_ruled

    @settings(max_examples=40, deadline=None)
    @given(st.from_regex(rule, fullmatch=True))
    def passes(line: str) -> None:
        if rule.fullmatch(line):
            assert _may_be_ruled(line), (source, line)

    passes()


def test_role_prefilter_skips_story_sentences() -> None:
    from wiretrace.text.roles import _may_be_ruled

    assert not _may_be_ruled("The issue is targeted at Europe, with no Japanese co-managers.")
    assert not _may_be_ruled("Maduro said he would not step down.")
    assert _may_be_ruled("(AFP Photo)") and _may_be_ruled("Example Media. All rights reserved.")


def test_a_documents_body_is_read_once_and_never_carried_into_a_changed_copy() -> None:
    import pickle
    from dataclasses import replace

    doc = prepared("LONDON (Reuters) - The port reopened on Monday.\n\nShips queued outside.")
    body = doc.body
    assert doc.body is body  # read once, then kept
    assert doc.body_text == " ".join(s.norm for s in body)
    assert [s.role for s in body] == [SentenceRole.BODY] * len(body)
    shorter = replace(doc, sentences=doc.sentences[:1])
    assert shorter.body == tuple(s for s in doc.sentences[:1] if s.role is SentenceRole.BODY)
    assert len(shorter.body) < len(body)
    back = pickle.loads(pickle.dumps(doc))
    assert back == doc and back.body_text == doc.body_text
    assert back == prepared(doc.article.text)  # the kept body takes no part in equality


def test_what_is_derived_from_a_document_is_computed_once_and_never_sent_or_copied() -> None:
    import pickle
    from dataclasses import replace

    calls: list[str] = []

    def words(document: Document) -> int:
        calls.append(document.id)
        return len(document.body_text.split())

    def sentences(document: Document) -> int:
        return len(document.body)

    doc = prepared("LONDON (Reuters) - The port reopened on Monday.\n\nShips queued outside.")
    assert doc.derived(words) == doc.derived(words) == 8
    assert calls == [doc.id]  # computed once, then kept with the document
    assert doc.derived(sentences) == len(doc.body)  # another function, another value
    back = pickle.loads(pickle.dumps(doc))
    assert back == doc and back._memo is None  # the memo stays behind
    assert back.derived(words) == 8 and calls == [doc.id, doc.id]
    shorter = replace(doc, sentences=doc.sentences[:1])  # the dateline alone: no body
    assert shorter.derived(words) == 0  # a changed copy computes its own
    assert len(calls) == 3
