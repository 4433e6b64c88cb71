"""Sentence splitting for news text: rules over candidate ends, with an abbreviation list.

A candidate end is ``.``, ``!``, ``?`` or an ellipsis, with any closing quotes
or brackets, followed by whitespace. Rules then decide:

- a lowercase next word never starts a sentence (``"Is it?" she asked.``);
- a title abbreviation (Sen., Gov., Dr. ...) never ends one;
- a number abbreviation (No., Jan., Dec. ...) does not end one before a digit;
- other abbreviations and initials (Inc., U.S., J.R.R., F.) end one only before
  a word that typically opens a sentence (The, He, But ...);
- in ``split_sentences`` a newline always ends a sentence; a paragraph of
  hard-wrapped lines given to ``sentence_spans_in`` lets sentences run across them.

Periods not followed by whitespace (3.5%, $1.2bn, U.S.-led) are never ends.
"""

from __future__ import annotations

import re

from wiretrace.models import Span

__all__ = ["LINE_BREAKS", "line_spans", "sentence_spans_in", "split_sentences"]


def _word_set(words: str) -> frozenset[str]:
    """Return the whitespace-separated words of a word list written as one string."""
    return frozenset(words.split())


# Abbreviations that precede a name or a noun, so never end a sentence.
TITLE_ABBREVIATIONS = _word_set(
    """mr mrs ms messrs mme mlle dr prof sen sens rep reps gov gen lt col maj capt cmdr adm sgt
    cpl pvt brig cdr supt insp det atty amb pres rev fr hon st ste mt ft vs v cf viz e.g i.e
    approx ca"""
)
# Abbreviations that precede a number ("No. 1", "Dec. 5"); they end a sentence only otherwise.
NUMBER_ABBREVIATIONS = _word_set(
    """no nos art fig figs vol vols p pp ch sec para jan feb mar apr jun jul aug sep sept oct nov
    dec"""
)
# Abbreviations that may end a sentence: they do so only before a typical sentence opener.
TRAILING_ABBREVIATIONS = _word_set(
    """inc corp ltd co llc plc bros jr sr etc al dept univ assn est govt intl"""
)
# Capitalised words that typically open a sentence, used after an ambiguous abbreviation.
SENTENCE_OPENERS = _word_set(
    """the a an he she it they we i you his her its their our this that these those there but and
    or so yet in on at for with as after before when while if although though however meanwhile
    some many most several all both no not what who why how where one two three it's he's she's
    they're we're there's according earlier later since during under last next then still also
    other another each"""
)

# The characters that end a line (those str.splitlines breaks on).
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE = re.compile(f"[^{LINE_BREAKS}]+")
_CLOSERS = "\"'\u201d\u2019\u00bb\u203a)\\]"
# A candidate end and the next word (a candidate with no word after it ends nothing). The
# first mark stands alone ("[.!?]", not "[.!?]+"): a pattern that opens with a character
# class lets the regex engine skip ahead to the marks instead of trying every position.
_CANDIDATE = re.compile(
    rf"(?P<punct>[.!?\u2026][.!?\u2026]*)(?P<close>[{_CLOSERS}]*)(?=\s+(?P<word>\S+))"
)
_LONGEST_ABBREVIATION = 24
_OPENERS = "\"'\u201c\u2018\u00ab\u2039([{"
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]|[A-Z]")


def split_sentences(text: str) -> list[Span]:
    """Return the sentences of ``text`` as spans into it, in order.

    Spans are stripped of surrounding whitespace, non-empty, ordered and
    non-overlapping; no sentence crosses a line break.
    """
    return [s for line in line_spans(text) for s in sentence_spans_in(text, line)]


def line_spans(text: str) -> list[Span]:
    """Return the non-blank lines of ``text`` as stripped spans, in order."""
    spans: list[Span] = []
    for line in _LINE.finditer(text):
        span = _stripped(text, line.start(), line.end())
        if span is not None:
            spans.append(span)
    return spans


def sentence_spans_in(text: str, line: Span) -> list[Span]:
    """Return the sentences inside one line or paragraph (a span of ``text``).

    A paragraph of hard-wrapped lines may hold line breaks: sentences then run
    across them, and only ``.``, ``!``, ``?`` or an ellipsis end one.
    """
    spans: list[Span] = []
    start = line.start
    for end in _sentence_ends(text, line):
        span = _stripped(text, start, end)
        if span is not None:
            spans.append(span)
        start = end
    last = _stripped(text, start, line.end)
    if last is not None:
        spans.append(last)
    return spans


def _sentence_ends(text: str, line: Span) -> list[int]:
    """Return the offsets at which sentences end inside ``line``."""
    candidates = _CANDIDATE.finditer(text, line.start, line.end)
    return [candidate.end() for candidate in candidates if _ends_sentence(text, candidate)]


def _ends_sentence(text: str, candidate: re.Match[str]) -> bool:
    """Decide whether a candidate end, followed by its next word, ends a sentence."""
    punct, close, next_word = candidate.group("punct", "close", "word")
    if next_word.lstrip(_OPENERS)[:1].islower():
        return False
    if punct != "." or close:
        return True
    return _period_ends_sentence(_word_before(text, candidate.start()), next_word)


def _word_before(text: str, end: int) -> str:
    """Return the token that ends at ``end`` (without opening quotes), or "" after whitespace."""
    window = text[max(0, end - _LONGEST_ABBREVIATION) : end]
    if not window or window[-1].isspace():
        return ""
    return window.rsplit(maxsplit=1)[-1].lstrip(_OPENERS)


def _period_ends_sentence(word: str, next_word: str) -> bool:
    """Decide whether the period after ``word`` ends a sentence, given the next word."""
    key = word.lower()
    if key in TITLE_ABBREVIATIONS:
        return False
    if key in NUMBER_ABBREVIATIONS:
        return not next_word[:1].isdigit()
    if key in TRAILING_ABBREVIATIONS or _INITIALS.fullmatch(word):
        return _opens_sentence(next_word)
    return True


def _opens_sentence(next_word: str) -> bool:
    """Tell whether ``next_word`` typically opens a sentence (or is an opening quote)."""
    if next_word[:1] in _OPENERS:
        return True
    return next_word.rstrip(",.;:!?").lower() in SENTENCE_OPENERS


def _stripped(text: str, start: int, end: int) -> Span | None:
    """Return ``[start, end)`` without surrounding whitespace, or None when nothing is left."""
    piece = text[start:end]
    core = piece.strip()
    if not core:
        return None
    begin = start + (len(piece) - len(piece.lstrip()))
    return Span(begin, begin + len(core))
