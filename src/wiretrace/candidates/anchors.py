"""Rare anchors: facts a rewrite keeps even when it changes every sentence.

A paraphrase or an LLM rewrite shares almost no word 5-grams with its source
(seeds 002 and 004 share <= 6%), but it keeps the story's names, numbers and a
few content-word runs. Three kinds of anchor are taken from body sentences:

- ``n:`` capitalised multiword names, connectors allowed inside ("Cartel of the
  Suns"), leading function words dropped ("The United States" -> "united
  states"), accents folded; for longer runs the last two capitalised words are
  added too ("US President Donald Trump" -> "donald trump").
- ``#:`` numbers with their scale word: "$50 million", "USD 50 million" ->
  "50 million"; "83 people" -> "83". Bare numbers below 10 are too common.
- ``w:`` content-word 3-grams (function words removed, so "the aim of the
  military deployment" -> "aim military deployment"), sampled consistently by
  hash (one in ``TRIGRAM_SAMPLE``) so every article keeps the same subset.

Identity comes from rarity: the index weighs a shared anchor by an IDF-like
weight that is 1 for an anchor only the pair holds and falls as more articles
hold it; anchors held by more than ``anchor_max_df`` articles (outlet names,
"United States") weigh nothing. Each anchor remembers the line it came from so
that anchors inside shared boilerplate lines can be left out of a pair's score.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import accumulate

import numpy as np
import numpy.typing as npt
import xxhash

from wiretrace.fingerprint import Tokens, shingle_hashes

__all__ = [
    "CONTENT",
    "TRIGRAM_SAMPLE",
    "anchor_hash_list",
    "anchor_weight",
    "content_kinds",
    "extract_anchors",
    "hashed_anchors",
]

TRIGRAM_SAMPLE = 3  # keep content 3-grams whose hash is 0 modulo this

_UPPER = "A-ZÀ-ÖØ-Þ"
_CAP = rf"[{_UPPER}][\w'’-]*"
_CONNECTOR = r"(?:of|the|de|del|da|di|du|la|le|al|el|bin|van|von|der|for|and)"
# Separators are spaces only, so that a name never runs across the newline between sentences.
_NAME = re.compile(rf"{_CAP}(?:[ \t]+(?:{_CONNECTOR}[ \t]+)*{_CAP})+")
_NUMBER = re.compile(
    r"(\d[\d,]*)(?:\.(\d+))?(?:[ \t]*(million|billion|trillion|thousand|percent|per cent|%))?"
)
_LEADING_WORDS = (
    "the a an but and or in on at for from to of by as if so since when while though "
    "although after before during meanwhile however this that these those his her its "
    "their our"
)
_OTHER_FUNCTION_WORDS = (
    "is are was were be been being has have had do does did will would should could can "
    "may might must it he she they we you i him them us me not no with about into over "
    "than then there here which who whom whose what also said says say such very more "
    "most some any all up out off"
)
_LEADING = frozenset(_LEADING_WORDS.split())  # dropped from the start of a name
_FUNCTION_WORDS = _LEADING | frozenset(_OTHER_FUNCTION_WORDS.split())

# A word's content kind: 0 for a function word, a one-character word or a number; else
# ``SHORT_CONTENT`` for a two-character word (it may be part of a content 3-gram) and
# ``CONTENT`` for a longer one (it also counts in the semantic vectors).
SHORT_CONTENT = 1
CONTENT = 2


def _fold(text: str) -> str:
    """Return ``text`` lowercased with accents removed ("Nicolás" -> "nicolas")."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 16)  # pure; names recur across a corpus ("Prime Minister", "Wall Street")
def _name_anchors(name: str) -> tuple[str, ...]:
    words = name.replace("’", "'").split()
    while words and words[0].lower() in _LEADING:
        words = words[1:]
    if len(words) < 2:
        return ()
    whole = "n:" + _fold(" ".join(words))
    capitals = [w for w in words if w[0].isupper()]
    if len(capitals) >= 3:
        return whole, "n:" + _fold(" ".join(capitals[-2:]))
    return (whole,)


def _number_anchor(match: re.Match[str], text: str) -> str | None:
    start = match.start()
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._,"):
        return None  # the tail of a longer token: "A380", "1.5", "3,000"
    whole, fraction, scale = match.groups()
    digits = whole.rstrip(",").replace(",", "")
    if fraction and fraction.strip("0"):
        digits = f"{digits}.{fraction.rstrip('0')}"
    if scale:
        unit = "percent" if scale in ("%", "per cent") else scale
        return f"#:{digits} {unit}"
    return f"#:{digits}" if len(digits) > 1 else None


class _KindTable(dict[str, int]):
    """The content kind of each word seen (``content_kinds``), filled on first sight: a
    corpus repeats a vocabulary of tens of thousands of words, and one dictionary read per
    word is quicker than the three tests it stands for."""

    def __missing__(self, word: str) -> int:
        if len(word) < 2 or word in _FUNCTION_WORDS or word.isdigit():
            kind = 0
        else:
            kind = CONTENT if len(word) > 2 else SHORT_CONTENT
        if len(self) < _KINDS_KEPT:
            self[word] = kind
        return kind


_KINDS_KEPT = 1 << 18  # words whose kind is kept (~30 MB at most); the rest are tested each time
_KINDS = _KindTable()


def content_kinds(words: Sequence[str]) -> npt.NDArray[np.int8]:
    """Return the content kind of each of ``words`` (0, ``SHORT_CONTENT`` or ``CONTENT``)."""
    return np.fromiter(map(_KINDS.__getitem__, words), dtype=np.int8, count=len(words))


