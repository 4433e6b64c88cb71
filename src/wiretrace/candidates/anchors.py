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
from itertools import accumulate, chain

import numpy as np

from wiretrace.fingerprint import Tokens, shingle_hashes

__all__ = ["TRIGRAM_SAMPLE", "anchor_weight", "extract_anchors"]

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


def _text_anchors(
    sentences: Sequence[str], line_hashes: Sequence[int]
) -> Iterable[tuple[str, int]]:
    """Yield (anchor, line hash) for the names and numbers of the sentences."""
    text = "\n".join(sentences)
    starts = list(accumulate((len(s) + 1 for s in sentences[:-1]), initial=0))
    for match in _NAME.finditer(text):
        line = line_hashes[bisect_right(starts, match.start()) - 1]
        for anchor in _name_anchors(match.group()):
            yield anchor, line
    for match in _NUMBER.finditer(text):
        number = _number_anchor(match, text)
        if number is not None:
            yield number, line_hashes[bisect_right(starts, match.start()) - 1]


def _trigram_anchors(body: Tokens, line_hashes: Sequence[int]) -> Iterable[tuple[str, int]]:
    """Yield (anchor, line hash) for sampled content-word 3-grams inside one sentence."""
    stream = body.stream
    content = [i for i, w in enumerate(stream) if len(w) > 1 and w not in _FUNCTION_WORDS]
    position = np.array([i for i in content if not stream[i].isdigit()], dtype=np.intp)
    if len(position) < 3:
        return
    sentence = body.sentence_of[position]
    grams = shingle_hashes(body.hashes[position], 3)
    keep = np.flatnonzero(
        (sentence[:-2] == sentence[2:]) & (grams % np.uint64(TRIGRAM_SAMPLE) == 0)
    )
    triples = zip(
        position[keep].tolist(),
        position[keep + 1].tolist(),
        position[keep + 2].tolist(),
        sentence[keep].tolist(),
        strict=True,
    )
    for first, middle, last, line in triples:
        yield f"w:{stream[first]} {stream[middle]} {stream[last]}", line_hashes[line]


def extract_anchors(
    sentences: Sequence[str], body: Tokens, line_hashes: Sequence[int]
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Return the sorted distinct anchors of body ``sentences`` and, for each, its line hash.

    ``body`` holds the tokens of the same sentences and ``line_hashes[i]``
    identifies sentence ``i``; an anchor found in several sentences keeps the
    first. Raises ValueError when the three do not describe the same sentences.
    """
    if not len(sentences) == len(line_hashes) == len(body.words):
        raise ValueError(
            f"sentences, tokens and line hashes must match, got {len(sentences)}, "
            f"{len(body.words)} and {len(line_hashes)}"
        )
    first_line: dict[str, int] = {}
    for anchor, line in chain(
        _text_anchors(sentences, line_hashes), _trigram_anchors(body, line_hashes)
    ):
        first_line.setdefault(anchor, line)
    anchors = tuple(sorted(first_line))
    return anchors, tuple(first_line[a] for a in anchors)


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
