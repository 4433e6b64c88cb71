"""The shortcuts change detection takes for speed give what the plain definitions give.

Each test states a definition the straightforward way (a walk back from every word, a test
of every word against every quotation, a scan of every word for a marker) and checks the
prepared passage against it on generated text.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.changes_markers import FAMILIES, _phrase_index, find_markers
from wiretrace.changes_numbers import (
    _CALENDAR,
    _CALENDAR_CUES,
    _NUMBER_CUES,
    _QUANTITY,
    _may_contain,
)
from wiretrace.changes_text import passage, tokenize
from wiretrace.lexicon import HEDGES, MONTHS, NEGATORS, NUMBER_WORDS, VAGUE_QUANTITIES, WEEKDAYS

PIECES = [
    *(" ", "  ", "\n", "\t", "\u00a0", ". ", "! ", "? ", ": ", ", ", "; ", "—", "-", "(", ")"),
    *('"', "“", "”", "'", "‘", "’", "«", "»"),
    *("Police", "said", "the", "report", "may", "May", "not", "no", "all", "most", "U.S.", "5"),
    *("5,000", "3.5", "US$5m", "It's", "Dr.", "ſix", "\u212aind", "İn", "ın", "٣"),
    *(word.capitalize() for word in ("one", "twenty", "monday", "june")),
    *NUMBER_WORDS,
    *WEEKDAYS,
    *MONTHS,
    *HEDGES,
    *NEGATORS,
    *VAGUE_QUANTITIES,
]
pieces_text = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
spaced_text = st.lists(st.sampled_from(PIECES), max_size=30).map(" ".join)
some_text = st.one_of(st.text(max_size=60), pieces_text, spaced_text)

_SENTENCE_ENDS = ".!?:\n"
_QUOTE_MARKS = "\"'“”‘’«»("


def _walked_back(text: str, start: int) -> bool:
    """The definition: past spaces, quote marks and spaces before a word lies the start of
    the text or a sentence end."""
    index = start
    for skipped in (str.isspace, _QUOTE_MARKS.__contains__, str.isspace):
        while index > 0 and skipped(text[index - 1]):
            index -= 1
    return index == 0 or text[index - 1] in _SENTENCE_ENDS


@settings(max_examples=300, deadline=None)
@given(some_text)
def test_sentence_starts_are_those_of_a_walk_back_from_each_word(text: str) -> None:
    words = tokenize(text)
    assert list(words.sentence_starts) == [_walked_back(text, s) for s in words.starts]


@settings(max_examples=200, deadline=None)
@given(some_text)
def test_words_are_cut_as_the_word_pattern_finds_them(text: str) -> None:
    words = tokenize(text)
    assert len(words.texts) == len(words.keys) == len(words.starts) == len(words.ends)
    for word, start, end, capital in zip(
        words.texts, words.starts, words.ends, words.capitalised, strict=True
    ):
        assert text[start:end] == word
        assert capital == word[:1].isupper()


@settings(max_examples=200, deadline=None)
@given(some_text)
def test_quoted_words_are_those_starting_inside_quotation_marks(text: str) -> None:
    prepared = passage(text)
    assert list(prepared.quoted) == [
        any(q.inner_start <= start < q.inner_end for q in prepared.quotations)
        for start in prepared.starts
    ]


@settings(max_examples=200, deadline=None)
@given(some_text)
def test_positions_index_every_word_in_order(text: str) -> None:
    prepared = passage(text)
    expected: dict[str, list[int]] = {}
    for index, key in enumerate(prepared.keys):
        expected.setdefault(key, []).append(index)
    assert {k: list(v) for k, v in prepared.positions.items()} == expected
    assert list(prepared.positions) == list(expected)
    assert prepared.key_set == frozenset(prepared.keys)


def _every_marker_start(keys: tuple[str, ...], phrases: tuple[str, ...]) -> list[tuple[int, int]]:
    """The definition of a marker hit: a phrase's words at some word of the passage."""
    index = _phrase_index(phrases)
    return sorted(
        (first, first + len(words) - 1)
        for first in range(len(keys))
        for words in index.get(keys[first], ())
        if keys[first : first + len(words)] == words
    )


@settings(max_examples=200, deadline=None)
@given(spaced_text)
def test_markers_are_found_at_every_word_where_a_phrase_starts(text: str) -> None:
    prepared = passage(text)
    for phrases in (*(family.phrases for family in FAMILIES), VAGUE_QUANTITIES):
        hits = _every_marker_start(prepared.keys, phrases)
        found = find_markers(prepared, phrases, quoted=True)
        assert set(found) <= set(hits)
        if not hits:
            assert found == []
    for family in FAMILIES:
        if family.first_words.isdisjoint(prepared.key_set):
            assert find_markers(prepared, family.phrases) == []


@settings(max_examples=300, deadline=None)
@given(some_text)
def test_figures_and_dates_are_never_missed_by_their_cue_check(text: str) -> None:
    if _QUANTITY.search(text) is not None:
        assert _may_contain(text, _NUMBER_CUES)
    if _CALENDAR.search(text) is not None:
        assert _may_contain(text, _CALENDAR_CUES)
