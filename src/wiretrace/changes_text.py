"""Word tokens, quotations and token alignment of two passages (private to change detection).

Every token and quotation keeps character offsets into the passage it came from, so
that evidence is always an exact substring of the text that was compared.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property, lru_cache
from typing import NamedTuple

from wiretrace.lexicon import FUNCTION_WORDS

_WORD = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?[^\W_]*|[^\W_]+(?:['’.\-][^\W_]+)*\.?")
_CURLY_DOUBLE = re.compile(r"“([^“”]*)”")
_STRAIGHT_DOUBLE = re.compile(r'"([^"]*)"')
_DOUBLE_MARK = re.compile('["“”]')
_SINGLE = re.compile(r"(?:(?<=^)|(?<=[\s(\[—-]))[‘'](?=\S)(.+?)(?<=\S)[’'](?=[\s.,;:!?)\]]|$)")
# Where a word opens a sentence: the start of the text or a sentence end, then spaces, quote
# marks and spaces. (A newline ends no sentence by itself: it is one of the spaces.)
_SENTENCE_OPENING = re.compile(r"(?:^|[.!?:])\s*[\"'“”‘’«»(]*\s*")
# How many passages (and analyses of a passage) are kept: a source passage is compared with
# the passages of several derivatives, often far apart in a run.
PASSAGES_CACHED = 4096
_SUFFIXES = ("ing", "ed", "es", "s")
_STEM_LENGTH = 7


class Words(NamedTuple):
    """The words of a text as parallel tuples, word ``i`` at index ``i`` of each.

    Tuples of plain values rather than an object per word: they are quicker to build, and
    the garbage collector stops tracking them.
    """

    texts: tuple[str, ...]  # as written, a sentence-final full stop left out
    keys: tuple[str, ...]  # comparison keys: accents off, lower case, straight apostrophes
    starts: tuple[int, ...]  # character ranges [start, end) in the text
    ends: tuple[int, ...]
    sentence_starts: tuple[bool, ...]  # the word opens a sentence
    capitalised: tuple[bool, ...]  # written with a capital first letter


@dataclass(frozen=True, slots=True)
class Quotation:
    """Words inside quotation marks; ``start``/``end`` include the marks."""

    start: int
    end: int
    inner_start: int
    inner_end: int


@lru_cache(maxsize=1 << 15)  # one entry per distinct word
def stem(key: str) -> str:
    """Return a crude stem that lets "killed", "kills" and "killing" match."""
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 3:
            key = key[: -len(suffix)]
            break
    if key.endswith("e") and len(key) > 3:
        key = key[:-1]
    return key[:_STEM_LENGTH]


def is_content(key: str) -> bool:
    """Return True for a word that carries meaning (not a function word or a bare number)."""
    return key not in FUNCTION_WORDS and not key[:1].isdigit()


@lru_cache(maxsize=1 << 15)  # one entry per distinct word
def _token_key(raw: str) -> str:
    folded = unicodedata.normalize("NFKD", raw)
    key = "".join(c for c in folded if not unicodedata.combining(c)).lower().replace("’", "'")
    if key.endswith(".") and "." not in key[:-1]:
        key = key[:-1]
    return key


def tokenize(text: str) -> Words:
    """Return the words of a text with offsets; a sentence-final full stop is left out."""
    texts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _WORD.finditer(text):
        raw, start, end = match.group(), match.start(), match.end()
        if raw.endswith(".") and "." not in raw[:-1]:
            raw, end = raw[:-1], end - 1
        texts.append(raw)
        starts.append(start)
        ends.append(end)
    # a word opens a sentence when a match of _SENTENCE_OPENING ends where the word starts
    openings = {match.end() for match in _SENTENCE_OPENING.finditer(text)}
    return Words(
        tuple(texts),
        tuple(map(_token_key, texts)),
        tuple(starts),
        tuple(ends),
        tuple([start in openings for start in starts]),
        tuple([raw[:1].isupper() for raw in texts]),
    )


def find_quotations(text: str) -> tuple[Quotation, ...]:
    """Return the quotations of a text in order; single-quoted ones need three or more words."""
    found: list[Quotation] = []
    for pattern in (_CURLY_DOUBLE, _STRAIGHT_DOUBLE):
        for match in pattern.finditer(text):
            found.append(Quotation(match.start(), match.end(), match.start(1), match.end(1)))
    found.extend(_cut_quotation(text, found))
    # a single quotation opens with ' or ‘: most passages have neither
    singles = _SINGLE.finditer(text) if "'" in text or "‘" in text else ()
    for match in singles:
        inside = any(q.start <= match.start() < q.end for q in found)
        if not inside and len(match.group(1).split()) >= 3:
            found.append(Quotation(match.start(), match.end(), match.start(1), match.end(1)))
    return tuple(sorted(found, key=lambda q: (q.start, q.end)))


def _cut_quotation(text: str, paired: list[Quotation]) -> list[Quotation]:
    """Return the quotation cut by a passage boundary: a lone opening mark runs to the end,
    a lone closing mark runs from the start."""
    lone = [
        i
        for i in (m.start() for m in _DOUBLE_MARK.finditer(text))
        if not any(q.start <= i < q.end for q in paired)
    ]
    if len(lone) != 1:
        return []
    index = lone[0]
    opening = text[index] == "“" or (
        text[index] == '"'
        and index + 1 < len(text)
        and not text[index + 1].isspace()
        and (index == 0 or text[index - 1].isspace())
    )
    if opening:
        return [Quotation(index, len(text), index + 1, len(text))]
    return [Quotation(0, index + 1, 0, index)]


class Passage:
    """A passage prepared for comparison: words (tokens), stems and quotations.

    Token ``i`` is ``words[i]`` as written, ``keys[i]`` for comparison, at characters
    ``starts[i]:ends[i]``; ``capitalised[i]`` and ``sentence_starts[i]`` say whether it is
    written with a capital and whether it opens a sentence (see ``Words``).
    Build one with ``passage(text)``, which shares the prepared passage between detectors.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        words = tokenize(text)
        self.words, self.keys = words.texts, words.keys
        self.starts, self.ends = words.starts, words.ends
        self.sentence_starts, self.capitalised = words.sentence_starts, words.capitalised
        self.stems = tuple(map(stem, self.keys))
        self.quotations = find_quotations(text)
        # marker ranges found per (word list, quotations included): see changes_markers
        self.markers: dict[tuple[tuple[str, ...], bool], list[tuple[int, int]]] = {}

    @cached_property
    def positions(self) -> dict[str, tuple[int, ...]]:
        """Token indices of each key, in reading order."""
        found: dict[str, tuple[int, ...]] = {}
        for index, key in enumerate(self.keys):
            found[key] = (*found.get(key, ()), index)  # most words occur once
        return found

    @cached_property
    def quoted(self) -> tuple[bool, ...]:
        """For each token, whether it lies inside quotation marks."""
        quoted = [False] * len(self.keys)
        starts = self.starts  # ascending
        for q in self.quotations:
            first, end = bisect_left(starts, q.inner_start), bisect_left(starts, q.inner_end)
            quoted[first:end] = [True] * (end - first)  # tokens starting inside the marks
        return tuple(quoted)

    @cached_property
    def stem_set(self) -> frozenset[str]:
        return frozenset(self.stems)

    @cached_property
    def key_set(self) -> frozenset[str]:
        return frozenset(self.keys)

    @cached_property
    def midsentence_capitals(self) -> frozenset[str]:
        """Keys of words written with a capital inside a sentence (likely names)."""
        return frozenset(
            key
            for key, capital, opens in zip(
                self.keys, self.capitalised, self.sentence_starts, strict=True
            )
            if capital and not opens
        )

    def in_quotation(self, index: int) -> bool:
        """Return True when token ``index`` lies inside quotation marks."""
        return self.quoted[index]

    def joined(self, index: int) -> bool:
        """Return True when token ``index`` follows the previous token with only spaces between."""
        if index <= 0 or index >= len(self.keys):
            return False
        return not self.text[self.ends[index - 1] : self.starts[index]].strip()

    def same_clause(self, first: int, last: int) -> bool:
        """Return True when no clause punctuation separates tokens ``first`` and ``last``."""
        if first >= last:
            return True
        between = self.text[self.ends[first] : self.starts[last]]
        return not any(mark in between for mark in ",;:.!?()—")

    def span(self, first: int, last: int) -> str:
        """Return the original text from token ``first`` to token ``last`` inclusive."""
        if first > last or not self.keys:
            return ""
        return self.text[self.starts[first] : self.ends[last]]

    def find_phrase(self, words: tuple[str, ...]) -> list[int]:
        """Return the token indices where the key sequence ``words`` starts."""
        if not words:
            return []
        size, keys = len(words), self.keys
        return [i for i in self.positions.get(words[0], ()) if keys[i : i + size] == words]