def _first_lines(anchors: Sequence[str], lines: Sequence[int]) -> dict[str, int]:
    """Return each distinct anchor with the line of its first occurrence."""
    # read backwards, an earlier occurrence overwrites a later one
    return dict(zip(reversed(anchors), reversed(lines), strict=True))


def _text_anchors(sentences: Sequence[str], line_hashes: Sequence[int]) -> dict[str, int]:
    """Return the names and numbers of the sentences, each with the line hash where first found."""
    text = "\n".join(sentences)
    starts = list(accumulate((len(s) + 1 for s in sentences[:-1]), initial=0))
    anchors: list[str] = []
    lines: list[int] = []
    for match in _NAME.finditer(text):
        names = _name_anchors(match.group())
        if names:
            anchors.extend(names)
            lines.extend([line_hashes[bisect_right(starts, match.start()) - 1]] * len(names))
    for match in _NUMBER.finditer(text):
        number = _number_anchor(match, text)
        if number is not None:
            anchors.append(number)
            lines.append(line_hashes[bisect_right(starts, match.start()) - 1])
    return _first_lines(anchors, lines)


def _trigram_anchors(
    body: Tokens, kinds: npt.NDArray[np.int8], line_hashes: Sequence[int]
) -> dict[str, int]:
    """Return the sampled content-word 3-grams inside one sentence, each with the line hash
    where first found (``kinds``: the content kind of each word of ``body.stream``)."""
    position = np.flatnonzero(kinds)
    if len(position) < 3:
        return {}
    sentence = body.sentence_of[position]
    grams = shingle_hashes(body.hashes[position], 3)
    keep = np.flatnonzero(
        (sentence[:-2] == sentence[2:]) & (grams % np.uint64(TRIGRAM_SAMPLE) == 0)
    )
    stream = body.stream
    triples = zip(
        position[keep].tolist(),
        position[keep + 1].tolist(),
        position[keep + 2].tolist(),
        strict=True,
    )
    anchors = [
        f"w:{stream[first]} {stream[middle]} {stream[last]}" for first, middle, last in triples
    ]
    return _first_lines(anchors, [line_hashes[line] for line in sentence[keep].tolist()])


def extract_anchors(
    sentences: Sequence[str],
    body: Tokens,
    line_hashes: Sequence[int],
    kinds: npt.NDArray[np.int8] | None = None,
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Return the sorted distinct anchors of body ``sentences`` and, for each, its line hash.

    ``body`` holds the tokens of the same sentences and ``line_hashes[i]``
    identifies sentence ``i``; an anchor found in several sentences keeps the
    first. ``kinds`` is ``content_kinds(body.stream)`` when the caller has it.
    Raises ValueError when the three do not describe the same sentences.
    """
    if not len(sentences) == len(line_hashes) == len(body.words):
        raise ValueError(
            f"sentences, tokens and line hashes must match, got {len(sentences)}, "
            f"{len(body.words)} and {len(line_hashes)}"
        )
    if kinds is None:
        kinds = content_kinds(body.stream)
    # names, numbers and 3-grams differ in their prefixes: no anchor is of two kinds
    first_line = _text_anchors(sentences, line_hashes) | _trigram_anchors(body, kinds, line_hashes)
    anchors = tuple(sorted(first_line))
    return anchors, tuple(map(first_line.__getitem__, anchors))


def anchor_hash_list(anchors: Iterable[str]) -> list[int]:
    """Return the 64-bit hash of each anchor, in order: what features hold and indexes file
    an anchor under (a corpus's anchors as strings cost ~80 bytes each, as hashes 8)."""
    digest = xxhash.xxh3_64_intdigest
    return [digest(a.encode("utf-8")) for a in anchors]


def _anchor_hash(anchor: str | int) -> int:
    if isinstance(anchor, str):
        return xxhash.xxh3_64_intdigest(anchor.encode("utf-8"))
    if isinstance(anchor, int) and not isinstance(anchor, bool):
        return anchor
    raise TypeError(f"an anchor is a string or its hash, got {type(anchor).__name__}")


def hashed_anchors(
    anchors: Sequence[str | int], lines: Sequence[int]
) -> tuple[list[int], list[int]]:
    """Return ``anchors`` as distinct hashes in ascending order (strings hashed with
    ``anchor_hash_list``, integers taken as hashes already), each with its line from
    ``lines`` (empty when ``lines`` is). Raises ValueError when ``lines`` is given and its
    length differs, or an anchor is given twice."""
    if lines and len(lines) != len(anchors):
        raise ValueError(f"anchor_lines must match anchors, got {len(lines)} for {len(anchors)}")
    strings = [a for a in anchors if isinstance(a, str)]
    if len(strings) == len(anchors):  # as extracted: hashed in one pass
        values = anchor_hash_list(strings)
    else:
        values = [_anchor_hash(a) for a in anchors]
    if len(set(values)) != len(values):
        raise ValueError("anchors must be distinct")
    if not lines:
        return sorted(values), []
    # the hashes are distinct: ordering by hash alone orders the pairs
    order = sorted(range(len(values)), key=values.__getitem__)
    return [values[i] for i in order], [lines[i] for i in order]


@lru_cache(maxsize=1 << 16)  # pure; called for every anchor of every judged pair
def anchor_weight(df: int, total: int, max_df: int) -> float:
    """Return the weight in [0, 1] of an anchor held by ``df`` of ``total`` articles.

    1.0 for an anchor only two articles hold, falling with ``log(1 + total/df)``
    as more hold it, 0.0 above ``max_df`` or when fewer than two hold it.
    """
    if df < 2 or df > max_df:
        return 0.0
    total = max(total, df, 2)
    return min(1.0, math.log1p(total / df) / math.log1p(total / 2))
