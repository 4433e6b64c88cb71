"""Tests for change detection inside aligned passages, caveats and added sentences."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.changes import classify_added, detect_changes, is_caveat
from wiretrace.changes_markers import find_markers
from wiretrace.changes_text import PassagePair, passage
from wiretrace.lexicon import HEDGES, NEGATORS
from wiretrace.models import (
    AddedKind,
    Article,
    Change,
    ChangeKind,
    Document,
    Sentence,
    SentenceRole,
    Span,
)

FACT_KINDS = (ChangeKind.NUMBER, ChangeKind.ENTITY, ChangeKind.NEGATION, ChangeKind.QUOTE)


def kinds(source: str, derivative: str) -> list[ChangeKind]:
    return [c.kind for c in detect_changes(source, derivative)]


def of_kind(source: str, derivative: str, kind: ChangeKind) -> list[Change]:
    return [c for c in detect_changes(source, derivative) if c.kind is kind]


def seed_text(seeds_dir: Path, prefix: str) -> str:
    return next(seeds_dir.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def cut(text: str, start: str, end: str) -> str:
    """Return the passage of a seed from ``start`` to the end of ``end`` (both must exist)."""
    first = text.index(start)
    return text[first : text.index(end, first) + len(end)]


# --- seeds: 000 is the wire original, 004 an LLM rewrite of it ---------------------------


def test_seed_follow_up_strike_is_hedged_and_softened(seeds_dir: Path) -> None:
    source = cut(seed_text(seeds_dir, "000"), "US media reported on Friday", "initial attack.")
    derivative = cut(seed_text(seeds_dir, "004"), "Reports indicate that", "approach.")
    changes = detect_changes(source, derivative)
    hedge = [c for c in changes if c.kind is ChangeKind.HEDGE]
    assert hedge and "may have" in hedge[0].derivative_text and "killed" in hedge[0].source_text
    softening = [c for c in changes if c.kind is ChangeKind.INTENSITY]
    assert softening and "unintentionally" in softening[0].derivative_text
    assert not {c.kind for c in changes} & {ChangeKind.NUMBER, ChangeKind.ENTITY}


def test_seed_kill_everybody_order(seeds_dir: Path) -> None:
    source = cut(seed_text(seeds_dir, "000"), "The Washington Post and CNN said", 'those two men."')
    derivative = cut(
        seed_text(seeds_dir, "004"), "Following the reports", "lethal follow-up actions."
    )
    changes = detect_changes(source, derivative)
    quote = [c for c in changes if c.kind is ChangeKind.QUOTE]
    assert any("kill everybody" in c.source_text for c in quote)
    attribution = [c for c in changes if c.kind is ChangeKind.ATTRIBUTION]
    assert any("Washington Post and CNN" in c.source_text for c in attribution)
    hedge = [c for c in changes if c.kind is ChangeKind.HEDGE]
    assert any("allegedly" in c.derivative_text for c in hedge)
    assert not [c for c in changes if c.kind in (ChangeKind.NUMBER, ChangeKind.ENTITY)]


def test_seed_reward_and_bounty_are_the_same_amount(seeds_dir: Path) -> None:
    source = cut(seed_text(seeds_dir, "000"), "The United States accuses", "even exists.")
    derivative = cut(seed_text(seeds_dir, "004"), "The US government has", "cartel exists.")
    found = kinds(source, derivative)
    for kind in FACT_KINDS:
        assert kind not in found


def test_seed_closing_sentence_is_editorial(seeds_dir: Path) -> None:
    source = document("000", seed_text(seeds_dir, "000"))
    derivative_text = seed_text(seeds_dir, "004")
    derivative = document("004", derivative_text)
    last = derivative.sentences[-1]
    assert last.text.startswith("This series of events underscores")
    assert classify_added(last, derivative, source) is AddedKind.EDITORIAL


def test_seed_whole_articles_keep_the_evidence_invariant(seeds_dir: Path) -> None:
    source = seed_text(seeds_dir, "000")
    for prefix in ("001", "002", "003", "004"):
        derivative = seed_text(seeds_dir, prefix)
        for change in detect_changes(source, derivative):
            assert change.source_text in source
            assert change.derivative_text in derivative


# --- NUMBER -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "derivative"),
    [
        ("The firm paid $50 million.", "The firm paid USD 50 million."),
        ("The firm paid US$50 million.", "The firm paid $50m."),
        ("The firm paid $50 million.", "The firm paid 50 million dollars."),
        ("Six airlines have canceled services.", "6 airlines have suspended services."),
        ("Prices rose 5% last year.", "Prices rose five per cent last year."),
        ("Air strikes killed at least 83 people.", "Air strikes killed 83 people."),
        ("He boarded Air Force One.", "He flew on Air Force One."),
        ("One of the ministers resigned.", "A minister resigned."),
    ],
)
def test_same_quantity_in_other_words_is_no_number_change(source: str, derivative: str) -> None:
    assert ChangeKind.NUMBER not in kinds(source, derivative)


@pytest.mark.parametrize(
    ("source", "derivative", "before", "after"),
    [
        ("Some 2,300 troops were sent.", "Some 23,000 troops were sent.", "2,300", "23,000"),
        (
            "It offered a $50 million reward.",
            "It offered a $5 million reward.",
            "$50 million",
            "$5 million",
        ),
        ("Unemployment rose to 5%.", "Unemployment rose to 7 percent.", "5%", "7 percent"),
        (
            "The talks took place on Sunday.",
            "The talks took place on Saturday.",
            "Sunday",
            "Saturday",
        ),
        ("It was launched in September.", "It was launched in October.", "September", "October"),
        ("The vote was held in 2023.", "The vote was held in 2021.", "2023", "2021"),
        ("Six airlines cancelled flights.", "Nine airlines cancelled flights.", "Six", "Nine"),
    ],
)
def test_changed_quantity_is_a_number_change(
    source: str, derivative: str, before: str, after: str
) -> None:
    numbers = of_kind(source, derivative, ChangeKind.NUMBER)
    assert [(c.source_text, c.derivative_text) for c in numbers] == [(before, after)]


def test_qualifier_on_same_number_is_a_hedge_not_a_number() -> None:
    changes = detect_changes(
        "The strikes killed at least 83 people.", "The strikes killed 83 people."
    )
    assert [c.kind for c in changes] == [ChangeKind.HEDGE]
    assert changes[0].source_text == "at least 83"


def test_number_dropped_with_its_clause_is_no_change() -> None:
    source = "Flights resumed on Sunday, and 40 passengers were stranded overnight."
    assert ChangeKind.NUMBER not in kinds(source, "Flights resumed on Sunday.")


# --- ENTITY -------------------------------------------------------------------------------


def test_replaced_speaker_is_an_entity_change() -> None:
    entity = of_kind(
        "Trump said the talks went well.", "Biden said the talks went well.", ChangeKind.ENTITY
    )
    assert [(c.source_text, c.derivative_text) for c in entity] == [("Trump", "Biden")]


def test_replaced_place_is_an_entity_change() -> None:
    source = "The summit will be held in Geneva next month, officials said."
    derivative = "The summit will be held in Vienna next month, officials said."
    entity = of_kind(source, derivative, ChangeKind.ENTITY)
    assert [(c.source_text, c.derivative_text) for c in entity] == [("Geneva", "Vienna")]


@pytest.mark.parametrize(
    ("source", "derivative"),
    [
        ("The U.S. imposed sanctions on Iran.", "The United States imposed sanctions on Iran."),
        ("The US imposed sanctions on Iran.", "The U.S. imposed sanctions on Iran."),
        ("Nicolas Maduro spoke on Sunday.", "Nicolás Maduro spoke on Sunday."),
        ("President Nicolas Maduro spoke.", "Maduro spoke."),
        ("Officials in Caracas and Bogota met.", "Officials in Caracas met."),
        ("However, Venezuela rejected the plan.", "Venezuela, however, rejected the plan."),
    ],
)
def test_same_entity_or_dropped_entity_is_no_entity_change(source: str, derivative: str) -> None:
    assert ChangeKind.ENTITY not in kinds(source, derivative)


# --- QUOTE --------------------------------------------------------------------------------


def test_truncated_quote() -> None:
    source = (
        'Venezuela asked OPEC to help "stop this aggression, which is being readied with force."'
    )
    derivative = "Venezuela asked OPEC to help “stop this aggression.”"
    quote = of_kind(source, derivative, ChangeKind.QUOTE)
    assert len(quote) == 1 and quote[0].note == "quote truncated"


def test_altered_quote() -> None:
    source = 'He said: "We will never give up our land."'
    derivative = 'He said: "We will never give up our rights."'
    quote = of_kind(source, derivative, ChangeKind.QUOTE)
    assert len(quote) == 1 and quote[0].note == "quote altered"


def test_quote_turned_into_indirect_speech() -> None:
    source = 'Maduro wrote that Washington "is trying to seize our vast oil reserves by force."'
    derivative = "Maduro wrote that Washington is trying to seize its vast oil reserves by force."
    quote = of_kind(source, derivative, ChangeKind.QUOTE)
    assert len(quote) == 1 and "indirect" in quote[0].note


def test_quote_removed_while_sentence_kept() -> None:
    source = 'Hegseth issued a directive to "kill everybody," the newspaper said.'
    derivative = "Hegseth issued an order, the newspaper said."
    quote = of_kind(source, derivative, ChangeKind.QUOTE)
    assert quote and quote[0].source_text == '"kill everybody,"' and "removed" in quote[0].note


def test_quote_put_in_another_mouth() -> None:
    source = '"We are ready to talk at any time," Maduro said.'
    derivative = '"We are ready to talk at any time," Rodriguez said.'
    quote = of_kind(source, derivative, ChangeKind.QUOTE)
    assert quote and "another mouth" in quote[0].note


def test_spliced_quote() -> None:
    source = 'He said "we want peace with our neighbours" and later "we will defend our borders".'
    derivative = 'He said "we want peace, we will defend our borders".'
    quote = of_kind(source, derivative, ChangeKind.QUOTE)
    assert quote and "spliced" in quote[0].note


@pytest.mark.parametrize(
    ("source", "derivative"),
    [
        (
            '"It was a phone call," Trump told reporters.',
            "“It was a phone call,” Trump told reporters.",
        ),
        (
            'He appeared on CNN\'s "State of the Union" show.',
            "He appeared on CNN's State of the Union.",
        ),
        ('"I wouldn\'t say it went well," he said.', "“I wouldn’t say it went well,” he said."),
    ],
)
def test_same_quote_or_quoted_title_is_no_quote_change(source: str, derivative: str) -> None:
    assert ChangeKind.QUOTE not in kinds(source, derivative)


# --- ATTRIBUTION --------------------------------------------------------------------------


def test_according_to_replaced_by_is_said_to() -> None:
    source = "The strike will go ahead on Monday, according to the union."
    derivative = "The strike is said to be going ahead on Monday."
    attribution = of_kind(source, derivative, ChangeKind.ATTRIBUTION)
    assert attribution and attribution[0].source_text == "according to the union"
    assert attribution[0].derivative_text == "is said to"


def test_named_source_replaced() -> None:
    source = "Police said two people were hurt in the blast."
    derivative = "Officials said two people were hurt in the blast."
    attribution = of_kind(source, derivative, ChangeKind.ATTRIBUTION)
    assert [(c.source_text, c.derivative_text) for c in attribution] == [
        ("Police said", "Officials said")
    ]


def test_reporting_outlets_dropped() -> None:
    source = "The Washington Post and CNN reported that the minister had resigned."
    derivative = "The minister had resigned."
    attribution = of_kind(source, derivative, ChangeKind.ATTRIBUTION)
    assert attribution and "Washington Post and CNN" in attribution[0].source_text


@pytest.mark.parametrize(
    ("source", "derivative"),
    [
        ("Police said the road was closed.", "The road was closed, police said."),
        ("Trump told reporters the call went well.", "Trump said the call went well."),
        (
            "The United States accuses Maduro of fraud.",
            "The US government accuses Maduro of fraud.",
        ),
    ],
)
def test_same_source_in_other_words_is_no_attribution_change(source: str, derivative: str) -> None:
    assert ChangeKind.ATTRIBUTION not in kinds(source, derivative)


# --- HEDGE --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "derivative", "marker"),
    [
        ("The strike killed survivors.", "The strike may have killed survivors.", "may have"),
        ("Hegseth issued the order.", "Hegseth allegedly issued the order.", "allegedly"),
        ("The drone was shot down.", "The drone was reportedly shot down.", "reportedly"),
        ("The leak is believed to have caused the fire.", "The leak caused the fire.", ""),
    ],
)
def test_hedge_added_or_removed(source: str, derivative: str, marker: str) -> None:
    hedge = of_kind(source, derivative, ChangeKind.HEDGE)
    assert hedge
    assert marker in hedge[0].derivative_text


def test_certainty_raised() -> None:
    source = "Unconfirmed reports put the toll higher."
    derivative = "Confirmed reports put the toll higher."
    assert ChangeKind.HEDGE in kinds(source, derivative)


def test_same_hedge_in_other_words_is_no_hedge_change() -> None:
    source = "Officials designated an alleged drug cartel run by Maduro."
    derivative = "Officials designated a cartel purportedly run by Maduro."
    assert ChangeKind.HEDGE not in kinds(source, derivative)


# --- NEGATION -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "derivative"),
    [
        (
            "The union said it was prepared to resume talks.",
            "The union said it would not resume talks.",
        ),
        ("He denied giving the order.", "He admitted giving the order."),
        ("There is no evidence of fraud.", "There is evidence of fraud."),
        ("The council agreed to extend the ban.", "The council refused to extend the ban."),
        ("Exports rose sharply in May.", "Exports fell sharply in May."),
        ("The senate approved the bill.", "The senate blocked the bill."),
    ],
)
def test_meaning_reversed_is_a_negation(source: str, derivative: str) -> None:
    assert ChangeKind.NEGATION in kinds(source, derivative)


@pytest.mark.parametrize(
    ("source", "derivative"),
    [
        ("He would not comment on the call.", "He refrained from commenting on the call."),
        ("Trump has not publicly threatened force.", "Trump has yet to publicly threaten force."),
        (
            "They insist no such organization even exists.",
            "They assert that no such cartel exists.",
        ),
        ("It offered no concrete evidence.", "It has not provided substantial evidence."),
    ],
)
def test_negation_kept_in_other_words_is_no_negation(source: str, derivative: str) -> None:
    assert ChangeKind.NEGATION not in kinds(source, derivative)


# --- INTENSITY ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "derivative", "direction"),
    [
        ("The minister criticised the plan.", "The minister slammed the plan.", "exaggerated"),
        ("Two men suffered minor injuries.", "Two men suffered serious injuries.", "exaggerated"),
        ("Police broke up the protest.", "Police broke up the riot.", "exaggerated"),
        ("Many residents left.", "Some residents left.", "softened"),
        (
            "Activists were briefly detained.",
            "Activists were arrested after violent clashes.",
            "exaggerated",
        ),
        (
            "The strike killed survivors.",
            "The strike unintentionally killed survivors.",
            "softened",
        ),
    ],
)
def test_stronger_or_weaker_word_is_an_intensity_change(
    source: str, derivative: str, direction: str
) -> None:
    intensity = of_kind(source, derivative, ChangeKind.INTENSITY)
    assert intensity and intensity[0].note.startswith(direction)


# --- paraphrases that keep the facts ------------------------------------------------------

PARAPHRASES = [
    (
        "Trump confirmed he had spoken with Maduro amid soaring tensions.",
        "Trump confirmed that he had spoken with Maduro amid escalating tensions.",
    ),
    (
        "The United States is piling the pressure on Venezuela.",
        "The United States has intensified its pressure on Venezuela.",
    ),
    (
        "The US has issued a $50 million reward for his capture.",
        "The US has placed a $50 million bounty on his capture.",
    ),
    (
        "Six airlines have canceled services to Venezuela.",
        "Six airlines have suspended operations to Venezuela.",
    ),
    (
        "Washington says the deployment launched in September aims to curb drug trafficking.",
        "The US claims the deployment, initiated in September, aims to combat drug trafficking.",
    ),
    (
        "The United States also does not recognize Maduro as the legitimate winner.",
        "Moreover, the US does not recognize Maduro as the legitimate victor.",
    ),
    (
        "He would not comment on a possible Trump-Maduro call.",
        "He refrained from commenting on the potential Trump-Maduro dialogue.",
    ),
    (
        "The head of Venezuela's legislature, Jorge Rodriguez, met relatives of the dead.",
        "Jorge Rodriguez, the head of Venezuela's legislature, met families of the dead.",
    ),
    (
        "US air strikes have targeted alleged drug-trafficking boats, killing at least 83 people.",
        "US strikes on alleged drug-trafficking vessels have killed at least 83 individuals.",
    ),
    (
        "The airport in Caracas was functioning as usual on Sunday.",
        "On Sunday the Caracas airport continued to function normally.",
    ),
    (
        "Senator Markwayne Mullin said the United States has offered Maduro the chance to leave.",
        "Senator Markwayne Mullin said the US had offered Maduro an opportunity to leave.",
    ),
    (
        "Trump's administration has offered no concrete evidence to back up the allegations.",
        "Trump's administration has not provided concrete evidence to support the allegations.",
    ),
    (
        "The world's largest aircraft carrier was deployed to Caribbean waters.",
        "The largest aircraft carrier in the world was sent to the Caribbean.",
    ),
    (
        "The request came in a letter from Maduro, read by Vice President Delcy Rodriguez.",
        "Vice President Delcy Rodriguez read out the request, contained in a letter from Maduro.",
    ),
    (
        "The prime minister resigned on Tuesday after weeks of pressure.",
        "After weeks of pressure, the prime minister stepped down on Tuesday.",
    ),
    (
        "Inflation rose to 3.2 percent in March, the statistics office said.",
        "The statistics office said inflation climbed to 3.2% in March.",
    ),
    (
        "Venezuela and countries that support it insist no such organization even exists.",
        "Venezuela and its allies maintain that no such group exists.",
    ),
    (
        '"I wouldn\'t say it went well or badly," Trump told reporters aboard Air Force One.',
        "“I wouldn’t say it went well or badly,” Trump told reporters on Air Force One.",
    ),
]


@pytest.mark.parametrize(("source", "derivative"), PARAPHRASES)
def test_paraphrase_raises_no_fact_flags(source: str, derivative: str) -> None:
    changes = detect_changes(source, derivative)
    assert not [c for c in changes if c.kind in FACT_KINDS], changes


def test_paraphrase_false_flag_count_is_zero() -> None:
    false_flags = sum(
        1
        for source, derivative in PARAPHRASES
        for change in detect_changes(source, derivative)
        if change.kind is not ChangeKind.INTENSITY
    )
    assert len(PARAPHRASES) >= 15
    assert false_flags == 0


# --- properties ---------------------------------------------------------------------------

NEWS_WORDS = [
    "Trump",
    "Maduro",
    "Biden",
    "said",
    "told",
    "police",
    "officials",
    "may",
    "not",
    "no",
    "allegedly",
    "reportedly",
    "killed",
    "at",
    "least",
    "83",
    "2,300",
    "$50",
    "million",
    "six",
    "Sunday",
    "September",
    "October",
    "the",
    "of",
    "and",
    '"',
    "“",
    "”",
    "'",
    "criticised",
    "slammed",
    "minor",
    "serious",
    "according",
    "to",
    "union",
    "denied",
    "admitted",
    ",",
    ".",
    "U.S.",
    "United",
    "States",
    "—",
    "...",
    "%",
    "US$5m",
    "May",
    "protest",
    "riot",
    "never",
]
news_text = st.lists(st.sampled_from(NEWS_WORDS), max_size=30).map(" ".join)
any_text = st.one_of(st.text(max_size=80), news_text)


@settings(max_examples=150, deadline=None)
@given(any_text)
def test_identical_passages_have_no_changes(text: str) -> None:
    assert detect_changes(text, text) == ()


@settings(max_examples=150, deadline=None)
@given(any_text, any_text)
def test_evidence_lies_inside_each_passage_and_output_is_deterministic(
    source: str, derivative: str
) -> None:
    changes = detect_changes(source, derivative)
    assert changes == detect_changes(source, derivative)
    for change in changes:
        assert change.source_text in source
        assert change.derivative_text in derivative
        assert change.source_text or change.derivative_text


@settings(max_examples=100, deadline=None)
@given(news_text)
def test_is_caveat_and_detect_changes_never_raise(text: str) -> None:
    assert isinstance(is_caveat(text), bool)
    detect_changes(text, text + " Police said.")


# --- is_caveat ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The study has not been peer reviewed.",
        "The sample was small, the authors noted.",
        "Hegseth denied giving such an order.",
        "The ministry rejected the claims as baseless.",
        "There is no evidence the vote was rigged.",
        "But Venezuela and its allies insist no such organization even exists.",
        "The claim could not be independently verified.",
        "The company did not respond to requests for comment.",
        "It is unclear whether the strike was legal.",
        "The administration has not provided evidence for its allegations.",
    ],
)
def test_caveats(text: str) -> None:
    assert is_caveat(text)


@pytest.mark.parametrize(
    "text",
    [
        "Trump confirmed on Sunday he had spoken with Maduro.",
        "Six airlines have canceled services to Venezuela.",
        "The study found a strong link between sleep and memory.",
        "Police said two people were hurt.",
    ],
)
def test_not_caveats(text: str) -> None:
    assert not is_caveat(text)


# --- classify_added -----------------------------------------------------------------------


def document(article_id: str, text: str, roles: dict[int, SentenceRole] | None = None) -> Document:
    """Build a document by hand: one sentence per line, or per full stop on a long line."""
    sentences: list[Sentence] = []
    offset = 0
    for chunk in _chunks(text):
        start = text.index(chunk, offset)
        offset = start + len(chunk)
        role = (roles or {}).get(len(sentences), SentenceRole.BODY)
        sentences.append(Sentence(len(sentences), Span(start, offset), chunk, chunk, 0, role))
    return Document(Article(article_id, text), tuple(sentences))


def _chunks(text: str) -> list[str]:
    import re

    return [m.group().strip() for m in re.finditer(r"[^.!?\n]+[.!?]*", text) if m.group().strip()]


SOURCE_DOC = document(
    "src",
    "Trump said he spoke with Maduro on Sunday. The US offered a $50 million reward. "
    "Six airlines cancelled flights to Caracas.",
)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (SentenceRole.CHROME, AddedKind.BOILERPLATE),
        (SentenceRole.CREDIT, AddedKind.BOILERPLATE),
        (SentenceRole.CAPTION, AddedKind.CAPTION),
        (SentenceRole.BYLINE, AddedKind.BYLINE),
        (SentenceRole.DATELINE, AddedKind.BYLINE),
    ],
)
def test_added_sentence_role_decides(role: SentenceRole, expected: AddedKind) -> None:
    derivative = document("der", "Trump said he spoke with Maduro. Photo by Jane Doe.", {1: role})
    sentence = derivative.sentences[1]
    assert classify_added(sentence, derivative, SOURCE_DOC) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Leave a Reply. Your email address will not be published.", AddedKind.BOILERPLATE),
        ("Subscribe to our newsletter for daily updates.", AddedKind.BOILERPLATE),
        ("This development underscores the fragile state of relations.", AddedKind.EDITORIAL),
        ("It remains to be seen whether the talks will resume.", AddedKind.EDITORIAL),
        ("The move is raising questions about the legality of the strikes.", AddedKind.EDITORIAL),
        ("Colombia also closed its border with Venezuela on Monday.", AddedKind.NEW_INFORMATION),
        ("The reward was later raised to $75 million.", AddedKind.NEW_INFORMATION),
        (
            "This highlights the role of Colombian President Gustavo Petro in the talks.",
            AddedKind.NEW_INFORMATION,
        ),
    ],
)
def test_added_body_sentence_kinds(text: str, expected: AddedKind) -> None:
    derivative = document("der", text)
    sentence = derivative.sentences[0]
    assert classify_added(sentence, derivative, SOURCE_DOC) is expected


# --- planted changes of the sample corpus, in small -----------------------------------------


def test_one_word_of_a_longer_name_swapped_is_an_entity_change() -> None:
    source = "Nine others were taken to St Brannoc Hospital, the hospital said."
    derivative = "Nine people were taken to St Brendan Hospital, the hospital said."
    entity = of_kind(source, derivative, ChangeKind.ENTITY)
    assert [(c.source_text, c.derivative_text) for c in entity] == [
        ("St Brannoc Hospital", "St Brendan Hospital")
    ]


@pytest.mark.parametrize(
    ("source", "derivative"),
    [
        (
            "FTC Chairman Timothy Muris said it was wrong.",
            "FTC Chairman Tim Muris said it was wrong.",
        ),
        (
            "The slaying of Dean Harold Meyers shocked many.",
            "The slaying of Dean H. Meyers shocked many.",
        ),
        (
            "No photo of Peter Hollingworth ran on Monday.",
            "No photo of Dr Hollingworth ran on Monday.",
        ),
        ("Fighters of al Qaida Central attacked.", "Fighters of al Qaeda Central attacked."),
    ],
)
def test_name_spelled_or_titled_otherwise_is_no_entity_change(source: str, derivative: str) -> None:
    assert ChangeKind.ENTITY not in kinds(source, derivative)


def test_speaker_swapped_for_another_name_is_an_entity_not_an_attribution() -> None:
    source = "Feyer said the commission would present updated rainfall forecasts."
    derivative = "Fenner said the commission would share updated rainfall forecasts."
    assert kinds(source, derivative) == [ChangeKind.ENTITY]


def test_trailing_attribution_dropped() -> None:
    source = (
        "Residents blocked the gate of the mine to protest against the dam, local officials said."
    )
    derivative = "Residents blocked the gate of the mine to protest against the dam."
    attribution = of_kind(source, derivative, ChangeKind.ATTRIBUTION)
    assert [(c.source_text, c.derivative_text) for c in attribution] == [
        ("local officials said", "")
    ]


def test_leading_attribution_of_an_unnamed_body_dropped() -> None:
    source = "The port authority said investigators would examine whether grain dust played a role."
    derivative = "Investigators will examine whether grain dust played a role."
    attribution = of_kind(source, derivative, ChangeKind.ATTRIBUTION)
    assert attribution and attribution[0].source_text == "port authority said"


@pytest.mark.parametrize(
    ("source", "derivative"),
    [
        (
            "Hesketh said in a statement that it had suspended all loading.",
            "The company said it had suspended all loading.",
        ),
        (
            '"The public needs to know more of the fraud," the judge said.',
            '"The public needs to know more of the fraud," he said.',
        ),
        ("Local officials said the road was closed.", "The road was closed, officials said."),
    ],
)
def test_same_source_referred_to_otherwise_is_no_attribution_change(
    source: str, derivative: str
) -> None:
    assert ChangeKind.ATTRIBUTION not in kinds(source, derivative)


@pytest.mark.parametrize("marker", ["appear to", "seem to", "appears to have"])
def test_appear_to_is_a_hedge(marker: str) -> None:
    verb = "reduced" if marker.endswith("have") else "reduce"
    source = "The drug did not reduce deaths."
    hedge = of_kind(source, f"The drug did not {marker} {verb} deaths.", ChangeKind.HEDGE)
    assert hedge and marker.split()[0] in hedge[0].derivative_text
    assert ChangeKind.NEGATION not in kinds(source, f"The drug did not {marker} {verb} deaths.")


def test_caveat_clause_dropped_is_a_hedge() -> None:
    source = (
        "The drug shortened hospital stays by a third, researchers said on Tuesday, "
        "although the study has not been peer reviewed."
    )
    derivative = "The drug shortened hospital stays by a third, researchers said on Tuesday."
    hedge = of_kind(source, derivative, ChangeKind.HEDGE)
    assert [(c.source_text, c.derivative_text) for c in hedge] == [
        ("although the study has not been peer reviewed", "")
    ]
    assert hedge[0].note.startswith("caveat dropped")


def test_caveat_kept_in_other_words_or_sentence_rewritten_is_no_hedge() -> None:
    kept = "Stays fell by a third, researchers said, but the study has not been peer reviewed."
    reworded = "Stays fell by a third in the trial, which has not yet been peer-reviewed."
    assert ChangeKind.HEDGE not in kinds(kept, reworded)
    assert ChangeKind.HEDGE not in kinds("He denied giving the order.", "Ships left the port.")


@pytest.mark.parametrize(
    ("source", "derivative", "before", "after"),
    [
        (
            "The strike cancelled nearly all of the 220 daily services.",
            "The strike cancelled 204 of the 220 daily services.",
            "nearly all",
            "204",
        ),
        (
            "The strike cancelled 204 of the 220 daily services.",
            "The strike cancelled most of the 220 daily services.",
            "204",
            "most",
        ),
        ("Police detained dozens of protesters.", "Police detained 40 protesters.", "dozens", "40"),
    ],
)
def test_vague_quantity_swapped_for_a_figure_is_a_number_change(
    source: str, derivative: str, before: str, after: str
) -> None:
    numbers = of_kind(source, derivative, ChangeKind.NUMBER)
    assert [(c.source_text, c.derivative_text) for c in numbers] == [(before, after)]


@pytest.mark.parametrize(
    ("source", "derivative"),
    [
        ("They left at about 1 a.m.", "They left at around 1 a.m."),
        ("Around 600 people slept in a hall.", "Approximately 600 people slept in a hall."),
        ("Prices topped more than $100 a barrel.", "Prices topped over $100 a barrel."),
    ],
)
def test_equivalent_qualifiers_are_no_hedge(source: str, derivative: str) -> None:
    assert kinds(source, derivative) == []


def test_qualifier_of_another_meaning_is_still_a_hedge() -> None:
    hedge = of_kind("About 400 people marched.", "At least 400 people marched.", ChangeKind.HEDGE)
    assert [(c.source_text, c.derivative_text) for c in hedge] == [("About 400", "At least 400")]


def test_lacks_is_a_negation_like_no() -> None:
    source = "The accord contains no clear rule for drought years."
    derivative = "The agreement lacks a clear rule for drought years."
    assert ChangeKind.NEGATION not in kinds(source, derivative)


def test_marker_evidence_stops_at_the_word_it_governs() -> None:
    source = "Police briefly detained 14 people on Tuesday."
    derivative = "Police arrested 14 people after violent clashes on Tuesday."
    intensity = of_kind(source, derivative, ChangeKind.INTENSITY)
    assert any(c.derivative_text == "violent clashes" for c in intensity)
    assert any("briefly detained" in c.source_text for c in intensity)


# --- fast paths keep the answers ------------------------------------------------------------


def _retyped(text: str) -> str:
    """A copy's typography: curly quotes, em dashes, doubled spaces, another case."""
    return text.replace('"', "“").replace(" - ", " — ").replace(" ", "  ").upper()


@settings(max_examples=100, deadline=None)
@given(any_text)
def test_typography_alone_is_no_change(text: str) -> None:
    assert detect_changes(text, _retyped(text)) == ()


@settings(max_examples=100, deadline=None)
@given(news_text, news_text)
def test_block_of_finds_the_block_holding_each_token(source: str, derivative: str) -> None:
    pair = PassagePair(source, derivative)
    for is_derivative, size in ((False, len(pair.source.keys)), (True, len(pair.derivative.keys))):
        for index in range(size):
            expected = next(
                b
                for b in pair.blocks
                if (b.b0 <= index < b.b1 if is_derivative else b.a0 <= index < b.a1)
            )
            assert pair.block_of(index, is_derivative) == expected


@settings(max_examples=100, deadline=None)
@given(news_text)
def test_markers_are_found_where_their_words_are(text: str) -> None:
    prepared = passage(text)
    for phrases in (HEDGES, NEGATORS):
        ranges = find_markers(prepared, phrases, quoted=True)
        assert ranges == sorted(ranges)
        covered = [i for first, last in ranges for i in range(first, last + 1)]
        assert len(covered) == len(set(covered))
        for first, last in ranges:
            assert " ".join(prepared.keys[first : last + 1]) in phrases