@lru_cache(maxsize=PASSAGES_CACHED)
def passage(text: str) -> Passage:
    """Return the prepared passage of a text, shared by every detector that reads it."""
    return Passage(text)


@dataclass(frozen=True, slots=True)
class Block:
    """One opcode of the token alignment: source tokens [a0, a1) against derivative [b0, b1)."""

    tag: str
    a0: int
    a1: int
    b0: int
    b1: int


class PassagePair:
    """A source and a derivative passage with the token alignment between them.

    The alignment is made on first use: detectors that find nothing to place in it (no
    names, markers or vague quantities) never need it.
    """

    def __init__(self, source: str, derivative: str) -> None:
        self.source = passage(source)
        self.derivative = passage(derivative)

    @cached_property
    def blocks(self) -> tuple[Block, ...]:
        """The token alignment: difflib's opcodes over the word keys of the two sides."""
        matcher = SequenceMatcher(None, self.source.keys, self.derivative.keys, autojunk=False)
        return tuple(Block(*op) for op in matcher.get_opcodes())

    @cached_property
    def _block_starts(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return tuple(b.a0 for b in self.blocks), tuple(b.b0 for b in self.blocks)

    def side(self, derivative: bool) -> Passage:
        return self.derivative if derivative else self.source

    def block_of(self, index: int, derivative: bool) -> Block | None:
        """Return the alignment block holding token ``index`` of one side."""
        starts = self._block_starts[1 if derivative else 0]
        # blocks tile each side in order; empty ones (inserts/deletes) share a start with the next
        position = bisect_right(starts, index) - 1
        while position >= 0:
            block = self.blocks[position]
            lo, hi = (block.b0, block.b1) if derivative else (block.a0, block.a1)
            if lo <= index < hi:
                return block
            if hi <= index and hi > lo:
                return None
            position -= 1
        return None

    def counterpart(self, index: int, derivative: bool) -> int | None:
        """Return the index of the same token on the other side when it lies in an equal block."""
        block = self.block_of(index, derivative)
        if block is None or block.tag != "equal":
            return None
        return block.a0 + index - block.b0 if derivative else block.b0 + index - block.a0
