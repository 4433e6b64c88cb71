"""The wire's own updates and corrections in Reuters-21578, as a gold list of story pairs.

Reuters marks a corrected or repeated item in its headline ("CORRECTED - ...", "(CORRECTED)-
...", "<CORRECTED> - ...", "RPT - ...", "(RPT)") or in a note in the body ("(Corrects dividend
figure ...)", "(Company corrects ...)", "(Adds title first paragraph)", or a line "-- Corrects
name of purchaser"). The "UPDATE N", "RECASTS" and "REPEAT" markers of later wire copy are
recognised too, though the records with a body in this corpus carry none of them.

A marked record and an earlier or nearby record are one story (a gold pair) when all of:

* they are at most ``GOLD_WINDOW`` apart (a correction follows its item within days);
* their headlines name the same thing: they share a ticker (``<GM>``, ``<CRZY.O>`` = ``<CRZY>``)
  or at least half the shorter headline's content words (markers, tickers' brackets and words
  of two letters or fewer set aside; words compared by their first five letters, so "AUSTRIA"
  meets "AUSTRIAN");
* their bodies share at least ``GOLD_BODY_SHARE`` of the smaller body's distinct words.

The body test alone is not enough: results tables ("Shr 20 cts vs ...") and dividend notices
share most words with every other one; the headline test alone joins a company's different
stories. Only this module's pure helpers live here; ``quality_pile`` runs the pile.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from wiretrace.models import Article

GOLD_WINDOW = timedelta(days=7)
GOLD_BODY_SHARE = 0.75
GOLD_HEADLINE_SHARE = 0.5
STEM = 5  # headline words are compared by their first letters

_TITLE_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("correction", re.compile(r"^\s*[(<]?\s*CORRECT(?:ED|ION)\s*[)>]?\s*-")),
    ("repeat", re.compile(r"^\s*(?:\(RPT\)|RPT\s*-|REPEAT\s*-)|\(RPT\)\s*$")),
    ("update", re.compile(r"^\s*UPDATE\s*\d*\s*[-:]|\(UPDATE\s*\d*\)")),
)
_NOTE = re.compile(
    r"\(\s*(?:company\s+)?(?P<verb>corrects|correcting|clarifies|adds|recasts|updates"
    r"|repeats)\b[^()]{0,200}\)",
    re.IGNORECASE,
)
# the same note without brackets, opening a line or after a dash: "-- Corrects name of buyer"
_BARE_NOTE = re.compile(
    r"(?:^|--)[ \t]*(?:NOTE:\s*)?(?P<verb>Corrects|Correcting|Clarifies|Adds|Recasts|Updates"
    r"|Repeats)\b[^\n]{0,200}",
    re.MULTILINE,
)
_NOTE_KIND = {
    "corrects": "correction",
    "correcting": "correction",
    "clarifies": "correction",
    "adds": "addition",
    "recasts": "addition",
    "updates": "update",
    "repeats": "repeat",
}
# markers, and words every company headline may carry
_SET_ASIDE = frozenset(
    {
        "corrected",
        "correction",
        "rpt",
        "repeat",
        "update",
        "corp",
        "inc",
        "ltd",
        "and",
        "the",
        "for",
    }
)
_TICKER = re.compile(r"<\s*([A-Z][A-Z0-9]{0,5})(?:\.[A-Z]{1,2})?\s*>")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class WireMarker:
    """A mark the wire put on a version of a story: its kind and the text that says so."""

    kind: str  # correction, repeat, update or addition
    text: str


@dataclass(frozen=True)
class GoldPair:
    """Two records of one story, one of them marked by the wire: ``earlier`` then ``later``."""

    earlier: str
    later: str
    kind: str  # the marker's kind (of the later record where both are marked)
    marker: str


def wire_markers(title: str | None, body: str) -> tuple[WireMarker, ...]:
    """Return the wire's update, repeat and correction marks in a headline and a body, headline
    first; an empty tuple for an unmarked record."""
    found = []
    for kind, pattern in _TITLE_MARKERS:
        match = pattern.search(title or "")
        if match:
            found.append(WireMarker(kind, match.group().strip()))
    notes = [*_NOTE.finditer(body), *_BARE_NOTE.finditer(body)]
    for match in sorted(notes, key=lambda m: m.start()):
        note = " ".join(match.group().lstrip("- \t").split())
        found.append(WireMarker(_NOTE_KIND[match.group("verb").lower()], note))
    return tuple(found)


def tickers(title: str | None) -> frozenset[str]:
    """Return the ticker symbols in a headline, exchange suffixes dropped (``<CRZY.O>`` -> CRZY)."""
    return frozenset(_TICKER.findall(title or ""))


def headline_words(title: str | None) -> frozenset[str]:
    """Return a headline's content words, cut to their first ``STEM`` letters, markers and
    words of two letters or fewer left out."""
    plain = _TICKER.sub(" ", title or "").lower()
    return frozenset(w[:STEM] for w in _WORD.findall(plain) if len(w) > 2 and w not in _SET_ASIDE)


def body_words(text: str) -> frozenset[str]:
    """Return the distinct lowercase words of a body."""
    return frozenset(_WORD.findall(text.lower()))


def _share(a: frozenset[str], b: frozenset[str]) -> float:
    smaller = min(len(a), len(b))
    return len(a & b) / smaller if smaller else 0.0


@dataclass(frozen=True)
class _Record:
    article: Article
    tickers: frozenset[str]
    headline: frozenset[str]
    body: frozenset[str]

    @classmethod
    def of(cls, article: Article) -> _Record:
        return cls(
            article, tickers(article.title), headline_words(article.title), body_words(article.text)
        )


def _near_in_time(a: Article, b: Article) -> bool:
    if a.published_at is None or b.published_at is None:
        return True
    return abs(a.published_at - b.published_at) <= GOLD_WINDOW


def same_story(a: _Record, b: _Record) -> bool:
    """Tell whether two records are versions of one story by the module's rule."""
    headline_match = bool(a.tickers & b.tickers) or (
        _share(a.headline, b.headline) > GOLD_HEADLINE_SHARE
    )
    return (
        headline_match
        and _near_in_time(a.article, b.article)
        and _share(a.body, b.body) >= GOLD_BODY_SHARE
    )


def _in_order(a: Article, b: Article) -> tuple[Article, Article]:
    """Return the two by publication time, then id; an undated record counts as the later."""
    key_a = (a.published_at or datetime.max, a.id)
    key_b = (b.published_at or datetime.max, b.id)
    return (a, b) if key_a <= key_b else (b, a)


def gold_update_pairs(articles: Sequence[Article]) -> list[GoldPair]:
    """Return every pair of one story in which at least one record carries a wire marker,
    sorted by (earlier, later); each pair once."""
    records = [_Record.of(a) for a in articles]
    marks = {a.id: wire_markers(a.title, a.text) for a in articles}
    pairs: dict[tuple[str, str], GoldPair] = {}
    for marked in (r for r in records if marks[r.article.id]):
        for other in records:
            if other.article.id == marked.article.id or not same_story(marked, other):
                continue
            earlier, later = _in_order(marked.article, other.article)
            mark = (marks[later.id] or marks[earlier.id])[0]
            pairs[(earlier.id, later.id)] = GoldPair(earlier.id, later.id, mark.kind, mark.text)
    return [pairs[key] for key in sorted(pairs)]


def marked_records(articles: Iterable[Article]) -> dict[str, tuple[WireMarker, ...]]:
    """Return the marks of every marked record, keyed by id."""
    out = {}
    for article in articles:
        marks = wire_markers(article.title, article.text)
        if marks:
            out[article.id] = marks
    return out
